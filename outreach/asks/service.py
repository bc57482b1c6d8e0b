"""The ask ledger: record asks with a snapshot of warmth and the criteria, then their outcomes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import Session

from outreach.asks.models import Ask, AskChange
from outreach.campaigns.models import Campaign
from outreach.campaigns.readiness import assess_pair
from outreach.campaigns.schemas import ReadinessOut
from outreach.contacts.models import Contact
from outreach.core.errors import InvalidInput
from outreach.core.ownership import get_owned, owned
from outreach.core.types import utcnow
from outreach.domain import readiness, rules, warmth
from outreach.learning.models import Message
from outreach.reminders import service as reminders

ASK_FIELDS = ("asked_at", "channel", "request", "recipients", "outcome", "reason", "reason_detail", "lesson", "follow_up_on")
HISTORY_FIELDS = ASK_FIELDS
DECIDED = frozenset({"yes", "no", "not_now", "no_response"})


def create_ask(
    session: Session,
    owner_id: int,
    data: Mapping[str, Any],
    planner: readiness.Planner,
    now: datetime | None = None,
) -> Ask:
    now = now or utcnow()
    contact = get_owned(session, Contact, data["contact_id"], owner_id) if data.get("contact_id") else None
    campaign = get_owned(session, Campaign, data["campaign_id"], owner_id) if data.get("campaign_id") else None
    values = {k: data[k] for k in ASK_FIELDS if k in data}
    if values.get("asked_at") is None:
        values["asked_at"] = now  # omitted or null: asked just now
    parent = _bulk_parent(session, owner_id, data.get("parent_id"))
    message = get_owned(session, Message, data["message_id"], owner_id) if data.get("message_id") else None
    if parent is not None:
        campaign = campaign or parent.campaign  # a reply counts for its send's campaign
    ask = Ask(
        owner_id=owner_id,
        contact_id=contact.id if contact else None,
        campaign_id=campaign.id if campaign else None,
        parent_id=parent.id if parent else None,
        message_id=message.id if message else (parent.message_id if parent else None),
        **values,
    )
    if contact is not None:
        ask.warmth_at_ask = round(warmth.warmth(contact.warmth_key, ask.asked_at, planner.warmth), 2)
        if campaign is not None:
            pair = ReadinessOut.of(assess_pair(session, contact, campaign, planner, ask.asked_at))
            ask.criteria_at_ask = pair.model_dump(mode="json", include={"ask_ready", "fit", "trust", "timing"})
    _check_outcome(ask)
    session.add(ask)
    if contact is not None:
        # Asking answers the ask, target and follow-up reminders for this contact and campaign.
        kinds = ("ask", "target", "follow_up")
        reminders.close_for(session, owner_id, kinds, contact.id, campaign.id if campaign else None, now)
    session.flush()
    return ask


def _bulk_parent(session: Session, owner_id: int, parent_id: int | None) -> Ask | None:
    """A reply attaches to one of the owner's bulk sends, and no more replies than recipients."""
    if not parent_id:
        return None
    parent = get_owned(session, Ask, parent_id, owner_id)
    replies = session.scalar(owned(Ask, owner_id).where(Ask.parent_id == parent.id).with_only_columns(func.count())) or 0
    rules.bulk_reply(parent.recipients, parent.parent_id is not None, replies)
    return parent


def update_ask(session: Session, ask: Ask, data: Mapping[str, Any], now: datetime | None = None) -> Ask:
    """Change an ask and keep what changed, from what to what, in its history."""
    now = now or utcnow()
    if "asked_at" in data and data["asked_at"] is None:  # "now" when an ask is recorded; an edit keeps a day
        raise InvalidInput({"asked_at": "An ask keeps the day it was sent: give that day, or leave it as it is."})
    changes: dict[str, list[Any]] = {}
    for name in ASK_FIELDS:
        if name in data and getattr(ask, name) != data[name]:
            changes[name] = [_plain(getattr(ask, name)), _plain(data[name])]
            setattr(ask, name, data[name])
    _check_outcome(ask, now)
    if changes:
        session.add(AskChange(owner_id=ask.owner_id, ask_id=ask.id, changed_at=now, changes=changes))
    session.flush()
    return ask


def delete_ask(session: Session, ask: Ask, now: datetime | None = None) -> int:
    """Soft delete (undo can restore it), with a bulk send's replies; returns how many asks went."""
    now = now or utcnow()
    replies = list(session.scalars(owned(Ask, ask.owner_id).where(Ask.parent_id == ask.id)))
    for gone in (ask, *replies):
        gone.deleted_at = now
    session.flush()
    return 1 + len(replies)


def restore_ask(session: Session, owner_id: int, ask_id: int) -> Ask:
    """Undo a delete: the ask and the replies deleted with it (the same moment) come back."""
    ask = get_owned(session, Ask, ask_id, owner_id, include_deleted=True)
    if ask.deleted_at is not None:
        same_delete = owned(Ask, owner_id, include_deleted=True).where(Ask.parent_id == ask.id, Ask.deleted_at == ask.deleted_at)
        for reply in session.scalars(same_delete):
            reply.deleted_at = None
        ask.deleted_at = None
    session.flush()
    return ask


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def history(session: Session, ask: Ask) -> list[AskChange]:
    return list(session.scalars(owned(AskChange, ask.owner_id).where(AskChange.ask_id == ask.id).order_by(AskChange.id)))


def _check_outcome(ask: Ask, now: datetime | None = None) -> None:
    outcome = ask.outcome or "pending"
    rules.ask_answer(outcome, ask.reason, ask.follow_up_on)
    if outcome in DECIDED and ask.decided_at is None:
        ask.decided_at = now or utcnow()
    if outcome == "pending":
        ask.decided_at = None
