"""Fit, trust and timing for a (contact, campaign) pair, and the forecast of when all three hold.

Pure domain code (see PRODUCT.md, "The three criteria"): plain values in, plain values out.
Each criterion says met or not, a 0–100 score, and one sentence that says what is missing.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import date as Day  # for CampaignFacts, whose field `date` hides the type
from functools import cached_property, lru_cache

from outreach.domain import warmth as wm
from outreach.domain.shows import ShowFacts, describe, stopped_warning
from outreach.domain.vocabulary import CampaignKind, Outcome, PromotionMethod

Method = PromotionMethod
# Which ways of promoting others suit which kind of campaign (seed 003: "how do they promote?").
SUITED_METHODS: dict[str, frozenset[str]] = {
    CampaignKind.PODCAST_SEASON: frozenset({Method.INTERVIEW, Method.GUEST_POST}),
    CampaignKind.LAUNCH: frozenset({Method.AFFILIATE, Method.RECOMMENDATION, Method.GUEST_POST, Method.FREE_CALL}),
    CampaignKind.EVENT: frozenset({Method.INTERVIEW, Method.RECOMMENDATION, Method.FREE_CALL}),
    CampaignKind.COURSE: frozenset({Method.AFFILIATE, Method.RECOMMENDATION, Method.FREE_CALL}),
    CampaignKind.OTHER: frozenset(PromotionMethod),
}
OPEN_OUTCOMES = frozenset({Outcome.PENDING})
DECLINED_OUTCOMES = frozenset({Outcome.NO})


@dataclass(frozen=True)
class Thresholds:
    """The user-configurable bars of the three criteria."""

    fit: float = 60.0
    trust_warmth: float = 60.0
    moonshot_warmth: float = 75.0
    moonshot_factor: float = 10.0
    relationship_days: int = 60
    decline_cooldown_days: int = 90


@dataclass(frozen=True)
class AskFacts:
    campaign_id: int | None
    asked_on: date
    outcome: str
    follow_up_on: date | None = None


@dataclass(frozen=True)
class ContactFacts:
    """What the criteria need to know about a contact."""

    name: str
    topics: Sequence[str] = ()
    audience_size: int | None = None
    promotes_others: bool | None = None
    promotion_methods: Sequence[str] = ()
    fit_override: int | None = None
    warmth_key: float | None = None
    first_touch_at: datetime | None = None
    has_inbound: bool = False
    busy_periods: Sequence[tuple[date, date]] = ()
    asks: Sequence[AskFacts] = ()
    show: ShowFacts | None = None  # what their podcast's feed says, when they have one


@dataclass(frozen=True)
class CampaignFacts:
    id: int | None
    name: str
    kind: str
    date: date
    topics: Sequence[str] = ()
    window_start_weeks: int = 12
    window_end_weeks: int = 3

    @cached_property
    def window(self) -> tuple[Day, Day]:
        return (
            self.date - timedelta(weeks=self.window_start_weeks),
            self.date - timedelta(weeks=self.window_end_weeks),
        )


@dataclass(frozen=True)
class Planner:
    """The user's side: warmth parameters, thresholds, own audience and planned cadence."""

    warmth: wm.WarmthParams = field(default_factory=wm.WarmthParams)
    thresholds: Thresholds = field(default_factory=Thresholds)
    own_audience: int | None = None
    cadence_per_week: float = 1.0
    cadence_touch_weight: float = 2.0


@dataclass(frozen=True)
class Criterion:
    met: bool
    score: int
    reason: str


@dataclass(frozen=True)
class Readiness:
    fit: Criterion
    trust: Criterion
    timing: Criterion
    forecast_ready_on: date | None
    forecast_reason: str

    @property
    def ask_ready(self) -> bool:
        return self.fit.met and self.trust.met and self.timing.met


def normalize_topics(topics: Sequence[str]) -> frozenset[str]:
    """Case, hyphens, underscores and spacing do not matter; cached, as every pair asks again."""
    return _normalized(tuple(topics))


@lru_cache(maxsize=8192)
def _normalized(topics: tuple[str, ...]) -> frozenset[str]:
    return frozenset(" ".join(t.lower().replace("-", " ").replace("_", " ").split()) for t in topics if t.strip())


def _listing(items: Collection[str]) -> str:
    return ", ".join(sorted(items)) if items else "none"


def fit(contact: ContactFacts, campaign: CampaignFacts, thresholds: Thresholds) -> Criterion:
    """Topic overlap plus research signals, then what their podcast's feed says (if any)."""
    found = _fit(contact, campaign, thresholds)
    return found if contact.show is None else _show_fit(found, contact, contact.show, campaign, thresholds)


def _show_fit(found: Criterion, contact: ContactFacts, show: ShowFacts, campaign: CampaignFacts, t: Thresholds) -> Criterion:
    """A show without guests cannot take a guest (a podcast season's ask), though it may still carry a
    launch; a show with no episode in 90 days is flagged whatever the campaign."""
    met, score, reason = found.met, found.score, found.reason.rstrip(".")
    if campaign.kind == "podcast_season" and show.never_has_guests and contact.fit_override is None:
        met, score = False, min(score, max(0, round(t.fit) - 1))
        reason += f"; their show never has guests ({describe(show)}): a guest ask does not fit it"
    warning = stopped_warning(show)
    if warning:
        reason += f"; {warning}"
    return Criterion(met, score, reason + ".")


def _fit(contact: ContactFacts, campaign: CampaignFacts, thresholds: Thresholds) -> Criterion:
    """Topic overlap plus research signals; a manual 1–5 rating overrides both."""
    if contact.fit_override is not None:
        score = (contact.fit_override - 1) * 25
        met = score >= thresholds.fit
        verdict = "a fit" if met else "not a fit"
        return Criterion(met, score, f"Fit: you rated {contact.name} {contact.fit_override}/5 — {verdict}.")
    theirs, ours = normalize_topics(contact.topics), normalize_topics(campaign.topics)
    shared = theirs & ours
    if not ours:
        return Criterion(False, 0, "Fit: the campaign has no topics yet — add some to judge fit.")
    if not shared:
        return Criterion(
            False,
            0,
            f"Fit: none of their topics ({_listing(theirs)}) match the campaign's ({_listing(ours)}) "
            "— the offer would not make sense to their audience.",
        )
    overlap = len(shared) / min(len(theirs), len(ours))
    suited = SUITED_METHODS.get(campaign.kind, frozenset()) & set(contact.promotion_methods)
    if contact.promotes_others is False:
        signal, how = 0.0, "they do not promote others"
    elif suited:
        signal, how = 30.0, f"they promote others by {_listing(suited).replace('_', ' ')}"
    elif contact.promotes_others:
        signal, how = 20.0, "they promote others, though not in a way this campaign uses yet"
    else:
        signal, how = 10.0, "unknown whether they promote others — research it"
    score = round(70.0 * overlap + signal)
    met = score >= thresholds.fit
    head = f"Fit {score} (needs {thresholds.fit:.0f}): shared topics {_listing(shared)}; {how}"
    return Criterion(met, score, head + ".")


def moonshot_audience(audience_size: int | None, planner: Planner) -> bool:
    """An audience over 10× yours (by default): a moonshot."""
    own = planner.own_audience
    return bool(own and audience_size and audience_size > planner.thresholds.moonshot_factor * own)


def trust_warmth_bar(contact: ContactFacts, planner: Planner) -> float:
    """Moonshots need more warmth: start small."""
    t = planner.thresholds
    return t.moonshot_warmth if moonshot_audience(contact.audience_size, planner) else t.trust_warmth


def last_decline(contact: ContactFacts) -> date | None:
    declines = [a.asked_on for a in contact.asks if a.outcome in DECLINED_OUTCOMES]
    return max(declines) if declines else None


def plural(number: float, noun: str) -> str:
    plural = noun + ("es" if noun.endswith(("ch", "sh", "s")) else "s")
    return f"{number:g} {noun if number == 1 else plural}"


def _weeks(days: float) -> int:
    """Whole weeks elapsed: a relationship of five days is 0 weeks old, not 1."""
    return max(0, int(days // 7))


def _weeks_needed(days: float) -> int:
    return max(0, math.ceil(days / 7))


def trust(contact: ContactFacts, now: datetime, planner: Planner) -> Criterion:
    """Warm enough, known long enough, reciprocated, and no recent decline."""
    t = planner.thresholds
    bar = trust_warmth_bar(contact, planner)
    current = wm.warmth(contact.warmth_key, now, planner.warmth)
    age_days = (now - contact.first_touch_at).total_seconds() / 86400 if contact.first_touch_at else 0.0
    declined = last_decline(contact)
    cooling_until = declined + timedelta(days=t.decline_cooldown_days) if declined else None
    recent_decline = cooling_until is not None and now.date() < cooling_until

    problems: list[str] = []
    if current < bar:
        more = wm.touches_needed(current, bar, planner.cadence_touch_weight, planner.warmth)
        moon = " (a moonshot: their audience is over 10× yours)" if bar > t.trust_warmth else ""
        problems.append(f"warmth {current:.0f} of {bar:.0f}{moon} — about {plural(more, 'more touch')}")
    if age_days < t.relationship_days:
        problems.append(
            f"relationship {plural(_weeks(age_days), 'week')} old, needs {_weeks_needed(t.relationship_days)}"
            if contact.first_touch_at
            else f"no touches yet — a relationship needs {plural(_weeks_needed(t.relationship_days), 'week')}"
        )
    if not contact.has_inbound:
        problems.append("they have never replied or engaged back — a follow is not a relationship")
    if recent_decline:
        problems.append(f"they declined on {declined:%d %b %Y}; wait until {cooling_until:%d %b %Y}")

    parts = [
        min(1.0, current / bar),
        min(1.0, age_days / t.relationship_days) if t.relationship_days else 1.0,
        1.0 if contact.has_inbound else 0.0,
        0.0 if recent_decline else 1.0,
    ]
    score = round(100 * sum(parts) / len(parts))
    if problems:
        return Criterion(False, score, "Trust: " + "; ".join(problems) + ".")
    return Criterion(
        True,
        score,
        f"Trust: warmth {current:.0f} (needs {bar:.0f}), known {plural(_weeks(age_days), 'week')}, and they engage back.",
    )


def busy_on(contact: ContactFacts, day: date) -> tuple[date, date] | None:
    if not contact.busy_periods:
        return None  # most contacts: no generator to build for every pair
    return next(((s, e) for s, e in contact.busy_periods if s <= day <= e), None)


def blocking_ask(contact: ContactFacts, day: date) -> tuple[str, date] | None:
    """An open ask, or a "not now" whose follow-up date is still ahead."""
    for ask in contact.asks:
        if ask.outcome in OPEN_OUTCOMES:
            return ("open", ask.asked_on)
        if ask.outcome == "not_now" and ask.follow_up_on and day < ask.follow_up_on:
            return ("not_now", ask.follow_up_on)
    return None


def agreed(contact: ContactFacts, campaign: CampaignFacts) -> AskFacts | None:
    """Their yes to this very campaign: asking again would be noise."""
    if campaign.id is None:
        return None
    return next((a for a in contact.asks if a.campaign_id == campaign.id and a.outcome == "yes"), None)


def timing(contact: ContactFacts, campaign: CampaignFacts, today: date) -> Criterion:
    """Inside the campaign's ask window, outside their busy periods, no ask still open."""
    opens, closes = campaign.window
    problems: list[str] = []
    checks = 3
    if today < opens:
        problems.append(f"the ask window opens on {opens:%d %b %Y} ({(opens - today).days} days)")
    elif today > closes:
        problems.append(f"the ask window closed on {closes:%d %b %Y}")
    busy = busy_on(contact, today)
    if busy:
        problems.append(f"they are busy {busy[0]:%d %b}–{busy[1]:%d %b %Y}")
    blocking = blocking_ask(contact, today)
    if blocking and blocking[0] == "open":
        problems.append(f"your ask of {blocking[1]:%d %b %Y} is still open")
    elif blocking:
        problems.append(f"they said not now; follow up on {blocking[1]:%d %b %Y}")
    said_yes = agreed(contact, campaign)
    if said_yes is not None:
        problems.append(f"they already said yes to this campaign on {said_yes.asked_on:%d %b %Y}")
        checks += 1
    score = round(100 * (checks - len(problems)) / checks)
    if problems:
        return Criterion(False, score, "Timing: " + "; ".join(problems) + ".")
    return Criterion(True, 100, f"Timing: the ask window is open until {closes:%d %b %Y} and they are not busy.")
