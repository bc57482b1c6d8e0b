"""The API's contract, swept from the URL map so new routes are covered automatically:
auth on every route, another owner's ids are 404, bad input is a 4xx naming the field."""

from __future__ import annotations

import re
from datetime import timedelta

import jsonschema_rs
import pytest

from outreach.accounts import service as user_service
from outreach.contacts.models import BusyPeriod
from outreach.core.types import utcnow
from outreach.extensions import db
from tests.conftest import Api

VALID_BODIES = {
    ("/contacts", "POST"): {"name": "New"},
    ("/contacts/<int:contact_id>", "PATCH"): {"notes": "x"},
    ("/contacts/<int:contact_id>/touches", "POST"): {"kind": "comment"},
    ("/contacts/<int:contact_id>/busy-periods", "POST"): {"start": "2027-01-01", "end": "2027-01-02"},
    ("/contacts/<int:contact_id>/offers", "POST"): {"kind": "free_call", "happened_on": "2026-01-01"},
    ("/campaigns", "POST"): {"name": "C", "date": "2027-06-01"},
    ("/campaigns/<int:campaign_id>", "PATCH"): {"name": "Renamed"},
    ("/campaigns/<int:campaign_id>/episodes", "POST"): {"contact_id": 0},
    ("/episodes/<int:episode_id>", "PATCH"): {"title": "x"},
    ("/asks", "POST"): {"contact_id": 0},
    ("/asks/<int:ask_id>", "PATCH"): {"lesson": "x"},
    ("/reminders/<int:reminder_id>", "PATCH"): {"state": "done"},
    ("/messages/<int:message_id>", "PATCH"): {"name": "x"},
    ("/mail-accounts/<int:mail_account_id>", "PATCH"): {"status": "paused"},
    ("/contacts/<int:contact_id>/feeds", "POST"): {"url": "https://example.com/feed.xml"},
    ("/openings/<int:opening_id>", "PATCH"): {"state": "dismissed"},
}


def api_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.rule.removeprefix("/api/v1"), method


def test_every_route_but_the_description_needs_a_token(client, app):
    for path, method in api_rules(app):
        url = "/api/v1" + re.sub(r"<int:\w+>", "1", path)
        response = client.open(url, method=method, json={})
        if path == "/openapi.json":
            assert response.status_code == 200
        else:
            assert response.status_code == 401, (method, path)
            assert response.json["error"] and "Bearer" in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer wrong", "Token abc", "bearer  "])
def test_missing_or_malformed_tokens_are_401(client, header):
    response = client.get("/api/v1/contacts", headers={"Authorization": header} if header else {})
    assert response.status_code == 401


def test_a_revoked_token_is_401(client, make_user):
    user = make_user()
    record, token = user_service.create_token(db.session, user)
    db.session.commit()
    assert client.get("/api/v1/contacts", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    user_service.revoke_token(db.session, user, record.id)
    db.session.commit()
    assert client.get("/api/v1/contacts", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_another_owners_ids_are_404_on_every_route_with_an_id(app, victim, api):
    _, ids = victim
    checked = 0
    for path, method in api_rules(app):
        names = re.findall(r"<int:(\w+)>", path)
        if not names:
            continue
        url = re.sub(r"<int:(\w+)>", lambda m: str(ids[m.group(1)]), path)
        if path.endswith("/readiness") and "contacts" in path:
            url += f"?campaign={ids['campaign_id']}"
        body = dict(VALID_BODIES.get((path, method), {}))
        if "contact_id" in body:
            body["contact_id"] = ids["contact_id"]
        response = api(method, url, body or None)
        assert response.status_code == 404, (method, path, response.status_code, response.json)
        assert set(response.json) == {"error"}
        checked += 1
    assert checked >= 20


def test_another_owners_ids_in_bodies_and_queries_are_404(victim, api, make_contact, make_campaign):
    _, ids = victim
    mine = make_contact(api.user)
    my_campaign = make_campaign(api.user)
    assert api("POST", "/asks", {"contact_id": ids["contact_id"]}).status_code == 404
    assert api("POST", "/asks", {"campaign_id": ids["campaign_id"]}).status_code == 404
    assert api("GET", f"/contacts/{mine.id}/readiness?campaign={ids['campaign_id']}").status_code == 404
    assert api("GET", f"/contacts/{ids['contact_id']}/readiness?campaign={my_campaign.id}").status_code == 404
    assert api("POST", f"/campaigns/{my_campaign.id}/episodes", {"contact_id": ids["contact_id"]}).status_code == 404


def test_lists_never_show_another_owners_records(victim, api):
    for path in ("/contacts", "/campaigns", "/asks", "/reminders"):
        assert api("GET", path).json["total"] == 0, path
    assert api("GET", "/stats").json["overall"]["asks"] == 0


def test_the_victims_data_is_unchanged_after_the_attack(app, victim, api, client, token_for):
    user, ids = victim
    test_another_owners_ids_are_404_on_every_route_with_an_id(app, victim, api)
    owner = Api(client, token_for(user))
    assert owner("GET", f"/contacts/{ids['contact_id']}").json["notes"] == ""
    assert owner("GET", f"/campaigns/{ids['campaign_id']}").json["name"] == "Season 3"
    assert db.session.get(BusyPeriod, ids["period_id"]) is not None


BAD = [
    ("POST", "/contacts", None, "body"),
    ("POST", "/contacts", [1, 2], "body"),
    ("POST", "/contacts", {"name": "x", "colour": "red"}, "colour"),
    ("POST", "/contacts", {"name": "x", "kind": "celebrity"}, "kind"),
    ("POST", "/contacts", {"name": "x", "audience_size": -1}, "audience_size"),
    ("POST", "/contacts", {"name": "x" * 201}, "name"),
    ("POST", "/contacts", {"name": 5}, "name"),
    ("POST", "/contacts", {"name": "x", "topics": "podcasting"}, "topics"),
    ("POST", "/contacts", {"name": "x", "fit_override": 6}, "fit_override"),
    ("POST", "/contacts", {"name": "x", "email": "not-an-email"}, "email"),
    ("POST", "/contacts", {"name": "x", "links": ["javascript:alert(1)"]}, "links.0"),
    ("POST", "/campaigns", {"name": "x", "date": "2024-13-45"}, "date"),
    (
        "POST",
        "/campaigns",
        {"name": "x", "date": "2027-01-01", "window_start_weeks": 3, "window_end_weeks": 5},
        "window_end_weeks",
    ),
    ("POST", "/asks", {"outcome": "maybe"}, "outcome"),
    ("POST", "/asks", {"reason": "full_plate"}, "reason"),
    ("POST", "/asks", {"outcome": "yes", "follow_up_on": "2027-01-01"}, "follow_up_on"),
    ("POST", "/asks", {"recipients": 0}, "recipients"),
    ("GET", "/contacts?per_page=0", None, "per_page"),
    ("GET", "/contacts?per_page=abc", None, "per_page"),
    ("GET", "/contacts?min_warmth=101", None, "min_warmth"),
    ("GET", "/contacts?sort=bogus", None, "sort"),
    ("GET", "/contacts?unknown=1", None, "unknown"),
    ("GET", "/reminders?due_before=soon", None, "due_before"),
]


@pytest.mark.parametrize(("method", "path", "body", "field"), BAD, ids=[f"{m} {p} {f}" for m, p, _, f in BAD])
def test_bad_input_is_a_4xx_naming_the_field(api, method, path, body, field):
    response = api(method, path, body)
    assert response.status_code in (400, 422)
    assert response.json["error"] == "invalid input"
    assert field in response.json["fields"], response.json


def test_a_touch_in_the_future_is_refused(api, make_contact):
    contact = make_contact(api.user)
    future = (utcnow() + timedelta(days=30)).isoformat()
    response = api("POST", f"/contacts/{contact.id}/touches", {"kind": "comment", "occurred_at": future})
    assert response.status_code == 422 and "occurred_at" in response.json["fields"]


def test_busy_period_ending_before_it_starts_is_refused(api, make_contact):
    contact = make_contact(api.user)
    response = api("POST", f"/contacts/{contact.id}/busy-periods", {"start": "2027-01-05", "end": "2027-01-01"})
    assert response.status_code == 422 and "end" in response.json["fields"]


def test_patch_null_for_a_required_field_is_refused(api, make_contact):
    contact = make_contact(api.user)
    response = api("PATCH", f"/contacts/{contact.id}", {"name": None})
    assert response.status_code == 422 and "name" in response.json["fields"]


def test_unknown_urls_and_methods_answer_json(api):
    assert api("GET", "/nope").status_code == 404 and api("GET", "/nope").json["error"]
    response = api("PUT", "/contacts")
    assert response.status_code == 405 and response.json["error"]


def test_openapi_describes_every_route(app, client):
    document = client.get("/api/v1/openapi.json").json
    for path, method in api_rules(app):
        openapi_path = re.sub(r"<int:(\w+)>", r"{\1}", path)
        assert method.lower() in document["paths"]["/api/v1" + openapi_path], (method, path)


def test_openapi_names_a_model_for_every_response_body(client):
    document = client.get("/api/v1/openapi.json").json
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if code.startswith("2") and code != "204" and not path.endswith("/openapi.json"):
                    assert "$ref" in response["content"]["application/json"]["schema"], (method, path, code)


def test_every_answer_has_the_documented_shape(app, client, victim, token_for):
    """The fuzzer checks this too, slowly; this is every GET of an account holding one record of each kind."""
    user, ids = victim
    owner = Api(client, token_for(user))
    document = client.get("/api/v1/openapi.json").json
    checked = 0
    for path, method in api_rules(app):
        operation = document["paths"]["/api/v1" + re.sub(r"<int:(\w+)>", r"{\1}", path)][method.lower()]
        if method != "GET" or path == "/openapi.json":
            continue
        url = re.sub(r"<int:(\w+)>", lambda m: str(ids[m.group(1)]), path)
        if url.endswith("/readiness") and "contacts" in url:
            url += f"?campaign={ids['campaign_id']}"
        response = owner(method, url)
        assert response.status_code == 200, (url, response.json)
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        jsonschema_rs.validate({**schema, "components": document["components"]}, response.json)
        checked += 1
    assert checked >= 15


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/contacts/9223372036854775808", None),
        ("GET", "/asks?campaign_id=9223372036854775808", None),
        ("POST", "/asks", {"contact_id": 2**40}),
        ("GET", "/contacts?max_warmth=2.2737028601105407e-184", None),
        ("POST", "/asks", {"asked_at": None}),
    ],
)
def test_values_found_by_the_fuzzer_are_answered_without_a_500(api, method, path, body):
    # Ids beyond 32 bits overflowed SQLite; a tiny warmth bound took log2(0).
    assert api(method, path, body).status_code < 500
