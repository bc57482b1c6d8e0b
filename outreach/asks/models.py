"""Asks: requests made, with their outcome, reason and lesson (going for no)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.core.types import utcnow, words
from outreach.domain.vocabulary import NoReason, Outcome
from outreach.extensions import Model

if TYPE_CHECKING:
    from outreach.campaigns.models import Campaign
    from outreach.contacts.models import Contact


class Ask(Model):
    __tablename__ = "asks"
    __table_args__ = (
        Index("ix_asks_owner_outcome", "owner_id", "outcome"),
        Index("ix_asks_owner_updated", "owner_id", "updated_at"),  # the asks changed since Today's board last looked
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"), index=True)
    asked_at: Mapped[datetime]
    channel: Mapped[str | None] = mapped_column(String(100))
    request: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[Outcome] = mapped_column(words(Outcome, 20, "outcome"), default=Outcome.PENDING)
    reason: Mapped[NoReason | None] = mapped_column(words(NoReason, 30, "reason"))
    reason_detail: Mapped[str] = mapped_column(Text, default="")
    lesson: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[int] = mapped_column(Integer, default=1)
    # A reply to a bulk send: the bulk ask counts its recipients, its replies count themselves.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("asks.id", ondelete="CASCADE"), index=True)
    follow_up_on: Mapped[date | None]
    decided_at: Mapped[datetime | None]
    # A reply seen in the mailbox (capture): the implicit-no clock stops, the outcome is still the user's to record.
    replied_at: Mapped[datetime | None]
    reply_subject: Mapped[str | None] = mapped_column(String(300))
    # Recorded when the ask is made, so yes rates can be compared by warmth band later.
    warmth_at_ask: Mapped[float | None] = mapped_column(Float)
    criteria_at_ask: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Soft delete (undo); a deleted ask leaves the ledger, its stats and the readiness rules.
    deleted_at: Mapped[datetime | None]

    # Loaded with selectinload where a loop reads them (the planner's follow-ups), never row by row.
    contact: Mapped[Contact | None] = relationship()
    campaign: Mapped[Campaign | None] = relationship()


class AskChange(Model):
    """One edit of an ask: what changed, from what to what (the ledger never forgets)."""

    __tablename__ = "ask_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    ask_id: Mapped[int] = mapped_column(ForeignKey("asks.id", ondelete="CASCADE"), index=True)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
