"""Reading the CSV files people actually have: LinkedIn connections, Google Contacts, or any sheet.

Pure: bytes in, rows out. Every bad row is reported with its line number and reason; nothing is
silently dropped. Matching against existing contacts and writing happen in services/importer.py.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from outreach.core.errors import InvalidInput, field_errors
from outreach.core.schemas import ContactIn

CONTACT_FIELDS = (
    "name",
    "first_name",
    "last_name",
    "email",
    "emails",
    "kind",
    "topics",
    "audience_size",
    "tags",
    "link",
    "links",
    "notes",
    "company",
    "position",
)
TOUCH_FIELDS = ("contact", "kind", "direction", "date", "url", "note", "channel")

# Each preset maps a file's column (first match wins) to our field.
PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    "linkedin": {
        "first_name": ("First Name",),
        "last_name": ("Last Name",),
        "link": ("URL",),
        "email": ("Email Address",),
        "company": ("Company",),
        "position": ("Position",),
    },
    "google": {
        "name": ("Name",),
        "first_name": ("First Name", "Given Name"),
        "last_name": ("Last Name", "Family Name"),
        "email": ("E-mail 1 - Value",),
        "emails": ("E-mail 2 - Value",),
        "more_emails": ("E-mail 3 - Value",),
        "link": ("Website 1 - Value",),
        "company": ("Organization Name", "Organization 1 - Name"),
        "position": ("Organization Title", "Organization 1 - Title"),
        "notes": ("Notes",),
        "tags": ("Labels", "Group Membership"),
    },
    "generic": {name: (name,) for name in CONTACT_FIELDS},
}
PRESET_TAGS = {"linkedin": ["linkedin"], "google": ["google contacts"], "generic": []}


@dataclass
class ParsedFile:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line number, column → value)
    encoding: str
    notes: list[str] = field(default_factory=list)


@dataclass
class RowError:
    line: int
    reason: str


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 with or without a BOM; Windows-1252 as a fallback, said out loud."""
    if b"\x00" in data:
        raise InvalidInput({"file": "this is not a CSV file (it contains binary data)"})
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "windows-1252"


def read_csv(data: bytes, preset: str = "generic", mapping: Mapping[str, str] | None = None) -> ParsedFile:
    """A contact file in one of the presets' formats, or with columns named by ``mapping``."""
    if preset not in PRESETS:
        raise InvalidInput({"preset": f"unknown preset {preset!r}: use one of {', '.join(PRESETS)}"})
    columns = {c for names in PRESETS[preset].values() for c in names} | set(mapping or {})
    return read_table(data, columns, f"the {preset} format")


def read_table(data: bytes, columns: set[str], described: str) -> ParsedFile:
    """Find the header (LinkedIn's export starts with a few "Notes:" lines) and read every row."""
    text, encoding = decode(data)
    expected = {column.lower() for column in columns}
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    notes: list[str] = [] if encoding == "utf-8" else ["The file is not UTF-8; it was read as Windows-1252."]
    try:
        for record in reader:
            if header is None:
                cells = [cell.strip() for cell in record]
                if sum(cell.lower() in expected for cell in cells) >= 1 and len(cells) >= 2:
                    header = cells
                elif reader.line_num > 20:
                    break
                continue
            if not any(cell.strip() for cell in record):
                continue
            rows.append((reader.line_num, {header[i]: record[i].strip() for i in range(min(len(header), len(record)))}))
    except csv.Error as exc:
        raise InvalidInput({"file": f"line {reader.line_num}: {exc}"}) from None
    if header is None:
        wanted = ", ".join(sorted(columns)[:8])
        raise InvalidInput({"file": f"no header row found for {described} (expected columns like {wanted})"})
    return ParsedFile(header, rows, encoding, notes)


def column_for(header: list[str], preset: str, mapping: Mapping[str, str]) -> dict[str, str]:
    """Our field → the file's column, from the preset, overridden by explicit COL=field mappings."""
    lower = {column.lower(): column for column in header}
    chosen: dict[str, str] = {}
    for target, candidates in PRESETS[preset].items():
        found = next((lower[c.lower()] for c in candidates if c.lower() in lower), None)
        if found:
            chosen[target] = found
    for column, target in mapping.items():
        if column not in header:
            raise InvalidInput({"map": f"the file has no column {column!r}"})
        if target not in CONTACT_FIELDS:
            raise InvalidInput({"map": f"unknown field {target!r}: use one of {', '.join(CONTACT_FIELDS)}"})
        chosen[target] = column
    return chosen


def _labels(value: str) -> list[str]:
    # Google joins labels with " ::: "; people type commas or semicolons.
    for separator in (":::", ";"):
        value = value.replace(separator, ",")
    return [part.strip() for part in value.split(",") if part.strip() and part.strip() != "* myContacts"]


def contact_payload(values: Mapping[str, str], preset: str) -> dict[str, Any]:
    """One row's values (already keyed by our field names) as ContactIn input."""
    name = values.get("name") or " ".join(v for v in (values.get("first_name"), values.get("last_name")) if v)
    company = values.get("company", "")
    if not name.strip() and company:
        name, company = company, ""  # an organisation's own row (Google Contacts has them): its name is the organisation
    links = [values["link"]] if values.get("link") else []
    links += [link for link in _labels(values.get("links", "")) if link not in links]
    about = ", ".join(v for v in (values.get("position"), company) if v)
    notes = "\n".join(v for v in (about, values.get("notes", "")) if v)
    # Google puts several addresses in one cell, "a@x.example ::: b@y.example"; the first is primary.
    emails = _labels(",".join(values.get(key, "") for key in ("email", "emails", "more_emails")))
    payload: dict[str, Any] = {
        "name": name,
        "email": emails[0] if emails else None,
        "emails": emails,
        "topics": _labels(values.get("topics", "")),
        "tags": PRESET_TAGS[preset] + _labels(values.get("tags", "")),
        "links": links,
        "notes": notes,
    }
    if values.get("kind"):
        payload["kind"] = values["kind"].strip().lower().replace(" ", "_")
    if values.get("audience_size"):
        payload["audience_size"] = values["audience_size"].replace(",", "").replace(" ", "")
    return payload


def contact_rows(
    parsed: ParsedFile, preset: str, mapping: Mapping[str, str]
) -> Iterator[tuple[int, ContactIn | None, RowError | None]]:
    """Each row validated with the API's own rules; a bad row yields its line number and why."""
    columns = column_for(parsed.header, preset, mapping)
    for line, record in parsed.rows:
        values = {target: record.get(column, "") for target, column in columns.items()}
        try:
            yield line, ContactIn.model_validate(contact_payload(values, preset)), None
        except ValidationError as exc:
            reason = "; ".join(f"{k}: {v}" for k, v in field_errors(exc).items())
            yield line, None, RowError(line, reason)


def normalize_link(url: str) -> str:
    """Compare profile URLs by host and path only: scheme, www and a trailing slash do not matter."""
    url = url.strip().lower()
    for prefix in ("https://", "http://"):
        url = url.removeprefix(prefix)
    return url.removeprefix("www.").rstrip("/")
