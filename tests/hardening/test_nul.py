"""NUL characters, which PostgreSQL cannot store, are refused or dropped at the edges — never a 500."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_from


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/contacts", {"name": "a\x00b"}),
        ("POST", "/contacts", {"name": "ok", "tags": ["x\x00"]}),
        ("GET", "/contacts?q=a%00b", None),
        ("POST", "/messages", {"name": "m", "body": "\x00"}),
    ],
)
def test_api_refuses_nul_characters(api, method, path, body):
    response = api(method, path, body)
    assert response.status_code in (200, 422)


def test_web_pages_survive_nul_characters(client, make_user, web_login):
    make_user("nul@example.com")
    web_login("nul@example.com")
    assert client.get("/contacts/?q=a%00b&tag=%00&page=99999999999999999999").status_code == 200
    token = csrf_from(client, "/settings/")
    assert client.post("/settings/tokens", data={"csrf_token": token, "name": "lap\x00top"}).status_code == 200
    assert client.post("/login", data={"csrf_token": token, "email": "x\x00@example.com", "password": "p"}).status_code < 500
