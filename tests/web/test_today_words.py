"""Today's words: counts in the singular for one, and the nos-in-a-row heading with the wins it names."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from outreach.accounts import service as user_service
from outreach.asks import service as ask_service
from outreach.extensions import db
from outreach.learning.models import Win


def test_five_nos_in_a_row_head_the_card_that_lists_the_wins(
    client: FlaskClient,
    make_user: Callable[..., Any],
    make_contact: Callable[..., Any],
    web_login: Callable[..., Any],
    now: datetime,
) -> None:
    user = make_user("nos@example.com")
    contact = make_contact(user, "Omar Haddad")
    planner = user_service.user_settings(user).planner(None)
    for days in range(5):
        data = {"contact_id": contact.id, "asked_at": now - timedelta(days=10 + days), "outcome": "no"}
        ask_service.create_ask(db.session, user.id, data, planner, now)
    db.session.add(Win(owner_id=user.id, text="Tom said yes to Season 4"))
    db.session.commit()
    web_login(user.email)
    page = client.get("/").get_data(as_text=True)
    card = re.search(r'<section class="card" aria-labelledby="wins-h">(.*?)</section>', page, re.S)
    assert card, "no wins card"
    heading = re.search(r'<h2 id="wins-h">([^<]+)</h2>\s*<ul>(.*?)</ul>', card.group(1), re.S)
    assert heading, "the heading is not followed by its list of wins"
    assert heading.group(1) == "5 nos in a row — remember these wins"
    assert "Tom said yes to Season 4" in heading.group(2)


def test_the_week_says_one_ask_and_one_yes_in_the_singular(
    client: FlaskClient,
    make_user: Callable[..., Any],
    make_contact: Callable[..., Any],
    web_login: Callable[..., Any],
    now: datetime,
) -> None:
    user = make_user("one@example.com")
    contact = make_contact(user, "Maya Chen")
    planner = user_service.user_settings(user).planner(None)
    ask_service.create_ask(db.session, user.id, {"contact_id": contact.id, "asked_at": now, "outcome": "yes"}, planner, now)
    db.session.commit()
    web_login(user.email)
    today = client.get("/").get_data(as_text=True)
    assert re.search(r"<p>1 ask since [^<]+ · 1 yes\.", today), "Today's week line"
    assert "1 asks" not in today and "1 yeses" not in today
    stats = client.get("/go-for-no").get_data(as_text=True)
    assert "<p>1 ask · 1 yes · 0 waiting.</p>" in stats
