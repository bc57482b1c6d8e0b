"""A user's whole account as JSON, and back: nothing lost on the way.

What a round trip does not keep: database ids (records refer to each other by ``ref``, their id at
export time), the reminders' UIDs and the calendar and API tokens (secrets are never exported; a
restored account publishes a new feed and makes new tokens). Everything else, timestamps
included, comes back as it was.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from typing import Any, TextIO

from sqlalchemy import Enum, inspect
from sqlalchemy.orm import Session

from outreach.accounts.models import User
from outreach.asks.models import Ask, AskChange
from outreach.campaigns.models import Campaign
from outreach.contacts.models import BusyPeriod, Contact, Touch
from outreach.contacts.rescore import rescore_owner
from outreach.core.errors import InvalidInput
from outreach.core.ownership import owned
from outreach.core.text_values import to_text
from outreach.domain import warmth
from outreach.domain.settings import settings_of
from outreach.feeds.models import Feed, Opening, Post
from outreach.reminders.models import Reminder, natural_key, new_uid
from outreach.transfer.csvfiles import FIELDS, spreadsheet_safe

SCHEMA_VERSION = 1
# Section name → (model, the foreign keys that point at other sections).
SECTIONS: dict[str, tuple[type[Any], dict[str, str]]] = {
    "contacts": (Contact, {}),
    "campaigns": (Campaign, {}),
    "touches": (Touch, {"contact_id": "contacts"}),
    "busy_periods": (BusyPeriod, {"contact_id": "contacts"}),
    "asks": (Ask, {"contact_id": "contacts", "campaign_id": "campaigns", "parent_id": "asks"}),
    "ask_changes": (AskChange, {"ask_id": "asks"}),
    "reminders": (Reminder, {"contact_id": "contacts", "campaign_id": "campaigns"}),
    "feeds": (Feed, {"contact_id": "contacts"}),
    "posts": (Post, {"feed_id": "feeds", "contact_id": "contacts"}),
    "openings": (Opening, {"contact_id": "contacts", "post_id": "posts"}),
}
REFERENCED = {target for _, links in SECTIONS.values() for target in links.values()}
SKIPPED = {"id", "owner_id", "natural_key", "touch_id"}  # an opening keeps its state, not its touch's id
SKIPPED_OF: dict[type, set[str]] = {Reminder: {"uid"}}  # a post's uid (its GUID's hash) is kept
DERIVED = {"warmth_key", "first_touch_at", "last_touch_at", "last_inbound_at"}  # rebuilt from touches


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _columns(model: type[Any]) -> list[Any]:
    return [c for c in inspect(model).columns if c.key not in SKIPPED and c.key not in SKIPPED_OF.get(model, set())]


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
    for section, (model, _) in SECTIONS.items():
        rows = session.scalars(owned(model, user.id, include_deleted=True).order_by(model.id))
        document[section] = [
            {"ref": row.id, **{c.key: _plain(getattr(row, c.key)) for c in _columns(model) if c.key not in DERIVED}}
            for row in rows
        ]
    return document


def _value(column: Any, raw: Any) -> Any:
    if raw is None:
        return None
    if isinstance(column.type, Enum) and raw not in column.type.enums:
        # The database's CHECK would refuse it mid-restore: say which word is wrong instead.
        raise InvalidInput({column.key: f"{raw!r} is not one of {', '.join(column.type.enums)}"})
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return raw
    try:
        if python_type is datetime:
            return datetime.fromisoformat(raw)
        if python_type is date:
            return date.fromisoformat(raw)
    except (TypeError, ValueError):
        raise InvalidInput({column.key: f"not a valid date: {raw!r}"}) from None
    return raw


def import_account(session: Session, user: User, document: dict[str, Any]) -> dict[str, int]:
    """Restore an export into an empty account; refs are mapped to the new ids."""
    if not isinstance(document, dict) or document.get("schema_version") != SCHEMA_VERSION:
        raise InvalidInput({"schema_version": f"expected an Outreach export with schema_version {SCHEMA_VERSION}"})
    if session.scalar(owned(Contact, user.id, include_deleted=True).limit(1)) is not None:
        raise InvalidInput({"account": "restore into an empty account: this one already has contacts"})
    profile = document.get("user", {})
    user.audience_size = profile.get("audience_size")
    user.timezone = profile.get("timezone") or "UTC"
    user.settings = settings_of(profile.get("settings")).model_dump()
    new_ids: dict[str, dict[int, int]] = {section: {} for section in SECTIONS}
    counts: dict[str, int] = {}
    for section, (model, links) in SECTIONS.items():
        columns = {c.key: c for c in _columns(model)}
        rows = sorted(document.get(section, []), key=lambda r: r["ref"])
        for row in rows:
            values = {k: _value(columns[k], v) for k, v in row.items() if k in columns and k not in DERIVED}
            for key, target in links.items():
                if values.get(key) is not None:
                    if values[key] not in new_ids[target]:
                        raise InvalidInput({section: f"{key} {values[key]} refers to nothing in {target}"})
                    values[key] = new_ids[target][values[key]]
            record = model(owner_id=user.id, **values)
            if model is Reminder:
                record.uid = new_uid()
                record.natural_key = natural_key(user.id, record.kind, record.contact_id, record.campaign_id, record.due_on)
            session.add(record)
            if section in REFERENCED:
                session.flush()  # later sections need this record's new id
                new_ids[section][row["ref"]] = record.id
        session.flush()
        counts[section] = len(rows)
    rescore_owner(session, user.id, settings_of(user.settings).warmth_params())
    return counts


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
