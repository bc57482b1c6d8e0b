"""Capture: the user's mailboxes and calendars, what was read from them, and the touches they made.

Credentials are stored only as Fernet tokens (capture/secrets.py); messages are kept as the few
header facts touches need, never a body.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from outreach.core.types import utcnow, words
from outreach.domain.vocabulary import AccountStatus, CalendarKind, Classification, Direction, FolderRole, MailSecurity
from outreach.extensions import Model


class MailAccount(Model):
    __tablename__ = "mail_accounts"
    __table_args__ = (UniqueConstraint("owner_id", "host", "username"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    host: Mapped[str] = mapped_column(String(253))
    port: Mapped[int] = mapped_column(Integer)
    security: Mapped[MailSecurity] = mapped_column(words(MailSecurity, 10, "security"))
    username: Mapped[str] = mapped_column(String(254))
    secret: Mapped[str | None] = mapped_column(Text)  # the password as a Fernet token; None once disconnected
    folders: Mapped[list[str]] = mapped_column(JSON, default=list)  # besides INBOX and \Sent, found by flag
    # The user's own addresses in this mailbox (login, and every From seen in \Sent): mail from them is outbound.
    identities: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[AccountStatus] = mapped_column(words(AccountStatus, 10, "status"), default=AccountStatus.ACTIVE)
    last_error: Mapped[str | None] = mapped_column(String(500))
    last_synced_at: Mapped[datetime | None]
    next_sync_at: Mapped[datetime | None] = mapped_column(index=True)  # claimed by pushing it ahead
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MailFolder(Model):
    """Where a folder's sync stopped: UIDs mean something only together with their UIDVALIDITY."""

    __tablename__ = "mail_folders"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("mail_accounts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(500))
    role: Mapped[FolderRole] = mapped_column(words(FolderRole, 10, "role"), default=FolderRole.OTHER)
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)


class CapturedMessage(Model):
    """One message seen in a mailbox or an archive, counted once by its Message-ID: headers only."""

    __tablename__ = "captured_messages"
    __table_args__ = (
        UniqueConstraint("owner_id", "message_key"),
        Index("ix_captured_messages_owner_sent", "owner_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("mail_accounts.id", ondelete="SET NULL"), index=True)
    message_key: Mapped[str] = mapped_column(String(255))  # the Message-ID, or a stable digest when it has none
    sent_at: Mapped[datetime]
    direction: Mapped[Direction] = mapped_column(words(Direction, 10, "direction"))
    classification: Mapped[Classification] = mapped_column(words(Classification, 12, "classification"))
    from_address: Mapped[str] = mapped_column(String(254), default="")
    recipients: Mapped[int] = mapped_column(Integer, default=0)  # To + Cc
    subject: Mapped[str] = mapped_column(String(300), default="")
    in_reply_to: Mapped[str | None] = mapped_column(String(255))
    references: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The other people in it, [address, display name]: the sender of inbound mail, the recipients of outbound.
    counterparts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    returns_on: Mapped[date | None]  # an out-of-office reply's stated return date
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalendarAccount(Model):
    __tablename__ = "calendar_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CalendarKind] = mapped_column(words(CalendarKind, 10, "kind"))
    label: Mapped[str] = mapped_column(String(300))  # host and user name: shown, never the secret address
    secret: Mapped[str | None] = mapped_column(Text)  # Fernet token of {"url", "username", "password"}
    sync_token: Mapped[str | None] = mapped_column(Text)
    status: Mapped[AccountStatus] = mapped_column(words(AccountStatus, 10, "status"), default=AccountStatus.ACTIVE)
    last_error: Mapped[str | None] = mapped_column(String(500))
    last_synced_at: Mapped[datetime | None]
    next_sync_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CapturedEvent(Model):
    """One past occurrence of a meeting, counted once by UID and RECURRENCE-ID."""

    __tablename__ = "captured_events"
    __table_args__ = (UniqueConstraint("owner_id", "uid", "recurrence_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("calendar_accounts.id", ondelete="SET NULL"), index=True)
    uid: Mapped[str] = mapped_column(String(255))
    recurrence_id: Mapped[str] = mapped_column(String(40), default="")  # "" for a single event
    starts_at: Mapped[datetime]
    direction: Mapped[Direction] = mapped_column(words(Direction, 10, "direction"))  # outbound: the user organised it
    summary: Mapped[str] = mapped_column(String(300), default="")
    attendees: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaptureLink(Model):
    """A captured message or meeting made this contact's touch. The link outlives a touch the user
    deletes (touch_id becomes NULL), so the next sync knows not to make it again."""

    __tablename__ = "capture_links"
    __table_args__ = (
        UniqueConstraint("contact_id", "message_id"),
        UniqueConstraint("contact_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("captured_messages.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("captured_events.id", ondelete="CASCADE"), index=True)
    touch_id: Mapped[int | None] = mapped_column(ForeignKey("touches.id", ondelete="SET NULL"), index=True)
