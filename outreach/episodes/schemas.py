"""A podcast season's episodes and a partner's offers: what goes in, what the API returns."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from outreach.core.errors import Say
from outreach.core.schemas import Day, Id, Moment, Out, Strict, Text, UtcTime, patch_of
from outreach.domain import rules
from outreach.domain.vocabulary import EpisodeStage, OfferDirection, OfferKind

Title = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


class EpisodeIn(Strict):
    contact_id: Annotated[Id, Say(missing="Choose the guest.")] = Field(title="Guest")
    title: Title = ""
    stage: EpisodeStage = EpisodeStage.INVITED
    recording_at: Moment | None = Field(None, title="Recording")
    published_on: Day | None = None
    notes: Text = ""

    @model_validator(mode="after")
    def _booked_has_a_date(self) -> EpisodeIn:
        rules.episode_booking(self.stage, self.recording_at)
        return self


# The guest stays; the rest moves along the pipeline.
EpisodePatch = patch_of(EpisodeIn, "EpisodePatch", exclude=("contact_id",))


class EpisodeOut(Out):
    id: int
    campaign_id: int
    contact_id: int
    title: str
    stage: EpisodeStage
    recording_at: UtcTime | None
    published_on: date | None
    notes: str


class OfferIn(Strict):
    direction: OfferDirection = Field(OfferDirection.GAVE, title="Who")
    kind: OfferKind = Field(title="What")
    happened_on: Annotated[Day, Say(missing="Give the day it happened.")] = Field(title="When")
    note: Text = ""


class OfferOut(Out):
    id: int
    contact_id: int
    direction: OfferDirection
    kind: OfferKind
    happened_on: date
    note: str
