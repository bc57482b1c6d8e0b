"""Issue 16, section 3: a form names every mistake at once, a slip is questioned before saving, the words are sentences."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest

from outreach.accounts import service as user_service
from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.contacts.models import Contact
from outreach.core.types import utcnow
from outreach.extensions import db
from outreach.transfer import importer
from tests.conftest import csrf_from
from tests.web.test_readable_errors import developer_words

CAMPAIGN = {"kind": "launch", "yes_target": "3", "window_start_weeks": "12", "window_end_weeks": "3"}
QUESTIONED = 'name="confirmed"'


def post(client, path, data, page=None, **kwargs):
    return client.post(path, data={"csrf_token": csrf_from(client, page or path), **data}, **kwargs)


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count(model.id))) or 0


@pytest.fixture
def maya(client, make_user, web_login):
    user = make_user("maya@example.com")
    web_login(user.email)
    return user


def test_the_campaign_form_names_the_missing_name_and_date_together(client, maya):
    page = post(client, "/campaigns/new", {**CAMPAIGN, "name": "", "date": ""}).get_data(as_text=True)
    assert "Give the campaign a name." in page and "Give the campaign&#39;s date, like 2026-12-31." in page
    assert count(Campaign) == 0


def test_the_campaign_form_names_an_unreadable_date_and_a_bad_window_together(client, maya):
    data = {**CAMPAIGN, "name": "S", "date": "2027-02-30", "window_start_weeks": "x", "yes_target": "-2"}
    page = post(client, "/campaigns/new", data).get_data(as_text=True)
    for said in (
        "“Date” takes a date, like 2026-12-31.",
        "“Ask window opens (weeks before)” takes a whole number, like 12.",
        "“Yes target” takes a number from 0 to 100,000.",
    ):
        assert said in page


def test_sign_up_names_the_email_the_password_and_the_repeat_together(client):
    data = {"email": "no-at-sign", "password": "short", "confirm": "other", "audience_size": "lots"}
    page = post(client, "/signup", data).get_data(as_text=True)
    for said in (
        "Enter a valid email address, like name@example.com.",
        "Use at least 8 characters for the password.",
        "The two passwords differ: type the same one twice.",
        "“Your audience size” takes a whole number, like 12.",
    ):
        assert said in page
    assert user_service.find_user(db.session, "no-at-sign") is None


def test_sign_up_with_nothing_typed_asks_for_the_email_and_the_password(client):
    page = post(client, "/signup", {}).get_data(as_text=True)
    assert "Enter your email address." in page and "Use at least 8 characters for the password." in page


def test_a_password_change_names_every_mistake_together(client, maya):
    data = {"current": "wrong guess", "password": "short", "confirm": "shorter"}
    page = post(client, "/account/password", data).get_data(as_text=True)
    for said in ("That is not your current password.", "Use at least 8 characters", "The two passwords differ"):
        assert said in page


def test_the_ask_form_names_a_bad_date_and_a_misplaced_follow_up_together(client, maya, make_contact):
    contact = make_contact(maya)
    data = {"contact_id": str(contact.id), "outcome": "yes", "asked_at": "soon", "follow_up_on": "2027-01-01", "recipients": "-3"}
    page = post(client, "/asks/new", data).get_data(as_text=True)
    for said in (
        "“Asked at” takes a date and a time, like 2026-12-31 09:30.",
        "Only a “not now” answer has a follow-up date",
        "“Recipients” takes a number from 1 to 10,000,000.",
    ):
        assert said in page
    assert count(Ask) == 0


def test_settings_name_every_mistake_together(client, maya):
    page = client.get("/settings/").get_data(as_text=True)
    values = dict(re.findall(r'name="(\w+)" [^>]*value="([^"]*)"', page))
    data = {**values, "audience_size": "lots", "k": "0", "weight_email": "-1", "trust_warmth": ""}
    refused = post(client, "/settings/", data).get_data(as_text=True)
    for said in (
        "“Your audience size” takes a whole number, like 12.",
        "“Saturation k” takes a number above 0 and at most 1,000.",
        "“Email” takes a number from 0 to 1,000.",
        "Fill in “Trust needs warmth”.",
    ):
        assert said in refused


# --- slips questioned before they are saved -----------------------------------------------------


def test_a_no_without_a_reason_is_questioned_and_saved_once_confirmed(client, maya, make_contact):
    contact = make_contact(maya)
    data = {"contact_id": str(contact.id), "outcome": "no", "recipients": "1"}
    asked = post(client, "/asks/new", data)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "What was the reason for this no?" in page and QUESTIONED in page
    assert count(Ask) == 0
    assert post(client, "/asks/new", {**data, "confirmed": "y"}).status_code == 302
    assert db.session.scalars(db.select(Ask)).one().reason is None


def test_a_no_with_its_reason_is_not_questioned(client, maya, make_contact):
    contact = make_contact(maya)
    data = {"contact_id": str(contact.id), "outcome": "no", "reason": "full_plate", "recipients": "1"}
    assert post(client, "/asks/new", data).status_code == 302


def test_an_ask_turned_into_a_no_without_a_reason_is_questioned_on_edit(client, maya, make_contact, now):
    contact = make_contact(maya)
    ask = _ask(maya, contact, now)
    page = post(client, f"/asks/{ask.id}/edit", {"outcome": "no", "recipients": "1"}).get_data(as_text=True)
    assert "What was the reason for this no?" in page
    db.session.expire_all()
    assert db.session.get(Ask, ask.id).outcome == "pending"


def test_an_ask_dated_later_than_now_is_questioned_and_one_days_ahead_is_refused(client, maya, make_contact):
    # The clock as the view reads it, not the noon of the `now` fixture: after 15:00 UTC, noon + 3 h is past.
    now = utcnow()
    contact = make_contact(maya)
    data = {"contact_id": str(contact.id), "outcome": "pending", "recipients": "1"}
    later = (now + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    questioned = post(client, "/asks/new", {**data, "asked_at": later}).get_data(as_text=True)
    assert "This ask is dated later than now" in questioned and QUESTIONED in questioned and count(Ask) == 0
    assert post(client, "/asks/new", {**data, "asked_at": later, "confirmed": "y"}).status_code == 302
    far = (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    refused = post(client, "/asks/new", {**data, "asked_at": far, "confirmed": "y"}).get_data(as_text=True)
    assert "An ask cannot be dated in the future: give the day you sent it." in refused and count(Ask) == 1


def test_a_campaign_dated_in_the_past_is_questioned_and_saved_once_confirmed(client, maya, now):
    data = {**CAMPAIGN, "name": "Last spring", "date": (now.date() - timedelta(days=30)).isoformat()}
    questioned = post(client, "/campaigns/new", data).get_data(as_text=True)
    assert "This date is in the past" in questioned and QUESTIONED in questioned and count(Campaign) == 0
    assert post(client, "/campaigns/new", {**data, "confirmed": "y"}).status_code == 302
    campaign = db.session.scalars(db.select(Campaign)).one()
    # Renaming it later keeps its date: nothing to question again.
    renamed = post(client, f"/campaigns/{campaign.id}/edit", {**data, "name": "Spring launch"})
    assert renamed.status_code == 302


def test_the_api_keeps_its_contract_and_asks_no_question(api, make_contact):
    contact = make_contact(api.user)
    assert api("POST", "/asks", {"contact_id": contact.id, "outcome": "no"}).status_code == 201
    assert api("POST", "/campaigns", {"name": "Old", "date": "2020-01-01"}).status_code == 201


def _ask(user, contact, now):
    from outreach.asks import service as ask_service

    planner = user_service.user_settings(user).planner(None)
    ask = ask_service.create_ask(db.session, user.id, {"contact_id": contact.id}, planner, now)
    db.session.commit()
    return ask


# --- the same sentences in the CSV import reports and the API ------------------------------------

CONTACTS_CSV = (
    "name,email,link,audience_size,kind\n"
    "Maya Chen,maya@example.com,https://maya.example,12000,peer\n"
    ",nameless@example.com,,,peer\n"
    "Ravi,ravi@example.com,ftp://ravi,,peer\n"
    "Lena,lena@example.com,,-5,wizard\n"
)


def test_the_contact_import_report_says_each_rows_mistakes_in_sentences(make_user):
    user = make_user()
    summary = importer.import_contacts(db.session, user.id, CONTACTS_CSV.encode())
    reasons = {e.line: e.reason for e in summary.errors}
    assert summary.imported == 1 and set(reasons) == {3, 4, 5}
    assert reasons[3] == "Give the contact a name."
    assert reasons[4].startswith("In “Links”, item 1: a link starts with http:// or https://")
    assert "“Audience size” takes a number from 0 to 2,147,483,647." in reasons[5] and "Choose “Kind” from:" in reasons[5]
    assert developer_words(list(reasons.values())) == []
    assert count(Contact) == 1


def test_the_touch_import_report_and_page_say_each_rows_mistakes_in_sentences(client, maya, make_contact):
    make_contact(maya, "Maya Chen", email="maya@example.com")
    csv = b"contact,kind,date,url\nmaya@example.com,wave,2026-01-05,\nmaya@example.com,email,soon,ftp://x\n"
    data = {"file": (io.BytesIO(csv), "t.csv"), "action": "import"}
    page = post(client, "/data/import/touches", data, "/data/", content_type="multipart/form-data").get_data(as_text=True)
    assert "line 2: Choose “Kind” from: comment, share, email, DM" in page
    assert "line 3: “When” takes a date and a time, like 2026-12-31 09:30." in page
    assert "A link starts with http:// or https://" in page


TYPICAL = [
    ("/contacts", {"name": ""}, "name", "Give the contact a name."),
    ("/contacts", {"name": "A", "links": ["ftp://x"]}, "links.0", "In “Links”, item 1: a link starts with http:// or https://"),
    ("/contacts", {"name": "A", "audience_size": -4}, "audience_size", "“Audience size” takes a number from 0 to 2,147,483,647."),
    ("/contacts", {"name": "A", "kind": "bogus"}, "kind", "Choose “Kind” from: influencer, alliance partner, podcast guest"),
    ("/contacts", {"name": "A", "email": "nope"}, "email", "Enter a valid email address, like name@example.com."),
    ("/contacts", {"name": "x" * 300}, "name", "“Name” can be at most 200 characters long."),
    ("/contacts", {"name": "A", "colour": "red"}, "colour", "Outreach has no field by this name: leave it out."),
    ("/campaigns", {"name": "S", "date": "2027-02-30"}, "date", "“Date” takes a date, like 2026-12-31."),
    (
        "/campaigns",
        {"name": "S", "date": "2027-05-01", "window_start_weeks": 3, "window_end_weeks": 5},
        "window_end_weeks",
        "The ask window must close after it opens: make it close fewer weeks before the date than it opens.",
    ),
    ("/asks", {"recipients": 0}, "recipients", "“Recipients” takes a number from 1 to 10,000,000."),
    ("/asks", {"asked_at": "2100-01-01T00:00:00"}, "asked_at", "An ask cannot be dated in the future: give the day you sent it."),
]


@pytest.mark.parametrize(("path", "body", "field", "said"), TYPICAL, ids=[f"{p} {f}" for p, _, f, _ in TYPICAL])
def test_typical_refusals_of_the_api_read_as_sentences(api, path, body, field, said):
    response = api("POST", path, body)
    assert response.status_code == 422 and response.json["error"] == "invalid input"
    assert response.json["fields"][field].startswith(said)
