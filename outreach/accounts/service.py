"""Users and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from outreach.accounts.emails import checked_email, normalize_email
from outreach.accounts.models import ApiToken, User
from outreach.contacts.rescore import rescore_owner
from outreach.core.errors import InvalidInput, gathered
from outreach.core.ownership import get_owned
from outreach.core.types import utcnow
from outreach.domain import rules
from outreach.domain.settings import UserSettings, settings_of


def find_user(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == normalize_email(email))).first()


def new_user_refusals(session: Session, email: str, password: str, audience_size: int | None = None) -> dict[str, str]:
    """What is wrong with a new account's email, password and audience, every one at once, in sentences."""
    refusals = gathered(
        lambda: checked_email(email), lambda: rules.password(password), lambda: rules.audience_size(audience_size)
    )
    if "email" not in refusals and find_user(session, email):
        refusals["email"] = "An account with this email already exists."
    return refusals


def create_user(session: Session, email: str, password: str, audience_size: int | None = None) -> User:
    refusals = new_user_refusals(session, email, password, audience_size)
    if refusals:
        raise InvalidInput(refusals)
    email = checked_email(email)
    user = User(
        email=email,
        password_hash=generate_password_hash(password),
        audience_size=audience_size,
        settings=UserSettings().model_dump(),
    )
    session.add(user)
    session.flush()
    return user


def check_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def set_password(user: User, password: str) -> None:
    rules.password(password)
    user.password_hash = generate_password_hash(password)


def user_settings(user: User) -> UserSettings:
    return settings_of(user.settings)


def save_settings(session: Session, user: User, audience_size: int | None, settings: UserSettings) -> int | None:
    """Store the user's audience and planner settings; when the warmth model changed, every contact
    is rescored, and how many is returned."""
    rules.audience_size(audience_size)
    previous = user_settings(user)
    user.audience_size = audience_size
    user.settings = settings.model_dump()
    if not settings.rescore_needed(previous):
        return None
    return rescore_owner(session, user.id, settings.warmth_params())


def digest(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user: User, name: str = "default") -> tuple[ApiToken, str]:
    """A new API token; the clear text is returned once and never stored."""
    token = "otr_" + secrets.token_urlsafe(32)
    name = name.replace("\x00", "")[:100]
    record = ApiToken(owner_id=user.id, name=name or "default", token_hash=digest(token), prefix=token[:12])
    session.add(record)
    session.flush()
    return record, token


def user_for_token(session: Session, token: str) -> User | None:
    record = session.scalars(select(ApiToken).where(ApiToken.token_hash == digest(token), ApiToken.revoked_at.is_(None))).first()
    if record is None:
        return None
    now = utcnow()
    # Recorded to the minute, and best effort: a read-only request on SQLite may find the write
    # lock taken, and a missed "last used" is no reason to refuse the request.
    if record.last_used_at is None or now - record.last_used_at > timedelta(minutes=1):
        try:
            with session.begin_nested():
                record.last_used_at = now
        except OperationalError:
            session.refresh(record)
    return session.get(User, record.owner_id)


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    record = get_owned(session, ApiToken, token_id, user.id)
    record.revoked_at = record.revoked_at or utcnow()
    session.flush()
    return record
