"""A first day that guides: an empty account's Today is a getting-started checklist, each step ticked
from the data as it is done, and gone once all are."""

from __future__ import annotations

import html
import re

from outreach.calendar import service as calendar_service
from outreach.extensions import db
from outreach.transfer.importer import import_contacts

STEPS = (
    "Import your LinkedIn or Google contacts",
    "Add a contact by hand",
    "Create a campaign: a podcast season or a launch",
    "Log a first touch",
    "Subscribe to the calendar feed",
    "Set your audience size",
)


def today_page(client) -> str:
    return html.unescape(client.get("/").get_data(as_text=True))


def ticked(page: str) -> list[str]:
    return re.findall(r"<s>(.*?)</s>", page)


def test_an_empty_account_sees_the_checklist_and_no_card_pointing_at_an_empty_list(make_user, web_login):
    make_user("new@example.com")
    page = today_page(web_login("new@example.com"))
    assert "Getting started" in page and "0 of 6 done" in page
    for step in STEPS:
        assert step in page
    assert 'id="ask-now"' not in page and 'id="warm-up"' not in page
    assert "the Warm up list says whom" not in page


def test_each_step_is_ticked_from_the_data_and_the_list_goes_once_all_are(
    make_user, make_contact, make_campaign, log_touches, web_login, now
):
    user = make_user("new@example.com")
    client = web_login("new@example.com")
    steps = [
        lambda: import_contacts(db.session, user.id, b"name,email\nPriya Raman,priya@example.com\n", "generic"),
        lambda: make_contact(user, "Maya Chen", topics=["podcasting"]),
        lambda: make_campaign(user, "Season 1"),
        lambda: log_touches(make_contact(user, "Tom Becker"), ("comment", "outbound", 1), now=now),
        lambda: calendar_service.create_token(user),
        lambda: setattr(user, "audience_size", 4_000),
    ]
    for done, (step, label) in enumerate(zip(steps, STEPS, strict=True), 1):
        step()
        db.session.commit()
        page = today_page(client)
        if done < len(STEPS):
            assert f"{done} of 6 done" in page and ticked(page) == list(STEPS[:done]), label
    assert "Getting started" not in page
    assert 'id="ask-now"' in page and 'id="warm-up"' in page


def test_contacts_but_no_campaign_are_told_what_to_do_next(make_user, make_contact, web_login):
    user = make_user("new@example.com")
    make_contact(user, "Maya Chen", topics=["podcasting"])
    page = today_page(web_login("new@example.com"))
    ask_now = page.split('id="ask-now"')[1].split("</section>")[0]
    assert "the Warm up list says whom" not in ask_now and "Create a campaign" in ask_now
