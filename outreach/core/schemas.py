"""What the app accepts, as pydantic models shared by the API, the web forms and imports; PATCH models omit defaults."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from outreach.asks.models import NO_REASONS, OUTCOMES
from outreach.contacts.models import CONTACT_KINDS
from outreach.core.types import MAX_ID, utcnow
from outreach.domain.readiness import CAMPAIGN_KINDS, PROMOTION_METHODS
from outreach.domain.warmth import DIRECTIONS, TOUCH_KINDS

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Text = Annotated[str, StringConstraints(max_length=10_000)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000, pattern=r"^https?://\S+$")]
Label = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=60, pattern=r"^[^|]+$")]
Labels = Annotated[list[Label], Field(max_length=50)]
Audience = Annotated[int, Field(ge=0, le=10_000_000_000)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

ContactKind = Literal[CONTACT_KINDS]  # type: ignore[valid-type]
TouchKind = Literal[TOUCH_KINDS]  # type: ignore[valid-type]
Direction = Literal[DIRECTIONS]  # type: ignore[valid-type]
CampaignKind = Literal[CAMPAIGN_KINDS]  # type: ignore[valid-type]
PromotionMethod = Literal[PROMOTION_METHODS]  # type: ignore[valid-type]
Outcome = Literal[OUTCOMES]  # type: ignore[valid-type]
NoReason = Literal[NO_REASONS]  # type: ignore[valid-type]


def _naive_utc(value: datetime) -> datetime:
    """Aware times are converted to UTC; naive ones are taken as UTC already."""
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _not_future(value: datetime) -> datetime:
    if value > utcnow() + timedelta(days=1):
        raise ValueError("cannot be in the future")
    return value


def _plausible(value: date) -> date:
    if not date(1970, 1, 1) <= value <= date(2200, 12, 31):
        raise ValueError("must be between 1970 and 2200")
    return value


When = Annotated[datetime, AfterValidator(_naive_utc), AfterValidator(_not_future)]
Day = Annotated[date, AfterValidator(_plausible)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # PostgreSQL cannot store NUL characters; refuse them here rather than fail on insert.
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError("must not contain NUL characters")
        return value


class ContactIn(Strict):
    name: Name
    email: EmailStr | None = None
    emails: Annotated[list[EmailStr], Field(max_length=20)] = []  # all addresses, the first primary (after email)
    kind: ContactKind = "peer"
    topics: Labels = []
    audience_size: Audience | None = None
    promotes_others: bool | None = None
    promotion_methods: Annotated[list[PromotionMethod], Field(max_length=10)] = []
    fit_override: Annotated[int, Field(ge=1, le=5)] | None = None
    links: Annotated[list[Url], Field(max_length=20)] = []
    tags: Labels = []
    notes: Text = ""
    preferred_contact: Short = ""
    promotions_url: Url | None = None
    upcoming_events: Text = ""


class ContactPatch(Strict):
    # Defaults of None are never validated: an omitted field stays as is, an explicit null is refused
    # where the column cannot be empty.
    name: Name = None  # type: ignore[assignment]
    email: EmailStr | None = None
    emails: Annotated[list[EmailStr], Field(max_length=20)] = None  # type: ignore[assignment]
    kind: ContactKind = None  # type: ignore[assignment]
    topics: Labels = None  # type: ignore[assignment]
    audience_size: Audience | None = None
    promotes_others: bool | None = None
    promotion_methods: Annotated[list[PromotionMethod], Field(max_length=10)] = None  # type: ignore[assignment]
    fit_override: Annotated[int, Field(ge=1, le=5)] | None = None
    links: Annotated[list[Url], Field(max_length=20)] = None  # type: ignore[assignment]
    tags: Labels = None  # type: ignore[assignment]
    notes: Text = None  # type: ignore[assignment]
    preferred_contact: Short = None  # type: ignore[assignment]
    promotions_url: Url | None = None
    upcoming_events: Text = None  # type: ignore[assignment]


class ContactQuery(Strict):
    kind: ContactKind | None = None
    tag: Label | None = None
    topic: Label | None = None
    q: Annotated[str, StringConstraints(max_length=200)] | None = None
    min_warmth: Annotated[float, Field(ge=0, le=100)] | None = None
    max_warmth: Annotated[float, Field(ge=0, le=100)] | None = None
    sort: Literal["warmth", "last_touch", "name"] = "warmth"
    page: Annotated[int, Field(ge=1, le=100_000)] = 1
    per_page: Annotated[int, Field(ge=1, le=200)] = 50


class PageQuery(Strict):
    page: Annotated[int, Field(ge=1, le=100_000)] = 1
    per_page: Annotated[int, Field(ge=1, le=200)] = 50


class TouchIn(Strict):
    kind: TouchKind
    direction: Direction = "outbound"
    occurred_at: When | None = None
    channel: Short | None = None
    url: Url | None = None
    note: Text = ""


class CampaignIn(Strict):
    name: Name
    kind: CampaignKind = "other"
    date: Day
    topics: Labels = []
    yes_target: Annotated[int, Field(ge=0, le=100_000)] = 1
    window_start_weeks: Annotated[int, Field(ge=1, le=104)] = 12
    window_end_weeks: Annotated[int, Field(ge=0, le=103)] = 3
    description: Text = ""

    @field_validator("window_end_weeks")
    @classmethod
    def _window_opens_first(cls, value: int, info: ValidationInfo) -> int:
        start = info.data.get("window_start_weeks")
        if start is not None and start <= value:
            raise ValueError("the ask window must close after it opens: fewer weeks before the date than window_start_weeks")
        return value


class CampaignPatch(Strict):
    name: Name = None  # type: ignore[assignment]
    kind: CampaignKind = None  # type: ignore[assignment]
    date: Day = None  # type: ignore[assignment]
    topics: Labels = None  # type: ignore[assignment]
    yes_target: Annotated[int, Field(ge=0, le=100_000)] = None  # type: ignore[assignment]
    window_start_weeks: Annotated[int, Field(ge=1, le=104)] = None  # type: ignore[assignment]
    window_end_weeks: Annotated[int, Field(ge=0, le=103)] = None  # type: ignore[assignment]
    description: Text = None  # type: ignore[assignment]


class ReadinessQuery(Strict):
    campaign: Id


class BusyPeriodIn(Strict):
    start: Day
    end: Day
    summary: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""

    @field_validator("end")
    @classmethod
    def _ordered(cls, value: date, info: ValidationInfo) -> date:
        start = info.data.get("start")
        if start is not None and value < start:
            raise ValueError("end must be on or after start")
        return value


class AskIn(Strict):
    message_id: Id | None = None
    parent_id: Id | None = None
    contact_id: Id | None = None
    campaign_id: Id | None = None
    asked_at: When | None = None
    channel: Short | None = None
    request: Text = ""
    recipients: Annotated[int, Field(ge=1, le=10_000_000)] = 1
    outcome: Outcome = "pending"
    reason: NoReason | None = None
    reason_detail: Text = ""
    lesson: Text = ""
    follow_up_on: Day | None = None


class AskPatch(Strict):
    asked_at: When = None  # type: ignore[assignment]
    channel: Short | None = None
    request: Text = None  # type: ignore[assignment]
    recipients: Annotated[int, Field(ge=1, le=10_000_000)] = None  # type: ignore[assignment]
    outcome: Outcome = None  # type: ignore[assignment]
    reason: NoReason | None = None
    reason_detail: Text = None  # type: ignore[assignment]
    lesson: Text = None  # type: ignore[assignment]
    follow_up_on: Day | None = None


class AskQuery(PageQuery):
    outcome: Outcome | None = None
    contact_id: Id | None = None
    campaign_id: Id | None = None


ReminderState = Literal["open", "snoozed", "done", "dismissed", "withdrawn"]


class ReminderQuery(PageQuery):
    state: ReminderState | None = None
    kind: Literal["ask", "target", "keep_warm", "follow_up", "interview"] | None = None
    due_before: Day | None = None
    due_after: Day | None = None


class ReminderPatch(Strict):
    state: Literal["open", "done", "dismissed", "snoozed"] = None  # type: ignore[assignment]
    snooze: Literal["1d", "1w"] | None = None
    snoozed_until: Day | None = None

    @model_validator(mode="after")
    def _one_action(self) -> ReminderPatch:
        if self.state is None and self.snooze is None and self.snoozed_until is None:
            raise ValueError("send state, snooze (1d or 1w) or snoozed_until")
        return self


EpisodeStage = Literal["invited", "booked", "recorded", "published"]


class EpisodeIn(Strict):
    contact_id: Id
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""
    stage: EpisodeStage = "invited"
    recording_at: Annotated[datetime, AfterValidator(_naive_utc)] | None = None
    published_on: Day | None = None
    notes: Text = ""

    @model_validator(mode="after")
    def _booked_has_a_date(self) -> EpisodeIn:
        if self.stage == "booked" and self.recording_at is None:
            raise ValueError("a booked episode needs its recording_at")
        return self


class EpisodePatch(Strict):
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = None  # type: ignore[assignment]
    stage: EpisodeStage = None  # type: ignore[assignment]
    recording_at: Annotated[datetime, AfterValidator(_naive_utc)] | None = None
    published_on: Day | None = None
    notes: Text = None  # type: ignore[assignment]


class OfferIn(Strict):
    direction: Literal["gave", "received"] = "gave"
    kind: Literal["free_call", "guest_post", "recommendation", "interview", "affiliate", "other"]
    happened_on: Day
    note: Text = ""


class MessageIn(Strict):
    name: Name
    body: Text = ""


class MessagePatch(Strict):
    name: Name = None  # type: ignore[assignment]
    body: Text = None  # type: ignore[assignment]


class WinIn(Strict):
    kind: Literal["yes", "kind_reply", "testimonial", "result"] = "yes"
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
    contact_id: Id | None = None
    ask_id: Id | None = None
