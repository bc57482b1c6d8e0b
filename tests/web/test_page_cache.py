"""Today and the contacts list are served as last rendered while nothing of the user's changed, and never
once anything did: a write from anywhere (another worker, the tick, a script) shows on the next view."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import update

from outreach.contacts.models import Contact
from outreach.core import page_cache
from outreach.core.types import utcnow
from outreach.extensions import db
from outreach.today import service as today_service
from tests.conftest import CSRF_PATTERN, csrf_from


@pytest.fixture
def renders(monkeypatch):
    """How often each page was rendered, rather than served as kept."""
    counted: Counter[str] = Counter()
    real_today = today_service.today

    def today(*args, **kwargs):
        counted["today"] += 1
        return real_today(*args, **kwargs)

    monkeypatch.setattr(today_service, "today", today)
    page_cache.forget()
    yield counted
    page_cache.forget()


@pytest.fixture
def maya_page(ready_pair, client, web_login):
    user, maya, _ = ready_pair()
    web_login(user.email)
    client.get("/")  # the first view puts a CSRF token in the session; pages are kept from the next
    return user, maya


def test_an_unchanged_page_is_served_as_kept(maya_page, client, renders):
    first = client.get("/")
    again = client.get("/")
    assert first.status_code == again.status_code == 200
    assert again.data == first.data
    assert renders["today"] == 1


def test_a_write_by_anyone_else_shows_on_the_next_view(maya_page, client, renders):
    _, maya = maya_page
    assert "Maya" in client.get("/contacts/").get_data(as_text=True)
    # As another worker, a script or the tick would: straight to the database, nothing this process saw.
    db.session.execute(update(Contact).where(Contact.id == maya.id).values(name="Maya Renamed"))
    db.session.commit()
    assert "Maya Renamed" in client.get("/contacts/").get_data(as_text=True)
    assert "Maya Renamed" in client.get("/").get_data(as_text=True)


def test_the_clock_moving_a_step_renders_again(maya_page, client, renders, monkeypatch):
    client.get("/")
    later = utcnow() + timedelta(minutes=page_cache.CLOCK_MINUTES)
    monkeypatch.setattr(page_cache, "utcnow", lambda: later)
    client.get("/")
    assert renders["today"] == 2


def test_a_message_to_show_is_shown_once_and_not_kept(maya_page, client, renders):
    _, maya = maya_page
    token = CSRF_PATTERN.search(client.get("/").get_data(as_text=True))
    assert token
    done = client.post(
        "/today/touches", data={"csrf_token": token.group(1) or token.group(2), "contact_id": maya.id, "kind": "comment"}
    )
    assert done.status_code == 302
    shown = client.get("/").get_data(as_text=True)
    assert "Logged for Maya" in shown
    assert "Logged for Maya" not in client.get("/").get_data(as_text=True)


def test_another_login_of_the_same_user_gets_its_own_page(maya_page, app, client, renders):
    user, _ = maya_page
    mine = CSRF_PATTERN.search(client.get("/").get_data(as_text=True))
    other = app.test_client()
    g.pop("csrf_token", None)  # the test shares one app context: a browser of its own has its own token
    answer = other.post(
        "/login", data={"email": user.email, "password": "correct horse", "csrf_token": csrf_from(other, "/login")}
    )
    assert answer.status_code == 302
    other.get("/")
    theirs = CSRF_PATTERN.search(other.get("/").get_data(as_text=True))
    assert mine and theirs and mine.group(0) != theirs.group(0)
    assert renders["today"] >= 2  # rendered for each login: a kept page carries its login's CSRF token
