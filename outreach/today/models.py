"""Today's board as last assessed for a user, shared by every web worker (and the digest) through the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from outreach.core.types import utcnow
from outreach.extensions import Model


class StoredBoard(Model):
    """Derived data, not the user's records: rebuilt whenever its fingerprint no longer matches, so neither
    exported nor restored."""

    __tablename__ = "today_boards"

    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # A digest of everything the board read (see board._fingerprint): equal, and the board still holds.
    fingerprint: Mapped[str] = mapped_column(String(64))
    board: Mapped[str] = mapped_column(Text)  # the Board as JSON (outreach.today.stored)
    assessed_at: Mapped[datetime] = mapped_column(default=utcnow)  # the caller's clock the board was judged at
    # What only a full assessment follows (settings, campaigns, busy periods, feeds, the day): while equal,
    # the board's rows (BoardRow) are brought up to date for the contacts that changed alone.
    base: Mapped[str] = mapped_column(String(64), default="", server_default="")
    full_at: Mapped[datetime | None]  # the caller's clock of the last full assessment
    read_at: Mapped[datetime | None]  # the real clock when the records were read: changes since are looked for


class BoardRow(Model):
    """One good-fit pair's place on Today's board: which list, and its order in it as bytes that sort as the
    list does (outreach.today.rows). The first page of a list is an index range, its total an index count,
    and a change to one contact rewrites that contact's rows alone. Derived, like StoredBoard."""

    __tablename__ = "today_pairs"
    __table_args__ = (Index("ix_today_pairs_order", "owner_id", "board_list", "sort_key"),)

    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    board_list: Mapped[str] = mapped_column(String(8))  # "ask_now" or "warm_up"
    sort_key: Mapped[bytes] = mapped_column(LargeBinary)
