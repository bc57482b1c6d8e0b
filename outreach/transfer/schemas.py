"""One JSON export's records: each feature's IN model plus what only an archive carries.

A row is what the API accepts for that record (the same rules, the same sentences), plus its
``ref`` (its id at export time, which other rows use to point at it) and the fields the app sets
itself: timestamps, an ask's warmth and criteria when it was made, a feed's reading state. A
restore never trusts those either: every number, date and word is bounded here before it is
written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator

from outreach.asks.schemas import AskIn
from outreach.asks.service import HISTORY_FIELDS
from outreach.campaigns.schemas import CampaignIn
from outreach.contacts.schemas import BusyPeriodIn, ContactIn, TouchIn
from outreach.core.schemas import Audience, Day, Id, Moment, Strict, Text, TimeZone, Url, When
from outreach.core.types import MAX_ID, utcnow
from outreach.domain.settings import UserSettings
from outreach.domain.vocabulary import (
    BusySource,
    Classification,
    Direction,
    NoReason,
    Outcome,
    ReminderKind,
    ReminderState,
    TouchSource,
)
from outreach.episodes.schemas import EpisodeIn, OfferIn
from outreach.feeds.models import FeedStatus, OpeningState, PostKind
from outreach.feeds.schemas import FeedIn
from outreach.learning.schemas import MessageIn, WinIn

EARLIEST, LATEST = datetime(1970, 1, 1), datetime(2200, 12, 31, 23, 59, 59, 999999)


def _bounded(value: datetime) -> datetime:
    # The same span as every date (core.schemas.Day): a year-9999 time overflows the pages that add to it.
    if not EARLIEST <= value <= LATEST:
        raise ValueError("must be between 1970 and 2200")
    return value


Stamp = Annotated[When, AfterValidator(_bounded)]  # something that has happened: not in the future
Time = Annotated[Moment, AfterValidator(_bounded)]  # a time that may be ahead (a due time, the next read)
Count = Annotated[int, Field(ge=0, le=MAX_ID)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


# Text as the columns hold it (no stripping: a restore writes back what was exported).
Line20 = Annotated[str, StringConstraints(max_length=20)]
Line100 = Annotated[str, StringConstraints(max_length=100)]
Line254 = Annotated[str, StringConstraints(max_length=254)]
Line300 = Annotated[str, StringConstraints(max_length=300)]
Line500 = Annotated[str, StringConstraints(max_length=500)]
Line1000 = Annotated[str, StringConstraints(max_length=1000)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=300)]
PostTitle = Annotated[str, StringConstraints(min_length=1, max_length=500)]
PostUid = Annotated[str, StringConstraints(min_length=1, max_length=64)]


def _feed_link(value: str) -> str:
    # What the feed reader keeps of a post's link (feeds.parse): http(s) or nothing.
    if not value.startswith(("http://", "https://")):
        raise ValueError("a link starts with http:// or https://")
    return value


class Record(Strict):
    ref: Id
    created_at: Stamp = Field(default_factory=utcnow)


class Edited(Record):
    updated_at: Stamp = Field(default_factory=utcnow)


class UserRow(Strict):
    email: Line254 | None = None  # whose export it was: a restore keeps the account's own address
    audience_size: Audience | None = None
    timezone: TimeZone = "UTC"
    settings: UserSettings = Field(default_factory=UserSettings)


class ContactRow(ContactIn, Edited):
    deleted_at: Stamp | None = None
    source: Literal["manual", "import"] = "manual"


class TouchRow(TouchIn, Record):
    contact_id: Id
    occurred_at: Stamp  # an archive's touches have happened: the date is not optional
    source: TouchSource = TouchSource.MANUAL  # captured from mail or a calendar, imported, from a feed, or typed
    deleted_at: Stamp | None = None


class BusyPeriodRow(BusyPeriodIn, Record):
    contact_id: Id
    source: BusySource = BusySource.MANUAL


class CampaignRow(CampaignIn, Edited):
    deleted_at: Stamp | None = None  # deleted, and still undoable: restored as it was


class MessageRow(MessageIn, Edited):
    pass


class CriterionAtAsk(Strict):
    met: bool
    score: Annotated[int, Field(ge=0, le=100)]
    reason: Line1000


class CriteriaAtAsk(Strict):
    ask_ready: bool
    fit: CriterionAtAsk
    trust: CriterionAtAsk
    timing: CriterionAtAsk


class AskRow(AskIn, Edited):
    asked_at: Stamp
    deleted_at: Stamp | None = None
    decided_at: Stamp | None = None
    warmth_at_ask: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] | None = None
    criteria_at_ask: CriteriaAtAsk | None = None
    replied_at: Stamp | None = None  # a reply seen in the mailbox (mail capture)
    reply_subject: Line300 | None = None


Remembered = str | int | None  # an old or new value in an ask's history, as update_ask keeps it


class AskChangeRow(Strict):
    ref: Id
    ask_id: Id
    changed_at: Stamp
    changes: dict[str, tuple[Remembered, Remembered]]

    @field_validator("changes")
    @classmethod
    def _history_of_an_ask(cls, value: dict[str, tuple[Remembered, Remembered]]) -> dict[str, tuple[Remembered, Remembered]]:
        unknown = sorted(set(value) - set(HISTORY_FIELDS))
        if unknown:
            raise ValueError(f"an ask has no field {unknown[0]!r}")
        words: dict[str, tuple[str, ...]] = {"outcome": Outcome.values(), "reason": NoReason.values()}
        for name, pair in value.items():
            for old_or_new in pair:
                if isinstance(old_or_new, str) and (len(old_or_new) > 10_000 or "\x00" in old_or_new):
                    raise ValueError(f"{name}: a remembered value is text of at most 10,000 characters")
                if name in words and old_or_new not in (None, "", *words[name]):
                    raise ValueError(f"{name}: {old_or_new!r} is not one of {', '.join(words[name])}")
        return value


class ReminderRow(Edited):
    kind: ReminderKind
    contact_id: Id | None = None
    campaign_id: Id | None = None
    due_on: Day
    due_at: Time | None = None
    title: Title
    body: Text = ""
    state: ReminderState = ReminderState.OPEN
    snoozed_until: Day | None = None
    sequence: Count = 0


class EpisodeRow(EpisodeIn, Edited):
    campaign_id: Id
    recording_at: Time | None = None  # a year-9999 recording breaks the calendar feed (issue 15, item 6)


class OfferRow(OfferIn, Record):
    contact_id: Id


class WinRow(WinIn, Record):
    pass


class FeedRow(FeedIn, Edited):
    contact_id: Id
    feed_url: Url
    title: Line300 = ""
    status: FeedStatus = FeedStatus.NEW
    error_kind: Line20 | None = None
    error: Line500 = ""
    notes: Line1000 = ""
    failures: Count = 0
    quiet_polls: Count = 0
    etag: Line500 | None = None
    last_modified: Line100 | None = None
    last_polled_at: Stamp | None = None
    last_new_post_at: Stamp | None = None
    next_poll_at: Time = Field(default_factory=utcnow)
    podcast_last_episode_on: Day | None = None
    podcast_episodes_per_month: Annotated[float, Field(ge=0, le=10_000, allow_inf_nan=False)] | None = None
    podcast_guest_share: Share | None = None
    podcast_episodes_counted: Count | None = None
    podcast_guests: Count | None = None


class PostRow(Strict):
    ref: Id
    feed_id: Id
    contact_id: Id
    uid: PostUid
    title: PostTitle
    url: Annotated[str, StringConstraints(max_length=2000), AfterValidator(_feed_link)] | None = None
    published_at: Time | None = None
    first_seen_at: Stamp = Field(default_factory=utcnow)
    kind: PostKind
    has_guest: bool | None = None


class OpeningRow(Record):
    contact_id: Id
    post_id: Id
    touch_id: Id | None = None  # the touch logged when the user acted on it
    state: OpeningState = OpeningState.OPEN
    closed_at: Stamp | None = None

    @model_validator(mode="after")
    def _touch_only_when_acted(self) -> Self:
        if self.touch_id is not None and self.state != OpeningState.ACTED:
            raise ValueError("only an opening acted on has a touch")
        return self


# What mail and calendar capture remember of what they read (headers only, never a body, never the
# connection): restored, a reconnected mailbox finds its messages seen and makes no touch twice.
Counterpart = tuple[Line254, Annotated[str, StringConstraints(max_length=200)]]
MessageKey = Annotated[str, StringConstraints(min_length=1, max_length=255)]


class CapturedMessageRow(Record):
    message_key: MessageKey  # the Message-ID, or a digest of the headers when it has none
    sent_at: Time
    direction: Direction
    classification: Classification
    from_address: Line254 = ""
    recipients: Count = 0
    subject: Line300 = ""
    in_reply_to: MessageKey | None = None
    references: Annotated[list[MessageKey], Field(max_length=100)] = []
    counterparts: Annotated[list[Counterpart], Field(max_length=100)] = []
    returns_on: Day | None = None


class CapturedEventRow(Record):
    uid: MessageKey
    recurrence_id: Annotated[str, StringConstraints(max_length=40)] = ""
    starts_at: Time
    direction: Direction
    summary: Line300 = ""
    attendees: Annotated[list[Line254], Field(max_length=100)] = []


class CaptureLinkRow(Strict):
    ref: Id
    contact_id: Id
    message_id: Id | None = None
    event_id: Id | None = None
    touch_id: Id | None = None  # None once the user deleted the touch: the link still says "made before"

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.message_id is None) == (self.event_id is None):
            raise ValueError("a capture link names either a message or an event")
        return self
