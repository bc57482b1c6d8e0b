"""The Today page: a short ranked warm-up list with a one-click Done, and asks that name who and what for."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from outreach.contacts.touches import touches_of
from outreach.extensions import db
from tests.conftest import csrf_from
from tests.today.conftest import WARMING

DONE_FORM = re.compile(r'<form method="post" action="/today/touches".*?</form>', re.S)


@pytest.fixture
def season_page(make_user, make_campaign, web_login, now):
    """A logged-in user with a podcast season whose ask window is open."""
    user = make_user("host@example.com")
    campaign = make_campaign(user, "Season 3", date=now.date() + timedelta(weeks=8))
    return user, campaign, web_login("host@example.com")


def warm_up_section(client, query: str = "") -> str:
    page = client.get("/" + query).get_data(as_text=True)
    return html.unescape(page.split('id="warm-up"')[1].split("</section>")[0])


def hidden(form: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', form)
    assert match, f"no {name} in {form}"
    return match.group(1)


def test_done_logs_the_suggested_touch_and_comes_back_to_today(season_page, make_contact, log_touches, now):
    user, _, client = season_page
    contact = make_contact(user, "Hannah Weiss", topics=["podcasting"])
    log_touches(contact, *WARMING, now=now)
    form = DONE_FORM.search(warm_up_section(client)).group(0)
    assert hidden(form, "contact_id") == str(contact.id)
    kind = hidden(form, "kind")
    before = len(touches_of(db.session, contact))
    fields = {name: hidden(form, name) for name in ("contact_id", "kind", "note")}
    response = client.post("/today/touches", data={**fields, "csrf_token": csrf_from(client, "/")})
    assert response.status_code == 302 and response.headers["Location"].endswith("/#warm-up")
    db.session.expire_all()
    logged = touches_of(db.session, contact)
    assert len(logged) == before + 1 and (logged[0].kind, logged[0].direction) == (kind, "outbound")
    assert logged[0].note.endswith("(warming up for Season 3)")
    assert "Logged for Hannah Weiss" in html.unescape(client.get("/").get_data(as_text=True))


def test_done_refuses_a_forged_post_another_users_contact_and_an_unknown_kind(season_page, make_user, make_contact):
    user, _, client = season_page
    mine = make_contact(user, "Mine", topics=["podcasting"])
    theirs = make_contact(make_user(), "Theirs", topics=["podcasting"])
    token = csrf_from(client, "/")
    assert client.post("/today/touches", data={"contact_id": mine.id, "kind": "comment"}).status_code == 400
    stranger = client.post("/today/touches", data={"contact_id": theirs.id, "kind": "comment", "csrf_token": token})
    assert stranger.status_code == 404
    unknown = client.post("/today/touches", data={"contact_id": mine.id, "kind": "telepathy", "csrf_token": token})
    assert unknown.status_code == 400 and "choose comment, share" in unknown.get_data(as_text=True)
    assert touches_of(db.session, mine) == []


def test_a_wait_item_has_no_done_button(season_page, make_contact, log_touches, now):
    user, _, client = season_page
    contact = make_contact(user, "Tom Becker", topics=["podcasting"])
    log_touches(contact, ("collaboration", "inbound", 56), ("meeting", "outbound", 10), now=now)
    listed = warm_up_section(client)
    assert "Tom Becker" in listed and "Wait until" in listed
    assert DONE_FORM.search(listed) is None


def test_seven_are_shown_with_a_link_to_all(season_page, make_contact, log_touches, now):
    user, _, client = season_page
    for n in range(9):
        log_touches(make_contact(user, f"Guest {n}", topics=["podcasting"]), *WARMING, now=now)
    short = warm_up_section(client)
    assert len(DONE_FORM.findall(short)) == 7 and "Show all 9" in short
    everyone = warm_up_section(client, "?all=1")
    assert len(DONE_FORM.findall(everyone)) == 9 and "Show the first 7" in everyone
    assert everyone.count("For Season 3") == 1  # one heading per campaign


def test_waiting_and_follow_ups_name_the_person_and_the_campaign(season_page, make_contact, record_ask, now):
    user, campaign, client = season_page
    aisha, grace = make_contact(user, "Aisha Bello"), make_contact(user, "Grace Park")
    record_ask(user, aisha, campaign, "pending", days_ago=3)
    record_ask(user, grace, campaign, "not_now", days_ago=20, follow_up_on=(now + timedelta(days=2)).date())
    page = html.unescape(client.get("/").get_data(as_text=True))
    asking = page.split('id="asking"')[1].split("</section>")[0]
    waiting, follow_ups = asking.split("Follow-ups due")
    assert "You asked Aisha Bello about Season 3 on" in waiting
    assert "Grace Park said not now about Season 3 on" in follow_ups and "follow up on" in follow_ups
