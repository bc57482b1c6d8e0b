"""People in the mailbox: whom you talk to but have not added, history for a contact added later,
and out-of-office replies that offer a busy period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.campaigns.service import add_busy_period
from outreach.capture.classify import is_no_reply
from outreach.capture.models import CapturedEvent, CapturedMessage, MailAccount
from outreach.capture.store import Item, address_book, link
from outreach.contacts import service as contact_service
from outreach.contacts.models import BusyPeriod, Contact
from outreach.core.caller import Caller
from outreach.core.errors import InvalidInput
from outreach.core.ownership import get_owned, owned
from outreach.domain.vocabulary import BusySource, Classification, Direction

SUGGEST_MIN_MESSAGES = 3
SUGGEST_DAYS = 365
SUGGEST_SHOWN = 50


@dataclass(frozen=True)
class Suggestion:
    email: str
    name: str
    messages: int
    last_at: datetime


@dataclass
class _Tally:
    """One address's person-to-person messages: how many, whether both ways, the latest, a display name."""

    last: datetime
    messages: int = 0
    inbound: bool = False
    outbound: bool = False
    name: str = ""


def _identities(session: Session, me: Caller) -> set[str]:
    found = {me.user.email.lower()}
    for addresses in session.scalars(owned(MailAccount, me.id).with_only_columns(MailAccount.identities)):
        found.update(a.lower() for a in addresses or [])
    return found


def suggestions(session: Session, me: Caller, limit: int = SUGGEST_SHOWN) -> list[Suggestion]:
    """Addresses with at least 3 person-to-person messages in the last year, both ways, that are
    neither contacts (live or deleted) nor the user; the most talked-to first."""
    known = {a.lower() for c in session.scalars(owned(Contact, me.id, include_deleted=True)) for a in c.emails}
    known |= _identities(session, me)
    since = me.now - timedelta(days=SUGGEST_DAYS)
    rows = session.execute(
        owned(CapturedMessage, me.id)
        .where(CapturedMessage.classification == Classification.PERSON, CapturedMessage.sent_at >= since)
        .with_only_columns(CapturedMessage.direction, CapturedMessage.sent_at, CapturedMessage.counterparts)
    )
    tally: dict[str, _Tally] = {}
    for direction, sent_at, counterparts in rows:
        for address, name in counterparts or []:
            if address in known or is_no_reply(address):
                continue
            seen = tally.setdefault(address, _Tally(last=sent_at))
            seen.messages += 1
            seen.inbound = seen.inbound or direction == Direction.INBOUND
            seen.outbound = seen.outbound or direction == Direction.OUTBOUND
            seen.last = max(seen.last, sent_at)
            if name and (direction == Direction.INBOUND or not seen.name):
                seen.name = name
    found = [
        Suggestion(address, seen.name, seen.messages, seen.last)
        for address, seen in tally.items()
        if seen.messages >= SUGGEST_MIN_MESSAGES and seen.inbound and seen.outbound
    ]
    found.sort(key=lambda s: (-s.messages, -s.last_at.timestamp(), s.email))
    return found[:limit]


def add_suggested(session: Session, me: Caller, email: str, name: str = "") -> tuple[Contact, int]:
    """Add the address as a contact, with every message and meeting already captured as its touches."""
    email = email.lower()
    if email in address_book(session, me.id):
        raise InvalidInput({"email": f"{email} is already one of your contacts."})
    contact = contact_service.create_contact(session, me.id, {"name": name or email.split("@")[0], "email": email})
    return contact, backfill(session, me, {email: contact.id})


def backfill(session: Session, me: Caller, book: dict[str, int] | None = None) -> int:
    """Touches for captured history that matches contacts now (added, or given another address since)."""
    book = book if book is not None else address_book(session, me.id)
    if not book:
        return 0
    messages = session.execute(
        owned(CapturedMessage, me.id)
        .where(CapturedMessage.classification == Classification.PERSON)
        .with_only_columns(
            CapturedMessage.id,
            CapturedMessage.direction,
            CapturedMessage.sent_at,
            CapturedMessage.subject,
            CapturedMessage.counterparts,
        )
    )
    items = [Item(ref, "email", way, at, subject, [a for a, _ in parts or []]) for ref, way, at, subject, parts in messages]
    made = link(session, me, items, book, "message_id")
    events = session.execute(
        owned(CapturedEvent, me.id).with_only_columns(
            CapturedEvent.id, CapturedEvent.direction, CapturedEvent.starts_at, CapturedEvent.summary, CapturedEvent.attendees
        )
    )
    meetings = [Item(ref, "meeting", way, at, summary, list(people or [])) for ref, way, at, summary, people in events]
    return made + link(session, me, meetings, book, "event_id")


@dataclass(frozen=True)
class AwayOffer:
    message_id: int
    contact: Contact
    since: date
    until: date


def away_offers(session: Session, me: Caller) -> list[AwayOffer]:
    """Out-of-office replies from contacts that name a return date still ahead and no busy period yet."""
    book = address_book(session, me.id)
    rows = session.scalars(
        owned(CapturedMessage, me.id)
        .where(CapturedMessage.classification == Classification.AUTO_REPLY, CapturedMessage.returns_on >= me.now.date())
        .order_by(CapturedMessage.sent_at.desc())
        .limit(50)
    )
    offers: list[AwayOffer] = []
    for message in rows:
        contact_id, back = book.get(message.from_address), message.returns_on
        if contact_id is None or back is None or any(o.contact.id == contact_id for o in offers):
            continue
        covered = owned(BusyPeriod, me.id).where(BusyPeriod.contact_id == contact_id, BusyPeriod.end >= back - timedelta(days=1))
        if session.scalar(covered.limit(1)) is None:
            offers.append(AwayOffer(message.id, session.get_one(Contact, contact_id), message.sent_at.date(), back))
    return offers


def accept_away(session: Session, me: Caller, message_id: int) -> BusyPeriod:
    """One click: the contact is busy from the auto-reply until the day before they are back."""
    message = get_owned(session, CapturedMessage, message_id, me.id)
    contact_id = address_book(session, me.id).get(message.from_address)
    if message.returns_on is None or contact_id is None:
        raise InvalidInput({"message": "This reply names no return date from one of your contacts."})
    contact = get_owned(session, Contact, contact_id, me.id)
    until = max(message.sent_at.date(), message.returns_on - timedelta(days=1))
    summary = f"Out of office (auto-reply: {message.subject})"[:500]
    return add_busy_period(session, contact, message.sent_at.date(), until, summary, source=BusySource.IMPORTED)


def counts_by_class(session: Session, me: Caller) -> dict[str, int]:
    """How many captured messages fell in each class: what Settings → Mail shows."""
    from sqlalchemy import func

    rows = session.execute(
        select(CapturedMessage.classification, func.count(CapturedMessage.id))
        .where(CapturedMessage.owner_id == me.id)
        .group_by(CapturedMessage.classification)
    )
    return {str(name): count for name, count in rows}
