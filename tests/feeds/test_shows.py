"""What a podcast's feed says about fit: cadence, last episode, guest share, and the fit sentence."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from outreach.domain import readiness
from outreach.domain.shows import ShowFacts, describe, has_guest, read_show

TODAY = date(2025, 6, 5)


def weekly(count: int, guests: int, last_days_ago: int = 4) -> list[tuple[date | None, bool]]:
    return [(TODAY - timedelta(days=last_days_ago + 7 * i), i < guests) for i in range(count)]


def test_a_weekly_show_with_guests_is_described_as_a_person_would() -> None:
    show = read_show(weekly(25, 17), TODAY)
    assert describe(show) == "weekly, last episode 4 days ago, 17 of the last 20 with a guest"
    assert (show.stopped, show.never_has_guests) == (False, False)


@pytest.mark.parametrize(
    ("title", "guest"),
    [
        ("Ep. 212: The newsletter that pays for the show, with Daniel Okafor", True),
        ("Building in public ft. Priya", True),
        ("Launch week feat. Sofia Rossi", True),
        ("An interview about sleep", True),
        ("Solo: what 200 episodes taught me", False),
        ("Q&A with the team", False),
        ("Coffee with milk", False),
    ],
)
def test_guests_are_read_from_titles_when_the_feed_does_not_tag_them(title: str, guest: bool) -> None:
    assert has_guest(title) is guest


def test_the_guest_tag_wins_over_the_title() -> None:
    assert has_guest("Episode 3", ["host", "guest"]) and not has_guest("Episode 3", ["host"])


def _facts(show: ShowFacts | None) -> readiness.ContactFacts:
    return readiness.ContactFacts(
        name="Omar", topics=("podcasting",), promotes_others=True, promotion_methods=("interview",), show=show
    )


SEASON = readiness.CampaignFacts(1, "Season 4", "podcast_season", TODAY + timedelta(weeks=9), ("podcasting",))
LAUNCH = readiness.CampaignFacts(2, "Launch", "launch", TODAY + timedelta(weeks=9), ("podcasting",))


def test_a_show_with_no_episode_in_90_days_is_flagged_in_fit() -> None:
    dead = read_show(weekly(10, 5, last_days_ago=150), TODAY)
    found = readiness.fit(_facts(dead), SEASON, readiness.Thresholds())
    assert found.met and found.reason.endswith("; their show may have stopped: last episode 5 months ago.")


def test_a_show_that_never_has_guests_does_not_fit_a_guest_ask_but_may_fit_a_launch() -> None:
    solo = read_show(weekly(10, 0), TODAY)
    season = readiness.fit(_facts(solo), SEASON, readiness.Thresholds())
    launch = readiness.fit(_facts(solo), LAUNCH, readiness.Thresholds())
    assert not season.met and season.score < 60
    assert "their show never has guests (weekly, last episode 4 days ago, 0 of the last 10 with a guest)" in season.reason
    assert launch.met and "never has guests" not in launch.reason


def test_without_a_show_fit_is_unchanged() -> None:
    assert readiness.fit(_facts(None), SEASON, readiness.Thresholds()) == readiness.fit(
        readiness.ContactFacts(name="Omar", topics=("podcasting",), promotes_others=True, promotion_methods=("interview",)),
        SEASON,
        readiness.Thresholds(),
    )


def test_too_few_episodes_say_nothing_about_guests() -> None:
    assert not read_show(weekly(3, 0), TODAY).never_has_guests
