"""Plans, messages and wins through the API, on the demo data and on hand-made ledgers."""

from __future__ import annotations

from outreach.accounts.service import find_user
from outreach.extensions import db
from outreach.transfer.demo import load_demo
from tests.conftest import Api


def test_the_demo_launch_plan_says_how_many_to_warm_up_and_whom(client, token_for):
    load_demo(db.session, "demo@example.com", "demo-password")
    db.session.commit()
    api = Api(client, token_for(find_user(db.session, "demo@example.com")))
    launch = next(c for c in api("GET", "/campaigns").json["items"] if c["kind"] == "launch")
    found = api("GET", f"/campaigns/{launch['id']}/plan").json
    assert found["yes_rate_from_prior"] and found["asks_needed"] == 25
    assert found["summary"].startswith("Warm Outreach course launch on ")
    assert "needs ~25 asks" in found["summary"]
    assert found["warm_up_first"] and found["shortfall"] > 0 and "find 20 more contacts who fit" in found["summary"]
    assert not found["warm_up_first"][0]["moonshot"]
    assert [c["moonshot"] for c in found["warm_up_first"]] == sorted(c["moonshot"] for c in found["warm_up_first"])


def test_messages_are_judged_honestly(api, make_contact):
    invite = api("POST", "/messages", {"name": "Warm invite", "body": "Hi {name}, would you join {campaign}?"}).json
    contact = make_contact(api.user)
    for outcome in ("yes", "no", "no"):
        api("POST", "/asks", {"contact_id": contact.id, "message_id": invite["id"], "outcome": outcome})
    listed = api("GET", "/messages").json
    item = listed["items"][0]
    assert (item["sends"], item["replies"], item["yeses"]) == (3, 3, 1)
    assert item["verdict"] == "3 sends: too few to judge; about 97 more would tell."
    assert listed["comparison"].startswith("Not enough sends")


def test_a_bulk_send_counts_its_recipients_as_sends(api, make_contact):
    invite = api("POST", "/messages", {"name": "Newsletter ask"}).json
    bulk = api("POST", "/asks", {"recipients": 150, "message_id": invite["id"]}).json
    api("POST", "/asks", {"parent_id": bulk["id"], "contact_id": make_contact(api.user).id, "outcome": "yes"})
    item = api("GET", "/messages").json["items"][0]
    assert (item["sends"], item["yeses"]) == (150, 1)
    assert item["verdict"].startswith("150 sends: yes rate 1%")


def test_a_bulk_send_decided_without_attached_replies_counts_as_the_ledger_does(api):
    """'A newsletter to 100, one yes' typed on the send itself: one reply, one yes, as the stats count it."""
    invite = api("POST", "/messages", {"name": "Newsletter ask"}).json
    api("POST", "/asks", {"recipients": 100, "message_id": invite["id"], "outcome": "yes"})
    item = api("GET", "/messages").json["items"][0]
    assert (item["sends"], item["replies"], item["yeses"]) == (100, 1, 1)
    overall = api("GET", "/stats").json["overall"]
    assert (overall["asks"], overall["yeses"], overall["implicit_nos"]) == (100, 1, 99)


def test_the_demo_judges_its_messages_and_banks_its_wins(client, token_for):
    load_demo(db.session, "demo@example.com", "demo-password")
    db.session.commit()
    api = Api(client, token_for(find_user(db.session, "demo@example.com")))
    messages = {m["name"]: m for m in api("GET", "/messages").json["items"]}
    newsletter, personal = messages["Newsletter: know a guest?"], messages["Personal invite with an episode idea"]
    assert (newsletter["sends"], newsletter["yeses"]) == (100, 1)
    assert personal["verdict"].endswith("too few to judge; about 92 more would tell.")
    assert any(w["kind"] == "yes" and "Tom Becker" in w["text"] for w in api("GET", "/wins").json["items"])


def test_wins_are_banked_and_listed(api, make_contact):
    contact = make_contact(api.user)
    ask = api("POST", "/asks", {"contact_id": contact.id, "outcome": "yes"}).json
    win = api("POST", "/wins", {"text": "Maya said yes to Season 4", "ask_id": ask["id"], "contact_id": contact.id})
    assert win.status_code == 201
    assert api("GET", "/wins").json["items"][0]["text"] == "Maya said yes to Season 4"
    assert api("POST", "/wins", {"text": ""}).status_code == 422


def test_another_users_messages_cannot_be_named_on_an_ask(api, make_user, client, token_for, make_contact):
    other = Api(client, token_for(make_user()))
    theirs = other("POST", "/messages", {"name": "Theirs"}).json
    assert api("POST", "/asks", {"contact_id": make_contact(api.user).id, "message_id": theirs["id"]}).status_code == 404


def test_research_fields_round_trip(api):
    created = api(
        "POST",
        "/contacts",
        {
            "name": "R",
            "preferred_contact": "email via assistant",
            "promotions_url": "https://r.example/affiliates",
            "upcoming_events": "Book launch in May",
        },
    ).json
    assert created["promotions_url"] == "https://r.example/affiliates" and created["upcoming_events"] == "Book launch in May"
