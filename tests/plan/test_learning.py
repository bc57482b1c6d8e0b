"""Messages and wins are one service behind the web and the API; drafts fill the templates in."""

from __future__ import annotations

import pytest

from outreach.accounts import service as user_service
from outreach.asks import service as ask_service
from outreach.domain.drafts import draft
from outreach.extensions import db
from outreach.learning import service as learning
from outreach.learning.models import Message
from tests.conftest import csrf_from


@pytest.mark.parametrize(
    ("body", "contact", "campaign", "expected"),
    [
        ("Hi {name}, join {campaign}?", "Maya Chen", "Season 3", "Hi Maya, join Season 3?"),
        ("Hi {name}, I loved {recent_work}.", "Maya Chen", None, "Hi Maya, I loved {recent_work}."),
        ("Hi {name}, join {campaign}?", None, None, "Hi {name}, join {campaign}?"),
        ("Hi {name}!", "{campaign} Fan", "Season 3", "Hi {campaign}!"),  # a filled-in value is not filled again
        ("Hi {nickname}", "Maya", None, "Hi {nickname}"),
    ],
)
def test_a_draft_fills_what_is_known_and_leaves_the_rest_to_the_user(body, contact, campaign, expected):
    assert draft(body, contact, campaign) == expected


def test_the_ask_page_offers_each_message_filled_in_for_the_chosen_people(
    client, make_user, make_contact, make_campaign, web_login
):
    user = make_user("drafts@example.com")
    contact, campaign = make_contact(user, "Maya Chen"), make_campaign(user, "Season 3")
    learning.create_message(db.session, user.id, {"name": "Invite", "body": "Hi {name}, would you join {campaign}?"})
    db.session.commit()
    web_login(user.email)
    page = client.get(f"/asks/new?contact={contact.id}&campaign={campaign.id}").get_data(as_text=True)
    assert "Hi Maya, would you join Season 3?" in page


def test_a_message_saved_on_the_web_is_the_apis_message(client, api, web_login):
    web_login(api.user.email)
    form = {"csrf_token": csrf_from(client, "/messages"), "name": "Warm invite", "body": "Hi {name}"}
    client.post("/messages", data=form)
    listed = api("GET", "/messages").json["items"]
    assert [(m["name"], m["body"]) for m in listed] == [("Warm invite", "Hi {name}")]
    message_id = listed[0]["id"]
    assert api("PATCH", f"/messages/{message_id}", {"body": "Hello {name}"}).json["body"] == "Hello {name}"
    assert db.session.get(Message, message_id).name == "Warm invite"  # a patch changes only what it sends


def test_a_win_banked_from_an_ask_is_about_its_contact_from_the_web_and_the_api(client, api, make_contact, web_login, now):
    contact = make_contact(api.user, "Maya Chen")
    planner = user_service.user_settings(api.user).planner(None)
    ask = ask_service.create_ask(db.session, api.user.id, {"contact_id": contact.id}, planner, now)
    db.session.commit()
    from_api = api("POST", "/wins", {"text": "Maya said yes", "ask_id": ask.id}).json
    web_login(api.user.email)
    client.post("/wins", data={"csrf_token": csrf_from(client, "/wins"), "text": "Yes again", "ask_id": str(ask.id)})
    wins = {w["text"]: w for w in api("GET", "/wins").json["items"]}
    assert from_api["contact_id"] == contact.id
    assert wins["Yes again"]["contact_id"] == contact.id and wins["Yes again"]["ask_id"] == ask.id
