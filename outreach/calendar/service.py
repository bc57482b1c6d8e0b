"""The calendar: the feed's secret token, reminders as events, partners' calendars as busy periods."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from outreach.accounts.models import User
from outreach.accounts.service import digest
from outreach.calendar import partner
from outreach.contacts.models import BusyPeriod, Contact
from outreach.core.errors import InvalidInput
from outreach.core.ownership import owned
from outreach.core.types import utcnow
from outreach.domain import ics as calendar
from outreach.domain.vocabulary import LIVE_STATES
from outreach.reminders.models import Reminder

CANCELLED_FOR = timedelta(days=14)  # how long a closed reminder is still sent, as cancelled
IMPORT_HORIZON_DAYS = partner.HORIZON_DAYS
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORTED_PERIODS = partner.MAX_PERIODS


def create_token(user: User) -> str:
    """A new feed secret (256 bits); replaces any previous one, which stops working at once."""
    token = secrets.token_urlsafe(32)
    user.calendar_token_hash = digest(token)
    user.calendar_token_created_at = utcnow()
    return token


def revoke_token(user: User) -> None:
    user.calendar_token_hash = None
    user.calendar_token_created_at = None


def user_for_token(session: Session, token: str) -> User | None:
    if not token or len(token) > 200:
        return None
    return session.scalars(select(User).where(User.calendar_token_hash == digest(token))).first()


def reminder_events(
    session: Session,
    owner_id: int,
    now: datetime,
    contact_url: Callable[[int], str],
    *,
    campaign_id: int | None = None,
    kind: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[calendar.Event]:
    """Live reminders, plus recently closed ones sent as cancelled so imported copies go away too."""
    query = owned(Reminder, owner_id).where(or_(Reminder.state.in_(LIVE_STATES), Reminder.updated_at >= now - CANCELLED_FOR))
    if campaign_id is not None:
        query = query.where(Reminder.campaign_id == campaign_id)
    if kind is not None:
        query = query.where(Reminder.kind == kind)
    if start is not None:
        query = query.where(Reminder.due_on >= start)
    if end is not None:
        query = query.where(Reminder.due_on <= end)
    rows = session.execute(
        query.with_only_columns(
            Reminder.uid,
            Reminder.due_on,
            Reminder.title,
            Reminder.body,
            Reminder.updated_at,
            Reminder.sequence,
            Reminder.kind,
            Reminder.contact_id,
            Reminder.state,
            Reminder.due_at,
        ).order_by(Reminder.due_on, Reminder.id)
    )
    return [
        calendar.Event(
            uid=uid,
            day=due_on,
            summary=title,
            description=body + (f"\n\n{contact_url(contact_id)}" if contact_id else ""),
            stamp=updated_at,
            sequence=sequence,
            category=kind.replace("_", "-").upper(),
            url=contact_url(contact_id) if contact_id else None,
            cancelled=state not in LIVE_STATES,
            at=due_at,
        )
        for uid, due_on, title, body, updated_at, sequence, kind, contact_id, state, due_at in rows
    ]


def parse_busy_periods(data: bytes, today: date) -> list[tuple[date, date, str]]:
    """Every event of the next 12 months, recurrences expanded, as (first day, last day, summary)."""
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInput({"file": f"the file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB"})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput({"file": "the file is not UTF-8 text: export it again as an .ics file"}) from None
    if "BEGIN:VCALENDAR" not in text[:2000].upper():
        raise InvalidInput({"file": "this is not an iCalendar file (it does not start with BEGIN:VCALENDAR)"})
    try:
        return partner.read(data, today)
    except partner.CalendarRefused as exc:
        raise InvalidInput({"file": str(exc)}) from None


def import_busy_periods(session: Session, contact: Contact, data: bytes, today: date) -> int:
    """Replace this contact's imported busy periods with the file's; manual entries stay."""
    periods = parse_busy_periods(data, today)
    session.execute(
        delete(BusyPeriod).where(
            BusyPeriod.owner_id == contact.owner_id, BusyPeriod.contact_id == contact.id, BusyPeriod.source == "imported"
        )
    )
    session.add_all(
        BusyPeriod(owner_id=contact.owner_id, contact_id=contact.id, start=s, end=e, summary=summary, source="imported")
        for s, e, summary in periods
    )
    session.flush()
    return len(periods)
