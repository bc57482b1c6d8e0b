"""The campaign's pipeline: the column a contact stands in, from their latest ask or their readiness."""

from __future__ import annotations

from datetime import date

STAGES = ("not_ready", "warming", "ask_ready", "asked", "yes", "no", "not_now")
STAGE_TITLES = {
    "not_ready": "Not a fit",
    "warming": "Warming",
    "ask_ready": "Ask-ready",
    "asked": "Asked",
    "yes": "Yes",
    "no": "No",
    "not_now": "Not now",
}
# An unanswered ask the planner has closed (no_response) counts as the no it became.
OUTCOME_STAGE = {"pending": "asked", "yes": "yes", "no": "no", "no_response": "no", "not_now": "not_now"}


def stage(latest_outcome: str | None, ask_ready: bool, fit_met: bool) -> str:
    """Once asked, the answer decides the column; before that, readiness does."""
    if latest_outcome is not None:
        return OUTCOME_STAGE[latest_outcome]
    if ask_ready:
        return "ask_ready"
    return "warming" if fit_met else "not_ready"


def window_marks(opens: date, closes: date, campaign_day: date, today: date) -> tuple[float, float]:
    """Where today and the window's close stand, in percent of a bar from the opening to the campaign."""
    span = max(1, (campaign_day - opens).days)
    return min(100, max(0, 100 * (today - opens).days / span)), 100 * (closes - opens).days / span
