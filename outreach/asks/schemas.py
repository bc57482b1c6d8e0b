"""Asks and the go-for-no numbers: what the ledger accepts, what the API returns."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from outreach.core.errors import Say
from outreach.core.schemas import Day, Extended, Id, Out, PageQuery, Short, Strict, Text, UtcTime, When, patch_of
from outreach.domain import goforno, rules
from outreach.domain.vocabulary import NoReason, Outcome


class AskIn(Strict):
    message_id: Id | None = Field(None, title="Message used")
    parent_id: Id | None = Field(None, title="A reply to a bulk send")
    contact_id: Id | None = Field(None, title="Contact")
    campaign_id: Id | None = Field(None, title="Campaign")
    asked_at: Annotated[When, Say(future="An ask cannot be dated in the future: give the day you sent it.")] | None = Field(
        None, title="Asked at"
    )
    channel: Short | None = None
    request: Text = Field("", title="What you asked")
    recipients: Annotated[int, Field(ge=1, le=10_000_000)] = 1
    outcome: Outcome = Outcome.PENDING
    reason: NoReason | None = Field(None, title="Reason for a no")
    reason_detail: Text = Field("", title="Reason, in their words")
    lesson: Text = Field("", title="One lesson")
    follow_up_on: Day | None = Field(None, title="Follow up on")

    # Field validators, not a model one: they run beside the other fields' checks, so a form hears every refusal at once.
    @field_validator("reason")
    @classmethod
    def _reason_belongs_to_a_no(cls, value: NoReason | None, info: ValidationInfo) -> NoReason | None:
        if "outcome" in info.data:  # else the outcome itself was refused
            rules.ask_reason(info.data["outcome"], value)
        return value

    @field_validator("follow_up_on")
    @classmethod
    def _follow_up_belongs_to_not_now(cls, value: date | None, info: ValidationInfo) -> date | None:
        if "outcome" in info.data:
            rules.ask_follow_up(info.data["outcome"], value)
        return value

    @model_validator(mode="after")
    def _answer_fits(self) -> Self:
        rules.ask_answer(self.outcome, self.reason, self.follow_up_on)
        return self


# Who was asked, for what and with which message stays as recorded; the rest can change.
AskPatch = patch_of(AskIn, "AskPatch", exclude=("message_id", "parent_id", "contact_id", "campaign_id"))


class AskQuery(PageQuery):
    outcome: Outcome | None = None
    contact_id: Id | None = None
    campaign_id: Id | None = None


class AskOut(Out):
    id: int
    contact_id: int | None
    campaign_id: int | None
    asked_at: UtcTime
    channel: str | None
    request: str
    recipients: int
    parent_id: int | None
    message_id: int | None
    outcome: Outcome
    reason: NoReason | None
    reason_detail: str
    lesson: str
    follow_up_on: date | None
    decided_at: UtcTime | None
    replied_at: UtcTime | None  # a reply the mailbox saw (capture): the outcome is still yours to record
    reply_subject: str | None
    warmth_at_ask: float | None
    criteria_at_ask: dict[str, Any] | None


class TallyOut(Out):
    """Asks counted the go-for-no way: a bulk send counts its recipients; silence becomes a no."""

    asks: int
    yeses: int
    explicit_nos: int
    implicit_nos: int
    nos: int
    pending: int
    no_to_yes: float | None
    yes_rate: float | None


class WeekOut(TallyOut):
    starts_on: date | None
    no_goal: int


class CampaignTallyOut(TallyOut):
    campaign_id: int | None
    campaign: str


class MonthTallyOut(TallyOut):
    month: str


class BandTallyOut(TallyOut):
    band: str


class ReasonCount(Out):
    reason: NoReason
    count: int


class LessonOut(Out):
    asked_at: UtcTime
    lesson: str


class StatsOut(Out):
    headline: str
    week: WeekOut
    overall: TallyOut
    trend: str
    by_campaign: list[CampaignTallyOut]
    by_month: list[MonthTallyOut]
    reasons: list[ReasonCount]
    yes_rate_by_warmth: list[BandTallyOut]
    lessons: list[LessonOut]

    @classmethod
    def of(cls, stats: goforno.Stats, campaign_names: Mapping[int, str]) -> StatsOut:
        by_campaign = sorted(stats.by_campaign.items(), key=lambda item: (item[0] is None, item[0] or 0))
        return cls(
            headline=stats.headline(),
            week=WeekOut.model_validate(Extended(stats.this_week, starts_on=stats.week_start, no_goal=stats.weekly_no_goal)),
            overall=TallyOut.model_validate(stats.overall),
            trend=stats.trend,
            by_campaign=[
                CampaignTallyOut.model_validate(
                    Extended(t, campaign_id=cid, campaign=campaign_names.get(cid, "no campaign") if cid else "no campaign")
                )
                for cid, t in by_campaign
            ],
            by_month=[MonthTallyOut.model_validate(Extended(t, month=m)) for m, t in sorted(stats.by_month.items())],
            reasons=[ReasonCount(reason=NoReason(reason), count=count) for reason, count in stats.reasons],
            yes_rate_by_warmth=[BandTallyOut.model_validate(Extended(t, band=band)) for band, t in stats.by_warmth.items()],
            lessons=[LessonOut(asked_at=at, lesson=lesson) for at, lesson in stats.lessons],
        )
