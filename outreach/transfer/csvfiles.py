"""Reading the CSV files people actually have: LinkedIn connections, Google Contacts, or any sheet.

Pure: bytes in, rows out. Every bad row is reported with its line number and reason; nothing is
silently dropped. Matching against existing contacts and writing happen in services/importer.py.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from outreach.contacts.schemas import ContactIn
from outreach.core.errors import InvalidInput, validated
from outreach.core.text_values import from_text, shape_of
from outreach.domain.vocabulary import ImportPreset

FIELDS = {name: shape_of(info) for name, info in ContactIn.model_fields.items()}
# The columns a contact file may have: every field of a contact, and the parts other exports split some into.
CONTACT_COLUMNS = (*FIELDS, "first_name", "last_name", "link", "company", "position")

# Each preset maps a file's column (first match wins) to our field.
PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    ImportPreset.LINKEDIN: {
        "first_name": ("First Name",),
        "last_name": ("Last Name",),
        "link": ("URL",),
        "email": ("Email Address",),
        "company": ("Company",),
        "position": ("Position",),
    },
    ImportPreset.GOOGLE: {
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
    ImportPreset.GENERIC: {name: (name,) for name in CONTACT_COLUMNS},
}
PRESET_TAGS: dict[str, list[str]] = {
    ImportPreset.LINKEDIN: ["linkedin"],
    ImportPreset.GOOGLE: ["google contacts"],
    ImportPreset.GENERIC: [],
}


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
    """UTF-8 with or without a BOM; UTF-16 (Excel's "Unicode text"); Windows-1252 as a fallback, said out loud."""
    utf16 = _utf16(data)
    if utf16 is not None:
        try:
            return data.decode(utf16), "utf-16"
        except UnicodeDecodeError:
            raise InvalidInput({"file": "the file looks like UTF-16 text but cannot be read as such"}) from None
    if b"\x00" in data:
        raise InvalidInput({"file": "this is not a CSV file (it contains binary data)"})
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "windows-1252"


def _utf16(data: bytes) -> str | None:
    """The codec for UTF-16 text: by its BOM, or (no BOM) by the zero byte beside every ASCII character."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not data.startswith(codecs.BOM_UTF32_LE):
        return "utf-16"  # reads the BOM, then drops it
    sample = data[:400]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def read_csv(data: bytes, preset: str = "generic", mapping: Mapping[str, str] | None = None) -> ParsedFile:
    """A contact file in one of the presets' formats, or with columns named by ``mapping``."""
    if preset not in PRESETS:
        raise InvalidInput({"preset": f"unknown preset {preset!r}: use one of {', '.join(PRESETS)}"})
    columns = {c for names in PRESETS[preset].values() for c in names} | set(mapping or {})
    return read_table(data, columns, f"the {preset} format")


def read_table(data: bytes, columns: set[str], described: str) -> ParsedFile:
    """Find the header (LinkedIn's export starts with a few "Notes:" lines) and read every row.

    Strict quoting: a quote that is never closed would otherwise swallow the rest of the file into one
    value and report one row imported; the line where that value began is named instead."""
    text, encoding = decode(data)
    expected = {column.lower() for column in columns}
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text, expected), strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    notes: list[str] = [] if encoding in ("utf-8", "utf-16") else ["The file is not UTF-8; it was read as Windows-1252."]
    ended = 0  # the line the last whole record ended on: the next one begins after it
    try:
        for record in reader:
            begun, ended = ended + 1, reader.line_num
            if header is None:
                cells = [cell.strip() for cell in record]
                if sum(cell.lower() in expected for cell in cells) >= 1 and len(cells) >= 2:
                    header = cells
                elif reader.line_num > 20:
                    break
                continue
            if not any(cell.strip() for cell in record):
                continue
            rows.append((begun, {header[i]: record[i].strip() for i in range(min(len(header), len(record)))}))
    except csv.Error as exc:
        raise InvalidInput(
            {
                "file": f"line {ended + 1}: a quoted value starts here and its closing quote is missing or misplaced "
                f"({exc}); fix the quotes on that line and import again"
            }
        ) from None
    if header is None:
        wanted = ", ".join(sorted(columns)[:8])
        raise InvalidInput({"file": f"no header row found for {described} (expected columns like {wanted})"})
    return ParsedFile(header, rows, encoding, notes)


DELIMITERS = (",", "\t", ";")  # CSV; Excel's "Unicode text" (tabs); Excel in locales with a decimal comma


def _delimiter(text: str, expected: set[str]) -> str:
    """The separator that splits one of the first lines into the most known column names (a comma on a tie)."""
    lines = text.splitlines()[:20]

    def known(delimiter: str) -> int:
        return max((sum(c.strip().strip('"').lower() in expected for c in line.split(delimiter)) for line in lines), default=0)

    return max(DELIMITERS, key=known)


# A cell a spreadsheet would run as a formula (OWASP's CSV injection list): exported with a quote first.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """``=HYPERLINK(…)`` as a name is shown as text, not run, when the export is opened in a spreadsheet."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def from_spreadsheet_safe(value: str) -> str:
    """Our own export read back: the quote ``spreadsheet_safe`` added comes off again."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


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
        if target not in CONTACT_COLUMNS:
            raise InvalidInput({"map": f"unknown field {target!r}: use one of {', '.join(CONTACT_COLUMNS)}"})
        chosen[target] = column
    return chosen


def contact_payload(values: Mapping[str, str], preset: str) -> dict[str, Any]:
    """One row's cells (keyed by our column names) as ContactIn input: only what the row says, so defaults apply."""
    payload = {name: from_text(shape, values[name]) for name, shape in FIELDS.items() if values.get(name, "").strip()}
    payload["name"] = values.get("name") or " ".join(v for v in (values.get("first_name"), values.get("last_name")) if v)
    company = values.get("company", "")
    if not payload["name"].strip() and company:
        payload["name"], company = company, ""  # an organisation's own row (Google Contacts has them)
    # Google puts several addresses in one cell, "a@x.example ::: b@y.example", and more in further columns.
    cells = ",".join(values.get(column, "") for column in ("email", "emails", "more_emails"))
    payload.pop("email", None)
    if found := from_text(FIELDS["emails"], cells):
        payload["emails"] = found  # the first is the primary address
    first = [link] if (link := values.get("link", "").strip()) else []
    payload["links"] = first + [other for other in payload.get("links", []) if other not in first]
    about = ", ".join(v for v in (values.get("position"), company) if v)
    payload["notes"] = "\n".join(v for v in (about, values.get("notes", "")) if v)
    # Google exports every contact's "* myContacts" group: not a tag anyone chose.
    payload["tags"] = PRESET_TAGS[preset] + [tag for tag in payload.get("tags", []) if tag != "* myContacts"]
    return payload


def contact_rows(
    parsed: ParsedFile, preset: str, mapping: Mapping[str, str]
) -> Iterator[tuple[int, ContactIn | None, RowError | None]]:
    """Each row validated with the API's own rules; a bad row yields its line number and why."""
    columns = column_for(parsed.header, preset, mapping)
    for line, record in parsed.rows:
        values = {target: from_spreadsheet_safe(record.get(column, "")) for target, column in columns.items()}
        try:
            yield line, validated(ContactIn, contact_payload(values, preset)), None
        except InvalidInput as exc:
            yield line, None, RowError(line, str(exc))


def normalize_link(url: str) -> str:
    """Compare profile URLs by host and path only: scheme, www and a trailing slash do not matter."""
    url = url.strip().lower()
    for prefix in ("https://", "http://"):
        url = url.removeprefix(prefix)
    return url.removeprefix("www.").rstrip("/")
