"""What a podcast's feed says about the show: is it alive, how often it publishes, does it have guests.

Pure domain code: episodes in (date, has a guest), plain facts and sentences out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

STOPPED_AFTER_DAYS = 90  # no episode for this long: the show may have stopped
RECENT_EPISODES = 20  # cadence and guest share are read from the latest episodes only
MIN_EPISODES_FOR_NO_GUESTS = 5  # fewer than this and "never has guests" would be a guess
DAYS_PER_MONTH = 30.44
# Title forms that name a guest when the feed has no <podcast:person role="guest">: "with Maya Chen"
# (a capitalised name: "with the team" names no one), "ft.", "feat.", "interview", "guest".
NAMED_GUEST = re.compile(r"\b(?i:with|w/)\s+(?:(?i:dr)\.?\s+)?[A-Z][\w'’.-]*")
GUEST_MARKER = re.compile(r"\bft\.|\bfeat(?:\.|uring\b)|\binterview|\bguest\b|\bin conversation with\b", re.IGNORECASE)


@dataclass(frozen=True)
class ShowFacts:
    """A show's feed, as read on ``as_of``."""

    as_of: date
    last_episode_on: date | None
    episodes_per_month: float | None
    guest_share: float | None  # of the ``episodes_counted`` latest episodes
    episodes_counted: int = 0
    guests: int = 0

    @property
    def days_since_last_episode(self) -> int | None:
        return (self.as_of - self.last_episode_on).days if self.last_episode_on else None

    @property
    def stopped(self) -> bool:
        days = self.days_since_last_episode
        return days is not None and days > STOPPED_AFTER_DAYS

    @property
    def never_has_guests(self) -> bool:
        return self.episodes_counted >= MIN_EPISODES_FOR_NO_GUESTS and self.guests == 0


def has_guest(title: str, person_roles: Iterable[str] = ()) -> bool:
    """A guest named in the feed (Podcasting 2.0 ``podcast:person role="guest"``), else in the title."""
    if any(role.strip().lower() == "guest" for role in person_roles):
        return True
    return bool(NAMED_GUEST.search(title or "") or GUEST_MARKER.search(title or ""))


def read_show(episodes: Sequence[tuple[date | None, bool]], as_of: date) -> ShowFacts:
    """Last episode, cadence and guest share over the latest ``RECENT_EPISODES`` episodes."""
    dated = sorted((day for day, _ in episodes if day is not None and day <= as_of), reverse=True)
    ordered = sorted(episodes, key=lambda e: e[0] or date.min, reverse=True)[:RECENT_EPISODES]
    recent_days = [day for day, _ in ordered if day is not None and day <= as_of]
    per_month = None
    if len(recent_days) >= 2:
        span = (recent_days[0] - recent_days[-1]).days
        per_month = round((len(recent_days) - 1) / max(span, 1) * DAYS_PER_MONTH, 2)
    guests = sum(1 for _, guest in ordered if guest)
    return ShowFacts(
        as_of=as_of,
        last_episode_on=dated[0] if dated else None,
        episodes_per_month=per_month,
        guest_share=round(guests / len(ordered), 3) if ordered else None,
        episodes_counted=len(ordered),
        guests=guests,
    )


def cadence(per_month: float | None) -> str:
    if per_month is None:
        return "cadence unknown"
    if per_month >= 20:
        return "daily"
    if per_month >= 6:
        return f"{per_month / (DAYS_PER_MONTH / 7):.0f} a week" if per_month >= 7.5 else "weekly"
    if per_month >= 3.5:
        return "weekly"
    if per_month >= 1.6:
        return "every two weeks"
    if per_month >= 0.8:
        return "monthly"
    return f"every {1 / per_month:.0f} months" if per_month > 0 else "rarely"


def ago(days: int) -> str:
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 45:
        return f"{days} days ago"
    months = round(days / DAYS_PER_MONTH)
    return f"{months} months ago" if months < 24 else f"{days // 365} years ago"


def describe(show: ShowFacts) -> str:
    """ "weekly, last episode 4 days ago, 17 of the last 20 with a guest" """
    parts = [cadence(show.episodes_per_month)]
    days = show.days_since_last_episode
    parts.append(f"last episode {ago(days)}" if days is not None else "no dated episodes")
    if show.episodes_counted:
        parts.append(f"{show.guests} of the last {show.episodes_counted} with a guest")
    return ", ".join(parts)


def stopped_warning(show: ShowFacts) -> str | None:
    if not show.stopped:
        return None
    return f"their show may have stopped: last episode {ago(show.days_since_last_episode or 0)}"
