"""The ledger through the service and the API: history kept, replies attached, stats for the demo."""

from __future__ import annotations

from outreach.asks.models import AskChange
from outreach.contacts import service as contact_service
from outreach.extensions import db
from outreach.transfer.demo import load_demo
from tests.conftest import Api


def test_an_asks_history_survives_edits(api, make_contact):
    contact = make_contact(api.user)
    created = api("POST", "/asks", {"contact_id": contact.id, "request": "Guest on S4?"}).json
    api("PATCH", f"/asks/{created['id']}", {"outcome": "not_now", "follow_up_on": "2027-02-01", "reason": "timing"})
    api(
        "PATCH",
        f"/asks/{created['id']}",
        {"outcome": "no", "follow_up_on": None, "reason": "full_plate", "lesson": "ask in January"},
    )
    changes = db.session.scalars(db.select(AskChange).order_by(AskChange.id)).all()
    assert [c.changes["outcome"] for c in changes] == [["pending", "not_now"], ["not_now", "no"]]
    assert changes[1].changes["lesson"] == ["", "ask in January"]


def test_replies_attach_to_a_bulk_send_and_count_in_stats(api, make_contact):
    bulk = api("POST", "/asks", {"channel": "newsletter", "recipients": 100, "request": "Know a guest?"}).json
    contact = make_contact(api.user)
    reply = api("POST", "/asks", {"parent_id": bulk["id"], "contact_id": contact.id, "outcome": "yes"})
    assert reply.status_code == 201 and reply.json["parent_id"] == bulk["id"]
    api("PATCH", f"/asks/{bulk['id']}", {"outcome": "no_response"})
    overall = api("GET", "/stats").json["overall"]
    assert (overall["asks"], overall["yeses"], overall["implicit_nos"]) == (100, 1, 99)


def test_a_reply_must_attach_to_a_bulk_send(api, make_contact):
    single = api("POST", "/asks", {"contact_id": make_contact(api.user).id}).json
    response = api("POST", "/asks", {"parent_id": single["id"], "outcome": "yes"})
    assert response.status_code == 422 and "parent_id" in response.json["fields"]


def test_deleting_a_contact_keeps_its_asks_in_the_stats(api, make_contact):
    contact = make_contact(api.user)
    api("POST", "/asks", {"contact_id": contact.id, "outcome": "no", "reason": "audience_mismatch"})
    contact_service.delete_contact(db.session, contact)
    db.session.commit()
    stats = api("GET", "/stats").json
    assert stats["overall"]["explicit_nos"] == 1
    assert stats["reasons"] == [{"reason": "audience_mismatch", "count": 1}]


def test_stats_for_an_empty_ledger(api):
    stats = api("GET", "/stats").json
    assert stats["overall"]["asks"] == 0 and stats["overall"]["no_to_yes"] is None
    assert stats["headline"].startswith("No asks yet")


def test_demo_stats_tell_a_podcasters_story(client, token_for):
    load_demo(db.session, "demo@example.com", "demo-password")
    db.session.commit()
    from outreach.accounts.service import find_user

    stats = Api(client, token_for(find_user(db.session, "demo@example.com")))("GET", "/stats").json
    assert stats["overall"]["asks"] == 108 and stats["overall"]["yeses"] == 2
    assert {r["reason"] for r in stats["reasons"]} >= {"full_plate", "audience_mismatch", "connection_too_shallow"}
    assert stats["lessons"][0]["lesson"]
