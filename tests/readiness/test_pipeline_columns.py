"""The campaign board's columns: the latest answer once asked, readiness before that."""

from __future__ import annotations

from datetime import date

import pytest

from outreach.domain import pipeline


@pytest.mark.parametrize(
    ("outcome", "ready", "fit", "column"),
    [
        (None, False, False, "not_ready"),
        (None, False, True, "warming"),
        (None, True, True, "ask_ready"),
        ("pending", True, True, "asked"),
        ("yes", False, False, "yes"),
        ("no", True, True, "no"),
        ("no_response", True, True, "no"),  # an unanswered ask the planner closed is the no it became
        ("not_now", False, True, "not_now"),
    ],
)
def test_a_contact_stands_in_one_column(outcome, ready, fit, column):
    assert pipeline.stage(outcome, ready, fit) == column


def test_every_outcome_has_a_column_with_a_title():
    from outreach.domain.vocabulary import Outcome

    assert {pipeline.OUTCOME_STAGE[o] for o in Outcome} <= set(pipeline.STAGES)
    assert all(stage.label for stage in pipeline.STAGES)


def test_the_window_bar_marks_today_and_the_close():
    opens, closes, day = date(2027, 1, 1), date(2027, 3, 1), date(2027, 4, 1)
    today_mark, closes_mark = pipeline.window_marks(opens, closes, day, date(2027, 2, 15))
    assert closes_mark == pytest.approx(100 * 59 / 90) and today_mark == pytest.approx(100 * 45 / 90)
    assert pipeline.window_marks(opens, closes, day, date(2026, 1, 1))[0] == 0  # before the window: at its start
    assert pipeline.window_marks(opens, closes, day, date(2028, 1, 1))[0] == 100
