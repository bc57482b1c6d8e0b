"""Today is one function: the page, the morning digest and GET /api/v1/today list the same people, and the
week's asking is go-for-no's own tally, the same on Today, the digest, Go for no and /api/v1/stats."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

from outreach.accounts.models import User
from outreach.accounts.service import find_user
from outreach.asks import service as ask_service
from outreach.asks.stats import stats_for
from outreach.campaigns.models import Campaign
from outreach.contacts.models import Contact
from outreach.core.caller import caller_for
from outreach.core.ownership import owned
from outreach.core.types import utcnow
from outreach.extensions import db
from outreach.reminders import digest
from outreach.reminders import tick as jobs
from outreach.today.service import today
from outreach.transfer.demo import load_demo
from tests.conftest import Api
from tests.today.conftest import WARMING

LISTS = ("ask_now", "warm_up", "reminders_due", "waiting", "follow_ups")
HEADINGS = {"reminders_due": "Reminders due", "waiting": "Waiting for an answer", "follow_ups": "Follow-ups due"}
CONTACT_LINK = re.compile(r'href="/contacts/(\d+)"')


def section(page: str, marker: str) -> str:
    return page.split(marker, 1)[1].split("</section>", 1)[0]


def digest_part(text: str, heading: str) -> str:
    """One section of the plain-text digest: from its heading to the next blank line."""
    return text.split("\n" + heading, 1)[1].split("\n\n", 1)[0]


def test_the_api_the_page_and_the_digest_list_the_same_people(client, token_for, web_login, record_ask, now):
    load_demo(db.session, "demo@example.com", "demo-password", now)
    db.session.commit()
    user = find_user(db.session, "demo@example.com")
    # A "not now" from Noor whose follow-up is due in three days, so every list has someone in it.
    noor = db.session.scalars(owned(Contact, user.id).where(Contact.name == "Noor Aziz")).one()
    season = db.session.scalars(owned(Campaign, user.id).where(Campaign.kind == "podcast_season")).one()
    record_ask(user, noor, season, "not_now", days_ago=20, follow_up_on=(now + timedelta(days=3)).date())
    jobs.tick(db.session, now)
    db.session.commit()

    found = Api(client, token_for(user))("GET", "/today").json
    assert set(found) == {*LISTS, "this_week", "replies"}  # replies: asks the mailbox saw answered (capture)
    assert all(found[name] for name in LISTS), {name: len(found[name]) for name in LISTS}
    for name in LISTS:
        for item in found[name]:
            assert {"contact_id", "contact_name", "campaign_id", "campaign_name", "sentence", "action"} <= set(item)

    page = html.unescape(web_login("demo@example.com", "demo-password").get("/").get_data(as_text=True))
    text = digest.compose(db.session, caller_for(db.session.get_one(User, user.id)), "https://o.example").text

    def ids(items):
        return [str(item["contact_id"]) for item in items]

    assert CONTACT_LINK.findall(section(page, 'id="ask-now"')) == ids(found["ask_now"])
    assert CONTACT_LINK.findall(section(page, 'id="warm-up"')) == ids(found["warm_up"])
    assert re.findall(r"/contacts/(\d+)\n", digest_part(text, "Ask now")) == ids(found["ask_now"])
    assert re.findall(r"/contacts/(\d+)\n", digest_part(text, "Warm up")) == ids(found["warm_up"])
    for name, heading in HEADINGS.items():
        lines = digest_part(text, heading)
        for item in found[name]:
            assert item["sentence"] in page and item["sentence"] in lines
        assert lines.count("\n- ") == len(found[name])
    waiting, follow_up = found["waiting"][0], found["follow_ups"][0]
    assert (waiting["contact_name"], follow_up["contact_name"]) == ("Aisha Bello", "Noor Aziz")
    for item in (waiting, follow_up):
        assert item["contact_name"] in item["sentence"] and item["campaign_name"] in item["sentence"]


def test_one_not_now_and_an_unanswered_send_to_ten_are_eleven_asks_and_eleven_nos_everywhere(
    client, make_user, make_contact, token_for, web_login
):
    user = make_user("asker@example.com")
    contact = make_contact(user, "Grace Park", topics=["podcasting"])
    planner = caller_for(user).planner
    asked = utcnow()
    soon = (asked + timedelta(days=2)).date()
    not_now = {"contact_id": contact.id, "asked_at": asked, "outcome": "not_now", "follow_up_on": soon}
    unanswered_send = {"asked_at": asked, "recipients": 10, "outcome": "no_response"}
    for ask in (not_now, unanswered_send):
        ask_service.create_ask(db.session, user.id, ask, planner, asked)
    db.session.commit()
    api = Api(client, token_for(user))

    week = api("GET", "/stats").json["week"]
    assert (week["asks"], week["nos"], week["explicit_nos"], week["implicit_nos"]) == (11, 11, 1, 10)
    this_week = api("GET", "/today").json["this_week"]
    assert (this_week["asks"], this_week["nos"]) == (11, 11)
    web_login("asker@example.com")
    today_page = section(client.get("/").get_data(as_text=True), 'id="asking"')
    assert '11 <span class="muted">of 5 nos</span>' in today_page and "11 asks since" in today_page
    goforno_page = section(client.get("/go-for-no").get_data(as_text=True), 'id="week-h"')
    assert '11 <span class="muted">of 5 nos</span>' in goforno_page and "11 asks ·" in goforno_page
    mail = digest.compose(db.session, caller_for(db.session.get_one(User, user.id)), "https://o.example")
    assert mail is not None and "This week: 11 of 5 nos, 11 asks" in mail.text and "This week: 11 of 5 nos, 11 asks" in mail.html


def test_the_week_is_the_users_own_on_today_and_on_go_for_no(make_user, make_contact):
    user = make_user()
    user.timezone = "Pacific/Auckland"  # UTC+13 in November
    db.session.commit()
    contact = make_contact(user, "Jonas Lindqvist")
    now = datetime(2026, 11, 29, 20, 0)  # Monday 30 November, 09:00 in Auckland
    planner = caller_for(user, now).planner
    for asked in (datetime(2026, 11, 29, 10, 0), datetime(2026, 11, 29, 12, 0)):  # Sunday 23:00 and Monday 01:00 there
        ask_service.create_ask(db.session, user.id, {"contact_id": contact.id, "asked_at": asked, "outcome": "no"}, planner, now)
    db.session.commit()
    me = caller_for(db.session.get_one(User, user.id), now)
    week = today(db.session, me).this_week
    stats = stats_for(db.session, me)
    assert (week.week_start, week.asks, week.nos) == (stats.week_start, 1, 1)
    assert (stats.this_week.asks, stats.this_week.nos) == (1, 1)


def test_the_api_gives_the_short_lists_or_all_of_them(api, make_campaign, make_contact, log_touches, now):
    make_campaign(api.user, "Season 3", date=now.date() + timedelta(weeks=8))
    for n in range(9):
        log_touches(make_contact(api.user, f"Guest {n}", topics=["podcasting"]), *WARMING, now=now)
    assert len(api("GET", "/today").json["warm_up"]) == 7
    assert len(api("GET", "/today?all=true").json["warm_up"]) == 9
    refused = api("GET", "/today?all=perhaps")
    assert refused.status_code == 422 and "all" in refused.json["fields"]
    documented = api("GET", "/openapi.json").json["paths"]["/api/v1/today"]["get"]
    assert [p["name"] for p in documented["parameters"]] == ["all"]
