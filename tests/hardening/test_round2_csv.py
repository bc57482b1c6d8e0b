"""Issue 15, item 8: imports that no longer lie, Excel's Unicode text read, and exports no spreadsheet runs."""

from __future__ import annotations

import codecs
import csv
import io
from io import BytesIO

import pytest

from outreach.contacts.models import Contact
from outreach.core.errors import InvalidInput
from outreach.extensions import db
from outreach.transfer import importer
from tests.conftest import csrf_from


def _names(user) -> list[str]:
    return sorted(db.session.scalars(db.select(Contact.name).where(Contact.owner_id == user.id)))


HEAD = b'name,email\nMaya Chen,maya@example.com\n"Jane Doe,jane@example.com\nBob Li,bob@example.com\n'
UNTERMINATED = HEAD + b"Al Roe,al@example.com\n"  # the quote on line 3 is never closed
MISPLACED = HEAD + b'"Al" Roe,al@example.com\n'  # ...or closed two lines later, where it makes no sense


@pytest.mark.parametrize("data", [UNTERMINATED, MISPLACED], ids=["never-closed", "closed-lines-later"])
def test_a_stray_quote_is_refused_naming_its_line_and_nothing_is_imported(make_user, data):
    user = make_user()
    with pytest.raises(InvalidInput) as raised:
        importer.import_contacts(db.session, user.id, data, "generic")
    message = raised.value.fields["file"]
    assert message.startswith("Line 3: a quoted value starts here") and "closing quote" in message
    db.session.rollback()
    assert _names(user) == []


def test_the_web_import_says_which_line_has_the_stray_quote(client, make_user, web_login):
    user = make_user("csv@example.com")
    web_login(user.email)
    response = client.post(
        "/data/import/contacts",
        data={"csrf_token": csrf_from(client, "/data/"), "preset": "generic", "file": (BytesIO(UNTERMINATED), "c.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "File refused. Line 3: a quoted value starts here" in page and "imported 1" not in page


ROWS = [["Name", "Email", "Notes"], ["José Ñandú", "jose@example.com", "Met at PodCon, 2024"], ["李雷", "li@example.com", ""]]


def _text(delimiter: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(ROWS)
    return buffer.getvalue()


UTF16_FILES = {
    "excel-unicode-text": codecs.BOM_UTF16_LE + _text("\t").encode("utf-16-le"),
    "utf-16-le-commas": codecs.BOM_UTF16_LE + _text(",").encode("utf-16-le"),
    "utf-16-be": codecs.BOM_UTF16_BE + _text("\t").encode("utf-16-be"),
    "utf-16-le-no-bom": _text("\t").encode("utf-16-le"),
    "semicolons-utf-8": _text(";").encode("utf-8"),
}


@pytest.mark.parametrize("data", UTF16_FILES.values(), ids=UTF16_FILES.keys())
def test_utf16_and_tab_separated_files_are_read(make_user, data):
    user = make_user()
    summary = importer.import_contacts(db.session, user.id, data, "generic", {"Name": "name", "Email": "email", "Notes": "notes"})
    db.session.commit()
    assert (summary.imported, summary.rejected) == (2, 0)
    assert _names(user) == ["José Ñandú", "李雷"]
    jose = db.session.scalars(db.select(Contact).where(Contact.email == "jose@example.com")).one()
    assert jose.notes == "Met at PodCon, 2024"


def test_a_binary_file_is_still_refused():
    with pytest.raises(InvalidInput) as raised:
        importer.import_contacts(db.session, 1, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01", "generic")
    assert "binary" in raised.value.fields["file"]


FORMULAS = ['=HYPERLINK("https://evil.example","Click")', "+1 call them", "-2 points", "@SUM(A1:A9)", "\tTabbed", "\rReturned"]


def test_the_contacts_export_neutralises_formulas_and_reads_back_the_same(client, make_user, make_contact, web_login):
    user = make_user("export@example.com")
    for i, text in enumerate(FORMULAS):
        make_contact(user, f"Contact {i}", notes=text)
    make_contact(user, '=HYPERLINK("https://evil.example","Jane")')
    make_contact(user, "Plain Name", notes="nothing to see")
    web_login(user.email)
    exported = client.get("/data/export/contacts.csv").get_data()
    rows = list(csv.DictReader(io.StringIO(exported.decode(), newline="")))
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), row
    by_name = {row["name"]: row for row in rows}
    assert '\'=HYPERLINK("https://evil.example","Jane")' in by_name
    assert by_name["Plain Name"]["notes"] == "nothing to see"

    other = make_user("reader@example.com")
    importer.import_contacts(db.session, other.id, exported, "generic")
    db.session.commit()
    read_back = {c.name: c.notes for c in db.session.scalars(db.select(Contact).where(Contact.owner_id == other.id))}
    assert '=HYPERLINK("https://evil.example","Jane")' in read_back
    assert sorted(note.strip() for note in read_back.values() if note.strip()) == sorted(
        [text.strip() for text in FORMULAS] + ["nothing to see"]
    )
