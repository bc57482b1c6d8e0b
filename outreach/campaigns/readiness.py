"""Readiness of (contact, campaign) pairs, loaded in a few set-based queries, never one per contact."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, String, type_coerce
from sqlalchemy.orm import Session

from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.contacts.models import BusyPeriod, Contact
from outreach.core.ownership import owned
from outreach.core.types import labels_of, utcnow
from outreach.domain import forecast, readiness
from outreach.domain.shows import ShowFacts
from outreach.feeds.facts import shows_of


@dataclass(frozen=True)
class PairReadiness:
    contact: Contact
    campaign: Campaign
    result: readiness.Readiness


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
) -> dict[int, list[PairReadiness]]:
    """Several campaigns at once: contacts, busy periods and asks are loaded once for all of them. Readers of
    good fits only (the tick, Today's board) use assess_fits, which gives the same results as plain values."""
    if not campaigns:
        return {}
    contacts = list(session.scalars(owned(Contact, owner_id).order_by(Contact.id)))
    facts = facts_for(session, owner_id, contacts)
    boards: dict[int, list[PairReadiness]] = {}
    for campaign in campaigns:
        target = campaign_facts(campaign)
        pairs = [PairReadiness(c, campaign, forecast.assess(facts[c.id], target, now, planner)) for c in contacts]
        pairs.sort(
            key=lambda p: (
                not p.result.ask_ready,
                -(p.result.fit.score + p.result.trust.score + p.result.timing.score),
                p.contact.id,
            )
        )
        boards[campaign.id] = pairs
    return boards


class AssessedPair(NamedTuple):
    """A pair as the tick drafts it and Today ranks it: plain values, no contact entity built (a tuple:
    thousands per tick)."""

    contact_id: int
    contact_name: str
    campaign: Campaign
    result: readiness.Readiness
    rank: int  # the board's order: ask-ready first, then the highest fit + trust + timing
    facts: readiness.ContactFacts  # what the result was judged on


def assess_fits(
    session: Session,
    owner_id: int,
    campaigns: list[Campaign],
    planner: readiness.Planner,
    now: datetime,
    *,
    wanted: Collection[tuple[int | None, int | None]] = (),
    contact_ids: Collection[int] | None = None,
) -> Iterator[AssessedPair]:
    """assess_campaigns for the readers of good fits only (the tick, Today's board): the same results for
    every pair it yields, as plain values, contact by contact in id order, each against the campaigns in
    turn; sorted by ``rank``, stably, each campaign's come in assess_campaigns' order.

    A pair that fails fit is left out unless ``wanted`` holds its (contact id, campaign id) (the tick holds a
    reminder of theirs to withdraw): nothing else is ever drafted or shown for it. Contacts are read as plain
    rows, fit is judged once per distinct topics-and-signals, and trust (which no campaign changes) once per
    contact: at 10,000 contacts × 3 campaigns these were most of the first tick's time. What the pairs are
    judged on is read now; each is assessed as it is taken, so a caller can store what it drafts from one
    while the next is assessed (the tick, streaming its reminders)."""
    return _assessed(_FactRows.read(session, owner_id, contact_ids), campaigns, planner, now, set(wanted))


def _assessed(
    found: _FactRows,
    campaigns: list[Campaign],
    planner: readiness.Planner,
    now: datetime,
    held: set[tuple[int | None, int | None]],
) -> Iterator[AssessedPair]:
    today = now.date()
    # Per campaign: its id, its facts, fit judged once per distinct set of what fit reads (a few dozen for
    # thousands of contacts; a contact with a show is judged each time, as a show's facts vary), and timing
    # for a contact with no busy period and no ask (most), which reads only the window.
    targets: list[tuple[int, Campaign, readiness.CampaignFacts, dict[Any, readiness.Criterion], readiness.Criterion]] = [
        (campaign.id, campaign, facts, {}, readiness.timing(readiness.ContactFacts(name=""), facts, today))
        for campaign, facts in ((campaign, campaign_facts(campaign)) for campaign in campaigns)
    ]
    for row in found.rows:
        contact_id, contact = row[0], None  # its facts built only for a pair that is assessed (a third of them)
        trust: readiness.Criterion | None = None
        fit_key = None if contact_id in found.shows else _fit_key(row)
        for campaign_id, campaign, target, memo, window_only in targets:
            fit = memo.get(fit_key) if fit_key else None
            if fit is None:
                contact = contact or found.facts(row)
                fit = readiness.fit(contact, target, planner.thresholds)
                if fit_key:
                    memo[fit_key] = fit
            if not fit.met and (not held or (contact_id, campaign_id) not in held):
                continue
            contact = contact or found.facts(row)
            trust = trust or readiness.trust(contact, now, planner)
            timing = window_only if not contact.busy_periods and not contact.asks else readiness.timing(contact, target, today)
            ready_on, why = forecast.forecast(contact, target, now, planner, fit, trust, timing)
            result = readiness.Readiness(fit, trust, timing, ready_on, why)
            rank = (0 if result.ask_ready else 1000) - (fit.score + trust.score + timing.score)  # scores are 0–100 each
            yield AssessedPair(contact_id, contact.name, campaign, result, rank, contact)


def _fit_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """What fit reads of a contact's row (see _FACT_COLUMNS): topics, promotion signals, their rating,
    and their name when rated (only an override's sentence names them)."""
    return (row[8], row[3], row[9], row[4], row[1] if row[4] is not None else None)


_FACT_COLUMNS = (
    *(Contact.id, Contact.name, Contact.audience_size, Contact.promotes_others, Contact.fit_override),
    *(Contact.warmth_key, Contact.first_touch_at, Contact.last_inbound_at.is_not(None).label("has_inbound")),
    # As stored: a few label lists repeat over thousands of contacts, so each is parsed once (labels_of).
    type_coerce(Contact.topics, String).label("topics"),
    type_coerce(Contact.promotion_methods, String).label("promotion_methods"),
)


@dataclass(frozen=True)
class _FactRows:
    """What readiness reads of each live contact (or of those given), as plain rows of the columns it needs
    (_FACT_COLUMNS, by position: a Row field by name costs µs) with their busy periods, asks and shows: the
    same facts as ``facts_for`` without a Contact, BusyPeriod or Ask entity, built one contact at a time."""

    rows: list[tuple[Any, ...]]
    busy: dict[int, list[tuple[Any, Any]]]
    asks: dict[int, list[readiness.AskFacts]]
    shows: dict[int, ShowFacts]

    @classmethod
    def read(cls, session: Session, owner_id: int, contact_ids: Collection[int] | None) -> _FactRows:
        chosen = None if contact_ids is None else sorted(contact_ids)
        busy: dict[int, list[tuple[Any, Any]]] = defaultdict(list)
        asks: dict[int, list[readiness.AskFacts]] = defaultdict(list)
        periods = owned(BusyPeriod, owner_id).with_only_columns(BusyPeriod.contact_id, BusyPeriod.start, BusyPeriod.end)
        for contact_id, start, end in _rows(session, periods.order_by(BusyPeriod.id), BusyPeriod.contact_id, chosen):
            busy[contact_id].append((start, end))
        columns = (Ask.contact_id, Ask.campaign_id, Ask.asked_at, Ask.outcome, Ask.follow_up_on)
        made = owned(Ask, owner_id).with_only_columns(*columns).where(Ask.contact_id.is_not(None)).order_by(Ask.id)
        for contact_id, campaign_id, asked_at, outcome, follow_up_on in _rows(session, made, Ask.contact_id, chosen):
            asks[contact_id].append(readiness.AskFacts(campaign_id, asked_at.date(), outcome, follow_up_on))
        contacts = owned(Contact, owner_id).with_only_columns(*_FACT_COLUMNS).order_by(Contact.id)
        rows = [tuple(row) for row in _rows(session, contacts, Contact.id, chosen)]
        shows = shows_of(session, owner_id, None if chosen is None else [row[0] for row in rows], utcnow().date())
        return cls(rows, busy, asks, shows)

    def facts(self, row: tuple[Any, ...]) -> readiness.ContactFacts:
        contact_id, name, audience_size, promotes_others, fit_override, key, first_touch_at, has_inbound, topics, methods = row
        return readiness.ContactFacts(
            name=name,
            topics=labels_of(topics),
            audience_size=audience_size,
            promotes_others=promotes_others,
            promotion_methods=labels_of(methods),
            fit_override=fit_override,
            warmth_key=key,
            first_touch_at=first_touch_at,
            has_inbound=bool(has_inbound),
            busy_periods=tuple(self.busy.get(contact_id, ())),
            asks=tuple(self.asks.get(contact_id, ())),
            show=self.shows.get(contact_id),
        )


def _rows(session: Session, query: Select[*tuple[Any, ...]], contact_column: Any, chosen: list[int] | None) -> Iterable[Any]:
    """All the owner's rows, or those of the chosen contacts, 500 ids to a statement. Read on the session's
    connection, as plain rows: the ORM's result machinery cost as much as fetching them, for no entity."""
    connection = session.connection()
    if chosen is None:
        yield from connection.execute(query).all()  # all at once: iterating fetched row by row
        return
    for chunk in _chunks(chosen, 500):
        yield from connection.execute(query.where(contact_column.in_(chunk))).all()


def active_campaigns(session: Session, owner_id: int, now: datetime) -> list[Campaign]:
    upcoming = owned(Campaign, owner_id).where(Campaign.date >= now.date())
    return list(session.scalars(upcoming.order_by(Campaign.date, Campaign.id)))  # by id on a shared date: one order everywhere
