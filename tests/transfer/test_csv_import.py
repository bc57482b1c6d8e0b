"""Contact and touch imports from the files people have: every row accounted for, duplicates merged."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from outreach.accounts import service as user_service
from outreach.contacts.models import Contact
from outreach.core.errors import InvalidInput
from outreach.extensions import db
from outreach.transfer import csvfiles as importing
from outreach.transfer import importer

DATA = Path(__file__).parent.parent / "data"


def _import(user, name, preset="generic", **kw):
    summary = importer.import_contacts(db.session, user.id, (DATA / name).read_bytes(), preset, **kw)
    db.session.commit()
    return summary


def _contacts(user):
    return {c.name: c for c in db.session.scalars(db.select(Contact).where(Contact.owner_id == user.id))}


def test_linkedin_export_with_notes_lines_bom_crlf_quotes_and_newlines(make_user):
    user = make_user()
    summary = _import(user, "linkedin_connections.csv", "linkedin")
    assert (summary.read, summary.imported, summary.updated, summary.rejected) == (5, 4, 0, 1)
    contacts = _contacts(user)
    assert contacts["Maya Chen"].email == "maya@example.com"
    assert contacts["Maya Chen"].notes == "Host, Chen Media, LLC"
    assert contacts["Zoë O'Brien"].notes == "Producer, Studio\nNorth"
    assert contacts["Daniel Okafor"].links == ["https://www.linkedin.com/in/dokafor"]
    assert contacts["Daniel Okafor"].tags == ["linkedin"]
    assert summary.errors[0].line == 10 and "name" in summary.errors[0].reason


def test_google_contacts_export_reads_labels_and_multiline_notes(make_user):
    user = make_user()
    summary = _import(user, "google_contacts.csv", "google")
    assert (summary.read, summary.imported, summary.rejected) == (3, 2, 1)
    lena = _contacts(user)["Lena Vogel"]
    assert lena.tags == ["google contacts", "podcast"]
    assert lena.notes == "Met at Podcast Movement,\ntalk on audio"
    assert "email" in summary.errors[0].reason and summary.errors[0].line == 5


def test_generic_file_validates_each_row_with_the_apis_rules(make_user):
    user = make_user()
    summary = _import(user, "generic_contacts.csv")
    assert (summary.read, summary.imported, summary.rejected) == (4, 2, 2)
    carlos = _contacts(user)["Carlos Mendes"]
    assert carlos.audience_size == 30_000 and carlos.kind == "alliance_partner"
    assert carlos.topics == ["online courses", "marketing"]
    reasons = " ".join(e.reason for e in summary.errors)
    assert "“Audience size”" in reasons and "“Kind”" in reasons


def test_reimport_updates_matches_by_email_or_profile_url_instead_of_doubling(make_user):
    user = make_user()
    _import(user, "linkedin_connections.csv", "linkedin")
    again = _import(user, "linkedin_connections.csv", "linkedin")
    assert (again.imported, again.updated, again.rejected) == (0, 4, 1)
    assert len(_contacts(user)) == 4


def test_dry_run_saves_nothing(make_user):
    user = make_user()
    summary = _import(user, "linkedin_connections.csv", "linkedin", dry_run=True)
    assert summary.imported == 4 and _contacts(user) == {}


def test_explicit_column_mapping(make_user):
    user = make_user()
    data = b"Full Name,Mail\nAda Lovelace,ada@example.com\n"
    summary = importer.import_contacts(db.session, user.id, data, "generic", {"Full Name": "name", "Mail": "email"})
    assert summary.imported == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"just some words\nwithout any header we know\n", "No header row"),
        (b"", "No header row"),
    ],
)
def test_a_file_that_is_not_csv_is_refused_whole(data, message):
    with pytest.raises(InvalidInput) as raised:
        importing.read_csv(data, "generic")
    assert message in raised.value.fields["file"]


def test_windows_1252_file_is_read_with_a_note():
    parsed = importing.read_csv("name,email\nJosé Ñandú,j@example.com\n".encode("cp1252"))
    assert parsed.rows[0][1]["name"] == "José Ñandú" and parsed.notes


def test_touch_history_import_gives_the_same_warmth_as_logging_each(make_user, make_contact, log_touches):
    user = make_user()
    _import(user, "linkedin_connections.csv", "linkedin")
    params = user_service.user_settings(user).warmth_params()
    summary = importer.import_touches(db.session, user.id, (DATA / "touches.csv").read_bytes(), params)
    db.session.commit()
    assert (summary.read, summary.imported, summary.rejected) == (6, 3, 3)
    assert [e.line for e in summary.errors] == [5, 6, 7]
    maya = _contacts(user)["Maya Chen"]
    from outreach.contacts.touches import point, touches_of
    from outreach.domain import warmth

    assert maya.warmth_key == pytest.approx(warmth.key_of([point(t) for t in touches_of(db.session, maya)], params), rel=1e-12)
    assert maya.last_inbound_at is not None
    assert {t.source for t in touches_of(db.session, maya)} == {"import"}  # the API shows where each touch came from


def test_exported_contacts_import_back_with_every_field(make_user, make_contact):
    """The CSV export writes every field of ContactIn and the generic import reads each one back."""
    from outreach.contacts.schemas import ContactIn
    from outreach.core.types import utcnow
    from outreach.transfer import archive

    source, target = make_user(), make_user()
    original = make_contact(
        source,
        "Maya Chen",
        email="maya@example.com",
        kind="alliance_partner",
        topics=["podcasting", "email marketing"],
        audience_size=12_000,
        promotes_others=False,
        promotion_methods=["guest_post", "free_call"],
        fit_override=4,
        links=["https://maya.example.com", "https://example.com/maya"],
        tags=["friend"],
        notes="Met at PodCon.\nLoves long walks.",
        preferred_contact="DM on Instagram",
        promotions_url="https://maya.example.com/partners",
        upcoming_events="Book launch in May",
    )
    exported = io.StringIO()
    archive.write_contacts_csv(db.session, source.id, user_service.user_settings(source).warmth_params(), utcnow(), exported)
    summary = importer.import_contacts(db.session, target.id, exported.getvalue().encode(), "generic")
    db.session.commit()
    copy = _contacts(target)["Maya Chen"]
    assert (summary.imported, summary.rejected) == (1, 0)
    assert {name: getattr(copy, name) for name in ContactIn.model_fields} == {
        name: getattr(original, name) for name in ContactIn.model_fields
    }
