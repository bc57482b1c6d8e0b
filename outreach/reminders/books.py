"""One owner's reminders as the tick drafts them: the book loaded once, drafts upserted into it, the new
reminders inserted at the end of the pass or streamed while it drafts (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import or_
from sqlalchemy.orm import Session, selectinload

from outreach.core.database import insert_rows, streamed_rows
from outreach.core.ownership import owned
from outreach.domain.vocabulary import LIVE_STATES, ReminderState
from outreach.reminders.models import Reminder, natural_key, new_uid

if TYPE_CHECKING:
    from outreach.contacts.models import Contact

_TABLE = Reminder.__table__
Subject = tuple[str, int | None, int | None]  # (kind, contact, campaign)


class Draft(NamedTuple):
    """What the planner wants a reminder to say and when (a tuple: a first tick drafts thousands)."""

    kind: str
    contact_id: int | None
    campaign_id: int | None
    due_on: date
    title: str
    body: str
    due_at: datetime | None = None  # a time of day, naive UTC, when the reminder has one

    @property
    def subject(self) -> Subject:
        return (self.kind, self.contact_id, self.campaign_id)


@dataclass(slots=True)
class NewReminder:
    """A reminder the tick creates: plain values, inserted with the others in one statement at the end
    of the pass (``insert_new``), not an ORM object flushed one by one."""

    kind: str
    contact_id: int | None
    campaign_id: int | None
    due_on: date
    due_at: datetime | None
    natural_key: str
    title: str
    body: str
    uid: str
    created_at: datetime
    updated_at: datetime
    state: ReminderState = ReminderState.OPEN
    sequence: int = 0
    snoozed_until: date | None = None
    contact: Contact | None = None  # never read: a reminder made this pass is not weighed again in it
    sent: bool = False  # streamed to the database already (``streaming``): a change now would be lost


Held = Reminder | NewReminder


@dataclass
class Book:
    """One owner's reminders as the tick needs them, loaded once: no query per draft."""

    live: dict[Subject, Held]
    by_key: dict[str, Held]
    withdrawn: dict[Subject, Held]
    loaded_from: date
    batched: bool = False  # created reminders wait in ``new`` for insert_new (the tick), else go to the session
    new: list[NewReminder] = field(default_factory=list)
    sink: Callable[[NewReminder], None] | None = None  # while ``streaming``: where a created reminder goes

    def find_key(self, session: Session, owner_id: int, key: str, due_on: date) -> Held | None:
        if due_on >= self.loaded_from or key in self.by_key:
            return self.by_key.get(key)
        if self.sink is not None:  # the connection is busy with the COPY: no query can go out
            raise RuntimeError(f"a reminder due on {due_on} cannot be looked up while new reminders stream")
        return session.scalars(owned(Reminder, owner_id).where(Reminder.natural_key == key)).first()


@contextmanager
def streaming(session: Session, owner_id: int, book: Book) -> Iterator[None]:
    """On PostgreSQL, the reminders a batched pass creates go to the database as they are made, the ones
    waiting in ``book.new`` first (``streamed_rows``: a COPY the server works through while the pass drafts
    the next). The block must send no query: the book raises if a draft would need one. Elsewhere the
    reminders wait for insert_new, as without it."""
    connection = session.connection()
    if not book.batched or connection.dialect.name != "postgresql":
        yield
        return
    with streamed_rows(connection, _TABLE, ("owner_id", *_NEW_COLUMNS)) as write:

        def send(reminder: NewReminder) -> None:
            write((owner_id, *_new_values(reminder)))
            reminder.sent = True

        for waiting in book.new:
            send(waiting)
        book.new.clear()
        book.sink = send
        try:
            yield
        finally:
            book.sink = None


def load_book(
    session: Session,
    owner_id: int,
    today: date,
    *,
    kinds: Collection[str] | None = None,
    contact_ids: Collection[int] | None = None,
    batched: bool = False,
) -> Book:
    """Live and withdrawn reminders, and every reminder due from yesterday on (for natural keys).

    ``kinds`` and ``contact_ids`` load part of the book, for a pass that drafts only those subjects."""
    since = today - timedelta(days=1)
    query = owned(Reminder, owner_id).where(
        or_(Reminder.state.in_((*LIVE_STATES, ReminderState.WITHDRAWN)), Reminder.due_on >= since)
    )
    if kinds is not None:
        query = query.where(Reminder.kind.in_(list(kinds)))
    if contact_ids is not None:
        query = query.where(Reminder.contact_id.in_(sorted(contact_ids)))
    book = Book({}, {}, {}, since, batched)
    withdrawn: dict[Subject, Reminder] = {}
    # With their contacts: the tick weighs each live keep-warm reminder against its contact's warmth.
    for reminder in session.scalars(query.order_by(Reminder.due_on, Reminder.id).options(selectinload(Reminder.contact))):
        subject = (reminder.kind, reminder.contact_id, reminder.campaign_id)
        book.by_key[reminder.natural_key] = reminder
        if reminder.state in LIVE_STATES:
            book.live[subject] = reminder
        elif reminder.state == ReminderState.WITHDRAWN:
            previous = withdrawn.get(subject)
            if previous is None or (reminder.updated_at, reminder.id) > (previous.updated_at, previous.id):
                withdrawn[subject] = reminder
    book.withdrawn.update(withdrawn)
    return book


def upsert(session: Session, owner_id: int, book: Book, draft: Draft, now: datetime, *, move: bool) -> str:
    """Create the reminder, or update the live one in place (same UID, higher SEQUENCE).

    ``move`` says whether a changed due date moves an existing reminder (forecast targets) or
    the first due date stands (an ask reminder stays on the day the pair became ready).
    Returns "created", "updated" or "unchanged".
    """
    subject = draft.subject
    key = natural_key(owner_id, *subject, draft.due_on)
    current = book.live.get(subject)
    revived = False
    if current is None:
        same_day = book.find_key(session, owner_id, key, draft.due_on)
        if same_day is not None and same_day.state != ReminderState.WITHDRAWN:
            return "unchanged"  # the user already handled today's reminder
        # A subject the planner withdrew comes back as the same event (same UID, moved), so a
        # calendar shows one event that was cancelled and restored, not two.
        current = same_day or book.withdrawn.pop(subject, None)
        if current is None:
            created = _create(session, owner_id, book, draft, now, key)
            book.live[subject] = book.by_key[key] = created
            return "created"
        revived = True
        current.state = ReminderState.OPEN
        book.live[subject] = current
        book.withdrawn.pop(subject, None)
    moved = False
    snoozed = current.state == ReminderState.SNOOZED and current.snoozed_until is not None and current.snoozed_until > now.date()
    if (
        (move or revived)
        and not snoozed
        and current.due_on != draft.due_on
        and book.find_key(session, owner_id, key, draft.due_on) is None
    ):
        book.by_key.pop(current.natural_key, None)
        current.due_on, current.natural_key = draft.due_on, key
        book.by_key[key] = current
        moved = True
    # The body quotes today's numbers; rewriting it daily would bump SEQUENCE every day and make
    # every calendar re-sync. It is refreshed with the title, the date, or on reopening.
    if revived or moved or current.title != draft.title[:300] or current.due_at != draft.due_at:
        current.title, current.body, current.due_at = draft.title[:300], draft.body, draft.due_at
        touch(current, now)
        return "updated"
    return "unchanged"


def _create(session: Session, owner_id: int, book: Book, draft: Draft, now: datetime, key: str) -> Held:
    pending = NewReminder(
        draft.kind,
        draft.contact_id,
        draft.campaign_id,
        draft.due_on,
        draft.due_at,
        key,
        draft.title[:300],
        draft.body,
        new_uid(),
        now,
        now,
    )
    if book.sink is not None:
        book.sink(pending)
        return pending
    if book.batched:
        book.new.append(pending)
        return pending
    # The same values as an ORM object, sequence included (the column default applies only at flush, and
    # the same pass may update it at once).
    reminder = Reminder(owner_id=owner_id, **dict(zip(_NEW_COLUMNS, _new_values(pending), strict=True)))
    session.add(reminder)
    return reminder


_NEW_COLUMNS = (
    *("kind", "contact_id", "campaign_id", "due_on", "due_at", "natural_key", "title", "body", "uid"),
    *("created_at", "updated_at", "state", "sequence", "snoozed_until"),
)
_new_values = attrgetter(*_NEW_COLUMNS)


def insert_new(session: Session, owner_id: int, book: Book) -> int:
    """The reminders this pass created, all at once (``insert_rows``: the fastest each database takes them)."""
    rows = [(owner_id, *_new_values(r)) for r in book.new]
    insert_rows(session.connection(), _TABLE, ("owner_id", *_NEW_COLUMNS), rows)
    book.new.clear()
    return len(rows)


def touch(reminder: Held, now: datetime) -> None:
    """One more version of a reminder: its calendar event's SEQUENCE, and when it changed."""
    if isinstance(reminder, NewReminder) and reminder.sent:
        raise RuntimeError(f"the reminder {reminder.natural_key} is stored already: it cannot change in this pass")
    reminder.sequence += 1
    reminder.updated_at = now


def withdraw(book: Book, subject: Subject, why: str, now: datetime) -> None:
    """The planner takes a reminder back; the calendar sends it as cancelled."""
    reminder = book.live[subject]
    touch(reminder, now)
    del book.live[subject]
    book.withdrawn[subject] = reminder
    reminder.state = ReminderState.WITHDRAWN
    reminder.body = why
