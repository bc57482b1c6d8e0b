"""What an incremental tick may skip: a fingerprint of everything the tick reads, and the contacts that
time alone moved since the last tick of the same day.

Within a day, with the inputs unchanged, a pair's reminders depend on the clock only through the
decayed sum S(t) (trust's warmth bar, the forecast's touches at cadence, keep-warm's 14-day look-ahead)
and the relationship's age (trust's 60 days). Each of those changes at a threshold that is a range on
the stored warmth key (S(t) ≥ X ⟺ key ≥ log2 X + t/h) or on first_touch_at, so the contacts whose
result can differ from the last tick's are one indexed query; every other pair would come out
"unchanged" from a full tick. Everything tied to the date (windows, busy periods, follow-up days,
reminders due today) is left to the first tick of each day, which is always full.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import CompoundSelect, Select, bindparam, literal, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from outreach.contacts.models import Contact
from outreach.core import changes
from outreach.core.caller import Caller
from outreach.core.ownership import owned
from outreach.core.types import utcnow
from outreach.domain import warmth
from outreach.domain.readiness import Planner
from outreach.episodes.models import Episode
from outreach.feeds.models import Opening, OpeningState
from outreach.today.service import COOLING_DAYS

KEY_SLACK = 1e-6  # in key units (log2 of a sum): ranges are widened, so float rounding only adds movers
TIME_SLACK = timedelta(seconds=1)
FORECAST_STEPS = 1000  # touches at cadence counted at most this far (far more than any window needs)


OWNER: BindParameter[int] = bindparam("owner")


def fingerprint(session: Session, me: Caller) -> str:
    """Everything a tick reads, by the owner's change mark (outreach.core.changes: every table of their
    records, settings included, moved by database triggers on any write) and the real day (feeds' facts
    are judged as of it). One index read, whatever the owner's size."""
    return json.dumps([changes.mark(session, me.id), str(utcnow().date())])


@dataclass(frozen=True)
class Movers:
    """Since the last tick: the contacts whose pairs may read differently, and whether keep-warm's and
    the interviews' selections may have moved."""

    contacts: set[int]
    keep_warm: bool
    interviews: bool


def movers(session: Session, me: Caller, since: datetime) -> Movers:
    now, params, thresholds = me.now, me.params, me.planner.thresholds
    levels = sorted(
        {level for bar in {thresholds.trust_warmth, thresholds.moonshot_warmth} for level in _levels(bar, me.planner)}
    )
    trust_level = _log2_sum(thresholds.trust_warmth, params)
    later = timedelta(days=COOLING_DAYS)
    # Keep-warm's range moves at the bar now (leaving it) and at the bar 14 days on (entering it).
    cooling = [] if trust_level is None else [(trust_level, since, now), (trust_level, since + later, now + later)]
    crossings = [(level, since, now) for level in levels]
    values: dict[str, Any] = {"owner": me.id}
    for i, (level, start, end) in enumerate(cooling + crossings):
        values[f"low{i}"], values[f"high{i}"] = _key_range(level, start, end, params)
    age = timedelta(days=thresholds.relationship_days)
    values["aged_after"], values["aged_until"] = since - age - TIME_SLACK, now - age + TIME_SLACK
    found = session.execute(_movers_query(len(cooling), len(crossings)), values).all()
    day = timedelta(days=1)
    events = {"owner": me.id, "booked_after": since - day - TIME_SLACK, "booked_until": now - day + TIME_SLACK}
    interviews, openings = session.execute(_events_query(), events).one()
    return Movers({cid for cid, _ in found}, any(cool for _, cool in found) or bool(openings), bool(interviews))


@lru_cache(maxsize=64)
def _movers_query(cooling: int, crossings: int) -> CompoundSelect[int, int]:
    """The contacts whose key fell through a level, or whose relationship came of age, between two moments:
    one index range read for each (a UNION ALL; an OR of them read every contact of the owner's)."""
    live = owned(Contact, OWNER)

    def crossed(i: int) -> Select[int, int]:
        within = live.where(Contact.warmth_key >= bindparam(f"low{i}"), Contact.warmth_key < bindparam(f"high{i}"))
        return within.with_only_columns(Contact.id, literal(int(i < cooling)).label("cooling"))

    aged = live.where(Contact.first_touch_at > bindparam("aged_after"), Contact.first_touch_at <= bindparam("aged_until"))
    return union_all(aged.with_only_columns(Contact.id, literal(0).label("cooling")), *map(crossed, range(cooling + crossings)))


@lru_cache(maxsize=1)
def _events_query() -> Select[bool, bool]:
    """A booked recording that left the interviews' day-after window; any open opening (its freshness,
    and so keep-warm's suggestion, runs on the clock)."""
    booked = owned(Episode, OWNER).where(
        Episode.stage == "booked",
        Episode.recording_at > bindparam("booked_after"),
        Episode.recording_at <= bindparam("booked_until"),
    )
    fresh = owned(Opening, OWNER).where(Opening.state == OpeningState.OPEN)
    return select(booked.exists(), fresh.exists())


def _key_range(level: float, since: datetime, now: datetime, params: warmth.WarmthParams) -> tuple[float, float]:
    """S fell through the level between the two moments, S(since) ≥ X > S(now), as a range of keys."""
    low = level + warmth.days(since) / params.half_life_days - KEY_SLACK
    return low, level + warmth.days(now) / params.half_life_days + KEY_SLACK


def _log2_sum(bar: float, params: warmth.WarmthParams) -> float | None:
    if not 0 < bar < 100:
        return None
    total = warmth.sum_for_warmth(bar, params)
    return math.log2(total) if total > 0 else None


def _levels(bar: float, planner: Planner) -> Iterator[float]:
    """log2 of every decayed sum at which trust or the forecast for this bar change: the bar itself, and
    each sum where the touches needed at cadence goes up by one (S_n = L − (L − T)·r⁻ⁿ, solved from
    forecast.cadence_touches_until_warm, at n and at n + 1e-9, its rounding allowance)."""
    if not 0 < bar < 100:
        return
    target = warmth.sum_for_warmth(bar, planner.warmth)
    if target <= 0:
        return
    yield math.log2(target)
    if planner.cadence_per_week <= 0 or planner.cadence_touch_weight <= 0:
        return
    r = 2.0 ** (-(7.0 / planner.cadence_per_week) / planner.warmth.half_life_days)
    limit = planner.cadence_touch_weight / (1.0 - r)
    if limit <= target:
        return
    for n in range(1, FORECAST_STEPS):
        for step in (n, n + 1e-9):
            level = limit - (limit - target) * r ** (-step)
            if level > 0:
                yield math.log2(level)
        if limit - (limit - target) * r ** (-n) <= 0:
            return
