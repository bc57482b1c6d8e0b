"""Campaign plans, message results and the bank of wins, from the ledger and the readiness board."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy.orm import Session

from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.campaigns.readiness import PairReadiness, assess_campaign, campaign_facts
from outreach.core.caller import Caller
from outreach.core.ownership import owned
from outreach.domain import forecast, goforno, plan, readiness, warmth
from outreach.learning.models import Message, Win

WIN_AFTER_NOS = 5  # show the bank of wins after this many nos in a row


def ledger_rate(session: Session, me: Caller) -> plan.YesRate:
    """The yes rate of warm asks (warmth at ask time at or above the trust bar) when there are enough,
    else of all single asks, else the stated prior."""
    rows = session.execute(owned(Ask, me.id).where(Ask.recipients == 1).with_only_columns(Ask.outcome, Ask.warmth_at_ask)).all()
    warm = [o for o, w in rows if w is not None and w >= me.planner.thresholds.trust_warmth]
    own = plan.yes_rate(warm)
    return own if not own.from_prior else plan.yes_rate([o for o, _ in rows])


def lead_days(me: Caller) -> int:
    bar = me.planner.thresholds.trust_warmth
    needed = forecast.cadence_touches_until_warm(0.0, warmth.sum_for_warmth(bar, me.params), me.planner)
    if needed is None:
        return 365
    touches, spacing = needed
    return plan.lead_days(me.planner.thresholds.relationship_days, touches, spacing)


def campaign_plan(session: Session, me: Caller, campaign: Campaign, pairs: list[PairReadiness] | None = None) -> plan.Plan:
    """``pairs``: the campaign's readiness board when the caller has already assessed it."""
    pairs = pairs if pairs is not None else assess_campaign(session, campaign, me.planner, me.now)
    asked = {
        contact_id
        for (contact_id,) in session.execute(
            owned(Ask, me.id).where(Ask.campaign_id == campaign.id).with_only_columns(Ask.contact_id)
        )
    }
    yeses = sum(
        1
        for (outcome,) in session.execute(owned(Ask, me.id).where(Ask.campaign_id == campaign.id).with_only_columns(Ask.outcome))
        if outcome == "yes"
    )
    candidates = [
        plan.Candidate(
            contact_id=p.contact.id,
            name=p.contact.name,
            fit_score=p.result.fit.score,
            moonshot=readiness.moonshot_audience(p.contact.audience_size, me.planner),
            ready_now=p.result.ask_ready,
            forecast_ready_on=p.result.forecast_ready_on,
            asked=p.contact.id in asked,
        )
        for p in pairs
        if p.result.fit.met
    ]
    return plan.plan(
        campaign.yes_target,
        yeses,
        ledger_rate(session, me),
        campaign_facts(campaign).window,
        me.now.date(),
        candidates,
        lead_days(me),
    )


def message_results(session: Session, owner_id: int) -> list[plan.MessageResult]:
    """Sends, replies and yeses per message, counted by the ledger's own rules (a bulk send counts its
    recipients; its replies, attached or recorded on the send itself, count as what they say)."""
    names = {m.id: m.name for m in session.scalars(owned(Message, owner_id).order_by(Message.name))}
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


def wins_of(session: Session, owner_id: int, limit: int = 50) -> list[Win]:
    return list(session.scalars(owned(Win, owner_id).order_by(Win.created_at.desc()).limit(limit)))
