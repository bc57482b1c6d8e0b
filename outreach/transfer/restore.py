"""Restoring a JSON export into an empty account, whole or not at all.

Every record passes its feature's own rules (``transfer.schemas``), every ref must name a record of
the same file, and the rules between records that the services keep (a reply to a bulk send, an
episode in a podcast season, one reminder per kind, contact, campaign and day) hold too, all before
anything is written. The first bad value is refused by its path ("contacts[3].links[0]: …").
Then each section is inserted in one statement with its new ids, in the caller's transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn

from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from outreach.accounts.models import User
from outreach.contacts.rescore import rescore_owner
from outreach.core.errors import InvalidInput, validated
from outreach.core.ownership import owned
from outreach.core.schemas import Strict
from outreach.domain import rules
from outreach.domain.vocabulary import CampaignKind
from outreach.reminders.models import Reminder, natural_key, new_uid
from outreach.transfer import schemas as rows
from outreach.transfer.archive import FIRST_SECTIONS, LATER_SECTIONS, SCHEMA_VERSION, SECTIONS, Section


def _refuse(path: str, message: str) -> NoReturn:
    raise InvalidInput({"file": f"{path}: {message}"})


def _kind_of(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true or false", type(None): "null"}
    return names.get(type(value), "a number")


def _path(parent: str, field_name: str) -> str:
    """``links.0`` under ``contacts[3]`` → ``contacts[3].links[0]``."""
    parts = field_name.split(".")
    return parent + "".join(f"[{part}]" if part.isdigit() else f".{part}" for part in parts)


def _row(schema: type[Strict], raw: Any, path: str) -> Any:
    if not isinstance(raw, dict):
        _refuse(path, f"expected a record (a JSON object), found {_kind_of(raw)}")
    try:
        return validated(schema, raw)
    except InvalidInput as exc:
        name, message = next(iter(exc.fields.items()))
        _refuse(path if name == "input" else _path(path, name), message)


@dataclass
class Checked:
    """The file's records, validated, by section in file order and by ref."""

    rows: dict[str, list[Any]] = field(default_factory=dict)
    by_ref: dict[str, dict[int, Any]] = field(default_factory=dict)
    seen: Counter[Any] = field(default_factory=Counter)  # what must be unique, and how often it came
    wanted: dict[str, set[int]] = field(default_factory=dict)  # the refs some record points at

    def once(self, key: tuple[Any, ...], path: str, what: str) -> None:
        self.seen[key] += 1
        if self.seen[key] > 1:
            _refuse(path, f"a second {what}: the file holds it twice")


def _reply(row: rows.AskRow, path: str, checked: Checked) -> None:
    if row.parent_id is None:
        return
    if row.parent_id not in checked.by_ref["asks"]:
        _refuse(f"{path}.parent_id", f"no record in asks has ref {row.parent_id}")
    parent = checked.by_ref["asks"][row.parent_id]
    checked.seen[("reply", row.parent_id)] += 1
    try:
        rules.bulk_reply(parent.recipients, parent.parent_id is not None, checked.seen[("reply", row.parent_id)] - 1)
    except InvalidInput as exc:
        _refuse(f"{path}.parent_id", exc.fields["parent_id"])


def _episode(row: rows.EpisodeRow, path: str, checked: Checked) -> None:
    if checked.by_ref["campaigns"][row.campaign_id].kind != CampaignKind.PODCAST_SEASON:
        _refuse(f"{path}.campaign_id", "episodes belong to a podcast season")


def _reminder(row: rows.ReminderRow, path: str, checked: Checked) -> None:
    key = ("reminder", row.kind, row.contact_id, row.campaign_id, row.due_on)
    checked.once(key, path, "reminder of the same kind, contact, campaign and day")


def _feed(row: rows.FeedRow, path: str, checked: Checked) -> None:
    checked.once(("feed", row.contact_id, row.feed_url), f"{path}.feed_url", "feed of the same contact at this address")


def _post(row: rows.PostRow, path: str, checked: Checked) -> None:
    if checked.by_ref["feeds"][row.feed_id].contact_id != row.contact_id:
        _refuse(f"{path}.contact_id", "a post belongs to its feed's contact")
    checked.once(("post", row.feed_id, row.uid), f"{path}.uid", "post of this feed with this uid")


def _opening(row: rows.OpeningRow, path: str, checked: Checked) -> None:
    if checked.by_ref["posts"][row.post_id].contact_id != row.contact_id:
        _refuse(f"{path}.contact_id", "an opening belongs to its post's contact")
    if row.touch_id is not None and checked.by_ref["touches"][row.touch_id].contact_id != row.contact_id:
        _refuse(f"{path}.touch_id", "the touch logged for an opening is with its contact")
    checked.once(("opening", row.post_id), f"{path}.post_id", "opening for this post")


def _captured_message(row: rows.CapturedMessageRow, path: str, checked: Checked) -> None:
    checked.once(("message", row.message_key), f"{path}.message_key", "captured message with this Message-ID")


def _captured_event(row: rows.CapturedEventRow, path: str, checked: Checked) -> None:
    checked.once(("event", row.uid, row.recurrence_id), f"{path}.uid", "captured meeting with this uid and recurrence")


def _capture_link(row: rows.CaptureLinkRow, path: str, checked: Checked) -> None:
    if row.touch_id is not None and checked.by_ref["touches"][row.touch_id].contact_id != row.contact_id:
        _refuse(f"{path}.touch_id", "the touch a capture made is with its contact")
    source = ("message_id", row.message_id) if row.message_id is not None else ("event_id", row.event_id)
    checked.once(("link", row.contact_id, *source), f"{path}.{source[0]}", "link of this contact to the same capture")


# The rules between records, each kept by a service when records come one at a time.
BETWEEN: dict[str, Callable[[Any, str, Checked], None]] = {
    "asks": _reply,
    "episodes": _episode,
    "reminders": _reminder,
    "feeds": _feed,
    "posts": _post,
    "openings": _opening,
    "captured_messages": _captured_message,
    "captured_events": _captured_event,
    "capture_links": _capture_link,
}


def _version(document: Any) -> int:
    if not isinstance(document, dict):
        found = _kind_of(document)
        raise InvalidInput({"file": f"the file holds {found}, not an Outreach export (an object with schema_version)"})
    version = document.get("schema_version")
    if version not in (1, SCHEMA_VERSION) or isinstance(version, bool):
        raise InvalidInput({"file": f"schema_version: expected {SCHEMA_VERSION} (an export of this Outreach), found {version!r}"})
    return int(version)


def _sections(document: dict[str, Any], version: int) -> dict[str, list[Any]]:
    """Each section's list of raw records, or a sentence saying why this is no whole Outreach export."""
    unknown = sorted(set(document) - {"schema_version", "user", *SECTIONS})
    if unknown:
        raise InvalidInput({"file": f"{unknown[0]}: an Outreach export has no such section"})
    every = [name for name in SECTIONS if name not in LATER_SECTIONS]
    required = ("user", *every) if version == SCHEMA_VERSION else ("user", *FIRST_SECTIONS)
    missing = [name for name in required if name not in document]
    if missing:
        raise InvalidInput({"file": f"{missing[0]}: the file has no such section; an export has every one, even if empty"})
    sections: dict[str, list[Any]] = {}
    for name in SECTIONS:
        records = document.get(name, [])
        if not isinstance(records, list):
            raise InvalidInput({"file": f"{name}: expected a list of records, found {_kind_of(records)}"})
        sections[name] = records
    if version == 1:  # version 1 never carried the messages its asks named
        sections["asks"] = [{**r, "message_id": None} if isinstance(r, dict) else r for r in sections["asks"]]
    return sections


def _check(sections: dict[str, list[Any]]) -> Checked:
    checked = Checked(wanted={name: set() for name in SECTIONS})
    for name, section in SECTIONS.items():
        positions: dict[int, int] = {}
        checked.rows[name], checked.by_ref[name] = [], {}
        for index, raw in enumerate(sections[name]):
            path = f"{name}[{index}]"
            row = _row(section.row, raw, path)
            if row.ref in positions:
                _refuse(f"{path}.ref", f"{name}[{positions[row.ref]}] has ref {row.ref} too: each record's ref is its own")
            positions[row.ref] = index
            for link, target in section.links.items():
                value = getattr(row, link)
                if target != name and value is not None and value not in checked.by_ref[target]:
                    _refuse(f"{path}.{link}", f"no record in {target} has ref {value}")
                if value is not None:
                    checked.wanted[target].add(value)
            checked.rows[name].append(row)
            checked.by_ref[name][row.ref] = row
        if name in BETWEEN:  # after the whole section: an ask's reply may come before the send it answers
            for index, row in enumerate(checked.rows[name]):
                BETWEEN[name](row, f"{name}[{index}]", checked)
    return checked


def _values(section: Section, row: Any, new_ids: dict[str, dict[int, int]], owner_id: int) -> dict[str, Any]:
    values: dict[str, Any] = row.model_dump(exclude={"ref"})
    for link, target in section.links.items():
        if values[link] is not None:
            values[link] = new_ids[target][values[link]]
    values["owner_id"] = owner_id
    if section.model is Reminder:
        values["uid"] = new_uid()
        values["natural_key"] = natural_key(owner_id, row.kind, values["contact_id"], values["campaign_id"], row.due_on)
    return values


def _runs(rows: list[Any], own: list[str], wanted: set[int]) -> Iterator[tuple[bool, list[Any]]]:
    """The records in file order (so new ids keep the old order), cut into runs that one statement
    can insert: all pointed at or none, and none pointing at a record of its own run (a reply at its send)."""
    position = {row.ref: index for index, row in enumerate(rows)}
    # A reply written before its send (no export does that) moves after it.
    ahead = [row for index, row in enumerate(rows) if any(position.get(getattr(row, link), -1) > index for link in own)]
    moved = {id(row) for row in ahead}
    run: list[Any] = []
    refs: set[int] = set()
    for row in [row for row in rows if id(row) not in moved] + ahead:
        pointed_at = row.ref in wanted
        if run and (pointed_at != (run[0].ref in wanted) or any(getattr(row, link) in refs for link in own)):
            yield run[0].ref in wanted, run
            run, refs = [], set()
        run.append(row)
        refs.add(row.ref)
    if run:
        yield run[0].ref in wanted, run


def _write(session: Session, owner_id: int, checked: Checked) -> None:
    new_ids: dict[str, dict[int, int]] = {}
    for name, section in SECTIONS.items():
        new_ids[name] = {}
        own = [link for link, target in section.links.items() if target == name]
        for pointed_at, run in _runs(checked.rows[name], own, checked.wanted[name]):
            values = [_values(section, row, new_ids, owner_id) for row in run]
            if pointed_at:
                statement = insert(section.model).returning(section.model.id, sort_by_parameter_order=True)
                ids = session.scalars(statement, values).all()
                new_ids[name].update(zip((row.ref for row in run), ids, strict=True))
            else:
                # Nothing needs these ids back: one executemany (ids returned in order cost SQLite a statement per row).
                session.execute(insert(section.model), values)


def import_account(session: Session, user: User, document: Any) -> dict[str, int]:
    """Restore an export into an empty account; flushes, never commits: refused, nothing is kept."""
    version = _version(document)
    for name, section in SECTIONS.items():
        if session.scalar(owned(section.model, user.id, include_deleted=True).limit(1)) is not None:
            raise InvalidInput({"account": f"restore into an empty account: this one already has {name.replace('_', ' ')}"})
    sections = _sections(document, version)
    profile = _row(rows.UserRow, document["user"], "user")
    checked = _check(sections)
    try:
        _write(session, user.id, checked)
    except DBAPIError as exc:  # a rule the checks above missed: still one sentence, never a traceback
        raise InvalidInput({"file": f"the database refused a record: {str(exc.orig).splitlines()[0]}"}) from None
    user.audience_size = profile.audience_size
    user.timezone = profile.timezone
    user.settings = profile.settings.model_dump()
    rescore_owner(session, user.id, profile.settings.warmth_params())
    return {name: len(checked.rows[name]) for name in SECTIONS}
