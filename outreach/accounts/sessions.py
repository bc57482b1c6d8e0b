"""Logins kept on the server: the cookies only name one, so ending it here ends every copy of them."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from outreach.accounts.models import LoginSession, User
from outreach.accounts.service import digest
from outreach.core.database import rows_matched

# Flask-Login's remember-me cookie lasts a year by default: no login outlives it.
LONGEST = timedelta(days=365)
MAX_KEY = 100


def start(session: Session, user: User, now: datetime) -> None:
    """A new login for ``user`` (its key on ``user.login_key``, for the cookies); logins older than the
    longest cookie are dropped on the way."""
    session.execute(delete(LoginSession).where(LoginSession.owner_id == user.id, LoginSession.created_at < now - LONGEST))
    key = secrets.token_urlsafe(32)
    session.add(LoginSession(owner_id=user.id, key_hash=digest(key), created_at=now))
    session.flush()
    user.login_key = key


def user_for(session: Session, login_id: str) -> User | None:
    """The user a cookie's "<id>:<key>" names, while that login lasts; None for anything else."""
    user_id, _, key = login_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit() and len(user_id) <= 10) or not key or len(key) > MAX_KEY:
        return None  # older cookies carried the id alone: those logins end here
    query = (
        select(User)
        .join(LoginSession, LoginSession.owner_id == User.id)
        .where(User.id == int(user_id), LoginSession.key_hash == digest(key))
    )
    user = session.scalars(query).first()
    if user is not None:
        user.login_key = key
    return user


def end(session: Session, user: User) -> None:
    """Log out: this login only; the user's other browsers stay logged in."""
    if user.login_key:
        session.execute(delete(LoginSession).where(LoginSession.key_hash == digest(user.login_key)))


def end_others(session: Session, user: User) -> int:
    """After a password change: every login but this one, remember-me cookies included."""
    query = delete(LoginSession).where(LoginSession.owner_id == user.id)
    if user.login_key:
        query = query.where(LoginSession.key_hash != digest(user.login_key))
    return rows_matched(session.execute(query))


def end_all(session: Session, user: User) -> int:
    """Log out everywhere, here too."""
    return rows_matched(session.execute(delete(LoginSession).where(LoginSession.owner_id == user.id)))


def count(session: Session, user: User) -> int:
    return session.scalar(select(func.count(LoginSession.id)).where(LoginSession.owner_id == user.id)) or 0
