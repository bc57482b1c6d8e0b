"""Logging, editing and deleting touches, keeping each contact's warmth key exact."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.instrumentation import manager_of_class

from outreach.accounts.models import User
from outreach.contacts.models import Contact, Touch
from outreach.contacts.schemas import TouchIn
from outreach.core.ownership import found, get_owned, owned, possible_id
from outreach.core.types import utcnow
from outreach.domain import warmth
from outreach.domain.settings import settings_of
from outreach.domain.vocabulary import LIVE_STATES, Direction, ReminderKind, TouchSource
from outreach.reminders import service as reminders
from outreach.reminders.models import Reminder

TOUCH_FIELDS = tuple(TouchIn.model_fields)


def point(touch: Touch) -> warmth.TouchPoint:
    return warmth.TouchPoint(touch.kind, touch.direction, touch.occurred_at, touch.id)


def touches_of(session: Session, contact: Contact) -> list[Touch]:
    query = owned(Touch, contact.owner_id).where(Touch.contact_id == contact.id)
    return list(session.scalars(query.order_by(Touch.occurred_at.desc(), Touch.id.desc())))


# The contact's columns a touch moves: its warmth key and its first, last and last inbound touch times.
Summary = tuple[float | None, datetime | None, datetime | None, datetime | None]
SUMMARY_COLUMNS = ("warmth_key", "first_touch_at", "last_touch_at", "last_inbound_at")


def _folded(summary: Summary, touch: warmth.TouchPoint, params: warmth.WarmthParams) -> Summary:
    """O(1): the summary with one more touch folded in. Logging and the full recompute both fold with
    this, so the fast path of ``log_touch`` cannot drift from ``summarize``."""
    key, first, last, inbound = summary
    at = touch.occurred_at
    if touch.direction == "inbound":
        inbound = max(inbound or at, at)
    return warmth.add_touch(key, touch, params), min(first or at, at), max(last or at, at), inbound


def _summary_of(contact: Contact) -> Summary:
    return contact.warmth_key, contact.first_touch_at, contact.last_touch_at, contact.last_inbound_at


def _absorb(contact: Contact, touch: Touch, params: warmth.WarmthParams) -> None:
    """O(1): fold one new touch into the contact's key and its first/last/inbound times."""
    folded = _folded(_summary_of(contact), point(touch), params)
    contact.warmth_key, contact.first_touch_at, contact.last_touch_at, contact.last_inbound_at = folded


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


_TOUCHES, _CONTACTS = Touch.__table__, Contact.__table__
# Built once, every column given: one compiled form whatever fields a touch has, and the row's values all
# known here, so the Touch returned needs no read back but its id (SQLite's lastrowid, PostgreSQL's
# RETURNING id: inserted_primary_key takes whichever the dialect does best).
_INSERT_TOUCH = insert(_TOUCHES)
_NEW_TOUCH = manager_of_class(Touch).new_instance
_UPDATE_SUMMARY = (
    update(_CONTACTS)
    .where(_CONTACTS.c.id == bindparam("contact"))
    .values({name: bindparam(name) for name in (*SUMMARY_COLUMNS, "updated_at")})
)
# PostgreSQL: both in one statement, the touch's id returned (a round trip, and its statement, fewer).
_ROW_COLUMNS = tuple(c.name for c in _TOUCHES.c if c.name != "id")
_NEW_ROW = insert(_TOUCHES).values({name: bindparam(f"t_{name}") for name in _ROW_COLUMNS})
_INSERTED = _NEW_ROW.returning(_TOUCHES.c.id).cte("inserted")
_LOG_TOUCH = _UPDATE_SUMMARY.add_cte(_INSERTED).returning(select(_INSERTED.c.id).scalar_subquery())


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
    have rescored every key since, and a key folded with the old weights is one no later touch corrects.

    Two Core statements built once, the INSERT of the touch and the UPDATE of the contact's summary,
    instead of the ORM's unit of work, which was half the time of logging a touch on SQLite (benchmark
    figure 2). What they wrote is then set on the objects as committed, as a flush would have left them:
    the Touch returned is persistent in the session with every column loaded, and the contact shows its
    new key and times. The database's triggers (change marks) fire on these statements as on any."""
    target = (
        contact if isinstance(contact, ToTouch) else contact_to_touch(session, contact.owner_id, contact.id, include_deleted=True)
    )
    contact = target.contact
    now = utcnow()
    row: dict[str, Any] = {
        "owner_id": contact.owner_id,
        "contact_id": contact.id,
        "direction": Direction.OUTBOUND,
        "channel": None,
        "url": None,
        "note": "",
        **_fields(data),
        "source": source,
        "created_at": now,
        "deleted_at": None,
    }
    row["occurred_s"] = warmth.seconds(row["occurred_at"])
    touched = warmth.TouchPoint(row["kind"], row["direction"], row["occurred_at"])
    written = dict(zip(SUMMARY_COLUMNS, _folded(_summary_of(contact), touched, target.params), strict=True))
    written["updated_at"] = now  # the column's onupdate, which the ORM's UPDATE set
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # One round trip: the INSERT as a CTE of the contact's UPDATE (each fires its table's triggers as alone).
        values = {f"t_{name}": row[name] for name in _ROW_COLUMNS}
        touch_id = connection.execute(_LOG_TOUCH, {**values, "contact": contact.id, **written}).scalar_one()
    else:
        inserted = connection.execute(_INSERT_TOUCH, row).inserted_primary_key
        assert inserted is not None  # a single-row INSERT always has its id
        touch_id = inserted[0]
        connection.execute(_UPDATE_SUMMARY, {"contact": contact.id, **written})
    # The object of the row written, made as the ORM's loading makes one: without __init__, whose attribute
    # events (some 40 µs a touch) would only mark as changed what is already stored.
    touch = _NEW_TOUCH()
    touch.__dict__.update(row, id=touch_id)
    make_transient_to_detached(touch)  # every column loaded and committed: persistent once added, nothing to flush
    session.add(touch)
    for name, value in written.items():
        set_committed_value(contact, name, value)
    if target.keep_warm_live:  # any new touch answers a keep-warm reminder
        reminders.close_for(session, contact.owner_id, (ReminderKind.KEEP_WARM,), contact.id, None, now)
    session.flush()  # whatever else the caller left pending, as before: cheap when nothing is
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
