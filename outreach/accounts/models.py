"""Users, their planner settings, and API tokens (stored hashed, never in clear)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from outreach.core.types import utcnow
from outreach.extensions import Model


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    audience_size: Mapped[int | None] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Validated through outreach.settings.UserSettings; JSON so new settings need no migration.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The calendar feed's secret, hashed like API tokens; NULL when no feed is published.
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    calendar_token_created_at: Mapped[datetime | None]
    digest_sent_on: Mapped[date | None]  # the user's local day of the last daily digest
    # When every contact's warmth was last recomputed from the touches (an import, a restore, new settings):
    # a change of every contact at once, which Today's board reassesses in full (it moves the users table).
    rescored_at: Mapped[datetime | None]

    # Not a column: the login this object was loaded for (outreach.accounts.sessions sets it).
    @property
    def login_key(self) -> str | None:
        return self.__dict__.get("_login_key")

    @login_key.setter
    def login_key(self, key: str | None) -> None:
        self.__dict__["_login_key"] = key

    def get_id(self) -> str:
        """What Flask-Login's session and remember cookies carry: "<id>:<login key>", so a login
        ended on the server (its row deleted) ends every copy of both cookies."""
        return f"{self.id}:{self.login_key or ''}"


class ApiToken(Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class LoginSession(Model):
    """One login: a browser's session cookie and its remember-me cookie name it by a secret key."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the key, like API tokens
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
