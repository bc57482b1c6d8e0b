"""What the feeds API accepts and returns: in models validate, out models read the records."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from outreach.core.errors import Say
from outreach.core.schemas import Out, PageQuery, Strict, Url
from outreach.domain.vocabulary import TouchKind


class FeedIn(Strict):
    # a feed, or a page that names one
    url: Annotated[Url, Say(missing="Give the address of a feed, or of a page that names one.")] = Field(title="Feed address")


class PodcastOut(Out):
    last_episode_on: date | None
    episodes_per_month: float | None
    guest_share: float | None


class FeedOut(Out):
    id: int
    contact_id: int
    url: str
    feed_url: str
    title: str
    status: str
    error: str
    notes: str
    last_polled_at: datetime | None
    podcast: PodcastOut | None


class OpeningOut(Out):
    id: int
    contact_id: int
    contact_name: str
    title: str
    url: str | None
    published_at: datetime | None
    kind: str
    state: str


class OpeningQuery(PageQuery):
    state: Literal["open", "acted", "dismissed"] = "open"


class OpeningPatch(Strict):
    state: Literal["acted", "dismissed"]
    touch_kind: Annotated[TouchKind, Field(description="the touch logged when acted; comment by default")] | None = None
