"""Plan arithmetic on hand-made histories, Wilson intervals against known values, verdict edges."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from outreach.domain import plan
from outreach.domain.plan import Candidate

TODAY = date(2027, 1, 4)
WINDOW = (date(2027, 3, 11), date(2027, 5, 13))


def candidates(ready=0, forecast_by_opening=0, late=0, never=0, moonshots=0):
    found = [Candidate(i, f"Ready {i}", 80, False, True, TODAY) for i in range(ready)]
    found += [
        Candidate(100 + i, f"Soon {i}", 70, False, False, WINDOW[0] - timedelta(days=1)) for i in range(forecast_by_opening)
    ]
    found += [Candidate(200 + i, f"Late {i}", 60 + i, False, False, WINDOW[0] + timedelta(days=5)) for i in range(late)]
    found += [Candidate(300 + i, f"Never {i}", 90, False, False, None) for i in range(never)]
    found += [Candidate(400 + i, f"Moon {i}", 100, True, False, None) for i in range(moonshots)]
    return found


def test_no_history_uses_the_prior_and_says_so():
    rate = plan.yes_rate([])
    assert rate.from_prior and rate.rate == plan.PRIOR_YES_RATE
    assert "default yes rate of 20%" in rate.sentence()
    assert plan.yes_rate(["yes", "no"] * 9 + ["no"]).from_prior  # 19 decided


def test_a_ten_percent_yes_rate_needs_ten_asks_per_yes():
    rate = plan.yes_rate(["yes"] * 3 + ["no"] * 20 + ["no_response"] * 7)
    assert not rate.from_prior and rate.rate == pytest.approx(0.1)
    found = plan.plan(5, 0, rate, WINDOW, TODAY, candidates(ready=10, forecast_by_opening=20, late=10), lead=60)
    assert found.asks_needed == 50 and found.ready_by_opening == 30 and found.shortfall == 20
    assert "needs ~50 asks" in found.sentence("Launch", date(2027, 6, 3), 1)
    assert "Warm up 10 more, starting with these; find 10 more contacts who fit" in found.sentence("Launch", date(2027, 6, 3), 1)


def test_pending_asks_do_not_count_towards_the_rate():
    assert plan.yes_rate(["pending"] * 40).from_prior


def test_zero_yeses_never_plans_on_a_zero_rate():
    rate = plan.yes_rate(["no"] * 30)
    assert 0 < rate.rate < 0.05


def test_target_already_met_needs_no_asks():
    found = plan.plan(3, 3, plan.yes_rate([]), WINDOW, TODAY, candidates(ready=1), lead=60)
    assert found.asks_needed == 0 and found.shortfall == 0
    assert "target of 3 yeses reached" in found.sentence("S4", date(2027, 6, 3), 1)


def test_window_already_open_counts_who_is_ready_now():
    today = WINDOW[0] + timedelta(days=7)
    found = plan.plan(2, 0, plan.yes_rate([]), WINDOW, today, candidates(ready=4, late=3), lead=60)
    # "Late" candidates' forecast (opening + 5 days) has passed the day we count at: they count.
    assert found.ready_by_opening == 7 and found.asks_needed == 10 and found.shortfall == 3


def test_forecast_never_reaching_ready_leaves_them_to_warm_up_accessible_first():
    found = plan.plan(4, 0, plan.yes_rate([]), WINDOW, TODAY, candidates(never=3, moonshots=2), lead=60)
    assert found.ready_by_opening == 0 and found.shortfall == 20
    names = [c.name for c in found.warm_up_first]
    assert names[:3] == ["Never 0", "Never 1", "Never 2"] and names[3:] == ["Moon 0", "Moon 1"]
    assert found.late == 5 and found.find_more == 15


def test_asked_contacts_are_not_counted_again():
    asked = [Candidate(1, "Asked", 90, False, True, TODAY, asked=True)]
    assert plan.plan(1, 0, plan.yes_rate([]), WINDOW, TODAY, asked, lead=60).ready_by_opening == 0


def test_too_little_lead_time_says_how_long_warming_takes_and_how_long_is_left():
    found = plan.plan(10, 0, plan.yes_rate([]), WINDOW, TODAY, candidates(ready=2), lead=120)
    assert found.lead_time_warning and "takes about 120 days" in found.lead_time_warning
    assert "the window opens in 66 days" in found.lead_time_warning
    early = plan.plan(10, 0, plan.yes_rate([]), WINDOW, WINDOW[0] - timedelta(days=200), candidates(ready=2), lead=120)
    assert early.lead_time_warning is None


def test_pipeline_of_moonshots_is_flagged():
    found = plan.plan(1, 0, plan.yes_rate([]), WINDOW, TODAY, candidates(moonshots=5), lead=60)
    assert found.moonshot_share == 1.0 and plan.balance_warning(found)
    mixed = plan.plan(1, 0, plan.yes_rate([]), WINDOW, TODAY, candidates(never=3, moonshots=2), lead=60)
    assert plan.balance_warning(mixed) is None


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [(0, 10, 0.0, 0.2775), (5, 10, 0.2366, 0.7634), (1, 100, 0.0018, 0.0545), (81, 263, 0.2553, 0.3662), (10, 10, 0.7225, 1.0)],
)
def test_wilson_interval_matches_known_values(successes, trials, low, high):
    got = plan.wilson(successes, trials)
    assert got == pytest.approx((low, high), abs=5e-4)


def test_wilson_of_nothing_is_the_whole_range():
    assert plan.wilson(0, 0) == (0.0, 1.0)


@pytest.mark.parametrize(("sends", "judged"), [(0, False), (23, False), (99, False), (100, True), (400, True)])
def test_too_few_to_judge_at_its_edges(sends, judged):
    result = plan.MessageResult(1, "Warm invite", sends, 0, sends // 10)
    assert result.judgeable is judged
    if not judged:
        assert result.verdict() == f"{sends} sends: too few to judge; about {100 - sends} more would tell."


def test_a_message_is_called_better_only_when_intervals_separate():
    good = plan.MessageResult(1, "Specific idea", 200, 80, 60)
    weak = plan.MessageResult(2, "Generic invite", 200, 40, 10)
    close = plan.MessageResult(3, "Close second", 200, 70, 52)
    assert plan.compare([good, weak]) == "“Specific idea” does better: its interval clears the others'."
    assert plan.compare([good, close]).startswith("No message is better yet")
    assert plan.compare([good, plan.MessageResult(4, "New", 23, 5, 5)]).startswith("Not enough sends")


def test_a_plan_made_after_the_window_opened_names_no_date_in_the_past():
    today = WINDOW[0] + timedelta(days=20)
    found = plan.plan(10, 0, plan.yes_rate([]), WINDOW, today, candidates(ready=2, late=3), lead=120)
    said = found.sentence("Season 4", date(2027, 6, 3), 1) + " " + (found.lead_time_warning or "")
    assert f"{WINDOW[0]:%d %B}" not in said
    assert "ask-ready contacts now, while the window is open" in said and "the window is already open" in said


def test_a_plan_after_the_window_closed_says_so_without_a_date():
    today = WINDOW[1] + timedelta(days=1)
    found = plan.plan(3, 1, plan.yes_rate([]), WINDOW, today, candidates(ready=2), lead=60)
    said = found.sentence("Season 4", WINDOW[1] + timedelta(days=21), 1)
    assert said.startswith("Season 4: the ask window has closed with 1 of 3 yeses")
    assert f"{WINDOW[1]:%d %B}" not in said and f"{WINDOW[0]:%d %B}" not in said
