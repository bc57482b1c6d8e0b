"""Readiness of (contact, campaign) pairs, loaded in a few set-based queries, never one per contact."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.contacts.models import BusyPeriod, Contact
from outreach.core.ownership import owned
from outreach.core.types import utcnow
from outreach.domain import forecast, readiness
from outreach.domain.shows import ShowFacts
from outreach.feeds.facts import shows_of


@dataclass(frozen=True)
class PairReadiness:
    contact: Contact
    campaign: Campaign
    result: readiness.Readiness
    facts: readiness.ContactFacts | None = field(default=None, compare=False)  # what the result was judged on


def campaign_facts(campaign: Campaign) -> readiness.CampaignFacts:
    return readiness.CampaignFacts(
        id=campaign.id,
        name=campaign.name,
        kind=campaign.kind,
        date=campaign.date,
        topics=tuple(campaign.topics),
        window_start_weeks=campaign.window_start_weeks,
        window_end_weeks=campaign.window_end_weeks,
    )


def contact_facts(
    contact: Contact, busy: Iterable[BusyPeriod], asks: Iterable[Ask], show: ShowFacts | None = None
) -> readiness.ContactFacts:
    return readiness.ContactFacts(
        name=contact.name,
        topics=tuple(contact.topics),
        audience_size=contact.audience_size,
        promotes_others=contact.promotes_others,
        promotion_methods=tuple(contact.promotion_methods),
        fit_override=contact.fit_override,
        warmth_key=contact.warmth_key,
        first_touch_at=contact.first_touch_at,
        has_inbound=contact.last_inbound_at is not None,
        busy_periods=tuple((b.start, b.end) for b in busy),
        asks=tuple(readiness.AskFacts(a.campaign_id, a.asked_at.date(), a.outcome, a.follow_up_on) for a in asks),
        show=show,
    )


def facts_for(session: Session, owner_id: int, contacts: list[Contact]) -> dict[int, readiness.ContactFacts]:
    """Facts for many contacts: busy periods, asks and podcast feeds fetched in three queries for all of them."""
    ids = [c.id for c in contacts]
    busy: dict[int, list[BusyPeriod]] = defaultdict(list)
    asks: dict[int, list[Ask]] = defaultdict(list)
    for chunk in _chunks(ids, 500):
        for period in session.scalars(owned(BusyPeriod, owner_id).where(BusyPeriod.contact_id.in_(chunk))):
            busy[period.contact_id].append(period)
        for ask in session.scalars(owned(Ask, owner_id).where(Ask.contact_id.in_(chunk))):
            asks[ask.contact_id].append(ask)  # type: ignore[index]
    shows = shows_of(session, owner_id, ids, utcnow().date())
    return {c.id: contact_facts(c, busy[c.id], asks[c.id], shows.get(c.id)) for c in contacts}


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def assess_pair(
    session: Session, contact: Contact, campaign: Campaign, planner: readiness.Planner, now: datetime
) -> PairReadiness:
    return assess_contact(session, contact, [campaign], planner, now)[0]


def assess_contact(
    session: Session, contact: Contact, campaigns: list[Campaign], planner: readiness.Planner, now: datetime
) -> list[PairReadiness]:
    """One contact against several campaigns (their page's checklist): the contact's facts read once."""
    facts = facts_for(session, contact.owner_id, [contact])[contact.id]
    return [PairReadiness(contact, c, forecast.assess(facts, campaign_facts(c), now, planner)) for c in campaigns]


def assess_campaign(session: Session, campaign: Campaign, planner: readiness.Planner, now: datetime) -> list[PairReadiness]:
    """Every live contact of the owner against one campaign, ask-ready first, then the closest to ready."""
    return assess_campaigns(session, campaign.owner_id, [campaign], planner, now)[campaign.id]


def assess_campaigns(
    session: Session,
    owner_id: int,
    campaigns: list[Campaign],
    planner: readiness.Planner,
    now: datetime,
    *,
    fits_only: bool = False,
    contact_ids: Collection[int] | None = None,
) -> dict[int, list[PairReadiness]]:
    """Several campaigns at once: contacts, busy periods and asks are loaded once for all of them.
    ``fits_only`` leaves out the pairs that fail fit (checked first, cheaply), for readers that show
    only fits, ready or warming; ``contact_ids`` assesses only those contacts (the tick's changed ones)."""
    if not campaigns:
        return {}
    query = owned(Contact, owner_id)
    if contact_ids is not None:
        query = query.where(Contact.id.in_(sorted(contact_ids)))
    contacts = list(session.scalars(query.order_by(Contact.id)))
    facts = facts_for(session, owner_id, contacts)
    boards: dict[int, list[PairReadiness]] = {}
    for campaign in campaigns:
        target = campaign_facts(campaign)
        candidates = [c for c in contacts if not fits_only or readiness.fit(facts[c.id], target, planner.thresholds).met]
        pairs = [PairReadiness(c, campaign, forecast.assess(facts[c.id], target, now, planner), facts[c.id]) for c in candidates]
        pairs.sort(
            key=lambda p: (
                not p.result.ask_ready,
                -(p.result.fit.score + p.result.trust.score + p.result.timing.score),
                p.contact.id,
            )
        )
        boards[campaign.id] = pairs
    return boards


def active_campaigns(session: Session, owner_id: int, now: datetime) -> list[Campaign]:
    return list(session.scalars(owned(Campaign, owner_id).where(Campaign.date >= now.date()).order_by(Campaign.date)))
