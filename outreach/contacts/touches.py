"""Logging, editing and deleting touches, keeping each contact's warmth key exact."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, bindparam, or_, select
from sqlalchemy.orm import Session

from outreach.accounts.models import User
from outreach.contacts.models import Contact, Touch
from outreach.contacts.schemas import TouchIn
from outreach.core.ownership import found, get_owned, owned, possible_id
from outreach.core.types import utcnow
from outreach.domain import warmth
from outreach.domain.settings import settings_of
from outreach.domain.vocabulary import LIVE_STATES, ReminderKind, TouchSource
from outreach.reminders import service as reminders
from outreach.reminders.models import Reminder

TOUCH_FIELDS = tuple(TouchIn.model_fields)


def point(touch: Touch) -> warmth.TouchPoint:
    return warmth.TouchPoint(touch.kind, touch.direction, touch.occurred_at, touch.id)


def touches_of(session: Session, contact: Contact) -> list[Touch]:
    query = owned(Touch, contact.owner_id).where(Touch.contact_id == contact.id)
    return list(session.scalars(query.order_by(Touch.occurred_at.desc(), Touch.id.desc())))


def _absorb(contact: Contact, touch: Touch, params: warmth.WarmthParams) -> None:
    """O(1): fold one new touch into the contact's key and its first/last/inbound times."""
    contact.warmth_key = warmth.add_touch(contact.warmth_key, point(touch), params)
    at = touch.occurred_at
    contact.first_touch_at = min(contact.first_touch_at or at, at)
    contact.last_touch_at = max(contact.last_touch_at or at, at)
    if touch.direction == "inbound":
        contact.last_inbound_at = max(contact.last_inbound_at or at, at)


@dataclass(frozen=True)
class ToTouch:
    """A contact read to log a touch on, in the one statement that also locks it (see ``contact_to_touch``)."""

    contact: Contact
    params: warmth.WarmthParams  # the owner's weights as committed when the row was locked
    keep_warm_live: bool  # an open or snoozed keep-warm reminder waits for this touch


# PostgreSQL (READ COMMITTED) re-reads only the rows a statement locks once it has waited for them: a
# column of an unlocked joined row, or a subquery, keeps the statement's snapshot from before the wait.
# So the owner's row is locked too, FOR SHARE: it waits for a settings change in flight (which updates
# users, then rescores every contact under row locks) and returns its committed settings, while other
# loggers of the same owner share it. Locking clauses lock in the order written: users first, as the
# settings change does, so a logger never holds a contact the rescore needs while waiting for the owner
# (that order the other way round is a deadlock). SQLite renders none of this: a write transaction
# holds the database from BEGIN IMMEDIATE on, so everything it reads is already current.
_LOCK = f"FOR SHARE OF {User.__tablename__} FOR UPDATE OF {Contact.__tablename__}"


def _to_touch(include_deleted: bool) -> Select[Contact, dict[str, Any] | None, bool]:
    """The read of ``contact_to_touch``, built once: building it per touch cost more than running it."""
    owner, contact_id = bindparam("owner", type_=Integer), bindparam("contact", type_=Integer)
    keep_warm = (
        owned(Reminder, owner)
        .with_only_columns(Reminder.id)
        .where(Reminder.contact_id == Contact.id, Reminder.kind == ReminderKind.KEEP_WARM, _live_state())
    )
    return (
        owned(Contact, owner, include_deleted=include_deleted)
        .where(Contact.id == contact_id)
        .join(User, User.id == Contact.owner_id)
        .add_columns(User.settings, keep_warm.exists())
        .suffix_with(_LOCK, dialect="postgresql")
        # The contact may be in the session already (read before the lock): take the row as locked.
        .execution_options(populate_existing=True)
    )


def _live_state() -> ColumnElement[bool]:
    """state = 'open' OR state = 'snoozed': IN (…) would be an expanding parameter, rendered anew at every
    execution of a statement that is otherwise compiled once."""
    return or_(*(Reminder.state == state for state in LIVE_STATES))


_TO_TOUCH = {include_deleted: _to_touch(include_deleted) for include_deleted in (False, True)}
_last_settings: list[tuple[dict[str, Any] | None, warmth.WarmthParams]] = []


def _warmth_params(stored: dict[str, Any] | None) -> warmth.WarmthParams:
    """The weights of the owner's stored settings. Validating them (pydantic, a sentence per weight) was about
    a tenth of logging a touch on SQLite, and they seldom change: the last ones read are kept, compared whole,
    and validated again only when they differ."""
    for settings, params in _last_settings:
        if settings == stored:
            return params
    params = settings_of(stored).warmth_params()
    _last_settings[:] = [(stored, params)]  # one item, replaced whole: safe for threads that read it meanwhile
    return params


def contact_to_touch(session: Session, owner_id: int, contact_id: int, *, include_deleted: bool = False) -> ToTouch:
    """The owner's contact, locked for the key's read-combine-write, with the owner's current weights
    and whether a keep-warm reminder is live: one read instead of four (NotFoundError like get_owned).

    The reminder column is of the statement's snapshot: a keep-warm reminder committed by a tick
    after it is not closed, as one committed after the close would not have been before."""
    values = {"owner": owner_id, "contact": possible_id(Contact, contact_id)}
    row = found(session.execute(_TO_TOUCH[include_deleted], values).first(), Contact, contact_id)
    contact, stored, keep_warm_live = row
    return ToTouch(contact, _warmth_params(stored), keep_warm_live)


def log_touch(
    session: Session,
    contact: Contact | ToTouch,
    data: Mapping[str, Any],
    params: warmth.WarmthParams,
    source: TouchSource = TouchSource.MANUAL,
) -> Touch:
    """Log a touch and fold it into the key in O(1). Give the ``contact_to_touch`` read (a caller that
    has only a Contact gets it read again, locked). ``params``, the caller's weights from the start of
    its request, give way to the owner's as committed when the row was locked: a settings change may
    have rescored every key since, and a key folded with the old weights is one no later touch corrects."""
    target = (
        contact if isinstance(contact, ToTouch) else contact_to_touch(session, contact.owner_id, contact.id, include_deleted=True)
    )
    contact = target.contact
    touch = Touch(owner_id=contact.owner_id, contact_id=contact.id, source=source, **_fields(data))
    session.add(touch)
    _absorb(contact, touch, target.params)
    if target.keep_warm_live:  # any new touch answers a keep-warm reminder
        reminders.close_for(session, contact.owner_id, (ReminderKind.KEEP_WARM,), contact.id, None, utcnow())
    session.flush()
    return touch


def _lock_row(session: Session, contact: Contact, params: warmth.WarmthParams) -> warmth.WarmthParams:
    """The key is read, combined and written back: two writers must not both start from the same old
    key. PostgreSQL (READ COMMITTED) would lose one, so the row is re-read under FOR UPDATE; SQLite
    already serializes writers (BEGIN IMMEDIATE, or a stale snapshot refused), and re-reading the row
    inside the same transaction would only read the same values again.

    Returns the owner's weights as committed now, read after the lock: the caller's ``params`` date
    from the start of its request, and a settings change may have rescored every key since (its
    rescore holds these row locks until it commits). Folding the touch in with the old weights would
    leave a key that no later touch corrects."""
    if session.get_bind().dialect.name != "sqlite":
        session.refresh(contact, with_for_update=True)
    stored = session.scalar(select(User.settings).where(User.id == contact.owner_id))
    current = settings_of(stored).warmth_params()
    return params if current == params else current


def recompute(session: Session, contact: Contact, params: warmth.WarmthParams) -> None:
    """Rebuild one contact's key from its touches: after an edit or delete, where O(1) cannot."""
    session.flush()
    params = _lock_row(session, contact, params)
    summarize(contact, touches_of(session, contact), params)


def summarize(contact: Contact, touches: Iterable[Touch], params: warmth.WarmthParams) -> None:
    contact.warmth_key = None
    contact.first_touch_at = contact.last_touch_at = contact.last_inbound_at = None
    for touch in touches:
        _absorb(contact, touch, params)


def update_touch(session: Session, touch: Touch, data: Mapping[str, Any], params: warmth.WarmthParams) -> Touch:
    for name, value in _fields(data).items():
        setattr(touch, name, value)
    recompute(session, session.get_one(Contact, touch.contact_id), params)
    return touch


def delete_touch(session: Session, owner_id: int, touch_id: int, params: warmth.WarmthParams) -> Touch:
    """Soft delete (undo can restore it): warmth is recomputed without it at once."""
    touch = get_owned(session, Touch, touch_id, owner_id)
    touch.deleted_at = utcnow()
    recompute(session, session.get_one(Contact, touch.contact_id), params)
    return touch


def restore_touch(session: Session, owner_id: int, touch_id: int, params: warmth.WarmthParams) -> Touch:
    touch = get_owned(session, Touch, touch_id, owner_id, include_deleted=True)
    touch.deleted_at = None
    recompute(session, session.get_one(Contact, touch.contact_id), params)
    return touch


def _fields(data: Mapping[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in TOUCH_FIELDS if name in data}


def get_touch(session: Session, owner_id: int, touch_id: int) -> Touch:
    return get_owned(session, Touch, touch_id, owner_id)
