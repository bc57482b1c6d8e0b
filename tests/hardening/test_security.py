"""Web security: headers on every response, a throttled login, friendly 413s, safe redirects, cookie flags."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask, abort

from outreach import create_app
from outreach.extensions import db
from tests.conftest import csrf_from

INLINE = re.compile(r"\sstyle=|<script(?![^>]*\ssrc=)|\son[a-z]+=|<style", re.IGNORECASE)


def directives(response: Any) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split(None, 1)[1] for part in (p.strip() for p in policy.split(";")) if part}


def attempt(client: Any, email: str, password: str = "wrong", ip: str = "127.0.0.1", next_: str = "") -> Any:
    token = csrf_from(client, "/login")
    path = "/login" + (f"?next={quote(next_, safe='')}" if next_ else "")
    return client.post(path, data={"csrf_token": token, "email": email, "password": password}, environ_base={"REMOTE_ADDR": ip})


@pytest.fixture
def fresh_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """Another app on the test database, with config overrides; its connections are closed afterwards."""
    made: list[Flask] = []

    def make(**config: Any) -> Flask:
        made.append(create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, **config}))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


# --- security headers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/login", "/no-such-page", "/static/app.css", "/api/v1/openapi.json", "/api/v1/contacts", "/calendar/not-a-token.ics"],
)
def test_every_response_carries_the_security_headers(client, path):
    with client.get(path) as response:  # closes the static file's handle
        headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_the_policy_allows_only_our_own_scripts_and_styles(client):
    policy = directives(client.get("/login"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'" and policy["form-action"] == "'self'"


def test_the_calendar_download_carries_the_headers_too(client, make_user, web_login):
    make_user("cal@example.com")
    response = web_login("cal@example.com").get("/calendar/export.ics")
    assert response.mimetype == "text/calendar"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_page_needs_an_inline_script_or_style_the_policy_would_block(app, client, ready_pair, web_login):
    user, contact, campaign = ready_pair()
    web_login(user.email)
    ids = {"contact_id": contact.id, "campaign_id": campaign.id}
    pages = [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.arguments <= set(ids) and rule.endpoint != "static"
    ]
    found = {}
    for rule in pages:
        response = client.get(rule.build(ids)[1] + "?url=https://maya.example/post&title=Hi")
        if response.mimetype == "text/html":
            found[rule.rule] = INLINE.findall(response.get_data(as_text=True))
    assert "/campaigns/<int:campaign_id>" in found and "/log" in found
    assert {page: hits for page, hits in found.items() if hits} == {}


def test_the_warmth_badge_shows_its_band_as_a_class(client, ready_pair, web_login):
    user, contact, _ = ready_pair()
    page = web_login(user.email).get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert re.search(r'class="warmth w(\d|10)"', page)


def test_the_bookmarklet_opens_a_window_so_frame_ancestors_cannot_block_it(client, make_user, web_login):
    make_user("bm@example.com")
    page = web_login("bm@example.com").get("/bookmarklet").get_data(as_text=True)
    code = re.search(r'href="(javascript:[^"]+)"', page)
    assert code and "window.open(" in code.group(1) and "/log?url=" in code.group(1)
    assert client.get("/log?url=https://maya.example/").status_code == 200


# --- login rate limit ---------------------------------------------------------------------------


def test_the_sixth_attempt_at_one_account_in_a_minute_gets_429_and_the_login_form(client, make_user):
    make_user("maya@example.com")
    assert [attempt(client, "maya@example.com").status_code for _ in range(5)] == [200] * 5
    throttled = attempt(client, "maya@example.com", password="correct horse")
    page = throttled.get_data(as_text=True)
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
    assert "Too many login attempts — wait a minute" in page and 'name="password"' in page


def test_the_account_limit_ignores_case_and_holds_from_another_address(client, make_user):
    make_user("maya@example.com")
    for i in range(5):
        attempt(client, "Maya@Example.com" if i % 2 else "maya@example.com", ip=f"10.0.0.{i}")
    assert attempt(client, "MAYA@EXAMPLE.COM", password="correct horse", ip="10.0.1.1").status_code == 429


def test_the_address_limit_counts_attempts_across_accounts(client):
    assert [attempt(client, f"guess{i}@example.com").status_code for i in range(10)] == [200] * 10
    assert attempt(client, "guess10@example.com").status_code == 429
    assert attempt(client, "guess11@example.com", ip="10.9.9.9").status_code == 200


def test_another_account_from_another_address_still_logs_in(client, make_user):
    make_user("maya@example.com")
    make_user("ravi@example.com")
    for _ in range(6):
        attempt(client, "maya@example.com")
    assert attempt(client, "ravi@example.com", password="correct horse", ip="10.0.0.7").status_code == 302


def test_limits_come_from_config(fresh_app, make_user):
    make_user("maya@example.com")
    client = fresh_app(LOGIN_LIMIT_PER_ACCOUNT="2 per hour").test_client()
    assert [attempt(client, "maya@example.com").status_code for _ in range(3)] == [200, 200, 429]
    assert "wait 60 minutes" in attempt(client, "maya@example.com").get_data(as_text=True)


def test_each_app_counts_afresh(fresh_app, make_user):
    make_user("maya@example.com")
    first = fresh_app().test_client()
    for _ in range(6):
        attempt(first, "maya@example.com")
    assert attempt(fresh_app().test_client(), "maya@example.com", password="correct horse").status_code == 302


def test_nothing_but_the_login_post_is_limited(client, api):
    assert {client.get("/login").status_code for _ in range(30)} == {200}
    assert {api("GET", "/contacts").status_code for _ in range(30)} == {200}


def test_a_429_under_the_api_is_json(app, api):
    app.add_url_rule("/api/v1/_throttled", "api.throttled", lambda: abort(429))
    response = api("GET", "/_throttled")
    assert response.status_code == 429 and "wait" in response.json["error"]


# --- uploads beyond MAX_CONTENT_LENGTH ----------------------------------------------------------


def big_multipart(token: str, megabytes: int = 11) -> bytes:
    return (
        b'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' + token.encode() + b"\r\n"
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
        + b"x" * (megabytes * 1024 * 1024)
        + b"\r\n--b--\r\n"
    )


def test_an_oversize_upload_gets_a_friendly_413_page(client, make_user, web_login):
    make_user("big@example.com")
    web_login("big@example.com")
    body = big_multipart(csrf_from(client, "/data/"))
    response = client.post("/data/import/contacts", data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 413
    assert "That upload is too big: the limit is 10 MB" in response.get_data(as_text=True)


def test_an_oversize_api_body_gets_a_json_413(api):
    response = api("POST", "/contacts", data=b'{"name": "' + b"x" * (11 * 1024 * 1024) + b'"}', content_type="application/json")
    assert response.status_code == 413 and "too large" in response.json["error"]


# --- redirects after login ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "/\\/evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "http:evil.example",
    ],
)
def test_next_never_leaves_the_site(client, make_user, target):
    make_user("maya@example.com")
    response = attempt(client, "maya@example.com", password="correct horse", next_=target)
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_next_keeps_a_path_on_our_site(client, make_user):
    make_user("maya@example.com")
    response = attempt(client, "maya@example.com", password="correct horse", next_="/contacts/?q=maya")
    assert response.headers["Location"] == "/contacts/?q=maya"


# --- cookies ------------------------------------------------------------------------------------


def cookie(response: Any, name: str) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(name + "="))


def test_login_cookies_are_httponly_and_samesite_lax(client, make_user):
    make_user("maya@example.com")
    token = csrf_from(client, "/login")
    response = client.post(
        "/login", data={"csrf_token": token, "email": "maya@example.com", "password": "correct horse", "remember": "y"}
    )
    for name in ("session", "remember_token"):
        flags = cookie(response, name)
        assert "HttpOnly" in flags and "SameSite=Lax" in flags and "Secure" not in flags


def test_login_cookies_are_secure_when_served_over_https(fresh_app, make_user, monkeypatch):
    make_user("maya@example.com")
    monkeypatch.setenv("OUTREACH_SECURE_COOKIES", "1")
    client = fresh_app().test_client()
    token = csrf_from(client, "https://localhost/login")
    data = {"csrf_token": token, "email": "maya@example.com", "password": "correct horse", "remember": "y"}
    response = client.post("/login", base_url="https://localhost", data=data, headers={"Referer": "https://localhost/login"})
    assert response.status_code == 302
    assert all("Secure" in cookie(response, name) for name in ("session", "remember_token"))


def test_behind_a_trusted_proxy_the_login_limit_counts_the_real_client(fresh_app):
    app = fresh_app(
        TRUSTED_PROXIES=1, LOGIN_LIMIT_PER_IP="2 per minute", LOGIN_LIMIT_PER_ACCOUNT="100 per minute", WTF_CSRF_ENABLED=False
    )
    client = app.test_client()

    def attempt(client_address: str) -> int:
        headers = {"X-Forwarded-For": client_address}
        return client.post("/login", data={"email": "x@example.com", "password": "wrong"}, headers=headers).status_code

    assert [attempt("203.0.113.7") for _ in range(3)][-1] == 429
    assert attempt("198.51.100.9") != 429  # another client behind the same proxy is not punished
