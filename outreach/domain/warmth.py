"""Warmth: a cheap, explainable, time-invariant score of a relationship (see PRODUCT.md).

Pure domain code: plain values in, plain values out; no Flask, no database session.

A contact's decayed touch sum S(t) = Σ w_i · 2^(−(t − t_i)/h) is stored as one number,
``key = log2(S(t)) + t/h``, which does not change as time passes. Ordering by key is ordering
by warmth at any moment, and "warmth ≥ W now" is a range condition on the key.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from outreach.domain.vocabulary import Direction, TouchKind
from outreach.domain.words import plural

# Time is measured in days from a fixed epoch so that keys stay small numbers for centuries.
EPOCH = datetime(2000, 1, 1)

DEFAULT_WEIGHTS: dict[str, float] = {
    TouchKind.COMMENT: 1.0,
    TouchKind.SHARE: 2.0,
    TouchKind.EMAIL: 3.0,
    TouchKind.DM: 3.0,
    TouchKind.PURCHASE: 5.0,
    TouchKind.CALL: 5.0,
    TouchKind.MEETING: 5.0,
    TouchKind.INTRODUCTION: 6.0,
    TouchKind.COLLABORATION: 8.0,
}


@dataclass(frozen=True)
class WarmthParams:
    """The user-configurable constants of the warmth model."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    inbound_multiplier: float = 1.5
    half_life_days: float = 90.0
    k: float = 10.0

    def weight(self, kind: str, direction: str) -> float:
        base = float(self.weights.get(kind, DEFAULT_WEIGHTS.get(kind, 1.0)))
        return base * self.inbound_multiplier if direction == Direction.INBOUND else base


@dataclass(frozen=True)
class TouchPoint:
    """The facts of one touch that warmth depends on."""

    kind: str
    direction: str
    occurred_at: datetime
    id: int | None = None


def days(moment: datetime) -> float:
    """Days since the epoch (naive UTC datetimes)."""
    return (moment - EPOCH).total_seconds() / 86400.0


def seconds(moment: datetime) -> float:
    """Seconds since the epoch (naive UTC datetimes), as touches store them beside ``occurred_at``.

    A double holds these to well under half a microsecond for any moment within 2^33 s (272 years) of
    the epoch, so ``moment_at(seconds(m)) == m`` exactly there."""
    return (moment - EPOCH).total_seconds()


def moment_at(value: float) -> datetime:
    """The moment ``value`` seconds after the epoch, to the microsecond (the inverse of ``seconds``)."""
    return EPOCH + timedelta(seconds=value)


def touch_key(touch: TouchPoint, params: WarmthParams) -> float | None:
    """The key of a single touch; None for a zero-weight touch, which adds nothing."""
    weight = params.weight(touch.kind, touch.direction)
    if weight <= 0:
        return None
    return math.log2(weight) + days(touch.occurred_at) / params.half_life_days


def combine(key: float | None, other: float | None) -> float | None:
    """Log-sum-exp in base 2: the key of the union of two sets of touches."""
    if key is None:
        return other
    if other is None:
        return key
    high, low = (key, other) if key >= other else (other, key)
    return high + math.log2(1.0 + 2.0 ** (low - high))


def add_touch(key: float | None, touch: TouchPoint, params: WarmthParams) -> float | None:
    """O(1) update of a contact's key when a touch is logged."""
    return combine(key, touch_key(touch, params))


def key_of(touches: Iterable[TouchPoint], params: WarmthParams) -> float | None:
    """Full recompute of one contact's key from its touches."""
    key: float | None = None
    for touch in touches:
        key = combine(key, touch_key(touch, params))
    return key


def decayed_sum(key: float | None, now: datetime, params: WarmthParams) -> float:
    """S(now) from a key."""
    if key is None:
        return 0.0
    exponent = key - days(now) / params.half_life_days
    # 2^1000 overflows a float; such a sum is saturated warmth anyway.
    return math.inf if exponent > 1000 else 2.0**exponent


def warmth_from_sum(total: float, params: WarmthParams) -> float:
    return 100.0 * (1.0 - math.exp(-total / params.k))


def warmth(key: float | None, now: datetime, params: WarmthParams) -> float:
    """Warmth 0–100 now."""
    return warmth_from_sum(decayed_sum(key, now, params), params)


def sum_for_warmth(target: float, params: WarmthParams) -> float:
    """The decayed sum S that gives a warmth of ``target`` (0 ≤ target < 100)."""
    if not 0 <= target < 100:
        raise ValueError("warmth target must be in [0, 100)")
    return -params.k * math.log1p(-target / 100.0)  # log1p keeps tiny targets from rounding to 0


def min_key(target: float, now: datetime, params: WarmthParams) -> float:
    """The smallest key whose warmth now is ≥ ``target``: an indexable range bound."""
    total = sum_for_warmth(target, params) if target > 0 else 0.0
    if total <= 0:
        return -math.inf  # every contact, even one with no warmth to speak of
    return math.log2(total) + days(now) / params.half_life_days


def touches_needed(current: float, target: float, touch_weight: float, params: WarmthParams) -> int:
    """How many more touches of ``touch_weight`` today lift warmth from current to target."""
    if current >= target:
        return 0
    missing = sum_for_warmth(target, params) - sum_for_warmth(min(current, 99.999), params)
    return max(1, math.ceil(missing / touch_weight))


@dataclass(frozen=True)
class Contribution:
    touch: TouchPoint
    weight: float
    current: float  # what this touch contributes to S now
    share: float  # fraction of S now


@dataclass(frozen=True)
class Explanation:
    warmth: float
    top: list[Contribution]
    last_touch_at: datetime | None
    warmth_in_30_days: float
    touch_count: int

    def sentence(self, labelled: bool = False) -> str:
        """The API's sentence names the touch by its stored words (a contract); pages ask for ``labelled``."""
        if self.touch_count == 0:
            return "No touches yet: warmth 0."
        parts = [f"Warmth {self.warmth:.0f} from {plural(self.touch_count, 'touch')}"]
        if self.top:
            best = self.top[0].touch
            if labelled:
                whose = "their" if best.direction == Direction.INBOUND else "your"
                what = f"{whose} {TouchKind(best.kind).label}"
            else:
                what = f"the {best.direction} {best.kind}"
            parts.append(f"mostly {what} on {best.occurred_at:%d %b %Y} ({self.top[0].share:.0%})")
        parts.append(f"falls to {self.warmth_in_30_days:.0f} in 30 days with no new touch")
        return "; ".join(parts) + "."


def explain(touches: Iterable[TouchPoint], now: datetime, params: WarmthParams, top: int = 3) -> Explanation:
    """Warmth now with the touches that contribute most, the last touch and the 30-day outlook."""
    contributions: list[Contribution] = []
    total = 0.0
    last: datetime | None = None
    count = 0
    now_days = days(now)
    for touch in touches:
        count += 1
        weight = params.weight(touch.kind, touch.direction)
        current = weight * 2.0 ** (-(now_days - days(touch.occurred_at)) / params.half_life_days)
        total += current
        last = touch.occurred_at if last is None or touch.occurred_at > last else last
        contributions.append(Contribution(touch, weight, current, 0.0))
    best = heapq.nlargest(top, contributions, key=lambda c: c.current)
    shares = [Contribution(c.touch, c.weight, c.current, c.current / total if total else 0.0) for c in best]
    later = total * 2.0 ** (-30.0 / params.half_life_days)
    return Explanation(
        warmth=warmth_from_sum(total, params),
        top=shares,
        last_touch_at=last,
        warmth_in_30_days=warmth_from_sum(later, params),
        touch_count=count,
    )


def projection(key: float | None, start: datetime, days_ahead: int, params: WarmthParams) -> list[tuple[datetime, float]]:
    """Warmth on each day from ``start`` with no new touch (for charts and outlooks)."""
    return [(start + timedelta(days=d), warmth(key, start + timedelta(days=d), params)) for d in range(days_ahead + 1)]


def history(
    touches: Iterable[TouchPoint], start: datetime, end: datetime, step_days: float, params: WarmthParams
) -> list[tuple[datetime, float]]:
    """Warmth sampled every ``step_days`` from start to end, from the touches known at each moment."""
    ordered = sorted(touches, key=lambda t: t.occurred_at)
    samples: list[tuple[datetime, float]] = []
    key: float | None = None
    index = 0
    moment = start
    while moment <= end:
        while index < len(ordered) and ordered[index].occurred_at <= moment:
            key = add_touch(key, ordered[index], params)
            index += 1
        samples.append((moment, warmth(key, moment, params)))
        moment += timedelta(days=step_days)
    return samples
