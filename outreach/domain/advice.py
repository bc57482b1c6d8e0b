"""Today's warm-up advice: which (contact, campaign) pairs a touch can bring to an ask, what to do, in what order.

Pure domain code beside readiness.py and forecast.py: it reads their verdicts and the ledger, so Today
never advises what the readiness board or the campaign page would contradict (an ask for this campaign
already made, an open ask, a "not now" still waiting for its date, a decline whose cool-down outlasts
the window, a poor fit).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from outreach.domain import warmth as wm
from outreach.domain.readiness import (
    CampaignFacts,
    ContactFacts,
    Planner,
    Readiness,
    blocking_ask,
    moonshot_audience,
    trust_warmth_bar,
)

# Gestures that warm a relationship that already goes both ways, lightest first.
WARMING = {
    "comment": "Comment on their latest post",
    "share": "Share their work with your audience",
    "email": "Send a thank-you email about something they made",
    "purchase": "Buy their product or book",
}
# They have never engaged back: the touch should give them something easy to answer.
REPLY_INVITES = {
    "comment": "Comment on their latest post with a question they can answer",
    "email": "Email them a short question about their work",
    "dm": "Send a short message asking what they are working on",
}


@dataclass(frozen=True)
class Advice:
    """One warm-up item: a touch to make now, or (only time missing) the date to wait for."""

    touch_kind: str | None  # None: nothing to do but wait
    action: str
    sentence: str
    ready_on: date
    moonshot: bool
    warmth: float
    bar: float

    @property
    def waiting(self) -> bool:
        return self.touch_kind is None

    @property
    def gap(self) -> float:
        """How far below the trust bar they are: the smallest gap is the closest to an ask."""
        return max(0.0, self.bar - self.warmth)


def least_used(options: dict[str, str], recent_kinds: Iterable[str]) -> str:
    """The gesture made least of lately (ties: the lightest), so touches stay varied."""
    used = Counter(recent_kinds)
    order = list(options)
    return min(order, key=lambda kind: (used[kind], order.index(kind)))


def warm_up(
    contact: ContactFacts,
    campaign: CampaignFacts,
    result: Readiness,
    now: datetime,
    planner: Planner,
    recent_kinds: Sequence[str] = (),
) -> Advice | None:
    """The advice for one pair, or None when no touch and no wait brings it to an ask in this window."""
    ready_on = result.forecast_ready_on
    # The forecast is None for a poor fit, a yes to this campaign, an open ask, a closed window, a
    # cool-down past the window, and a cadence that never gets there: touches change none of those.
    if result.ask_ready or not result.fit.met or ready_on is None:
        return None
    if campaign.id is not None and any(ask.campaign_id == campaign.id for ask in contact.asks):
        # Asked for this very campaign already: the answer (or its absence) is in the ledger, and the
        # campaign page shows them as asked, yes, no or not now; what follows is a follow-up, not warming.
        return None
    if blocking_ask(contact, now.date()) is not None:
        return None  # an open ask, or a "not now" waiting for its follow-up date, for another campaign
    bar = trust_warmth_bar(contact, planner)
    current = wm.warmth(contact.warmth_key, now, planner.warmth)
    # Warm enough on the day itself, with no touch in between, and they engage back: only time is missing.
    warm_then = wm.warmth(contact.warmth_key, datetime.combine(ready_on, time(12)), planner.warmth) >= bar
    unmet = " ".join(c.reason for c in (result.trust, result.timing) if not c.met)
    moonshot = moonshot_audience(contact.audience_size, planner)
    if warm_then and contact.has_inbound:
        action = f"Wait until {ready_on:%d %b %Y}: only time is missing, no touch is needed before then"
        return Advice(None, action, unmet, ready_on, moonshot, current, bar)
    if result.trust.met:
        unmet = f"Warmth {current:.0f} falls below {bar:.0f} by {ready_on:%d %b %Y} without a touch. {unmet}"
    options = WARMING if contact.has_inbound else REPLY_INVITES
    kind = least_used(options, recent_kinds)
    return Advice(kind, options[kind], f"{unmet} {result.forecast_reason}".strip(), ready_on, moonshot, current, bar)


@dataclass(frozen=True)
class Ranked:
    """What the warm-up order reads of an item."""

    window_closes: date
    campaign_id: int | None
    advice: Advice
    name: str


def rank_key(item: Ranked) -> tuple[object, ...]:
    """Grouped by campaign, the most urgent window first; within it touches before waits, accessible
    before moonshots (start small), then the closest to the trust bar."""
    a = item.advice
    return (item.window_closes, item.campaign_id or 0, a.waiting, a.moonshot, round(a.gap, 1), a.ready_on, item.name)
