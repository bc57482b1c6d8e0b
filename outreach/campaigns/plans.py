"""Campaign plans: how many asks a campaign needs and whom to warm up first, from the ledger and the board."""

from __future__ import annotations

from sqlalchemy.orm import Session

from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.campaigns.readiness import PairReadiness, assess_campaign, campaign_facts
from outreach.core.caller import Caller
from outreach.core.ownership import owned
from outreach.domain import forecast, plan, readiness, warmth


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


def campaign_asks(session: Session, campaign: Campaign) -> list[tuple[int | None, str]]:
    """(contact, outcome) of every ask made for the campaign, the oldest first."""
    query = owned(Ask, campaign.owner_id).where(Ask.campaign_id == campaign.id).order_by(Ask.asked_at, Ask.id)
    rows = session.execute(query.with_only_columns(Ask.contact_id, Ask.outcome))
    return [(contact_id, outcome) for contact_id, outcome in rows]


def campaign_plan(
    session: Session,
    me: Caller,
    campaign: Campaign,
    pairs: list[PairReadiness] | None = None,
    asks: list[tuple[int | None, str]] | None = None,
) -> plan.Plan:
    """``pairs`` and ``asks``: the campaign's readiness board and asks when the caller already has them."""
    pairs = pairs if pairs is not None else assess_campaign(session, campaign, me.planner, me.now)
    asks = asks if asks is not None else campaign_asks(session, campaign)
    asked = {contact_id for contact_id, _ in asks}
    yeses = sum(1 for _, outcome in asks if outcome == "yes")
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
