"""The product's word lists, one StrEnum each: the values are stored data and API contracts, the labels are for people.

Pure: no Flask, no database. Models (with CHECK constraints), pydantic schemas, WTForms choices,
importers, the OpenAPI document and templates all take their words from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import ClassVar


class Vocabulary(StrEnum):
    """A word list. A label is the value with spaces unless the class's ``__labels__`` says otherwise."""

    _value_: str
    __labels__: ClassVar[Mapping[str, str]] = {}

    @property
    def label(self) -> str:
        return type(self).__labels__.get(self.value) or self.value.replace("_", " ")

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs, for a select."""
        return [(member.value, member.label) for member in cls]


class ContactKind(Vocabulary):
    INFLUENCER = "influencer"
    ALLIANCE_PARTNER = "alliance_partner"
    PODCAST_GUEST = "podcast_guest"
    PEER = "peer"


class TouchKind(Vocabulary):
    COMMENT = "comment"
    SHARE = "share"
    EMAIL = "email"
    DM = "dm"
    PURCHASE = "purchase"
    CALL = "call"
    MEETING = "meeting"
    INTRODUCTION = "introduction"
    COLLABORATION = "collaboration"
    __labels__: ClassVar[Mapping[str, str]] = {"dm": "DM"}


class Direction(Vocabulary):
    """Which way a touch went."""

    OUTBOUND = "outbound"
    INBOUND = "inbound"
    __labels__: ClassVar[Mapping[str, str]] = {"outbound": "you → them", "inbound": "them → you"}


class TouchSource(Vocabulary):
    """Who logged a touch: the user, a file, the mailbox, the calendar or a feed."""

    MANUAL = "manual"
    IMPORT = "import"
    MAIL = "mail"
    CALENDAR = "calendar"
    FEED = "feed"
    __labels__: ClassVar[Mapping[str, str]] = {
        "manual": "logged by you",
        "import": "from an imported file",
        "mail": "from your mailbox",
        "calendar": "from your calendar",
        "feed": "from their feed",
    }


class BusySource(Vocabulary):
    MANUAL = "manual"
    IMPORTED = "imported"
    __labels__: ClassVar[Mapping[str, str]] = {"manual": "added by hand", "imported": "from their calendar"}


class CampaignKind(Vocabulary):
    PODCAST_SEASON = "podcast_season"
    LAUNCH = "launch"
    EVENT = "event"
    COURSE = "course"
    OTHER = "other"


class PromotionMethod(Vocabulary):
    GUEST_POST = "guest_post"
    FREE_CALL = "free_call"
    INTERVIEW = "interview"
    RECOMMENDATION = "recommendation"
    AFFILIATE = "affiliate"


class Outcome(Vocabulary):
    PENDING = "pending"
    YES = "yes"
    NO = "no"
    NOT_NOW = "not_now"
    NO_RESPONSE = "no_response"


class NoReason(Vocabulary):
    FULL_PLATE = "full_plate"
    TRACK_RECORD = "track_record"
    AUDIENCE_MISMATCH = "audience_mismatch"
    AUDIENCE_TOO_SMALL = "audience_too_small"
    CONNECTION_TOO_SHALLOW = "connection_too_shallow"
    TIMING = "timing"
    OTHER = "other"
    __labels__: ClassVar[Mapping[str, str]] = {"track_record": "wants a track record first"}


class ReminderKind(Vocabulary):
    ASK = "ask"
    TARGET = "target"
    KEEP_WARM = "keep_warm"
    FOLLOW_UP = "follow_up"
    INTERVIEW = "interview"


class ReminderState(Vocabulary):
    OPEN = "open"
    SNOOZED = "snoozed"
    DONE = "done"
    DISMISSED = "dismissed"
    WITHDRAWN = "withdrawn"  # the planner took it back (the pair stopped being ready, the forecast vanished)


# Reminders the user still has to act on; the others are history.
LIVE_STATES = (ReminderState.OPEN, ReminderState.SNOOZED)


class Snooze(Vocabulary):
    DAY = "1d"
    WEEK = "1w"
    __labels__: ClassVar[Mapping[str, str]] = {"1d": "tomorrow", "1w": "next week"}


class EpisodeStage(Vocabulary):
    INVITED = "invited"
    BOOKED = "booked"
    RECORDED = "recorded"
    PUBLISHED = "published"


class OfferKind(Vocabulary):
    FREE_CALL = "free_call"
    GUEST_POST = "guest_post"
    RECOMMENDATION = "recommendation"
    INTERVIEW = "interview"
    AFFILIATE = "affiliate"
    OTHER = "other"


class OfferDirection(Vocabulary):
    GAVE = "gave"
    RECEIVED = "received"
    __labels__: ClassVar[Mapping[str, str]] = {"gave": "you gave", "received": "they gave"}


class WinKind(Vocabulary):
    YES = "yes"
    KIND_REPLY = "kind_reply"
    TESTIMONIAL = "testimonial"
    RESULT = "result"


class PipelineStage(Vocabulary):
    """Where a contact stands in a campaign's pipeline (computed, never stored)."""

    NOT_READY = "not_ready"
    WARMING = "warming"
    ASK_READY = "ask_ready"
    ASKED = "asked"
    YES = "yes"
    NO = "no"
    NOT_NOW = "not_now"
    __labels__: ClassVar[Mapping[str, str]] = {"not_ready": "not a fit", "ask_ready": "ask-ready"}


class ContactSort(Vocabulary):
    WARMTH = "warmth"
    LAST_TOUCH = "last_touch"
    NAME = "name"
    __labels__: ClassVar[Mapping[str, str]] = {"warmth": "warmest"}


class ImportPreset(Vocabulary):
    """The CSV layouts the contact import reads."""

    LINKEDIN = "linkedin"
    GOOGLE = "google"
    GENERIC = "generic"
    __labels__: ClassVar[Mapping[str, str]] = {
        "linkedin": "LinkedIn Connections.csv",
        "google": "Google Contacts",
        "generic": "Any CSV (columns name, email, kind, topics, …)",
    }


class Classification(Vocabulary):
    """What a captured message is: only mail between people makes touches."""

    PERSON = "person"  # a message between people: a touch
    BULK = "bulk"  # newsletters, lists, mass mail
    AUTOMATED = "automated"  # notifications, no-reply senders, receipts
    AUTO_REPLY = "auto_reply"  # out of office
    __labels__: ClassVar[Mapping[str, str]] = {"auto_reply": "auto-reply"}


class MailSecurity(Vocabulary):
    """How a mailbox connection is protected."""

    TLS = "tls"
    STARTTLS = "starttls"
    PLAIN = "plain"  # loopback only, and only when OUTREACH_ALLOW_PLAINTEXT_IMAP=1 (tests)
    __labels__: ClassVar[Mapping[str, str]] = {
        "tls": "TLS (port 993)",
        "starttls": "STARTTLS (port 143)",
        "plain": "none (this machine only)",
    }


class AccountStatus(Vocabulary):
    """A connected mailbox or calendar."""

    ACTIVE = "active"
    PAUSED = "paused"
    FAILING = "failing"  # the last sync failed; the next one tries again


class CalendarKind(Vocabulary):
    CALDAV = "caldav"
    ICS = "ics"
    __labels__: ClassVar[Mapping[str, str]] = {"caldav": "CalDAV account", "ics": "Secret ICS address"}


class FolderRole(Vocabulary):
    """What a mail folder holds: the user's Sent mail teaches capture their own addresses."""

    INBOX = "inbox"
    SENT = "sent"
    ALL = "all"  # Gmail's All Mail: copies of the others, counted once by Message-ID
    OTHER = "other"


VOCABULARIES: dict[str, type[Vocabulary]] = {cls.__name__: cls for cls in Vocabulary.__subclasses__()}


def label(value: object, vocabulary: str | None = None) -> str:
    """A value as people read it: a member's label, a plain string looked up in the named vocabulary."""
    if isinstance(value, Vocabulary):
        return value.label
    if value is None:
        return ""
    text = str(value)
    words = VOCABULARIES.get(vocabulary or "")
    if words is not None and text in words.values():
        return words(text).label
    return text.replace("_", " ")
