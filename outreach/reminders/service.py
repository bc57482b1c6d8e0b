"""Reminders as the user acts on them (done, dismissed, snoozed, due today), and closed when they did the
thing; what the tick drafts and creates goes through outreach.reminders.books (one live reminder per subject)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from outreach.core.database import rows_matched
from outreach.core.errors import InvalidInput
from outreach.core.ownership import owned
from outreach.domain.vocabulary import LIVE_STATES, ReminderState
from outreach.reminders.books import touch
from outreach.reminders.models import Reminder, natural_key

_TABLE = Reminder.__table__
# Built once: this runs on every logged touch, so it skips the ORM and its statement building.
_CLOSE = (
    update(_TABLE)
    .where(
        _TABLE.c.owner_id == bindparam("owner"),
        _TABLE.c.kind.in_(bindparam("kinds", expanding=True)),
        _TABLE.c.contact_id == bindparam("contact"),
        _TABLE.c.state.in_(LIVE_STATES),
    )
    .values(state="done", updated_at=bindparam("now"), sequence=_TABLE.c.sequence + 1)
)
_CLOSE_FOR_CAMPAIGN = _CLOSE.where(_TABLE.c.campaign_id == bindparam("campaign"))


def close_for(
    session: Session, owner_id: int, kinds: tuple[str, ...], contact_id: int, campaign_id: int | None, now: datetime
) -> int:
    """Mark live reminders done because the user did the thing (logged a touch, made the ask)."""
    values = {"owner": owner_id, "kinds": list(kinds), "contact": contact_id, "now": now}
    if campaign_id is None:
        return session.connection().execute(_CLOSE, values).rowcount or 0
    return session.connection().execute(_CLOSE_FOR_CAMPAIGN, {**values, "campaign": campaign_id}).rowcount or 0


_WAKE = (
    update(_TABLE)
    .where(_TABLE.c.owner_id == bindparam("owner"), _TABLE.c.state == "snoozed", _TABLE.c.snoozed_until <= bindparam("today"))
    .values(state="open", updated_at=bindparam("now"), sequence=_TABLE.c.sequence + 1)
)


def wake_snoozed(session: Session, owner_id: int, today: date, now: datetime) -> int:
    return rows_matched(session.execute(_WAKE, {"owner": owner_id, "today": today, "now": now}))


def act(
    session: Session,
    reminder: Reminder,
    state: str,
    now: datetime,
    snoozed_until: date | None = None,
) -> Reminder:
    """The user's verbs: done, dismissed, snoozed (to a date), or open again."""
    if state == ReminderState.SNOOZED:
        if snoozed_until is None or snoozed_until <= now.date():
            raise InvalidInput({"snoozed_until": "snooze to a date after today"})
        key = natural_key(reminder.owner_id, reminder.kind, reminder.contact_id, reminder.campaign_id, snoozed_until)
        clash = session.scalars(owned(Reminder, reminder.owner_id).where(Reminder.natural_key == key)).first()
        if clash is not None and clash.id != reminder.id:
            raise InvalidInput({"snoozed_until": "there is already the same reminder on that day"})
        reminder.snoozed_until = snoozed_until
        reminder.due_on = snoozed_until
        reminder.natural_key = key
    elif state not in (ReminderState.OPEN, ReminderState.DONE, ReminderState.DISMISSED):
        raise InvalidInput({"state": "choose open, done, dismissed or snoozed"})
    else:
        reminder.snoozed_until = None
    reminder.state = ReminderState(state)
    touch(reminder, now)
    return reminder


def snooze_date(today: date, choice: str) -> date:
    return today + (timedelta(days=1) if choice == "1d" else timedelta(weeks=1))


def due(session: Session, owner_id: int, today: date, limit: int = 50) -> list[Reminder]:
    query = owned(Reminder, owner_id).where(Reminder.state == "open", Reminder.due_on <= today)
    return list(session.scalars(query.order_by(Reminder.due_on, Reminder.id).limit(limit)))
