"""Issue 15, item 10: personal pages and exports are never stored by a cache; HSTS when cookies are secure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from outreach import create_app
from outreach.extensions import db
from outreach.reminders.models import Reminder
from tests.conftest import csrf_from

PERSONAL = [
    "/",
    "/contacts/",
    "/contacts/{contact_id}",
    "/campaigns/",
    "/settings/",
    "/go-for-no",
    "/data/",
    "/data/export/contacts.csv",
    "/data/export/outreach.json",
    "/calendar/export.ics",
    "/calendar/reminders/{reminder_id}.ics",
]


@pytest.fixture
def logged_in(client: Any, victim: Any, web_login: Any) -> tuple[Any, dict[str, int]]:
    user, ids = victim
    web_login(user.email)
    return client, ids


@pytest.mark.parametrize("path", PERSONAL)
def test_personal_pages_and_exports_are_never_stored(logged_in, path):
    client, ids = logged_in
    response = client.get(path.format(**ids))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_api_answers_are_never_stored(api):
    response = api("GET", "/contacts")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_the_public_calendar_feed_keeps_its_caching_and_etag(logged_in):
    client, _ = logged_in
    page = client.post("/calendar/token", data={"csrf_token": csrf_from(client, "/settings/")}).get_data(as_text=True)
    path = "/calendar/" + page.split("/calendar/", 1)[1].split(".ics", 1)[0] + ".ics"
    client.post("/logout", data={"csrf_token": csrf_from(client, "/settings/")})
    first = client.get(path)
    assert first.status_code == 200 and db.session.scalar(db.select(db.func.count(Reminder.id))) == 1
    assert "no-store" not in first.headers["Cache-Control"] and "max-age=300" in first.headers["Cache-Control"]
    assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_static_files_stay_cacheable(client):
    with client.get("/static/app.css") as response:
        assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.fixture
def secure_app(database_url: str) -> Iterator[Flask]:
    served = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "SESSION_COOKIE_SECURE": True})
    yield served
    with served.app_context():
        db.engine.dispose()


def test_hsts_is_sent_when_cookies_are_secure(secure_app):
    response = secure_app.test_client().get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert int(response.headers["Strict-Transport-Security"].split("=")[1].split(";")[0]) >= 180 * 86400


def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
