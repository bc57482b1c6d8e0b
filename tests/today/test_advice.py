"""The warm-up advice rules, pure: plain facts in, advice out, no database."""

from __future__ import annotations

from datetime import datetime, timedelta

from outreach.domain import advice, forecast, readiness, warmth

NOW = datetime(2026, 11, 30, 12, 0)
PLANNER = readiness.Planner()


def facts(*touches: tuple[str, str, int], **fields) -> readiness.ContactFacts:
    points = [warmth.TouchPoint(kind, direction, NOW - timedelta(days=ago)) for kind, direction, ago in touches]
    return readiness.ContactFacts(
        name="Ruth Klein",
        topics=("copywriting",),
        promotes_others=True,
        promotion_methods=("affiliate",),
        warmth_key=warmth.key_of(points, PLANNER.warmth),
        first_touch_at=min(p.occurred_at for p in points),
        has_inbound=any(p.direction == "inbound" for p in points),
        **fields,
    )


def launch(weeks_ahead: int) -> readiness.CampaignFacts:
    return readiness.CampaignFacts(1, "Launch", "launch", NOW.date() + timedelta(weeks=weeks_ahead), ("copywriting",))


def advise(contact: readiness.ContactFacts, campaign: readiness.CampaignFacts, recent=()) -> advice.Advice | None:
    return advice.warm_up(contact, campaign, forecast.assess(contact, campaign, NOW, PLANNER), NOW, PLANNER, recent)


def test_warm_now_but_cold_by_the_time_the_window_opens_needs_a_touch_not_a_wait():
    ruth = facts(("collaboration", "inbound", 200), ("meeting", "outbound", 20), ("call", "outbound", 5))
    said = advise(ruth, launch(22))  # the window opens in ten weeks
    assert said is not None and not said.waiting and said.touch_kind in advice.WARMING
    assert said.sentence.startswith("Warmth ") and "without a touch" in said.sentence


def test_warm_enough_to_last_until_the_window_opens_is_told_to_wait():
    ruth = facts(("collaboration", "inbound", 200), ("collaboration", "inbound", 10), ("meeting", "outbound", 2))
    said = advise(ruth, launch(15))  # the window opens in three weeks
    assert said is not None and said.waiting and said.touch_kind is None
    assert said.ready_on == launch(15).window[0] and said.action.startswith("Wait until")


def test_the_gesture_is_the_one_made_least_lately():
    ruth = facts(("email", "inbound", 100), ("email", "outbound", 30))
    assert advise(ruth, launch(8), recent=["comment", "comment", "share"]).touch_kind == "email"
    assert advice.least_used(advice.WARMING, []) == "comment"


def test_ready_pairs_and_poor_fits_get_no_warm_up_advice():
    ready = facts(("collaboration", "inbound", 100), ("call", "outbound", 70), ("meeting", "outbound", 10))
    assert advise(ready, launch(8)) is None
    other = readiness.CampaignFacts(2, "Cooking show", "podcast_season", NOW.date() + timedelta(weeks=8), ("cooking",))
    assert advise(facts(("email", "inbound", 100), ("email", "outbound", 30)), other) is None
