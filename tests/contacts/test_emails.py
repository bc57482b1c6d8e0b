"""A contact keeps several e-mail addresses: the first is primary, every one matches."""

from __future__ import annotations

from outreach.contacts.models import Contact
from outreach.extensions import db
from outreach.transfer import importer
from tests.conftest import csrf_from

GOOGLE = (
    "Name,Given Name,Family Name,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Value,Organization 1 - Name,Labels\n"
    "Priya Nair,Priya,Nair,* ,priya@a.example ::: priya.n@b.example,p.nair@c.example,,* myContacts\n"
    ",,,,hello@studio.example,,Studio North,* myContacts\n"
)


def _contacts(user):
    return {c.name: c for c in db.session.scalars(db.select(Contact).where(Contact.owner_id == user.id))}


def test_api_keeps_email_as_the_primary_and_lists_every_address(api):
    created = api("POST", "/contacts", {"name": "Priya", "emails": ["priya@a.example", "Priya.N@b.example"]})
    assert created.status_code == 201
    body = created.get_json()
    assert (body["email"], body["emails"]) == ("priya@a.example", ["priya@a.example", "Priya.N@b.example"])

    changed = api("PATCH", f"/contacts/{body['id']}", {"email": "priya@new.example"})
    assert changed.get_json()["emails"] == ["priya@new.example", "Priya.N@b.example"]
    found = api("GET", "/contacts?q=priya.n@b").get_json()["items"]
    assert [c["id"] for c in found] == [body["id"]]


def test_api_refuses_a_bad_address_among_several(api):
    response = api("POST", "/contacts", {"name": "Priya", "emails": ["priya@a.example", "not an address"]})
    assert response.status_code == 422
    assert "emails.1" in response.get_json()["fields"]


def test_google_export_splits_shared_cells_and_names_organisation_rows(make_user):
    user = make_user()
    summary = importer.import_contacts(db.session, user.id, GOOGLE.encode(), "google")
    db.session.commit()
    assert (summary.imported, summary.rejected) == (2, 0), summary.errors
    contacts = _contacts(user)
    assert contacts["Priya Nair"].emails == ["priya@a.example", "priya.n@b.example", "p.nair@c.example"]
    assert contacts["Studio North"].email == "hello@studio.example"


def test_import_matches_a_contact_by_any_of_its_addresses(make_user, make_contact):
    user = make_user()
    make_contact(user, "Priya Nair", emails=["priya@a.example", "priya.n@b.example"])
    data = b"name,email,tags\nPriya N.,PRIYA.N@b.example,met at podcon\n"
    summary = importer.import_contacts(db.session, user.id, data, "generic")
    db.session.commit()
    assert (summary.imported, summary.updated) == (0, 1)
    priya = _contacts(user)["Priya Nair"]
    assert priya.emails == ["priya@a.example", "priya.n@b.example"] and "met at podcon" in priya.tags


def test_contact_form_takes_several_addresses(client, make_user, web_login):
    user = make_user("form@example.com")
    web_login(user.email)
    data = {"csrf_token": csrf_from(client, "/contacts/new"), "name": "Priya", "email": "priya@a.example, priya.n@b.example"}
    response = client.post("/contacts/new", data={**data, "kind": "peer"})
    assert response.status_code == 302
    priya = _contacts(user)["Priya"]
    assert priya.emails == ["priya@a.example", "priya.n@b.example"]
    page = client.get(f"/contacts/{priya.id}/edit").get_data(as_text=True)
    assert "priya@a.example, priya.n@b.example" in page


def test_contacts_csv_export_reads_back_with_every_address(make_user, make_contact):
    import io

    from outreach.accounts.service import user_settings
    from outreach.core.types import utcnow
    from outreach.transfer.archive import write_contacts_csv

    user, other = make_user(), make_user()
    make_contact(user, "Priya Nair", emails=["priya@a.example", "priya.n@b.example"])
    handle = io.StringIO()
    write_contacts_csv(db.session, user.id, user_settings(user).warmth_params(), utcnow(), handle)
    importer.import_contacts(db.session, other.id, handle.getvalue().encode(), "generic")
    db.session.commit()
    assert _contacts(other)["Priya Nair"].emails == ["priya@a.example", "priya.n@b.example"]
