"""A user's whole account as JSON (and its contacts as CSV): everything they own, nothing secret.

What an export leaves out: database ids (records point at each other by ``ref``, their id at export
time, and a restore gives them new ids), what the app recomputes (warmth keys, first and last
touch, a touch's occurred_at as seconds), the reminders' calendar UIDs (a restored account publishes
new ones), a feed reader's lease, and every secret: password hash, API tokens, logins, the calendar
feed's token, and the mailbox and calendar connections (they hold credentials; what capture read from
them is kept, so a reconnected mailbox makes no touch twice). Everything else, timestamps included,
comes back as it was (``outreach.transfer.restore``).
"""

from __future__ import annotations

import csv
import json
import math
from datetime import date, datetime
from enum import Enum
from typing import Any, NamedTuple, TextIO

from sqlalchemy.orm import Session

from outreach.accounts.models import User
from outreach.asks.models import Ask, AskChange
from outreach.campaigns.models import Campaign
from outreach.capture.models import CapturedEvent, CapturedMessage, CaptureLink
from outreach.contacts.models import BusyPeriod, Contact, Touch
from outreach.core.errors import InvalidInput
from outreach.core.ownership import owned
from outreach.core.schemas import Strict
from outreach.core.text_values import to_text
from outreach.domain import warmth
from outreach.domain.settings import settings_of
from outreach.episodes.models import Episode, Offer
from outreach.feeds.models import Feed, Opening, Post
from outreach.learning.models import Message, Win
from outreach.reminders.models import Reminder
from outreach.transfer import schemas as rows
from outreach.transfer.csvfiles import FIELDS, spreadsheet_safe

# 2: messages, wins, episodes and offers, and every reference between records as a ref.
SCHEMA_VERSION = 2


class Section(NamedTuple):
    model: type[Any]
    row: type[Strict]  # what one record looks like in the file: its fields are what is exported
    links: dict[str, str]  # field → the section whose refs it holds


# In the order a restore writes them: a section only points at the ones before it (and asks at asks).
SECTIONS: dict[str, Section] = {
    "contacts": Section(Contact, rows.ContactRow, {}),
    "campaigns": Section(Campaign, rows.CampaignRow, {}),
    "messages": Section(Message, rows.MessageRow, {}),
    "touches": Section(Touch, rows.TouchRow, {"contact_id": "contacts"}),
    "busy_periods": Section(BusyPeriod, rows.BusyPeriodRow, {"contact_id": "contacts"}),
    "asks": Section(
        Ask,
        rows.AskRow,
        {"contact_id": "contacts", "campaign_id": "campaigns", "message_id": "messages", "parent_id": "asks"},
    ),
    "ask_changes": Section(AskChange, rows.AskChangeRow, {"ask_id": "asks"}),
    "episodes": Section(Episode, rows.EpisodeRow, {"campaign_id": "campaigns", "contact_id": "contacts"}),
    "offers": Section(Offer, rows.OfferRow, {"contact_id": "contacts"}),
    "wins": Section(Win, rows.WinRow, {"contact_id": "contacts", "ask_id": "asks"}),
    "reminders": Section(Reminder, rows.ReminderRow, {"contact_id": "contacts", "campaign_id": "campaigns"}),
    "feeds": Section(Feed, rows.FeedRow, {"contact_id": "contacts"}),
    "posts": Section(Post, rows.PostRow, {"feed_id": "feeds", "contact_id": "contacts"}),
    "openings": Section(Opening, rows.OpeningRow, {"contact_id": "contacts", "post_id": "posts", "touch_id": "touches"}),
    "captured_messages": Section(CapturedMessage, rows.CapturedMessageRow, {}),
    "captured_events": Section(CapturedEvent, rows.CapturedEventRow, {}),
    "capture_links": Section(
        CaptureLink,
        rows.CaptureLinkRow,
        {"contact_id": "contacts", "message_id": "captured_messages", "event_id": "captured_events", "touch_id": "touches"},
    ),
}
# Sections a version 2 file written before mail capture lacks: restored as empty.
LATER_SECTIONS = ("captured_messages", "captured_events", "capture_links")
# Version 1 files had these sections only (feeds, posts and openings came later, optionally).
FIRST_SECTIONS = ("contacts", "campaigns", "touches", "busy_periods", "asks", "ask_changes", "reminders")


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def export_account(session: Session, user: User) -> dict[str, Any]:
    """Every record the user owns, with ``ref`` standing in for ids."""
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "user": {
            "email": user.email,
            "audience_size": user.audience_size,
            "timezone": user.timezone,
            "settings": settings_of(user.settings).model_dump(),
        },
    }
    for name, section in SECTIONS.items():
        fields = [field for field in section.row.model_fields if field != "ref"]
        records = session.scalars(owned(section.model, user.id, include_deleted=True).order_by(section.model.id))
        document[name] = [{"ref": record.id, **{f: _plain(getattr(record, f)) for f in fields}} for record in records]
    return document


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"the number {text} is too large")
    return number


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def read_document(data: bytes) -> Any:
    """The parsed file, or InvalidInput saying in a sentence why it is no JSON at all."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput({"file": "the file is not UTF-8 text: choose the .json file `outreach export json` wrote"}) from None
    try:
        document = json.loads(text, parse_float=_finite, parse_constant=_no_constant)
        # "\ud800" alone decodes to a string no database can store: find it now, not on insert.
        json.dumps(document, ensure_ascii=False).encode("utf-8")
        return document
    except UnicodeEncodeError:
        raise InvalidInput({"file": "the file holds text that is not valid Unicode (a lone \\ud800-style escape)"}) from None
    except json.JSONDecodeError as exc:
        raise InvalidInput({"file": f"the file is not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"}) from None
    except RecursionError:
        raise InvalidInput({"file": "the file is not an Outreach export: its JSON is nested too deeply"}) from None
    except ValueError as exc:  # a NaN, an infinite number, an integer of thousands of digits
        raise InvalidInput({"file": f"the file is not JSON Outreach can read: {exc}"}) from None


def write_contacts_csv(session: Session, owner_id: int, params: warmth.WarmthParams, now: datetime, handle: TextIO) -> int:
    """Every field of every contact, in the columns the generic import preset reads back, then warmth now and the last touch."""
    writer = csv.writer(handle)
    writer.writerow([*FIELDS, "warmth", "last_touch"])
    count = 0
    for contact in session.scalars(owned(Contact, owner_id).order_by(Contact.name, Contact.id)):
        writer.writerow(
            spreadsheet_safe(str(cell))
            for cell in [
                *(to_text(shape, getattr(contact, name)) for name, shape in FIELDS.items()),
                f"{warmth.warmth(contact.warmth_key, now, params):.0f}",
                contact.last_touch_at.date().isoformat() if contact.last_touch_at else "",
            ]
        )
        count += 1
    return count
