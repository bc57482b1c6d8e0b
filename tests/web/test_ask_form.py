"""The ask form: an edit keeps naming its contact and campaign, and the follow-up date is for "not now"."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from outreach.accounts import service as user_service
from outreach.asks import service as ask_service
from outreach.asks.models import Ask
from outreach.extensions import db
from tests.conftest import csrf_from


def selected(page: str, select_id: str) -> str:
    """The text of the option a <select> shows as chosen."""
    block = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert block, f"no select #{select_id}"
    chosen = re.search(r"<option[^>]*\bselected\b[^>]*>([^<]*)</option>", block.group(1))
    return chosen.group(1) if chosen else ""


@pytest.fixture
def asked(
    make_user: Callable[..., Any], make_contact: Callable[..., Any], make_campaign: Callable[..., Any], web_login: Any
) -> Ask:
    user = make_user("asker@example.com")
    contact, campaign = make_contact(user, "Maya Chen"), make_campaign(user, "Season 3")
    planner = user_service.user_settings(user).planner(None)
    ask = ask_service.create_ask(db.session, user.id, {"contact_id": contact.id, "campaign_id": campaign.id}, planner)
    db.session.commit()
    web_login(user.email)
    return ask


def test_an_edit_refused_for_bad_input_still_names_its_contact_and_campaign(client: FlaskClient, asked: Ask) -> None:
    path = f"/asks/{asked.id}/edit"
    response = client.post(
        path, data={"csrf_token": csrf_from(client, path), "outcome": "pending", "reason": "full_plate", "recipients": "1"}
    )
    page = response.get_data(as_text=True)
    assert 'class="error"' in page  # refused: a reason belongs to a no
    assert selected(page, "contact_id") == "Maya Chen"
    assert selected(page, "campaign_id") == "Season 3"
    assert "a bulk send, no one contact" not in selected(page, "contact_id")


def test_the_first_view_of_an_edit_names_them_too(client: FlaskClient, asked: Ask) -> None:
    page = client.get(f"/asks/{asked.id}/edit").get_data(as_text=True)
    assert (selected(page, "contact_id"), selected(page, "campaign_id")) == ("Maya Chen", "Season 3")


@pytest.mark.parametrize("path", ["/asks/new", "edit"])
def test_the_follow_up_date_is_marked_for_not_now_and_the_toggle_script_is_loaded(
    client: FlaskClient, asked: Ask, path: str
) -> None:
    page = client.get(f"/asks/{asked.id}/edit" if path == "edit" else path).get_data(as_text=True)
    wrapper = re.search(r'<div data-show-for-outcome="([^"]+)">\s*<div class="field[^"]*">\s*<label for="follow_up_on"', page)
    assert wrapper and wrapper.group(1) == "not_now"
    assert '<script src="/static/ask-form.js" defer></script>' in page
    script = client.get("/static/ask-form.js")
    script.close()
    assert script.status_code == 200


def test_without_the_script_a_not_now_with_its_follow_up_date_still_saves(client: FlaskClient, asked: Ask) -> None:
    path = f"/asks/{asked.id}/edit"
    data = {"csrf_token": csrf_from(client, path), "outcome": "not_now", "follow_up_on": "2031-03-01", "recipients": "1"}
    assert client.post(path, data=data).status_code == 302
    db.session.expire_all()
    saved = db.session.get_one(Ask, asked.id)
    assert (saved.outcome, saved.follow_up_on.isoformat() if saved.follow_up_on else None) == ("not_now", "2031-03-01")
