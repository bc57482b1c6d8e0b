"""Message templates and the bank of wins: saved, filled in as drafts, and judged by the ledger."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.contacts.models import Contact
from outreach.core import records
from outreach.core.ownership import get_owned, owned
from outreach.domain import goforno, plan
from outreach.domain.drafts import draft
from outreach.learning.models import Message, Win

M = TypeVar("M")
MESSAGE_FIELDS = ("name", "body")
WIN_AFTER_NOS = 5  # show the bank of wins after this many nos in a row


def messages_of(session: Session, owner_id: int) -> list[Message]:
    return list(session.scalars(owned(Message, owner_id).order_by(Message.name, Message.id)))


def create_message(session: Session, owner_id: int, data: Mapping[str, Any]) -> Message:
    return records.create(session, Message, owner_id, MESSAGE_FIELDS, data)


def update_message(session: Session, message: Message, data: Mapping[str, Any]) -> Message:
    return records.update(session, message, MESSAGE_FIELDS, data)


def delete_message(session: Session, message: Message) -> None:
    """The asks that named it keep their outcomes; they just no longer name a message."""
    session.delete(message)
    session.flush()


def drafts(session: Session, owner_id: int, contact_id: int | None, campaign_id: int | None) -> list[tuple[Message, str]]:
    """Each template filled in for the chosen contact and campaign (either may be unknown yet)."""
    contact = _owned_or_none(session, Contact, contact_id, owner_id)
    campaign = _owned_or_none(session, Campaign, campaign_id, owner_id)
    name, about = (contact.name if contact else None), (campaign.name if campaign else None)
    return [(message, draft(message.body, name, about)) for message in messages_of(session, owner_id)]


def _owned_or_none(session: Session, model: type[M], record_id: int | None, owner_id: int) -> M | None:
    # A draft is a convenience: an id that is not the owner's just leaves the placeholder in.
    if record_id is None:
        return None
    return session.scalars(owned(model, owner_id).where(model.id == record_id)).first()  # type: ignore[attr-defined]


def create_win(session: Session, owner_id: int, data: Mapping[str, Any]) -> Win:
    """Bank a win; one banked from an ask is about that ask's contact unless another is named."""
    values = dict(data)
    if values.get("contact_id"):
        get_owned(session, Contact, values["contact_id"], owner_id)
    if values.get("ask_id"):
        ask = get_owned(session, Ask, values["ask_id"], owner_id)
        values["contact_id"] = values.get("contact_id") or ask.contact_id
    win = Win(owner_id=owner_id, **values)
    session.add(win)
    session.flush()
    return win


def delete_win(session: Session, win: Win) -> None:
    session.delete(win)
    session.flush()


def wins_of(session: Session, owner_id: int, limit: int = 50) -> list[Win]:
    return list(session.scalars(owned(Win, owner_id).order_by(Win.created_at.desc(), Win.id.desc()).limit(limit)))


def message_results(session: Session, owner_id: int) -> list[plan.MessageResult]:
    """Sends, replies and yeses per message, counted by the ledger's own rules (a bulk send counts its
    recipients; its replies, attached or recorded on the send itself, count as what they say)."""
    names = {m.id: m.name for m in messages_of(session, owner_id)}
    rows = session.execute(
        owned(Ask, owner_id).with_only_columns(Ask.id, Ask.parent_id, Ask.message_id, Ask.recipients, Ask.outcome)
    ).all()
    replies: dict[int, list[goforno.AskRecord]] = defaultdict(list)
    for ask_id, parent_id, _, recipients, outcome in rows:
        if parent_id is not None:
            replies[parent_id].append(goforno.AskRecord(ask_id, datetime.min, outcome, recipients, parent_id))
    sends: dict[int, int] = defaultdict(int)
    answered: dict[int, int] = defaultdict(int)
    yeses: dict[int, int] = defaultdict(int)
    for ask_id, parent_id, message_id, recipients, outcome in rows:
        if parent_id is not None or message_id not in names:
            continue  # replies count with their send, under the send's message
        sends[message_id] += recipients
        record = goforno.AskRecord(ask_id, datetime.min, outcome, recipients)
        for counted, count in goforno.outcomes_of(record, replies.get(ask_id, [])):
            if counted in ("yes", *goforno.EXPLICIT_NO):
                answered[message_id] += count
                yeses[message_id] += count if counted == "yes" else 0
    return [plan.MessageResult(mid, name, sends[mid], answered[mid], yeses[mid]) for mid, name in names.items()]


def nos_in_a_row(session: Session, owner_id: int) -> int:
    outcomes = session.scalars(
        owned(Ask, owner_id)
        .where(Ask.outcome != "pending")
        .with_only_columns(Ask.outcome)
        .order_by(Ask.asked_at.desc())
        .limit(50)
    )
    run = 0
    for outcome in outcomes:
        if outcome == "yes":
            break
        run += 1
    return run
