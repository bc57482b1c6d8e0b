"""Reminders: how the API lists them and what a user may change (done, dismissed, open, snoozed)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import model_validator

from outreach.core.errors import InvalidInput
from outreach.core.schemas import Day, Out, PageQuery, Strict, UtcTime
from outreach.domain.vocabulary import ReminderKind, ReminderState, Snooze

# Withdrawn is the planner's word, never the user's.
UserState = Literal[ReminderState.OPEN, ReminderState.DONE, ReminderState.DISMISSED, ReminderState.SNOOZED]


class ReminderQuery(PageQuery):
    state: ReminderState | None = None
    kind: ReminderKind | None = None
    due_before: Day | None = None
    due_after: Day | None = None


class ReminderPatch(Strict):
    state: UserState | None = None
    snooze: Snooze | None = None
    snoozed_until: Day | None = None

    @model_validator(mode="after")
    def _one_action(self) -> ReminderPatch:
        if self.state is None and self.snooze is None and self.snoozed_until is None:
            raise InvalidInput({"state": "Say what to do: a state, a snooze (1d or 1w) or a day to snooze until."})
        return self


class ReminderOut(Out):
    id: int
    kind: ReminderKind
    contact_id: int | None
    campaign_id: int | None
    due_on: date
    due_at: UtcTime | None
    title: str
    body: str
    state: ReminderState
    snoozed_until: date | None
    uid: str
    sequence: int
    updated_at: UtcTime
