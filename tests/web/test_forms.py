"""Forms: bad input gives the form again with the error beside the field; good input does the thing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from outreach.accounts import service as user_service
from outreach.accounts.models import User
from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.contacts.models import Contact
from outreach.core.types import utcnow
from outreach.extensions import db
from tests.conftest import csrf_from


@pytest.fixture
def logged_in(client, make_user, web_login):
    user = make_user("form@example.com")
    web_login(user.email)
    return user


def post(client, path, data, page=None):
    return client.post(path, data={"csrf_token": csrf_from(client, page or path), **data})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Give the contact a name."),
        ({"name": "A", "audience_size": "abc"}, "“Audience size” takes a whole number, like 12."),
        ({"name": "A", "audience_size": "-4"}, "“Audience size” takes a number from 0 to 2,147,483,647."),
        ({"name": "A", "links": "not a url"}, "In “Links”, item 1: a link starts with http:// or https://"),
        ({"name": "x" * 300}, "“Name” can be at most 200 characters long."),
        ({"name": "A", "email": "nope"}, "Enter a valid email address, like name@example.com."),
    ],
)
def test_contact_form_errors_are_shown_beside_the_field(client, logged_in, data, message):
    response = post(client, "/contacts/new", {"kind": "peer", **data})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page and 'class="error"' in page
    assert db.session.scalar(db.select(db.func.count(Contact.id))) == 0


def test_contact_form_creates_and_redirects_to_the_contact(client, logged_in):
    response = post(
        client,
        "/contacts/new",
        {"name": "Maya Chen", "kind": "podcast_guest", "topics": "Podcasting, marketing", "audience_size": "12000"},
    )
    contact = db.session.scalars(db.select(Contact)).one()
    assert response.headers["Location"].endswith(f"/contacts/{contact.id}")
    assert contact.topics == ["podcasting", "marketing"] and contact.audience_size == 12000


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"name": "S", "kind": "launch", "date": "", "yes_target": "3", "window_start_weeks": "12", "window_end_weeks": "3"},
            "Give the campaign&#39;s date, like 2026-12-31.",
        ),
        (
            {
                "name": "S",
                "kind": "launch",
                "date": "2027-05-01",
                "yes_target": "3",
                "window_start_weeks": "3",
                "window_end_weeks": "5",
            },
            "must close after it opens",
        ),
        (
            {
                "name": "",
                "kind": "launch",
                "date": "2027-05-01",
                "yes_target": "3",
                "window_start_weeks": "12",
                "window_end_weeks": "3",
            },
            "Give the campaign a name.",
        ),
    ],
)
def test_campaign_form_errors(client, logged_in, data, message):
    page = post(client, "/campaigns/new", data).get_data(as_text=True)
    assert message in page and db.session.scalar(db.select(db.func.count(Campaign.id))) == 0


def test_quick_log_refuses_a_future_touch(client, logged_in, make_contact):
    contact = make_contact(logged_in)
    future = (utcnow() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    response = post(
        client,
        f"/contacts/{contact.id}/touches",
        {"kind": "comment", "direction": "outbound", "occurred_at": future},
        f"/contacts/{contact.id}",
    )
    assert response.status_code == 422 and "future" in response.get_data(as_text=True)


def test_quick_log_as_json_returns_the_new_warmth(client, logged_in, make_contact):
    contact = make_contact(logged_in)
    response = client.post(
        f"/contacts/{contact.id}/touches",
        data={"csrf_token": csrf_from(client, f"/contacts/{contact.id}"), "kind": "email", "direction": "inbound"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200 and response.json["warmth"] > 0 and "<li" in response.json["row"]
    assert response.json["message"].startswith("Logged an email")


def test_busy_period_ending_before_it_starts(client, logged_in, make_contact):
    contact = make_contact(logged_in)
    response = post(
        client, f"/contacts/{contact.id}/busy", {"start": "2027-01-05", "end": "2027-01-01"}, f"/contacts/{contact.id}"
    )
    assert response.status_code == 422 and "A busy period ends on or after its first day." in response.get_data(as_text=True)


def test_ask_with_a_reason_on_a_pending_outcome(client, logged_in, make_contact):
    contact = make_contact(logged_in)
    page = post(
        client, "/asks/new", {"contact_id": str(contact.id), "outcome": "pending", "reason": "full_plate", "recipients": "1"}
    ).get_data(as_text=True)
    assert "Only a no, a not-now or a no-response has a reason" in page
    assert db.session.scalar(db.select(db.func.count(Ask.id))) == 0


@pytest.mark.parametrize("junk_id", ["3000000000", "99999999999999999999", "\u0663\u0660\u0660"])
def test_an_ask_naming_an_impossible_contact_is_refused_not_a_500(client, logged_in, junk_id):
    """Ids beyond 32 bits (PostgreSQL raises on them) and non-ASCII digits ('٣'.isdigit() is true)."""
    response = post(client, "/asks/new", {"contact_id": junk_id, "campaign_id": junk_id, "recipients": "1"})
    assert response.status_code in (200, 400, 404, 422)
    assert client.get("/asks/new").status_code == 200  # and the next page still works


@pytest.mark.parametrize("junk_id", ["3000000000", "\u0663", "-1", "x"])
def test_the_calendar_download_refuses_an_impossible_campaign(client, logged_in, junk_id):
    response = client.get("/calendar/export.ics", query_string={"campaign": junk_id})
    assert response.status_code == 400 and "campaign must be a campaign id" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query", [{"page": "1" * 5000}, {"page": "\u0663"}, {"min_warmth": "nan"}, {"max_warmth": "inf"}, {"min_warmth": "1e309"}]
)
def test_the_contacts_list_shrugs_off_junk_filters(client, logged_in, make_contact, query):
    make_contact(logged_in)
    assert client.get("/contacts/", query_string=query).status_code == 200


@pytest.mark.parametrize(("field", "value"), [("half_life_days", "0"), ("weight_comment", "-1"), ("trust_warmth", "100")])
def test_settings_errors(client, logged_in, field, value):
    page = client.get("/settings/").get_data(as_text=True)
    import re

    values = dict(re.findall(r'name="(\w+)" [^>]*value="([^"]*)"', page))
    values[field] = value
    response = post(client, "/settings/", values)
    assert response.status_code == 422
    db.session.expire_all()
    assert user_service.user_settings(db.session.get(User, logged_in.id)).half_life_days == 90


def test_changing_the_half_life_rescores_and_says_so(client, logged_in, make_contact, log_touches):
    contact = make_contact(logged_in)
    log_touches(contact, ("email", "outbound", 60))
    page = client.get("/settings/").get_data(as_text=True)
    import re

    values = dict(re.findall(r'name="(\w+)" [^>]*value="([^"]*)"', page))
    values["half_life_days"] = "30"
    response = client.post("/settings/", data={**values, "csrf_token": csrf_from(client, "/settings/")}, follow_redirects=True)
    assert "rescored" in response.get_data(as_text=True)
    db.session.expire_all()
    before = 3 * 2 ** (-60 / 90)
    from outreach.domain import warmth

    after = warmth.decayed_sum(db.session.get(Contact, contact.id).warmth_key, utcnow(), warmth.WarmthParams(half_life_days=30))
    assert after < before / 2


def test_soft_delete_then_undo(client, logged_in, make_contact):
    contact = make_contact(logged_in, "Undo Me")
    page = client.post(
        f"/contacts/{contact.id}/delete", data={"csrf_token": csrf_from(client, f"/contacts/{contact.id}")}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Deleted Undo Me" in page and f"/contacts/{contact.id}/restore" in page
    assert client.get(f"/contacts/{contact.id}").status_code == 404
    client.post(f"/contacts/{contact.id}/restore", data={"csrf_token": csrf_from(client, "/contacts/")})
    assert client.get(f"/contacts/{contact.id}").status_code == 200


def test_api_token_is_shown_once_and_works_until_revoked(client, logged_in):
    page = client.post("/settings/tokens", data={"csrf_token": csrf_from(client, "/settings/"), "name": "laptop"}).get_data(
        as_text=True
    )
    import re

    token = re.search(r'<code id="new-token">([^<]+)</code>', page).group(1)
    assert token not in client.get("/settings/").get_data(as_text=True)
    assert client.get("/api/v1/contacts", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    token_id = re.search(r"/settings/tokens/(\d+)/revoke", client.get("/settings/").get_data(as_text=True)).group(1)
    client.post(f"/settings/tokens/{token_id}/revoke", data={"csrf_token": csrf_from(client, "/settings/")})
    assert client.get("/api/v1/contacts", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_contacts_list_filters_and_pages(client, logged_in, make_contact, log_touches):
    for i in range(60):
        make_contact(logged_in, f"Person {i:02d}", kind="influencer" if i % 2 else "peer")
    warm = db.session.scalars(db.select(Contact).where(Contact.name == "Person 07")).one()
    log_touches(warm, ("collaboration", "inbound", 1))
    first = client.get("/contacts/").get_data(as_text=True)
    assert "Page 1 of 2" in first and first.index("Person 07") < first.index("Person 00")
    assert "Page 2 of 2" in client.get("/contacts/?page=2").get_data(as_text=True)
    only_warm = client.get("/contacts/?min_warmth=20").get_data(as_text=True)
    assert "Person 07" in only_warm and "Person 08" not in only_warm
    influencers = client.get("/contacts/?kind=influencer&q=person 0").get_data(as_text=True)
    assert "Person 07" in influencers and "Person 08" not in influencers


def test_signup_login_logout_and_password_change(client, app):
    page_token = csrf_from(client, "/signup")
    response = client.post(
        "/signup",
        data={"csrf_token": page_token, "email": "new@example.com", "password": "a long password", "confirm": "a long password"},
    )
    assert response.status_code == 302
    taken = client.post(
        "/signup",
        data={
            "csrf_token": csrf_from(client, "/settings/"),
            "email": "new@example.com",
            "password": "a long password",
            "confirm": "a long password",
        },
    )
    assert taken.status_code in (200, 302)
    client.post("/logout", data={"csrf_token": csrf_from(client, "/settings/")})
    wrong = client.post(
        "/login", data={"csrf_token": csrf_from(client, "/login"), "email": "new@example.com", "password": "nope"}
    )
    assert "Wrong email or password." in wrong.get_data(as_text=True)
    evil = client.post(
        "/login?next=https://evil.example/",
        data={"csrf_token": csrf_from(client, "/login"), "email": "new@example.com", "password": "a long password"},
    )
    assert evil.headers["Location"] == "/"
    changed = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_from(client, "/account/password"),
            "current": "a long password",
            "password": "another long one",
            "confirm": "another long one",
        },
    )
    assert changed.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_from(client, "/settings/")})
    old = client.post(
        "/login", data={"csrf_token": csrf_from(client, "/login"), "email": "new@example.com", "password": "a long password"}
    )
    assert old.status_code == 200


def test_signup_can_be_closed(database_url):
    from outreach import create_app

    closed = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "SIGNUP_ENABLED": False})
    assert closed.test_client().get("/signup").status_code == 404
