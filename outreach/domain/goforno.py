"""Going for no: the arithmetic of an ask ledger (seeds 000–002). Pure: plain records in, numbers out.

Counting rules:
- a single ask counts once: yes, explicit no ("no" or "not now"), implicit no ("no_response"), or pending;
- a bulk send to N people counts N asks; its attached replies count as what they say, and the
  recipients who never replied are implicit nos once the send is decided (no_response or any
  outcome other than pending), pending until then.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from outreach.domain.vocabulary import Outcome

EXPLICIT_NO = frozenset({Outcome.NO, Outcome.NOT_NOW})
WARMTH_BANDS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))


@dataclass(frozen=True)
class AskRecord:
    id: int
    asked_at: datetime  # naive UTC
    outcome: str
    recipients: int = 1
    parent_id: int | None = None
    campaign_id: int | None = None
    reason: str | None = None
    lesson: str = ""
    warmth_at_ask: float | None = None


@dataclass
class Tally:
    asks: int = 0
    yeses: int = 0
    explicit_nos: int = 0
    implicit_nos: int = 0
    pending: int = 0

    @property
    def nos(self) -> int:
        return self.explicit_nos + self.implicit_nos

    @property
    def no_to_yes(self) -> float | None:
        """Nos per yes; None while there is no yes to divide by."""
        return round(self.nos / self.yeses, 2) if self.yeses else None

    @property
    def yes_rate(self) -> float | None:
        decided = self.yeses + self.nos
        return round(self.yeses / decided, 3) if decided else None

    def add(self, outcome: str, count: int = 1) -> None:
        self.asks += count
        if outcome == "yes":
            self.yeses += count
        elif outcome in EXPLICIT_NO:
            self.explicit_nos += count
        elif outcome == "no_response":
            self.implicit_nos += count
        else:
            self.pending += count


@dataclass
class Stats:
    overall: Tally = field(default_factory=Tally)
    this_week: Tally = field(default_factory=Tally)
    week_start: date | None = None
    weekly_no_goal: int = 0
    by_campaign: dict[int | None, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_month: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    reasons: list[tuple[str, int]] = field(default_factory=list)
    by_warmth: dict[str, Tally] = field(default_factory=dict)
    lessons: list[tuple[datetime, str]] = field(default_factory=list)

    trend: str = "not enough yeses yet to see a trend"

    def headline(self) -> str:
        if self.overall.asks == 0:
            return "No asks yet. Your first no is the first step: ask someone this week."
        left = max(0, self.weekly_no_goal - self.this_week.nos)
        goal = f"{left} more nos to this week's goal" if left else "this week's no-goal reached"
        return f"{self.this_week.nos} nos this week of a goal of {self.weekly_no_goal}: {goal}."


def _merge(tallies: Iterable[Tally]) -> Tally:
    total = Tally()
    for t in tallies:
        total.asks += t.asks
        total.yeses += t.yeses
        total.explicit_nos += t.explicit_nos
        total.implicit_nos += t.implicit_nos
        total.pending += t.pending
    return total


def _months_back(today: date, count: int, skip: int = 0) -> list[str]:
    index = today.year * 12 + today.month - 1 - skip
    return [f"{(index - i) // 12}-{(index - i) % 12 + 1:02d}" for i in range(count)]


def _trend(by_month: dict[str, Tally], today: date) -> str:
    """Is it taking fewer nos per yes lately? The last three months against the three before."""
    recent = _merge(by_month[m] for m in _months_back(today, 3) if m in by_month)
    before = _merge(by_month[m] for m in _months_back(today, 3, skip=3) if m in by_month)
    if recent.no_to_yes is None or before.no_to_yes is None:
        return "not enough yeses yet to see a trend"
    if recent.no_to_yes < before.no_to_yes:
        return f"improving: {recent.no_to_yes:g} nos per yes lately, {before.no_to_yes:g} before"
    if recent.no_to_yes > before.no_to_yes:
        return f"more nos per yes lately ({recent.no_to_yes:g}, was {before.no_to_yes:g}): read your lessons"
    return f"steady at {recent.no_to_yes:g} nos per yes"


def week_start(moment: datetime, zone: ZoneInfo) -> date:
    """Monday of the week that ``moment`` (naive UTC) falls in, in the user's time zone."""
    local = moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).date()
    return local - timedelta(days=local.weekday())


def _band(warmth: float) -> str:
    low, high = next((lo, hi) for lo, hi in WARMTH_BANDS if lo <= warmth < hi)
    return f"{low}–{min(high, 100)}"


def compute(records: Sequence[AskRecord], now: datetime, timezone: str = "UTC", weekly_no_goal: int = 0) -> Stats:
    zone = ZoneInfo(timezone)
    stats = Stats(week_start=week_start(now, zone), weekly_no_goal=weekly_no_goal)
    replies: dict[int, list[AskRecord]] = defaultdict(list)
    for record in records:
        if record.parent_id is not None:
            replies[record.parent_id].append(record)
    reasons: Counter[str] = Counter()
    bands: dict[str, Tally] = {_band(lo): Tally() for lo, _ in WARMTH_BANDS}
    for record in records:
        if record.parent_id is not None:
            continue  # counted with its bulk send
        tallies = [
            stats.overall,
            stats.by_campaign[record.campaign_id],
            stats.by_month[record.asked_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).strftime("%Y-%m")],
        ]
        if week_start(record.asked_at, zone) == stats.week_start:
            tallies.append(stats.this_week)
        for outcome, count in outcomes_of(record, replies.get(record.id, [])):
            for tally in tallies:
                tally.add(outcome, count)
        for reply in [record, *replies.get(record.id, [])]:
            if reply.reason and reply.outcome in EXPLICIT_NO | {"no_response"}:
                reasons[reply.reason] += 1
            if reply.lesson:
                stats.lessons.append((reply.asked_at, reply.lesson))
        if record.recipients == 1 and record.warmth_at_ask is not None:
            bands[_band(record.warmth_at_ask)].add(record.outcome)
    stats.trend = _trend(stats.by_month, now.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).date())
    stats.reasons = reasons.most_common()
    stats.by_warmth = bands
    stats.lessons.sort(key=lambda item: item[0], reverse=True)
    return stats


def outcomes_of(record: AskRecord, replies: Sequence[AskRecord]) -> list[tuple[str, int]]:
    """What one ledger entry counts as: itself, or a bulk send's replies plus its silent recipients."""
    if record.recipients <= 1 and not replies:
        return [(record.outcome, 1)]
    if not replies and record.outcome != "pending" and record.outcome != "no_response":
        # "A newsletter to 100, one yes" recorded without attaching the reply: one of that, rest silent.
        replies = [record]
    counted = [(reply.outcome, 1) for reply in list(replies)[: record.recipients]]
    silent = max(0, record.recipients - len(counted))
    if silent:
        counted.append(("pending" if record.outcome == "pending" else "no_response", silent))
    return counted
