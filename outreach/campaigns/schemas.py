"""Campaigns, the readiness of their pairs and their plans: what goes in, what the API returns."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from outreach.campaigns.models import Campaign
from outreach.campaigns.readiness import PairReadiness, campaign_facts
from outreach.core.errors import Say
from outreach.core.schemas import Day, Extended, Id, Labels, Name, Out, Page, Strict, Text, Window, patch_of
from outreach.domain import plan, readiness, rules
from outreach.domain.vocabulary import CampaignKind


class CampaignIn(Strict):
    name: Annotated[Name, Say(missing="Give the campaign a name.")]
    kind: CampaignKind = CampaignKind.OTHER
    date: Annotated[Day, Say(missing="Give the campaign's date, like 2026-12-31.")]
    topics: Labels = []
    yes_target: Annotated[int, Field(ge=0, le=100_000)] = 1
    window_start_weeks: Annotated[int, Field(ge=1, le=104)] = Field(12, title="Ask window opens (weeks before)")
    window_end_weeks: Annotated[int, Field(ge=0, le=103)] = Field(3, title="Ask window closes (weeks before)")
    description: Text = ""

    @field_validator("window_end_weeks")
    @classmethod
    def _window_opens_first(cls, value: int, info: ValidationInfo) -> int:
        if info.data.get("window_start_weeks") is not None:
            rules.ask_window(info.data["window_start_weeks"], value)
        return value


CampaignPatch = patch_of(CampaignIn, "CampaignPatch")


class CampaignOut(Out):
    id: int
    name: str
    kind: CampaignKind
    date: date
    topics: list[str]
    yes_target: int
    window_start_weeks: int
    window_end_weeks: int
    ask_window: Window
    description: str

    @classmethod
    def of(cls, campaign: Campaign) -> CampaignOut:
        opens, closes = campaign_facts(campaign).window
        return cls.model_validate(Extended(campaign, ask_window=Window(opens=opens, closes=closes)))


class ReadinessQuery(Strict):
    campaign: Id


class CriterionOut(Out):
    met: bool
    score: int
    reason: str


class ReadinessOut(Out):
    """One contact against one campaign: fit, trust and timing, and when all three will hold."""

    contact_id: int
    contact_name: str
    campaign_id: int
    ask_ready: bool
    fit: CriterionOut
    trust: CriterionOut
    timing: CriterionOut
    forecast_ready_on: date | None
    forecast_reason: str

    @classmethod
    def of(cls, pair: PairReadiness) -> ReadinessOut:
        result: readiness.Readiness = pair.result
        return cls.model_validate(
            Extended(result, contact_id=pair.contact.id, contact_name=pair.contact.name, campaign_id=pair.campaign.id)
        )


class ReadinessPage(Page[ReadinessOut]):
    ask_ready: int


class WarmUpOut(Out):
    contact_id: int
    name: str
    fit: int
    moonshot: bool
    forecast_ready_on: date | None


class PlanOut(Out):
    campaign_id: int
    summary: str
    yes_target: int
    yeses: int
    yes_rate: float
    yes_rate_from_prior: bool
    yes_rate_note: str
    asks_needed: int
    window: Window
    ready_by_opening: int
    ready_in_window: int
    shortfall: int
    late: int
    find_more: int
    lead_time_warning: str | None
    moonshot_share: float
    balance_warning: str | None
    warm_up_first: list[WarmUpOut]

    @classmethod
    def of(cls, campaign: Campaign, found: plan.Plan, cadence: float) -> PlanOut:
        return cls.model_validate(
            Extended(
                found,
                campaign_id=campaign.id,
                summary=found.sentence(campaign.name, campaign.date, cadence),
                yes_rate=found.rate.rate,
                yes_rate_from_prior=found.rate.from_prior,
                yes_rate_note=found.rate.sentence(),
                window=Window(opens=found.window_opens, closes=found.window_closes),
                moonshot_share=round(found.moonshot_share, 3),
                balance_warning=plan.balance_warning(found),
                warm_up_first=[WarmUpOut.model_validate(Extended(c, fit=c.fit_score)) for c in found.warm_up_first],
            )
        )
