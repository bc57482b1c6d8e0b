"""Contacts, touches and busy periods: what the API, the forms and the imports accept, and what the API returns.

A contact field is declared once in ContactIn (its rules and its label) and once in ContactOut; the
PATCH model, the web form, the CSV columns and the service's field list all derive from ContactIn.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import EmailStr, Field, StringConstraints, ValidationInfo, field_validator, model_validator

from outreach.contacts.models import Contact
from outreach.core.errors import Say
from outreach.core.schemas import (
    MULTILINE,
    Audience,
    Day,
    Extended,
    Label,
    Labels,
    Name,
    Out,
    PageQuery,
    Short,
    Strict,
    Text,
    Url,
    UtcTime,
    When,
    patch_of,
)
from outreach.domain import rules
from outreach.domain import warmth as wm
from outreach.domain.vocabulary import (
    BusySource,
    ContactKind,
    ContactSort,
    Direction,
    PromotionMethod,
    TouchKind,
    TouchSource,
)


class ContactIn(Strict):
    name: Annotated[Name, Say(missing="Give the contact a name.")]
    email: EmailStr | None = None
    kind: ContactKind = ContactKind.PEER
    topics: Labels = []
    audience_size: Audience | None = None
    promotes_others: bool | None = Field(None, title="Promotes others?")
    promotion_methods: Annotated[list[PromotionMethod], Field(max_length=10)] = Field([], title="How they promote others")
    fit_override: Annotated[int, Field(ge=1, le=5)] | None = Field(None, title="Your fit rating")
    links: Annotated[list[Url], Field(max_length=20), MULTILINE] = []
    tags: Labels = []
    notes: Text = ""
    preferred_contact: Short = Field("", title="Preferred way to reach them")
    promotions_url: Url | None = Field(None, title="Their page on whom they promote")
    upcoming_events: Text = ""
    # Every address, the primary first (``email``, when given, leads): each one matches on import and in mail
    # capture. Last, so the columns before it keep their places in CSV exports.
    emails: Annotated[list[EmailStr], Field(max_length=20)] = Field([], title="Email addresses")

    @model_validator(mode="after")
    def _primary_first(self) -> Self:
        found = rules.addresses(self.email, self.emails)
        primary = found[0] if found else None
        if (self.email, self.emails) != (primary, found):  # assigned only when it changes: a patch stays partial
            self.email, self.emails = primary, found
        return self


# A patch naming ``email`` alone replaces the primary address and keeps the others (contacts.service).
ContactPatch = patch_of(ContactIn, "ContactPatch")


class ContactQuery(PageQuery):
    kind: ContactKind | None = None
    tag: Label | None = None
    topic: Label | None = None
    q: Annotated[str, StringConstraints(max_length=200)] | None = None
    min_warmth: Annotated[float, Field(ge=0, le=100)] | None = None
    max_warmth: Annotated[float, Field(ge=0, le=100)] | None = None
    sort: ContactSort = ContactSort.WARMTH


class TopTouch(Out):
    touch_id: int | None
    kind: TouchKind
    direction: Direction
    occurred_at: UtcTime
    weight: float
    contribution: float
    share: float


class WarmthExplanation(Out):
    sentence: str
    touch_count: int
    last_touch_at: UtcTime | None
    warmth_in_30_days: float
    top_touches: list[TopTouch]

    @classmethod
    def of(cls, touches: Iterable[wm.TouchPoint], now: datetime, params: wm.WarmthParams) -> WarmthExplanation:
        found = wm.explain(touches, now, params)
        top = [
            TopTouch(
                touch_id=c.touch.id,
                kind=TouchKind(c.touch.kind),
                direction=Direction(c.touch.direction),
                occurred_at=c.touch.occurred_at,
                weight=c.weight,
                contribution=round(c.current, 3),
                share=round(c.share, 3),
            )
            for c in found.top
        ]
        return cls(
            sentence=found.sentence(),
            touch_count=found.touch_count,
            last_touch_at=found.last_touch_at,
            warmth_in_30_days=round(found.warmth_in_30_days, 1),
            top_touches=top,
        )


class ContactOut(Out):
    id: int
    name: str
    email: str | None
    kind: ContactKind
    topics: list[str]
    audience_size: int | None
    promotes_others: bool | None
    promotion_methods: list[str]  # as stored: older records may hold words no longer offered
    fit_override: int | None
    links: list[str]
    tags: list[str]
    notes: str
    preferred_contact: str
    promotions_url: str | None
    upcoming_events: str
    emails: list[str]  # every address, the primary (``email``) first
    warmth: float
    warmth_explanation: WarmthExplanation
    first_touch_at: UtcTime | None
    last_touch_at: UtcTime | None
    created_at: UtcTime
    updated_at: UtcTime

    @classmethod
    def of(cls, contact: Contact, touches: Iterable[wm.TouchPoint], now: datetime, params: wm.WarmthParams) -> ContactOut:
        now_warmth = round(wm.warmth(contact.warmth_key, now, params), 1)
        explanation = WarmthExplanation.of(touches, now, params)
        return cls.model_validate(Extended(contact, warmth=now_warmth, warmth_explanation=explanation))


class TouchIn(Strict):
    kind: Annotated[TouchKind, Say(missing="Choose what kind of touch it was.")]
    direction: Direction = Direction.OUTBOUND
    occurred_at: Annotated[When, Say(future="A touch cannot be dated in the future: give the day it happened.")] | None = Field(
        None, title="When"
    )
    channel: Short | None = None
    url: Url | None = Field(None, title="URL")
    note: Text = ""


class TouchOut(Out):
    id: int
    contact_id: int
    kind: TouchKind
    direction: Direction
    occurred_at: UtcTime
    channel: str | None
    url: str | None
    note: str
    source: TouchSource  # who logged it: manual, import, mail, calendar or feed


class BusyPeriodIn(Strict):
    start: Annotated[Day, Say(missing="Give the first day they are busy.")] = Field(title="From")
    end: Annotated[Day, Say(missing="Give the last day they are busy.")] = Field(title="Until")
    summary: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = Field("", title="What")

    @field_validator("end")
    @classmethod
    def _ordered(cls, value: date, info: ValidationInfo) -> date:
        if info.data.get("start") is not None:
            rules.busy_period(info.data["start"], value)
        return value


class BusyPeriodOut(Out):
    id: int
    contact_id: int
    start: date
    end: date
    summary: str
    source: BusySource
