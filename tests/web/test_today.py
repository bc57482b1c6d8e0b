"""Today: the ask-ready board is reused while nothing changes, and never shows yesterday's news."""

from __future__ import annotations

from datetime import timedelta

import pytest

from outreach.accounts import service as user_service
from outreach.asks import service as ask_service
from outreach.campaigns import service as campaign_service
from outreach.extensions import db
from outreach.today import board as today_board


@pytest.fixture
def counted(monkeypatch):
    """How many times Today assessed the whole board."""
    calls = []
    real = today_board._assess_board
    monkeypatch.setattr(today_board, "_assess_board", lambda *args: calls.append(1) or real(*args))
    return calls


@pytest.fixture
def ready_page(ready_pair, web_login):
    user, contact, campaign = ready_pair()
    client = web_login(user.email)
    return user, contact, campaign, client


def ask_now_section(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return page.split('id="ask-now"')[1].split("</section>")[0]


def test_an_unchanged_board_is_assessed_once(ready_page, counted):
    _, contact, _, client = ready_page
    assert contact.name in ask_now_section(client)
    assert contact.name in ask_now_section(client)
    assert len(counted) == 1


def test_a_busy_period_takes_the_pair_off_ask_now_at_once(ready_page, counted, now):
    _, contact, _, client = ready_page
    assert contact.name in ask_now_section(client)
    campaign_service.add_busy_period(db.session, contact, now.date() - timedelta(days=1), now.date() + timedelta(days=5))
    db.session.commit()
    assert contact.name not in ask_now_section(client)
    assert len(counted) == 2


def test_an_ask_takes_the_pair_off_ask_now_at_once(ready_page, now):
    user, contact, campaign, client = ready_page
    assert contact.name in ask_now_section(client)
    planner = user_service.user_settings(user).planner(None)
    ask_service.create_ask(db.session, user.id, {"contact_id": contact.id, "campaign_id": campaign.id}, planner, now)
    db.session.commit()
    assert contact.name not in ask_now_section(client)


def test_a_touch_that_makes_a_pair_ready_shows_at_once(ready_page, make_contact, log_touches, now):
    user, _, _, client = ready_page
    newcomer = make_contact(user, "Priya Raman", topics=["podcasting"])
    log_touches(newcomer, ("collaboration", "inbound", 100), ("call", "outbound", 70), now=now)
    assert "Priya Raman" not in ask_now_section(client)
    log_touches(newcomer, ("meeting", "outbound", 10), now=now)
    assert "Priya Raman" in ask_now_section(client)


def test_new_settings_are_a_new_board(ready_page, counted):
    user, contact, _, client = ready_page
    assert contact.name in ask_now_section(client)
    user.settings = {**user.settings, "trust_warmth": 99}
    db.session.commit()
    assert contact.name not in ask_now_section(client)
    assert len(counted) == 2
