"""Every page, swept from the URL map: login required, CSRF required, another user's ids are 404."""

from __future__ import annotations

import re

import pytest

from outreach.accounts.auth import PUBLIC_ENDPOINTS
from outreach.contacts.models import Contact
from outreach.extensions import db
from tests.conftest import csrf_from


def web_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def fill(rule, ids) -> str:
    return re.sub(r"<(?:int:)?(\w+)>", lambda m: str(ids.get(m.group(1), 1)), rule.rule)


def test_every_page_requires_login(app, client):
    for rule, method in web_rules(app):
        response = client.open(fill(rule, {}), method=method)
        assert response.status_code in (302, 400), (method, rule.rule, response.status_code)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"], rule.rule


def test_every_post_refuses_a_missing_or_wrong_csrf_token(app, client, victim, web_login):
    user, ids = victim
    web_login(user.email)
    for rule, method in web_rules(app):
        if method != "POST" or rule.endpoint == "auth.logout":
            continue
        for token in (None, "wrong", csrf_from(client, "/").swapcase()):
            data = {"action": "done", "name": "x"} | ({"csrf_token": token} if token else {})
            response = client.post(fill(rule, ids), data=data)
            assert response.status_code == 400, (rule.rule, token, response.status_code)
    assert db.session.get(Contact, ids["contact_id"]).deleted_at is None
    assert client.post("/logout").status_code == 400


@pytest.mark.parametrize("path", ["/login", "/signup"])
def test_login_and_signup_posts_need_csrf_too(client, path):
    assert client.post(path, data={"email": "a@example.com", "password": "x"}).status_code == 400


def test_another_users_ids_are_404_on_every_page(app, client, victim, make_user, web_login):
    _, ids = victim
    intruder = make_user("intruder@example.com")
    web_login(intruder.email)
    token = csrf_from(client, "/")
    checked = 0
    for rule, method in web_rules(app):
        if not rule.arguments or rule.endpoint == "calendar.feed":
            continue
        response = client.open(
            fill(rule, ids), method=method, data={"csrf_token": token, "action": "done"} if method == "POST" else None
        )
        assert response.status_code == 404, (method, rule.rule, response.status_code)
        checked += 1
    assert checked >= 20
    db.session.expire_all()
    assert db.session.get(Contact, ids["contact_id"]).deleted_at is None


def test_no_page_answers_500_to_junk(app, client, make_user, make_contact, web_login):
    user = make_user("junk@example.com")
    contact = make_contact(user)
    web_login(user.email)
    token = csrf_from(client, "/")
    junk = {
        "csrf_token": token,
        "name": "x" * 5000,
        "date": "2024-99-99",
        "audience_size": "-∞",
        "kind": "nope",
        "start": "soon",
        "end": "later",
        "contact_id": "abc",
        "campaign_id": "-1",
        "outcome": "maybe",
        "occurred_at": "yesterday",
        "window_start_weeks": "x",
        "half_life_days": "0",
        "action": "explode",
        "file": "not a file",
        "url": "ftp://x",
    }
    for rule, method in web_rules(app):
        path = fill(rule, {"contact_id": contact.id})
        response = client.open(
            path,
            method=method,
            data=junk if method == "POST" else None,
            query_string={"page": "-3", "min_warmth": "hot", "ready_for": "x", "kind": "zzz"},
        )
        assert response.status_code < 500, (method, rule.rule, response.status_code)
