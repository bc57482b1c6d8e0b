"""Reminders: what the planner suggests doing on a date; what the calendar export carries."""

from __future__ import annotations

import os
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.contacts.models import Contact
from outreach.core.types import utcnow, words
from outreach.domain.vocabulary import ReminderKind, ReminderState
from outreach.extensions import Model


def natural_key(owner_id: int, kind: str, contact_id: int | None, campaign_id: int | None, due_on: date) -> str:
    """(owner, kind, contact, campaign, due date) as one string: unique even where ids are NULL."""
    return f"{owner_id}:{kind}:{contact_id or '-'}:{campaign_id or '-'}:{due_on.isoformat()}"


def new_uid() -> str:
    """The calendar UID a reminder keeps for life, so every refresh updates one event (RFC 5545): 128 random
    bits, as many as a uuid4's, without building a UUID object for each of a tick's thousands."""
    return f"reminder-{os.urandom(16).hex()}@outreach"


class Reminder(Model):
    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("owner_id", "kind", "contact_id", "campaign_id", "due_on"),
        Index("ix_reminders_owner_state_due", "owner_id", "state", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[ReminderKind] = mapped_column(words(ReminderKind, 20, "kind"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    due_on: Mapped[date]
    due_at: Mapped[datetime | None]  # naive UTC, for the few reminders that have a time (an interview)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[ReminderState] = mapped_column(words(ReminderState, 12, "state"), default=ReminderState.OPEN)
    snoozed_until: Mapped[date | None]
    # SQL treats NULLs as distinct, so the composite constraint alone cannot stop a second
    # keep-warm reminder (no campaign) on the same day; this column can.
    natural_key: Mapped[str] = mapped_column(String(120), unique=True)
    uid: Mapped[str] = mapped_column(String(100), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # Loaded with the planner's book of reminders (reminders.books.load_book), not one by one.
    contact: Mapped[Contact | None] = relationship()


class TickState(Model):
    """What the planner's last tick for a user saw (a fingerprint of its inputs) and when: the next tick
    the same day, with nothing changed, reassesses only the pairs that time alone can move.

    Machinery, not the user's data (so ``user_id``, not ``owner_id``: backups leave it out); losing it
    costs one full tick."""

    __tablename__ = "tick_states"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    ticked_at: Mapped[datetime]  # the tick's clock (naive UTC)
    fingerprint: Mapped[str] = mapped_column(Text)
