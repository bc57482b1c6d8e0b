"""What capture writes: each message once, a touch per contact in it, and a reply to an open ask noticed.

Shared by IMAP sync, mbox import and the calendar. Touches are inserted in bulk, then each touched
contact's warmth is rebuilt once (touches.recompute, under its row lock), so a first sync of
10,000 messages costs one recompute per contact, not per message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from outreach.capture import replies
from outreach.capture.classify import Envelope
from outreach.capture.models import CapturedMessage, CaptureLink
from outreach.contacts import touches as touch_service
from outreach.contacts.models import Contact, Touch
from outreach.core.caller import Caller
from outreach.core.ownership import owned
from outreach.domain import warmth
from outreach.domain.vocabulary import Classification, Direction, TouchSource
from outreach.reminders import service as reminders

MAX_RECIPIENTS = 20
NOTE_LENGTH = 200
RECENT = timedelta(days=14)  # a captured touch this recent answers a keep-warm reminder, as a logged one does


@dataclass
class Mail:
    """One message as read, before it is stored: its envelope, what it is, and whether the user sent it."""

    envelope: Envelope
    classification: Classification
    sent_by_user: bool
    returns_on: date | None = None


@dataclass(frozen=True)
class Item:
    """A captured record that may make touches: a message or a meeting occurrence."""

    ref: int  # captured_messages.id or captured_events.id
    kind: str  # email | meeting
    direction: str
    at: datetime
    note: str
    addresses: list[str]


@dataclass
class Counts:
    read: int = 0
    by_class: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    touches: int = 0
    replies: int = 0

    def add(self, other: Counts) -> None:
        self.read += other.read
        self.duplicates += other.duplicates
        self.touches += other.touches
        self.replies += other.replies
        for name, count in other.by_class.items():
            self.by_class[name] = self.by_class.get(name, 0) + count


def address_book(session: Session, owner_id: int) -> dict[str, int]:
    """Every address of every live contact (case-insensitive) → the contact's id."""
    book: dict[str, int] = {}
    rows = session.execute(owned(Contact, owner_id).with_only_columns(Contact.id, Contact.email, Contact.other_emails))
    for contact_id, primary, others in rows:
        for address in [primary, *(others or [])]:
            if address:
                book.setdefault(address.lower(), contact_id)
    return book


def store_mail(
    session: Session, me: Caller, account_id: int | None, mails: list[Mail], identities: set[str], book: dict[str, int]
) -> Counts:
    """Store the messages not seen before (by Message-ID, across folders, accounts and archives), link
    person-to-person mail to the contacts in it, and notice replies to open asks."""
    counts = Counts(read=len(mails))
    fresh: dict[str, Mail] = {}
    for mail in mails:
        fresh.setdefault(mail.envelope.message_key, mail)
    known = set(
        session.scalars(
            select(CapturedMessage.message_key).where(
                CapturedMessage.owner_id == me.id, CapturedMessage.message_key.in_(list(fresh))
            )
        )
    )
    rows = [_row(me.id, account_id, mail, identities) for key, mail in fresh.items() if key not in known]
    counts.duplicates = len(mails) - len(rows)
    for row in rows:
        counts.by_class[row["classification"]] = counts.by_class.get(row["classification"], 0) + 1
    if not rows:
        return counts
    # Core inserts (the table, not the class): a first sync writes thousands of rows, and the ORM's
    # per-row bookkeeping cost more than the database did.
    table = CapturedMessage.__table__
    ids = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    stored = [(ref, row) for ref, row in zip(ids.scalars(), rows, strict=True) if row["classification"] == Classification.PERSON]
    items = [
        Item(ref, "email", row["direction"], row["sent_at"], row["subject"], [a for a, _ in row["counterparts"]])
        for ref, row in stored
    ]
    counts.touches = link(session, me, items, book, "message_id")
    threads = {ref: [row["in_reply_to"], *row["references"]] for ref, row in stored}
    counts.replies = replies.notice_replies(session, me, [i for i in items if i.direction == "inbound"], threads)
    return counts


def _row(owner_id: int, account_id: int | None, mail: Mail, identities: set[str]) -> dict[str, Any]:
    e = mail.envelope
    outbound = mail.sent_by_user or e.from_address in identities
    if outbound:
        others = [(a, n) for a, n in e.recipients if a not in identities][:MAX_RECIPIENTS]
    else:
        others = [(e.from_address, e.from_name)] if e.from_address else []
    return {
        "owner_id": owner_id,
        "account_id": account_id,
        "message_key": e.message_key,
        "sent_at": e.sent_at,
        "direction": "outbound" if outbound else "inbound",
        "classification": mail.classification,
        "from_address": e.from_address[:254],
        "recipients": len(e.recipients),
        "subject": e.subject[:300],
        "in_reply_to": e.in_reply_to,
        "references": e.references,
        "counterparts": [[a, n[:200]] for a, n in others],
        "returns_on": mail.returns_on,
    }


def link(session: Session, me: Caller, items: list[Item], book: dict[str, int], column: str) -> int:
    """One touch per contact per item, unless a link says it was made before (and maybe deleted since)."""
    wanted = {(book[a], item.ref): item for item in items for a in item.addresses if a in book}
    if not wanted:
        return 0
    refs = list({ref for _, ref in wanted})
    ref_column = getattr(CaptureLink, column)
    existing = set(
        session.execute(
            select(CaptureLink.contact_id, ref_column).where(CaptureLink.owner_id == me.id, ref_column.in_(refs))
        ).all()
    )
    pairs = [(key, item) for key, item in wanted.items() if key not in existing]
    if not pairs:
        return 0
    source = TouchSource.MAIL if column == "message_id" else TouchSource.CALENDAR
    touch_rows = [
        {
            "owner_id": me.id,
            "contact_id": contact_id,
            "kind": item.kind,
            "direction": item.direction,
            "occurred_at": item.at,
            "channel": item.kind,
            "note": item.note[:NOTE_LENGTH],
            "source": source,
            "created_at": me.now,
        }
        for (contact_id, _), item in pairs
    ]
    touches = Touch.__table__
    touch_ids = session.execute(insert(touches).returning(touches.c.id, sort_by_parameter_order=True), touch_rows).scalars().all()
    session.execute(
        insert(CaptureLink.__table__),
        [
            {"owner_id": me.id, "contact_id": contact_id, column: ref, "touch_id": touch_id}
            for ((contact_id, ref), _), touch_id in zip(pairs, touch_ids, strict=True)
        ],
    )
    absorb(session, me, touch_rows)
    return len(pairs)


def rescore(session: Session, me: Caller, contact_ids: Iterable[int], times: list[datetime] | None = None) -> None:
    """Rebuild each touched contact's warmth from its touches (after deletions); a recent touch answers
    their keep-warm reminder."""
    recent = times is not None and any(at >= me.now - RECENT for at in times)
    for contact in session.scalars(owned(Contact, me.id, include_deleted=True).where(Contact.id.in_(list(contact_ids)))):
        touch_service.recompute(session, contact, me.params)
        if recent:
            reminders.close_for(session, me.id, ("keep_warm",), contact.id, None, me.now)
    session.flush()


def absorb(session: Session, me: Caller, touches: list[dict[str, Any]]) -> None:
    """Fold new touches into their contacts' keys in O(1) each (warmth.add_touch), as logging a touch
    does, with the contacts' rows locked first on PostgreSQL so a concurrent writer is not lost."""
    contact_ids = sorted({t["contact_id"] for t in touches})
    query = select(Contact.id, Contact.warmth_key, Contact.first_touch_at, Contact.last_touch_at, Contact.last_inbound_at).where(
        Contact.owner_id == me.id, Contact.id.in_(contact_ids)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.order_by(Contact.id).with_for_update()  # in id order: two syncs never deadlock
    state = {row[0]: _Warmth(*row[1:]) for row in session.execute(query)}
    for touch in touches:
        found = state[touch["contact_id"]]
        at = touch["occurred_at"]
        found.key = warmth.add_touch(found.key, warmth.TouchPoint(touch["kind"], touch["direction"], at), me.params)
        found.first = min(found.first or at, at)
        found.last = max(found.last or at, at)
        if touch["direction"] == Direction.INBOUND:
            found.inbound = max(found.inbound or at, at)
    rows = [
        {
            "id": contact_id,
            "warmth_key": found.key,
            "first_touch_at": found.first,
            "last_touch_at": found.last,
            "last_inbound_at": found.inbound,
            "updated_at": me.now,
        }
        for contact_id, found in state.items()
    ]
    session.execute(update(Contact), rows)
    for contact_id, found in state.items():
        if found.last is not None and found.last >= me.now - RECENT:
            reminders.close_for(session, me.id, ("keep_warm",), contact_id, None, me.now)


@dataclass
class _Warmth:
    """A contact's warmth key and touch dates, as touches are folded in."""

    key: float | None
    first: datetime | None
    last: datetime | None
    inbound: datetime | None


def forget(session: Session, me: Caller, records: Any, column: str) -> int:
    """Delete the touches that these captured records (a select of their ids) made, and the records
    themselves, so reconnecting later captures them afresh; warmth rebuilt."""
    ref_column = getattr(CaptureLink, column)
    rows = session.execute(
        select(CaptureLink.touch_id, CaptureLink.contact_id).where(
            CaptureLink.owner_id == me.id, CaptureLink.touch_id.is_not(None), ref_column.in_(records)
        )
    ).all()
    touch_ids = [touch_id for touch_id, _ in rows]
    for start in range(0, len(touch_ids), 1000):
        session.execute(delete(Touch).where(Touch.owner_id == me.id, Touch.id.in_(touch_ids[start : start + 1000])))
    rescore(session, me, {contact_id for _, contact_id in rows})
    return len(touch_ids)
