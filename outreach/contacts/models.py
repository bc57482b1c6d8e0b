"""Contacts, the touches that warm them, and the periods they are busy."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, validates

from outreach.core.types import TagList, utcnow, words
from outreach.domain import rules, warmth
from outreach.domain.vocabulary import BusySource, ContactKind, Direction, TouchKind, TouchSource
from outreach.extensions import Model


class Contact(Model):
    __tablename__ = "contacts"
    __table_args__ = (
        # deleted_at too: counting the live contacts in a warmth range (trust-ready) reads the index alone.
        Index("ix_contacts_owner_warmth", "owner_id", "warmth_key", "deleted_at"),
        Index("ix_contacts_owner_last_touch", "owner_id", "last_touch_at"),  # the list sorted by last touch
        # The contacts whose relationship came of age between two ticks of a day (reminders.incremental.movers):
        # one index range instead of every contact of the owner's.
        Index("ix_contacts_owner_first_touch", "owner_id", "first_touch_at", "last_inbound_at", "deleted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))  # the primary address
    # Every further address they write from: each one matches on import and in mail capture.
    other_emails: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    kind: Mapped[ContactKind] = mapped_column(words(ContactKind, 20, "kind"), default=ContactKind.PEER)
    topics: Mapped[list[str]] = mapped_column(TagList, default=list)
    audience_size: Mapped[int | None] = mapped_column(Integer)
    promotes_others: Mapped[bool | None]
    promotion_methods: Mapped[list[str]] = mapped_column(TagList, default=list)
    fit_override: Mapped[int | None] = mapped_column(Integer)
    links: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(TagList, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Research (seed 003): how they like to be contacted, where they promote others, what is coming up.
    preferred_contact: Mapped[str] = mapped_column(String(200), default="", server_default="")
    promotions_url: Mapped[str | None] = mapped_column(String(2000))
    upcoming_events: Mapped[str] = mapped_column(Text, default="", server_default="")
    # log2 of the decayed touch sum plus t/h: orders contacts by warmth at any moment (warmth.py).
    warmth_key: Mapped[float | None] = mapped_column(Float)
    first_touch_at: Mapped[datetime | None]
    last_touch_at: Mapped[datetime | None]
    last_inbound_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None]
    # "manual" (a form, the API, the bookmarklet) or "import" (a CSV file): Today's first-day list reads it.
    source: Mapped[str] = mapped_column(String(10), default="manual", server_default="manual")

    @property
    def emails(self) -> list[str]:
        """All their addresses, the primary first."""
        return ([self.email] if self.email else []) + list(self.other_emails or [])

    @emails.setter
    def emails(self, addresses: list[str]) -> None:
        found = rules.addresses(None, addresses)
        self.email, self.other_emails = (found[0] if found else None), found[1:]


def _seconds_of_row(context: DefaultExecutionContext) -> float:
    """A touch row's occurred_s from its own occurred_at, for inserts that do not give it (executemany too)."""
    return warmth.seconds(context.get_current_parameters()["occurred_at"])  # type: ignore[no-untyped-call]


class Touch(Model):
    __tablename__ = "touches"
    __table_args__ = (
        Index("ix_touches_contact_occurred", "contact_id", "occurred_at"),
        # The rescore reads one owner's touches in contact order, from this index alone: everything its
        # aggregate needs is here (and it serves every lookup by owner and contact).
        Index("ix_touches_owner_contact_warmth", "owner_id", "contact_id", "kind", "direction", "occurred_s", "deleted_at"),
        # "Has a touch of this contact's already linked to this post?" (storing a feed's new posts, and
        # Today's openings). Only touches with a URL: the index stays small, and logging a touch without
        # one writes nothing to it. Without it PostgreSQL read every touch row to find none.
        Index(
            "ix_touches_contact_url",
            "contact_id",
            "url",
            postgresql_where=text("url IS NOT NULL"),
            sqlite_where=text("url IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    kind: Mapped[TouchKind] = mapped_column(words(TouchKind, 20, "kind"))
    direction: Mapped[Direction] = mapped_column(words(Direction, 10, "direction"), default=Direction.OUTBOUND)
    occurred_at: Mapped[datetime]
    # occurred_at as seconds since warmth.EPOCH: the rescore's aggregate reads a number, never parses
    # a timestamp. Kept in step on every write: ORM inserts and edits (the validator below), Core
    # inserts that leave it out (the default reads occurred_at from the same row).
    occurred_s: Mapped[float] = mapped_column(Float, default=_seconds_of_row)
    channel: Mapped[str | None] = mapped_column(String(100))
    url: Mapped[str | None] = mapped_column(String(2000))
    note: Mapped[str] = mapped_column(Text, default="")
    # Who logged it: the user, a file, the mailbox, the calendar or a feed (the API shows it on every touch).
    source: Mapped[TouchSource] = mapped_column(
        words(TouchSource, 10, "source"), default=TouchSource.MANUAL, server_default=TouchSource.MANUAL.value
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Soft delete (undo); a deleted touch no longer counts toward warmth.
    deleted_at: Mapped[datetime | None]

    @validates("occurred_at")
    def _keep_seconds(self, _key: str, moment: datetime | None) -> datetime | None:
        if moment is not None:
            self.occurred_s = warmth.seconds(moment)
        return moment


class BusyPeriod(Model):
    __tablename__ = "busy_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    start: Mapped[date]
    end: Mapped[date]
    summary: Mapped[str] = mapped_column(String(500), default="")
    source: Mapped[BusySource] = mapped_column(words(BusySource, 10, "source"), default=BusySource.MANUAL)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
