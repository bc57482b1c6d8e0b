"""Import and export from the web: preview with mapping, dry run, import; downloads."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import pytest

from outreach.contacts.models import Contact, Touch
from outreach.extensions import db
from tests.conftest import csrf_from
from tests.transfer.test_restore_refusals import LINK, changed, says

DATA = Path(__file__).parent.parent / "data"


def _upload(client, path, name, **fields):
    data = {"csrf_token": csrf_from(client, "/data/"), **fields}
    if name:
        data["file"] = (BytesIO((DATA / name).read_bytes()), name)
    return client.post(path, data=data, content_type="multipart/form-data")


def test_preview_then_import_linkedin(client, web_login, make_user):
    user = make_user("w@example.com")
    web_login("w@example.com")
    preview = _upload(client, "/data/import/contacts", "linkedin_connections.csv", preset="linkedin")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "would import 4" in page and "line 10" in page and "Maya" in page
    assert db.session.scalar(db.select(db.func.count(Contact.id))) == 0
    token = page.split('name="token" value="')[1].split('"')[0]
    done = client.post(
        "/data/import/contacts",
        data={"csrf_token": csrf_from(client, "/data/"), "token": token, "preset": "linkedin", "action": "import"},
    )
    assert "imported 4" in done.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Contact.id)).where(Contact.owner_id == user.id)) == 4


def test_mapping_chosen_in_the_preview_is_applied(client, web_login, make_user):
    make_user("m@example.com")
    web_login("m@example.com")
    data = {
        "csrf_token": csrf_from(client, "/data/"),
        "preset": "generic",
        "file": (BytesIO(b"Full Name,Mail\nAda Lovelace,ada@example.com\n"), "x.csv"),
    }
    refused = client.post("/data/import/contacts", data=data, content_type="multipart/form-data", follow_redirects=True)
    assert "File refused" in refused.get_data(as_text=True)


def test_touch_import_dry_run_then_import(client, web_login, make_user):
    make_user("t@example.com")
    web_login("t@example.com")
    _upload(client, "/data/import/contacts", "linkedin_connections.csv", preset="linkedin")
    page = _upload(client, "/data/import/contacts", "linkedin_connections.csv", preset="linkedin").get_data(as_text=True)
    token = page.split('name="token" value="')[1].split('"')[0]
    client.post(
        "/data/import/contacts",
        data={"csrf_token": csrf_from(client, "/data/"), "token": token, "preset": "linkedin", "action": "import"},
    )
    dry = _upload(client, "/data/import/touches", "touches.csv", action="dry-run")
    assert "would import 3" in dry.get_data(as_text=True) and db.session.scalar(db.select(db.func.count(Touch.id))) == 0
    _upload(client, "/data/import/touches", "touches.csv", action="import")
    assert db.session.scalar(db.select(db.func.count(Touch.id))) == 3


def test_an_expired_upload_token_is_a_clear_400(client, web_login, make_user):
    make_user("x@example.com")
    web_login("x@example.com")
    response = client.post(
        "/data/import/contacts", data={"csrf_token": csrf_from(client, "/data/"), "token": "nope", "action": "import"}
    )
    assert response.status_code == 400 and "choose the file again" in response.get_data(as_text=True)


def test_exports_download(client, web_login, make_user, make_contact):
    user = make_user("e@example.com")
    make_contact(user, "Maya Chen", email="maya@example.com")
    web_login("e@example.com")
    csv_text = client.get("/data/export/contacts.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("name,email") and "Maya Chen" in csv_text
    document = json.loads(client.get("/data/export/outreach.json").get_data(as_text=True))
    assert document["schema_version"] == 2 and document["contacts"][0]["name"] == "Maya Chen"


def _restore(client, body: bytes):
    data = {"csrf_token": csrf_from(client, "/data/"), "file": (BytesIO(body), "outreach-export.json")}
    return client.post("/data/import/json", data=data, content_type="multipart/form-data", follow_redirects=True)


def test_a_json_export_restores_from_the_web_into_an_empty_account(client, web_login, make_user, make_contact):
    make_contact(make_user("old@example.com"), "Maya Chen", links=["https://example.com/maya"])
    web_login("old@example.com")
    body = client.get("/data/export/outreach.json").get_data()
    client.post("/logout", data={"csrf_token": csrf_from(client, "/data/")})
    new = make_user("new@example.com")
    web_login("new@example.com")
    page = _restore(client, body).get_data(as_text=True)
    assert "Restored 1 contacts." in page
    assert db.session.scalars(db.select(Contact.name).where(Contact.owner_id == new.id)).all() == ["Maya Chen"]
    again = _restore(client, body).get_data(as_text=True)  # no longer empty: nothing doubled
    assert "restore into an empty account: this one already has contacts" in again.lower()
    assert db.session.scalar(db.select(db.func.count(Contact.id)).where(Contact.owner_id == new.id)) == 1


@pytest.mark.parametrize(
    ("body", "sentence"),
    [
        (json.dumps(changed("contacts.0.links.0", "javascript:alert(1)")).encode(), f"contacts[0].links[0]: {LINK}"),
        (json.dumps(changed("asks.1.recipients", -3)).encode(), "asks[1].recipients: Input should be greater than or equal to 1"),
        (b"[]", "the file holds a list, not an Outreach export"),
        (b"{not json", "the file is not JSON"),
    ],
)
def test_the_web_restore_shows_the_same_sentence_as_the_command(client, web_login, make_user, body, sentence):
    user = make_user("w@example.com")
    web_login("w@example.com")
    response = _restore(client, body)
    page = response.get_data(as_text=True)
    assert (
        response.status_code == 200 and "Not restored" in page and says(page.split("Not restored", 1)[1].lstrip(":. "), sentence)
    )
    assert db.session.scalar(db.select(db.func.count(Contact.id)).where(Contact.owner_id == user.id)) == 0
