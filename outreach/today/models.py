"""Today's board as last assessed for a user, shared by every web worker (and the digest) through the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
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
    assessed_at: Mapped[datetime] = mapped_column(default=utcnow)
