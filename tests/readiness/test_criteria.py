"""Fit, trust and timing judge the seeds' reasons for a no with the right criterion (PRODUCT.md)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import pytest

from outreach.domain import forecast, readiness, warmth
from outreach.domain.readiness import AskFacts, CampaignFacts, ContactFacts, Planner

NOW = datetime(2026, 6, 1, 12)
TODAY = NOW.date()
PLANNER = Planner(own_audience=5_000)
WARM = ((("collaboration", "inbound"), 100), (("call", "outbound"), 70), (("meeting", "outbound"), 10))


def key_for(*touches):
    return warmth.key_of([warmth.TouchPoint(k, d, NOW - timedelta(days=days)) for (k, d), days in touches], PLANNER.warmth)


def friend(**overrides) -> ContactFacts:
    """Warm, reciprocated, known for 100 days, on topic, promotes others by interview."""
    values = {
        "name": "Maya Chen",
        "topics": ("podcasting", "marketing"),
        "audience_size": 8_000,
        "promotes_others": True,
        "promotion_methods": ("interview",),
        "warmth_key": key_for(*WARM),
        "first_touch_at": NOW - timedelta(days=100),
        "has_inbound": True,
    }
    values.update(overrides)
    return ContactFacts(**values)


SEASON = CampaignFacts(id=1, name="Season 4", kind="podcast_season", date=TODAY + timedelta(weeks=8), topics=("podcasting",))


def test_all_three_met_is_ask_ready_today():
    result = forecast.assess(friend(), SEASON, NOW, PLANNER)
    assert result.ask_ready and result.forecast_ready_on == TODAY
    assert all(c.met for c in (result.fit, result.trust, result.timing))


def test_audience_mismatch_fails_fit_only():
    result = forecast.assess(friend(topics=("cooking",)), SEASON, NOW, PLANNER)
    assert not result.fit.met and result.trust.met and result.timing.met and not result.ask_ready
    assert "cooking" in result.fit.reason and "podcasting" in result.fit.reason
    assert result.forecast_ready_on is None


@pytest.mark.parametrize(
    ("contact", "phrase"),
    [
        (friend(warmth_key=None, first_touch_at=None, has_inbound=False), "no touches yet"),
        (friend(first_touch_at=NOW - timedelta(days=35)), "relationship 5 weeks old, needs 9"),
        (friend(has_inbound=False), "a follow is not a relationship"),
        (friend(asks=(AskFacts(2, TODAY - timedelta(days=30), "no"),)), "they declined"),
        (friend(warmth_key=key_for((("comment", "outbound"), 3))), "warmth 9 of 60"),
    ],
    ids=["stranger", "too-new", "never-engaged-back", "declined-recently", "cold"],
)
def test_connection_too_shallow_fails_trust_only(contact, phrase):
    result = forecast.assess(contact, SEASON, NOW, PLANNER)
    assert result.fit.met and not result.trust.met and result.timing.met
    assert phrase in result.trust.reason


def test_a_no_more_than_90_days_ago_no_longer_blocks():
    result = forecast.assess(friend(asks=(AskFacts(2, TODAY - timedelta(days=100), "no"),)), SEASON, NOW, PLANNER)
    assert result.trust.met


def test_full_plate_a_warm_friend_inside_their_busy_period_fails_timing():
    busy = friend(busy_periods=((TODAY - timedelta(days=2), TODAY + timedelta(days=5)),))
    result = forecast.assess(busy, SEASON, NOW, PLANNER)
    assert result.fit.met and result.trust.met and not result.timing.met
    assert "busy" in result.timing.reason


@pytest.mark.parametrize(
    ("weeks_ahead", "met"),
    [(12, True), (3, True), (12 + 1 / 7, False), (3 - 1 / 7, False)],
    ids=["window-opens-today", "window-closes-today", "day-before-opening", "day-after-closing"],
)
def test_window_edges(weeks_ahead, met):
    campaign = CampaignFacts(1, "S4", "podcast_season", TODAY + timedelta(days=round(weeks_ahead * 7)), ("podcasting",))
    assert readiness.timing(friend(), campaign, TODAY).met is met


@pytest.mark.parametrize(
    ("ends", "met"), [(TODAY, False), (TODAY - timedelta(days=1), True)], ids=["ends-today", "ended-yesterday"]
)
def test_busy_period_edges(ends, met):
    contact = friend(busy_periods=((ends - timedelta(days=7), ends),))
    assert readiness.timing(contact, SEASON, TODAY).met is met


def test_open_ask_and_not_now_block_timing_until_the_follow_up():
    open_ask = friend(asks=(AskFacts(1, TODAY - timedelta(days=3), "pending"),))
    assert "still open" in readiness.timing(open_ask, SEASON, TODAY).reason
    later = TODAY + timedelta(days=10)
    not_now = friend(asks=(AskFacts(1, TODAY - timedelta(days=3), "not_now", later),))
    assert not readiness.timing(not_now, SEASON, TODAY).met
    assert readiness.timing(not_now, SEASON, later).met


def test_moonshots_need_more_warmth_start_small():
    medium = key_for((("collaboration", "inbound"), 30), (("share", "outbound"), 20))
    value = warmth.warmth(medium, NOW, PLANNER.warmth)
    assert 60 <= value < 75
    accessible = readiness.trust(friend(warmth_key=medium, audience_size=20_000), NOW, PLANNER)
    moonshot = readiness.trust(friend(warmth_key=medium, audience_size=500_000), NOW, PLANNER)
    assert accessible.met and not moonshot.met and "moonshot" in moonshot.reason


@pytest.mark.parametrize(("rating", "score", "met"), [(4, 75, True), (2, 25, False), (5, 100, True)])
def test_your_fit_rating_overrides_the_topics(rating, score, met):
    criterion = readiness.fit(friend(fit_override=rating), SEASON, PLANNER.thresholds)
    assert (criterion.score, criterion.met) == (score, met)


def test_topic_matching_ignores_case_hyphens_and_spaces():
    contact = friend(topics=("Online-Courses",))
    campaign = CampaignFacts(1, "Launch", "launch", TODAY + timedelta(weeks=8), ("online  courses",))
    assert readiness.fit(contact, campaign, PLANNER.thresholds).met


def test_someone_who_never_promotes_others_scores_lower():
    promotes = readiness.fit(friend(), SEASON, PLANNER.thresholds)
    never = readiness.fit(friend(promotes_others=False, promotion_methods=()), SEASON, PLANNER.thresholds)
    assert never.score < promotes.score


def test_trust_sentence_counts_the_touches_still_needed():
    cold = friend(warmth_key=key_for((("email", "outbound"), 1), (("share", "inbound"), 2)))
    reason = readiness.trust(cold, NOW, PLANNER).reason
    current = warmth.warmth(cold.warmth_key, NOW, PLANNER.warmth)
    needed = math.ceil(
        (warmth.sum_for_warmth(60, PLANNER.warmth) - warmth.sum_for_warmth(current, PLANNER.warmth))
        / PLANNER.cadence_touch_weight
    )
    assert f"warmth {current:.0f} of 60 — about {needed} more touches" in reason


def test_forecast_date_is_when_the_cadence_makes_them_ready():
    slow = friend(warmth_key=key_for((("email", "inbound"), 80)), first_touch_at=NOW - timedelta(days=80))
    campaign = CampaignFacts(1, "S4", "podcast_season", TODAY + timedelta(weeks=14), ("podcasting",))
    result = forecast.assess(slow, campaign, NOW, PLANNER)
    ready_on = result.forecast_ready_on
    assert ready_on is not None and TODAY < ready_on <= campaign.window[1]
    # Simulate the cadence: a weight-2 outbound touch every 7 days from a week after today.
    touches = [warmth.TouchPoint("email", "inbound", NOW - timedelta(days=80))]
    touches += [
        warmth.TouchPoint("share", "outbound", NOW + timedelta(days=7 * i))
        for i in range(1, 30)
        if NOW + timedelta(days=7 * i) <= datetime.combine(ready_on, NOW.time())
    ]
    assert (
        warmth.warmth(warmth.key_of(touches, PLANNER.warmth), datetime.combine(ready_on, NOW.time()), PLANNER.warmth) >= 60 - 1e-6
    )


@pytest.mark.parametrize(
    ("contact", "planner", "phrase"),
    [
        (friend(warmth_key=None, first_touch_at=None), Planner(cadence_per_week=0), "never reaches"),
        (friend(topics=("cooking",)), PLANNER, "Not a fit"),
        (friend(warmth_key=None, first_touch_at=None, asks=(AskFacts(1, TODAY, "pending"),)), PLANNER, "still open"),
    ],
    ids=["no-cadence", "not-a-fit", "open-ask"],
)
def test_no_forecast_says_why(contact, planner, phrase):
    result = forecast.assess(contact, SEASON, NOW, planner)
    assert result.forecast_ready_on is None and phrase in result.forecast_reason


def test_busy_period_pushes_the_forecast_past_it():
    campaign = CampaignFacts(1, "S4", "podcast_season", TODAY + timedelta(weeks=20), ("podcasting",))
    base = friend(warmth_key=key_for((("email", "inbound"), 80)), first_touch_at=NOW - timedelta(days=80))
    ready_on = forecast.assess(base, campaign, NOW, PLANNER).forecast_ready_on
    blocked = friend(**{**base.__dict__, "busy_periods": ((ready_on - timedelta(days=1), ready_on + timedelta(days=9)),)})
    assert forecast.assess(blocked, campaign, NOW, PLANNER).forecast_ready_on == ready_on + timedelta(days=10)


def test_forecast_after_the_window_closes_is_none():
    campaign = CampaignFacts(1, "S4", "podcast_season", TODAY + timedelta(weeks=4), ("podcasting",))
    cold = friend(warmth_key=None, first_touch_at=None, has_inbound=False)
    result = forecast.assess(cold, campaign, NOW, PLANNER)
    assert result.forecast_ready_on is None and "window" in result.forecast_reason


def test_a_yes_to_this_campaign_is_not_asked_again():
    agreed = friend(asks=(AskFacts(SEASON.id, TODAY - timedelta(days=5), "yes"),))
    result = forecast.assess(agreed, SEASON, NOW, PLANNER)
    assert not result.ask_ready and "already said yes" in result.timing.reason
