"""Issue 15, item 4: a login ends on the server — at logout, at a password change, or everywhere at once."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask_login.utils import decode_cookie, encode_cookie

from outreach.accounts.models import LoginSession
from outreach.extensions import db
from tests.conftest import csrf_from


class Browser:
    """A browser of its own: its cookies, and a fresh app context (so a fresh `g`) for every request,
    as a server gives each request; the test's own pushed context would otherwise be shared."""

    def __init__(self, app: Flask) -> None:
        self.app, self.client = app, app.test_client()

    def get(self, path: str, **kwargs: Any) -> Any:
        with self.app.app_context():
            return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, Any], **kwargs: Any) -> Any:
        with self.app.app_context():
            token = csrf_from(self.client, path if path in ("/login", "/account/password") else "/settings/")
        with self.app.app_context():
            return self.client.post(path, data={"csrf_token": token, **data}, **kwargs)

    def cookie(self, name: str) -> str:
        found = self.client.get_cookie(name)
        assert found is not None, f"no {name} cookie"
        return found.value

    def copy(self, *names: str) -> Browser:
        """Another browser holding copies of these cookies: what a thief would have."""
        thief = Browser(self.app)
        for name in names:
            thief.client.set_cookie(name, self.cookie(name))
        return thief

    def opens_settings(self) -> bool:
        response = self.get("/settings/")
        return response.status_code == 200 and "Log out everywhere" in response.get_data(as_text=True)


def log_in(app: Flask, email: str, remember: bool = False) -> Browser:
    browser = Browser(app)
    data = {"email": email, "password": "correct horse", **({"remember": "y"} if remember else {})}
    assert browser.post("/login", data).status_code == 302
    return browser


@pytest.fixture
def maya(make_user):
    user = make_user("maya@example.com")
    maya = SimpleNamespace(id=user.id, email=user.email)
    db.session.close()  # the test's own session must hold no SQLite lock while the browsers log in
    return maya


def test_a_copied_session_cookie_stops_working_after_logout(app, maya):
    browser = log_in(app, maya.email)
    thief = browser.copy("session")
    assert thief.opens_settings()
    browser.post("/logout", {})
    assert not browser.opens_settings()
    assert not thief.opens_settings()


def test_a_copied_remember_me_cookie_stops_working_after_logout(app, maya):
    browser = log_in(app, maya.email, remember=True)
    thief = browser.copy("remember_token")
    assert thief.opens_settings()  # the remember-me cookie alone logs in
    browser.post("/logout", {})
    assert not thief.copy("remember_token").opens_settings()


def test_logging_out_here_keeps_the_other_browsers_logged_in(app, maya):
    laptop, phone = log_in(app, maya.email), log_in(app, maya.email, remember=True)
    laptop.post("/logout", {})
    assert not laptop.opens_settings()
    assert phone.opens_settings()


def test_a_password_change_ends_every_other_login_and_remember_me_cookie(app, maya):
    here = log_in(app, maya.email)
    phone = log_in(app, maya.email, remember=True)
    stolen = phone.copy("remember_token")
    response = here.post(
        "/account/password",
        {"current": "correct horse", "password": "a new horse", "confirm": "a new horse"},
        follow_redirects=True,
    )
    assert "Password changed. You were logged out on 1 other browser." in response.get_data(as_text=True)
    assert here.opens_settings()
    assert not phone.opens_settings()
    assert not stolen.opens_settings()


def test_settings_offers_log_out_everywhere_and_it_ends_every_login(app, maya, make_user):
    make_user("ravi@example.com")
    db.session.close()
    other_user = log_in(app, "ravi@example.com")
    here, phone = log_in(app, maya.email), log_in(app, maya.email, remember=True)
    stolen = phone.copy("session", "remember_token")
    page = here.get("/settings/").get_data(as_text=True)
    assert "2 logins open" in page and "/account/logout-everywhere" in page
    response = here.post("/account/logout-everywhere", {})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not any(b.opens_settings() for b in (here, phone, stolen))
    assert other_user.opens_settings()
    assert db.session.scalar(db.select(db.func.count(LoginSession.id)).where(LoginSession.owner_id == maya.id)) == 0


def test_a_forged_login_id_opens_nothing(app, maya):
    browser = log_in(app, maya.email, remember=True)
    user_id, _, key = decode_cookie(browser.cookie("remember_token")).partition(":")
    assert user_id == str(maya.id) and len(key) >= 40  # the cookie names this login, not only the user
    forged = [f"{maya.id}", f"{maya.id}:", f"{maya.id}:{'x' * 43}", f"{maya.id + 1}:{key}", f"{maya.id}:{key}x"]
    for value in forged:
        thief = Browser(app)
        with app.test_request_context():
            thief.client.set_cookie("remember_token", encode_cookie(value))
        assert not thief.opens_settings(), value
    assert browser.copy("remember_token").opens_settings()  # while the real one still works
