"""The campaign's pipeline: the column a contact stands in, from their latest ask or their readiness."""

from __future__ import annotations

from datetime import date

from outreach.domain.vocabulary import Outcome, PipelineStage

STAGES = tuple(PipelineStage)
# An unanswered ask the planner has closed (no_response) counts as the no it became.
OUTCOME_STAGE = {
    Outcome.PENDING: PipelineStage.ASKED,
    Outcome.YES: PipelineStage.YES,
    Outcome.NO: PipelineStage.NO,
    Outcome.NO_RESPONSE: PipelineStage.NO,
    Outcome.NOT_NOW: PipelineStage.NOT_NOW,
}


def stage(latest_outcome: str | None, ask_ready: bool, fit_met: bool) -> PipelineStage:
    """Once asked, the answer decides the column; before that, readiness does."""
    if latest_outcome is not None:
        return OUTCOME_STAGE[Outcome(latest_outcome)]
    if ask_ready:
        return PipelineStage.ASK_READY
    return PipelineStage.WARMING if fit_met else PipelineStage.NOT_READY


def window_marks(opens: date, closes: date, campaign_day: date, today: date) -> tuple[float, float]:
    """Where today and the window's close stand, in percent of a bar from the opening to the campaign."""
    span = max(1, (campaign_day - opens).days)
    return min(100, max(0, 100 * (today - opens).days / span)), 100 * (closes - opens).days / span
