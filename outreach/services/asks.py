"""The ask ledger: record asks with a snapshot of warmth and the criteria, then their outcomes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from outreach import readiness, warmth
from outreach.errors import InvalidInput
from outreach.models import Ask, Campaign, Contact
from outreach.models.types import utcnow
from outreach.ownership import get_owned
from outreach.services import reminders
from outreach.services.readiness import assess_pair

ASK_FIELDS = ("asked_at", "channel", "request", "recipients", "outcome", "reason", "reason_detail", "lesson", "follow_up_on")
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
    values.setdefault("asked_at", now)
    ask = Ask(owner_id=owner_id, contact_id=contact.id if contact else None, campaign_id=campaign.id if campaign else None, **values)
    if contact is not None:
        ask.warmth_at_ask = round(warmth.warmth(contact.warmth_key, ask.asked_at, planner.warmth), 2)
        if campaign is not None:
            pair = assess_pair(session, contact, campaign, planner, ask.asked_at).as_dict()
            ask.criteria_at_ask = {name: pair[name] for name in ("ask_ready", "fit", "trust", "timing")}
    _check_outcome(ask)
    session.add(ask)
    if contact is not None:
        # Asking answers the ask, target and follow-up reminders for this contact and campaign.
        kinds = ("ask", "target", "follow_up")
        reminders.close_for(session, owner_id, kinds, contact.id, campaign.id if campaign else None, now)
    session.flush()
    return ask


def update_ask(session: Session, ask: Ask, data: Mapping[str, Any], now: datetime | None = None) -> Ask:
    for name in ASK_FIELDS:
        if name in data:
            setattr(ask, name, data[name])
    _check_outcome(ask, now)
    session.flush()
    return ask


def _check_outcome(ask: Ask, now: datetime | None = None) -> None:
    outcome = ask.outcome or "pending"
    if ask.reason and outcome not in ("no", "no_response", "not_now"):
        raise InvalidInput({"reason": "a reason belongs to a no, a not-now or a no-response"})
    if ask.follow_up_on and outcome != "not_now":
        raise InvalidInput({"follow_up_on": "a follow-up date belongs to a 'not now' answer"})
    if outcome in DECIDED and ask.decided_at is None:
        ask.decided_at = now or utcnow()
    if outcome == "pending":
        ask.decided_at = None
