"""Importing contacts and touches: match duplicates by email or profile URL, write in batches, rescore once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from outreach.contacts.models import Contact, Touch
from outreach.contacts.rescore import rescore_owner
from outreach.contacts.schemas import ContactIn, TouchIn
from outreach.core.errors import InvalidInput, validated
from outreach.core.ownership import owned
from outreach.core.types import utcnow
from outreach.domain import warmth
from outreach.domain.vocabulary import TouchSource
from outreach.domain.words import plural
from outreach.transfer import csvfiles as importing

Progress = Callable[[int], None]
BATCH = 1000


@dataclass
class ImportSummary:
    read: int = 0
    imported: int = 0
    updated: int = 0
    rejected: int = 0
    errors: list[importing.RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    merges: bool = True  # contacts merge into existing ones; touches are only ever added

    def sentence(self, dry_run: bool = False) -> str:
        verb = "would import" if dry_run else "imported"
        updated = (
            f"{'would update' if dry_run else 'updated'} {self.updated} existing (matched by email or profile URL), "
            if self.merges
            else ""
        )
        return f"Read {plural(self.read, 'row')}: {verb} {self.imported}, {updated}rejected {self.rejected}."


class ContactIndex:
    """The owner's contacts by email and by normalized link, loaded once."""

    def __init__(self, session: Session, owner_id: int) -> None:
        self.by_email: dict[str, Contact] = {}
        self.by_link: dict[str, Contact] = {}
        for contact in session.scalars(owned(Contact, owner_id)):
            self.add(contact)

    def add(self, contact: Contact) -> None:
        for address in contact.emails:
            self.by_email.setdefault(address.lower(), contact)
        for link in contact.links:
            self.by_link.setdefault(importing.normalize_link(link), contact)

    def find(self, addresses: list[str], links: list[str]) -> Contact | None:
        """The contact with any of these addresses (case-insensitive), else with any of these links."""
        found = next((self.by_email[a.lower()] for a in addresses if a.lower() in self.by_email), None)
        if found is not None:
            return found
        return next((self.by_link[k] for k in map(importing.normalize_link, links) if k in self.by_link), None)


def _merge(contact: Contact, data: Mapping[str, Any]) -> None:
    """Fill in what the file knows without erasing what the user wrote: lists are merged, prose is added to,
    a word the user chose (their kind) stays, the name stays (the file only found them); other values are the file's."""
    for name, value in data.items():
        shape, current = importing.FIELDS[name], getattr(contact, name)
        # The name stays; so does the user's primary address: the file's addresses join the list (emails).
        if name in ("name", "email") or value in (None, "", []):
            continue
        if shape.many:
            setattr(contact, name, current + [v for v in value if v not in current])
        elif shape.multiline:
            if value not in current:
                setattr(contact, name, (current + "\n" + value).strip())
        elif shape.words:
            if current == ContactIn.model_fields[name].default:
                setattr(contact, name, value)
        else:
            setattr(contact, name, value)


def import_contacts(
    session: Session,
    owner_id: int,
    data: bytes,
    preset: str = "generic",
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Good rows go in, bad rows are listed; read = imported + updated + rejected. Flushes, never commits."""
    parsed = importing.read_csv(data, preset, mapping)
    summary = ImportSummary(notes=list(parsed.notes))
    index = ContactIndex(session, owner_id)
    now = utcnow()
    for count, (_line, row, error) in enumerate(importing.contact_rows(parsed, preset, mapping or {}), 1):
        summary.read += 1
        if row is None:
            summary.rejected += 1
            summary.errors.append(error)  # type: ignore[arg-type]
            continue
        values = row.model_dump()
        existing = index.find(values["emails"], values.get("links", []))
        if existing is not None:
            summary.updated += 1
            if not dry_run:
                _merge(existing, row.model_dump(exclude_unset=True))
                index.add(existing)  # its new addresses match later rows of the same file
        else:
            summary.imported += 1
            contact = Contact(owner_id=owner_id, created_at=now, updated_at=now, source="import", **values)
            index.add(contact)
            if not dry_run:
                session.add(contact)
        if count % BATCH == 0:
            if not dry_run:
                session.flush()
            if progress:
                progress(BATCH)
    if not dry_run:
        session.flush()
    if progress:
        progress(summary.read % BATCH)
    return summary


TOUCH_COLUMNS = {
    "contact": ("contact", "email", "url of contact", "profile"),
    "kind": ("kind", "type"),
    "direction": ("direction",),
    "date": ("date", "occurred_at", "when"),
    "url": ("url", "link"),
    "note": ("note", "notes"),
    "channel": ("channel",),
}


def import_touches(
    session: Session,
    owner_id: int,
    data: bytes,
    params: warmth.WarmthParams,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """A year of history at once: rows inserted in batches, then one streaming rescore of the owner."""
    parsed = _read_touch_csv(data)
    summary = ImportSummary(notes=list(parsed.notes), merges=False)
    index = ContactIndex(session, owner_id)
    batch: list[dict[str, Any]] = []
    now = utcnow()
    for line, record in parsed.rows:
        summary.read += 1
        reference = record.get("contact", "")
        contact = index.find([reference] if "@" in reference else [], [reference] if "@" not in reference else [])
        if contact is None:
            summary.rejected += 1
            summary.errors.append(importing.RowError(line, f"No contact has the email or link “{reference}”."))
            continue
        try:
            touch = validated(
                TouchIn,
                {
                    "kind": record.get("kind", "").strip().lower(),
                    "direction": (record.get("direction") or "outbound").strip().lower(),
                    "occurred_at": record.get("date") or None,
                    "url": record.get("url") or None,
                    "note": record.get("note", ""),
                    "channel": record.get("channel") or None,
                },
            )
        except InvalidInput as exc:
            summary.rejected += 1
            summary.errors.append(importing.RowError(line, str(exc)))
            continue
        if touch.occurred_at is None:
            summary.rejected += 1
            summary.errors.append(importing.RowError(line, "A past touch needs its date, like 2026-12-31."))
            continue
        summary.imported += 1
        batch.append(
            {
                "owner_id": owner_id,
                "contact_id": contact.id,
                "created_at": now,
                "source": TouchSource.IMPORT,
                **touch.model_dump(),
            }
        )
        if len(batch) >= BATCH:
            _flush_touches(session, batch, dry_run, progress)
    _flush_touches(session, batch, dry_run, progress)
    if not dry_run and summary.imported:
        rescore_owner(session, owner_id, params)
    return summary


def _flush_touches(session: Session, batch: list[dict[str, Any]], dry_run: bool, progress: Progress | None) -> None:
    if batch and not dry_run:
        session.execute(insert(Touch), batch)
    if progress:
        progress(len(batch))
    batch.clear()


def _read_touch_csv(data: bytes) -> importing.ParsedFile:
    parsed = importing.read_table(data, {c for names in TOUCH_COLUMNS.values() for c in names}, "a touch file")
    lower = {column.lower(): column for column in parsed.header}
    chosen = {target: next((lower[c] for c in names if c in lower), None) for target, names in TOUCH_COLUMNS.items()}
    missing = [target for target in ("contact", "kind", "date") if chosen[target] is None]
    if missing:
        raise InvalidInput({"file": f"The touch file needs the columns {', '.join(missing)}."})
    rows = [(line, {t: record.get(c, "") for t, c in chosen.items() if c}) for line, record in parsed.rows]
    return importing.ParsedFile(parsed.header, rows, parsed.encoding, parsed.notes)
