"""Campaign plans and message verdicts: how many to warm up, and which message works — honestly.

Pure: plain values in, plain values out. Seeds: start six to twelve months ahead and small before
the moon (003); hundreds of sends before judging a message (000).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

PRIOR_YES_RATE = 0.2  # stated default while the ledger is too short to speak for itself
MIN_DECIDED_FOR_OWN_RATE = 20
MIN_SENDS_TO_JUDGE = 100
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Candidate:
    contact_id: int
    name: str
    fit_score: int
    moonshot: bool
    ready_now: bool
    forecast_ready_on: date | None
    asked: bool = False


@dataclass(frozen=True)
class YesRate:
    rate: float
    decided: int
    from_prior: bool

    def sentence(self) -> str:
        if self.from_prior:
            return (
                f"Using a default yes rate of {self.rate:.0%}: only {self.decided} decided asks so far "
                f"(your own rate counts from {MIN_DECIDED_FOR_OWN_RATE})."
            )
        return f"Your yes rate when asking warm contacts: {self.rate:.0%} over {self.decided} decided asks."


@dataclass
class Plan:
    yes_target: int
    yeses: int
    rate: YesRate
    asks_needed: int
    window_opens: date
    window_closes: date
    ready_by_opening: int
    ready_in_window: int
    shortfall: int
    warm_up_first: list[Candidate] = field(default_factory=list)
    late: int = 0  # good fits whose forecast misses the opening
    find_more: int = 0  # asks needed beyond every good fit you have
    lead_time_warning: str | None = None
    moonshot_share: float = 0.0
    pipeline: int = 0  # good fits not asked yet
    counted_on: date = date.min  # the day ready contacts are counted at: the opening, or today once it is open

    def sentence(self, campaign_name: str, campaign_date: date, cadence_per_week: float) -> str:
        """The plan in one paragraph; it names no date already past (``counted_on`` is today or later)."""
        if self.yeses >= self.yes_target:
            return f"{campaign_name}: target of {self.yes_target} yeses reached. Keep the relationships warm."
        if self.counted_on > self.window_closes:
            return (
                f"{campaign_name}: the ask window has closed with {self.yeses} of {self.yes_target} yeses. "
                "Record the answers still open and keep the relationships warm for the next one."
            )
        cadence = "one touch a week" if cadence_per_week == 1 else f"{cadence_per_week:g} touches a week"
        by = f"by {self.window_opens:%d %B}" if self.counted_on == self.window_opens else "now, while the window is open"
        head = (
            f"{campaign_name} on {campaign_date:%d %B} needs ~{self.asks_needed} asks → {self.asks_needed} ask-ready "
            f"contacts {by}; at {cadence} per contact you will have {self.ready_by_opening}"
        )
        if self.ready_in_window > self.ready_by_opening:
            head += f" ({self.ready_in_window} before the window closes on {self.window_closes:%d %B})"
        if self.shortfall == 0:
            return head + ". Enough are on track: keep the cadence with these, accessible ones first."
        steps = []
        if self.late:
            steps.append(f"warm up {min(self.late, self.shortfall)} more, starting with these")
        elif self.warm_up_first:
            steps.append(f"keep the cadence with these {len(self.warm_up_first)}, accessible ones first")
        if self.find_more:
            steps.append(f"find {self.find_more} more contacts who fit — you have too few good fits for {self.asks_needed} asks")
        return head + ". " + "; ".join(steps).capitalize() + "."


def yes_rate(outcomes: Sequence[str]) -> YesRate:
    """The user's own rate over decided single asks of warm contacts, or the prior while too few."""
    decided = [o for o in outcomes if o in ("yes", "no", "not_now", "no_response")]
    if len(decided) < MIN_DECIDED_FOR_OWN_RATE:
        return YesRate(PRIOR_YES_RATE, len(decided), True)
    yeses = sum(1 for o in decided if o == "yes")
    # Never plan on a rate of zero: one more yes than seen, as a floor (Laplace's rule of succession).
    return YesRate(yeses / len(decided) if yeses else 1 / (len(decided) + 2), len(decided), False)


def lead_days(relationship_days: int, touches_to_trust: int, spacing_days: float) -> int:
    """How long a stranger takes to become ask-ready at the planned cadence."""
    return max(relationship_days, math.ceil(touches_to_trust * spacing_days))


def plan(
    yes_target: int,
    yeses: int,
    rate: YesRate,
    window: tuple[date, date],
    today: date,
    candidates: Sequence[Candidate],
    lead: int,
    limit: int = 15,
) -> Plan:
    opens, closes = window
    remaining = max(0, yes_target - yeses)
    asks_needed = math.ceil(remaining / rate.rate) if remaining else 0
    open_candidates = [c for c in candidates if not c.asked]
    by_opening = max(opens, today)
    ready_by_opening = sum(
        1 for c in open_candidates if c.ready_now or (c.forecast_ready_on is not None and c.forecast_ready_on <= by_opening)
    )
    ready_in_window = sum(
        1 for c in open_candidates if c.ready_now or (c.forecast_ready_on is not None and c.forecast_ready_on <= closes)
    )
    shortfall = max(0, asks_needed - ready_by_opening)
    late = [c for c in open_candidates if not c.ready_now and (c.forecast_ready_on is None or c.forecast_ready_on > by_opening)]
    # Everyone not ready yet needs the cadence to reach their forecast. Start small: accessible
    # contacts before moonshots, then the best fit, then the soonest forecast.
    warming = [c for c in open_candidates if not c.ready_now]
    warming.sort(key=lambda c: (c.moonshot, -c.fit_score, c.forecast_ready_on or date.max, c.name))
    warning = None
    if shortfall > 0 and (opens - today).days < lead:
        # Said without naming the date it should have started: a date in the past helps no one.
        left = (opens - today).days
        room = f"the window opens in {plural_days(left)}" if left > 0 else "the window is already open"
        warning = (
            f"Too little lead time for {yes_target} yeses: warming a new contact takes about {plural_days(lead)} "
            f"at your cadence, and {room}. Ask the ready ones, lower the target, or move the date."
        )
    moonshots = sum(1 for c in open_candidates if c.moonshot)
    return Plan(
        yes_target=yes_target,
        yeses=yeses,
        rate=rate,
        asks_needed=asks_needed,
        window_opens=opens,
        window_closes=closes,
        ready_by_opening=ready_by_opening,
        ready_in_window=ready_in_window,
        shortfall=shortfall,
        warm_up_first=warming[:limit],
        late=len(late),
        find_more=max(0, asks_needed - len(open_candidates)),
        lead_time_warning=warning,
        moonshot_share=moonshots / len(open_candidates) if open_candidates else 0.0,
        pipeline=len(open_candidates),
        counted_on=by_opening,
    )


def plural_days(days: int) -> str:
    return f"{days} day{'' if days == 1 else 's'}"


def balance_warning(plan_: Plan) -> str | None:
    if plan_.pipeline >= 3 and plan_.moonshot_share >= 0.8:
        return (
            f"{plan_.moonshot_share:.0%} of this pipeline are moonshots (audiences over 10× yours). "
            "Start small: add accessible partners, whose yes comes sooner and builds your track record."
        )
    return None


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a proportion (95% by default)."""
    if trials <= 0:
        return (0.0, 1.0)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class MessageResult:
    message_id: int | None
    name: str
    sends: int
    replies: int
    yeses: int

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.yeses, self.sends)

    @property
    def yes_rate(self) -> float | None:
        return self.yeses / self.sends if self.sends else None

    @property
    def judgeable(self) -> bool:
        return self.sends >= MIN_SENDS_TO_JUDGE

    def verdict(self) -> str:
        if not self.judgeable:
            more = MIN_SENDS_TO_JUDGE - self.sends
            return f"{self.sends} sends: too few to judge; about {more} more would tell."
        low, high = self.interval
        return f"{self.sends} sends: yes rate {self.yeses / self.sends:.0%} (95% interval {low:.0%}–{high:.0%})."


def compare(messages: Sequence[MessageResult]) -> str:
    """Call a message better only when its interval clears every other judged message's."""
    judged = [m for m in messages if m.judgeable]
    if len(judged) < 2:
        return "Not enough sends to compare messages yet: keep sending — the seeds say hundreds, not a handful."
    best = max(judged, key=lambda m: m.interval[0])
    others = [m for m in judged if m is not best]
    if all(best.interval[0] > m.interval[1] for m in others):
        return f"“{best.name}” does better: its interval clears the others'."
    return "No message is better yet: their intervals overlap. Keep sending before changing course."
