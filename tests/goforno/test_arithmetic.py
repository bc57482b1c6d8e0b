"""Go-for-no arithmetic on hand-made ledgers: singles, bulk sends, implicit nos, weeks, empty ledgers."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from outreach.domain.goforno import AskRecord, compute, week_start

NOW = datetime(2026, 11, 25, 12)  # a Wednesday


def ask(i, outcome, when=NOW, **kw):
    return AskRecord(id=i, asked_at=when, outcome=outcome, **kw)


def test_empty_ledger_has_no_division_by_zero_and_says_so():
    stats = compute([], NOW, weekly_no_goal=5)
    assert stats.overall.asks == 0 and stats.overall.no_to_yes is None and stats.overall.yes_rate is None
    assert "No asks yet" in stats.headline()
    assert stats.trend == "not enough yeses yet to see a trend"


def test_single_asks_count_yes_explicit_implicit_and_pending():
    stats = compute([ask(1, "yes"), ask(2, "no"), ask(3, "not_now"), ask(4, "no_response"), ask(5, "pending")], NOW)
    o = stats.overall
    assert (o.asks, o.yeses, o.explicit_nos, o.implicit_nos, o.pending) == (5, 1, 2, 1, 1)
    assert o.no_to_yes == 3.0 and o.yes_rate == 0.25


def test_bulk_send_of_100_with_one_yes_reply_counts_99_implicit_nos():
    ledger = [ask(1, "no_response", recipients=100), ask(2, "yes", parent_id=1)]
    o = compute(ledger, NOW).overall
    assert (o.asks, o.yeses, o.implicit_nos) == (100, 1, 99)
    assert o.no_to_yes == 99.0


def test_bulk_send_recorded_as_yes_without_replies_attached_is_one_yes():
    o = compute([ask(1, "yes", recipients=100)], NOW).overall
    assert (o.asks, o.yeses, o.implicit_nos) == (100, 1, 99)


def test_pending_bulk_send_keeps_its_silent_recipients_pending():
    ledger = [ask(1, "pending", recipients=10), ask(2, "no", parent_id=1, reason="full_plate")]
    o = compute(ledger, NOW).overall
    assert (o.asks, o.explicit_nos, o.pending, o.implicit_nos) == (10, 1, 9, 0)


def test_reasons_are_ranked_and_lessons_are_newest_first():
    ledger = [
        ask(1, "no", datetime(2026, 10, 1), reason="full_plate", lesson="older"),
        ask(2, "no", datetime(2026, 11, 1), reason="audience_mismatch", lesson="newer"),
        ask(3, "no", datetime(2026, 11, 2), reason="full_plate"),
    ]
    stats = compute(ledger, NOW)
    assert stats.reasons == [("full_plate", 2), ("audience_mismatch", 1)]
    assert [text for _, text in stats.lessons] == ["newer", "older"]


def test_per_campaign_and_per_month():
    ledger = [
        ask(1, "yes", datetime(2026, 10, 5), campaign_id=7),
        ask(2, "no", datetime(2026, 10, 6), campaign_id=7),
        ask(3, "no", datetime(2026, 11, 6), campaign_id=None),
    ]
    stats = compute(ledger, NOW)
    assert stats.by_campaign[7].no_to_yes == 1.0 and stats.by_campaign[None].nos == 1
    assert sorted(stats.by_month) == ["2026-10", "2026-11"] and stats.by_month["2026-10"].asks == 2


@pytest.mark.parametrize(
    ("zone", "asked_at", "in_this_week"),
    [
        ("UTC", datetime(2026, 11, 23, 0, 30), True),  # Monday 00:30 UTC
        ("UTC", datetime(2026, 11, 22, 23, 30), False),  # Sunday night UTC
        ("America/New_York", datetime(2026, 11, 23, 3, 0), False),  # still Sunday 22:00 in New York
        ("Asia/Tokyo", datetime(2026, 11, 22, 16, 0), True),  # already Monday 01:00 in Tokyo
    ],
)
def test_weeks_start_on_monday_in_the_users_time_zone(zone, asked_at, in_this_week):
    stats = compute([ask(1, "no", asked_at)], NOW, timezone=zone)
    assert (stats.this_week.asks == 1) is in_this_week


def test_week_start_is_a_monday():
    assert week_start(NOW, __import__("zoneinfo").ZoneInfo("UTC")) == date(2026, 11, 23)


def test_yes_rate_by_warmth_band_uses_warmth_at_ask_time():
    ledger = [ask(1, "yes", warmth_at_ask=72), ask(2, "no", warmth_at_ask=65), ask(3, "no", warmth_at_ask=15)]
    bands = compute(ledger, NOW).by_warmth
    assert bands["60–80"].yes_rate == 0.5 and bands["0–20"].yes_rate == 0.0 and bands["80–100"].asks == 0


def test_trend_compares_recent_months_with_the_ones_before():
    old = [ask(i, "no", datetime(2026, 7, 1)) for i in range(9)] + [ask(20, "yes", datetime(2026, 7, 2))]
    new = [ask(30 + i, "no", datetime(2026, 10, 1)) for i in range(3)] + [ask(40, "yes", datetime(2026, 10, 2))]
    assert compute(old + new, NOW).trend.startswith("improving")


def test_headline_counts_down_to_the_weekly_no_goal():
    stats = compute([ask(1, "no"), ask(2, "no_response")], NOW, weekly_no_goal=5)
    assert stats.headline() == "2 nos this week of a goal of 5: 3 more nos to this week's goal."
