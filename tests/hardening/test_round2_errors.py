"""Issue 15, item 7: the smaller 500s — deep JSON, a stale ask form, 405 without Allow, a chunked upload too big."""

from __future__ import annotations

import io
from importlib import import_module

import pytest

from outreach.core.openapi import OPERATIONS
from outreach.setup import API_MODULES
from tests.conftest import csrf_from

for _module in API_MODULES:
    import_module(_module)  # each registers its routes (and their OpenAPI operations) on import
BODY_ROUTES = sorted({(op.method, op.rule) for op in OPERATIONS if op.body is not None})


def _concrete(rule: str) -> str:
    """A rule's path with every <int:...> argument filled in (the record need not exist: the body is read first)."""
    parts = rule.split("/")
    return "/".join("1" if part.startswith("<") else part for part in parts)


@pytest.mark.parametrize("depth", [1_000, 100_000])
@pytest.mark.parametrize(("method", "rule"), BODY_ROUTES)
def test_json_nested_too_deep_gets_a_400_on_every_json_body_route(api, method, rule, depth):
    body = '{"name": ' + "[" * depth + "]" * depth + "}"
    response = api(method, _concrete(rule), data=body, content_type="application/json")
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert "JSON" in response.json["fields"]["body"]


def test_there_are_json_body_routes_to_check():
    assert len(BODY_ROUTES) >= 15


def test_asks_new_with_someone_elses_contact_shows_the_form_again_with_a_message(client, make_user, make_contact, web_login):
    other = make_contact(make_user("other@example.com"), "Not Yours")
    make_user("maya@example.com")
    web_login("maya@example.com")
    data = {"csrf_token": csrf_from(client, "/asks/new"), "contact_id": str(other.id), "outcome": "pending", "recipients": "1"}
    response = client.post("/asks/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200  # the form again, as for any other mistake on it
    assert "That contact is not one of yours" in page and 'name="request"' in page
    assert "Not Yours" not in page


@pytest.mark.parametrize("field", ["campaign_id", "message_id", "parent_id"])
def test_asks_new_with_a_stale_campaign_message_or_send_shows_the_form_again(client, make_user, web_login, field):
    make_user("maya@example.com")
    web_login("maya@example.com")
    data = {"csrf_token": csrf_from(client, "/asks/new"), field: "987654", "outcome": "pending", "recipients": "1"}
    response = client.post("/asks/new", data=data)
    assert response.status_code == 200
    assert "is not one of yours" in response.get_data(as_text=True)


@pytest.mark.parametrize(("method", "path"), [("PUT", "/login"), ("DELETE", "/contacts/"), ("PUT", "/api/v1/contacts")])
def test_a_405_names_the_methods_allowed(client, method, path):
    response = client.open(path, method=method)
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert "GET" in allowed


def _chunked_json(megabytes: int) -> io.BytesIO:
    return io.BytesIO(b'{"name": "' + b"x" * (megabytes * 1024 * 1024) + b'"}')


# gunicorn and werkzeug's server set wsgi.input_terminated for a chunked body (they de-chunk it);
# the test client leaves it out unless told, and then werkzeug reads no body at all.
SERVER_DECHUNKED = {"wsgi.input_terminated": True}


def test_a_12_mb_chunked_api_body_gets_413_not_400(client, api):
    response = client.post(
        "/api/v1/contacts",
        input_stream=_chunked_json(12),
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.token}", "Transfer-Encoding": "chunked"},
        environ_base=SERVER_DECHUNKED,
    )
    assert response.status_code == 413 and "too large" in response.json["error"]


def test_a_small_chunked_api_body_still_works(client, api):
    response = client.post(
        "/api/v1/contacts",
        input_stream=io.BytesIO(b'{"name": "Chunked Chen"}'),
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.token}", "Transfer-Encoding": "chunked"},
        environ_base=SERVER_DECHUNKED,
    )
    assert response.status_code == 201 and response.json["name"] == "Chunked Chen"


def test_a_12_mb_chunked_upload_gets_the_friendly_413_page(client, make_user, web_login):
    make_user("big@example.com")
    web_login("big@example.com")
    token = csrf_from(client, "/data/")
    body = (
        b'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' + token.encode() + b"\r\n"
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
        + b"x" * (12 * 1024 * 1024)
        + b"\r\n--b--\r\n"
    )
    response = client.post(
        "/data/import/contacts",
        input_stream=io.BytesIO(body),
        content_type="multipart/form-data; boundary=b",
        headers={"Transfer-Encoding": "chunked"},
        environ_base=SERVER_DECHUNKED,
    )
    assert response.status_code == 413
    assert "That upload is too big: the limit is 10 MB" in response.get_data(as_text=True)


def test_a_patch_cannot_empty_a_time_a_record_must_keep(api, make_contact):
    """Found by the API fuzzer in CI: a null asked_at on PATCH reached the database's NOT NULL (a 500)."""
    contact = make_contact(api.user, "Maya Chen")
    ask = api("POST", "/asks", {"contact_id": contact.id, "request": "Guest on Season 4?"}).json
    refused = api("PATCH", f"/asks/{ask['id']}", {"asked_at": None})
    assert refused.status_code == 422, refused.json
    assert refused.json["fields"]["asked_at"] == "An ask keeps the day it was sent: give that day, or leave it as it is."
    assert api("GET", "/asks").json["items"][0]["asked_at"] == ask["asked_at"]
