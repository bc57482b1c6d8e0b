"""The Today page's three answers: whom to ask now, whom to warm up, how this week's asking goes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func
from sqlalchemy.orm import Session

from outreach import warmth
from outreach.caller import Caller
from outreach.models import Ask, Contact, Touch
from outreach.ownership import owned
from outreach.services.readiness import (
    PairReadiness,
    active_campaigns,
    assess_campaigns,
)

SUGGESTIONS = {
    "comment": "comment on their latest post",
    "share": "share their work with your audience",
    "purchase": "buy their product or book",
    "email": "send a thank-you email about something they made",
}
COOLING_DAYS = 14


@dataclass(frozen=True)
class WarmUp:
    contact: Contact
    warmth_now: float
    warmth_later: float
    why: str
    suggestion: str


@dataclass
class WeekOfAsking:
    week_start: date
    asks: int
    nos: int
    yeses: int
    no_goal: int
    pending: list[Ask] = field(default_factory=list)
    follow_ups: list[Ask] = field(default_factory=list)


def suggest_touch(session: Session, contact: Contact) -> str:
    """The warming gesture they have had least of lately, so touches stay varied."""
    used = Counter(
        session.scalars(
            owned(Touch, contact.owner_id)
            .where(Touch.contact_id == contact.id, Touch.direction == "outbound")
            .with_only_columns(Touch.kind)
            .order_by(Touch.occurred_at.desc())
            .limit(10)
        )
    )
    kind = min(SUGGESTIONS, key=lambda k: (used[k], list(SUGGESTIONS).index(k)))
    return SUGGESTIONS[kind]


def campaign_pairs(session: Session, me: Caller) -> list[PairReadiness]:
    """Every live contact against every upcoming campaign, assessed once for the whole page."""
    boards = assess_campaigns(session, me.id, active_campaigns(session, me.id, me.now), me.planner, me.now)
    return [pair for board in boards.values() for pair in board]


def ask_now(pairs: list[PairReadiness]) -> list[PairReadiness]:
    """Ask-ready pairs, the soonest campaign first, then the strongest case."""
    ready = [p for p in pairs if p.result.ask_ready]
    ready.sort(key=lambda p: (p.campaign.date, -(p.result.fit.score + p.result.trust.score), p.contact.name))
    return ready


def cooling(session: Session, me: Caller, limit: int = 10) -> list[WarmUp]:
    """Warm enough to ask today, but below the trust bar within 14 days: a range query on the key."""
    bar = me.planner.thresholds.trust_warmth
    later = me.now + timedelta(days=COOLING_DAYS)
    query = owned(Contact, me.id).where(
        and_(
            Contact.warmth_key >= warmth.min_key(bar, me.now, me.params),
            Contact.warmth_key < warmth.min_key(bar, later, me.params),
        )
    )
    contacts = session.scalars(query.order_by(Contact.warmth_key).limit(limit))
    return [
        WarmUp(
            c,
            warmth.warmth(c.warmth_key, me.now, me.params),
            warmth.warmth(c.warmth_key, later, me.params),
            f"falls below {bar:.0f} within {COOLING_DAYS} days",
            suggest_touch(session, c),
        )
        for c in contacts
    ]


def closest_to_ready(
    session: Session, pairs: list[PairReadiness], limit: int = 10
) -> list[tuple[PairReadiness, str]]:
    """Good fits for upcoming campaigns whom only trust keeps from ready, soonest forecast first."""
    warming = [p for p in pairs if p.result.fit.met and not p.result.trust.met]
    warming.sort(key=lambda p: (p.result.forecast_ready_on or date.max, -p.result.trust.score))
    return [(p, suggest_touch(session, p.contact)) for p in warming[:limit]]


def week_of_asking(session: Session, me: Caller, today: date | None = None) -> WeekOfAsking:
    today = today or me.now.date()
    start = today - timedelta(days=today.weekday())
    since = datetime.combine(start, datetime.min.time())
    counts = dict(
        session.execute(
            owned(Ask, me.id)
            .where(Ask.asked_at >= since)
            .with_only_columns(Ask.outcome, func.count(Ask.id))
            .group_by(Ask.outcome)
        ).all()
    )
    asks = sum(counts.values())
    yeses = counts.get("yes", 0)
    nos = counts.get("no", 0) + counts.get("no_response", 0)
    pending = list(session.scalars(owned(Ask, me.id).where(Ask.outcome == "pending").order_by(Ask.asked_at)))
    follow_ups = list(
        session.scalars(
            owned(Ask, me.id)
            .where(Ask.outcome == "not_now", Ask.follow_up_on <= today + timedelta(days=7))
            .order_by(Ask.follow_up_on)
        )
    )
    return WeekOfAsking(start, asks, nos, yeses, me.settings.weekly_no_goal, pending, follow_ups)
