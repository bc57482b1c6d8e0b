"""Deleting a campaign, a touch or an ask asks first and can be undone, as deleting a contact can."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from outreach.accounts import service as user_service
from outreach.accounts.models import User
from outreach.asks import service as ask_service
from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.contacts import touches as touch_service
from outreach.contacts.models import Contact
from outreach.core.ownership import owned
from outreach.domain import warmth
from outreach.extensions import db
from outreach.reminders import tick as jobs
from outreach.reminders.models import Reminder
from tests.conftest import csrf_from


def confirm_form(page: str, action: str) -> re.Match[str] | None:
    """The delete form inside a <details class="confirm">: it posts only after the question is opened."""
    return re.search(
        rf'<details class="confirm">\s*<summary[^>]*>[^<]+</summary>\s*<div class="confirm-box">\s*<p>([^<]+)</p>\s*'
        rf'<form method="post" action="{re.escape(action)}"',
        page,
    )


def undo_url(page: str) -> str:
    """The Undo button's action in the flash that says what was deleted."""
    found = re.search(r'<div class="flash info" role="status">[^<]*<form method="post" action="([^"]+)"', page)
    assert found, "no Undo offered"
    return found.group(1)


def post(client: FlaskClient, path: str, page: str = "/") -> Any:
    return client.post(path, data={"csrf_token": csrf_from(client, page)}, follow_redirects=True)


def warmth_of(contact: Contact, now: datetime) -> float:
    db.session.expire_all()
    fresh = db.session.get_one(Contact, contact.id)
    return warmth.warmth(fresh.warmth_key, now, warmth.WarmthParams())


@pytest.fixture
def ready(ready_pair: Callable[..., Any], web_login: Callable[..., Any], now: datetime) -> tuple[User, Contact, Campaign]:
    user, contact, campaign = ready_pair()
    web_login(user.email)
    return user, contact, campaign


def _ask(user: User, contact: Contact | None, campaign: Campaign | None, now: datetime, **fields: Any) -> Ask:
    planner = user_service.user_settings(user).planner(None)
    people = {"contact_id": contact.id if contact else None, "campaign_id": campaign.id if campaign else None}
    ask = ask_service.create_ask(db.session, user.id, {**people, **fields}, planner, now)
    db.session.commit()
    return ask


def test_a_campaign_delete_asks_first_then_offers_undo_and_undo_brings_it_back(
    client: FlaskClient, ready: tuple[User, Contact, Campaign], now: datetime
) -> None:
    user, contact, campaign = ready
    ask = _ask(user, contact, campaign, now)
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    question = confirm_form(page, f"/campaigns/{campaign.id}/delete")
    assert question and question.group(1).startswith(f"Delete {campaign.name}?")

    after = post(client, f"/campaigns/{campaign.id}/delete", f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert f"Deleted {campaign.name}" in after and undo_url(after) == f"/campaigns/{campaign.id}/restore"
    assert client.get(f"/campaigns/{campaign.id}").status_code == 404
    assert campaign.name not in client.get("/campaigns/").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Ask, ask.id) is not None  # its asks stay in the ledger

    post(client, undo_url(after))
    assert client.get(f"/campaigns/{campaign.id}").status_code == 200
    assert campaign.name in client.get("/campaigns/").get_data(as_text=True)


def test_a_deleted_campaigns_reminders_are_withdrawn_and_an_undo_reopens_them(
    client: FlaskClient, ready: tuple[User, Contact, Campaign], now: datetime
) -> None:
    user, _contact, campaign = ready
    jobs.tick(db.session, now)
    db.session.commit()
    states = lambda: sorted(  # noqa: E731
        r.state for r in db.session.scalars(owned(Reminder, user.id).where(Reminder.campaign_id == campaign.id))
    )
    assert states() == ["open"]
    post(client, f"/campaigns/{campaign.id}/delete", f"/campaigns/{campaign.id}")
    db.session.expire_all()
    assert states() == ["withdrawn"]  # the calendar feed sends it as cancelled
    assert "Ask Maya Chen" not in client.get("/").get_data(as_text=True)
    post(client, f"/campaigns/{campaign.id}/restore")
    db.session.expire_all()
    assert states() == ["open"]


def test_a_touch_delete_asks_first_recomputes_warmth_and_undo_restores_it(
    client: FlaskClient, ready: tuple[User, Contact, Campaign], now: datetime
) -> None:
    _user, contact, _campaign = ready
    before = warmth_of(contact, now)
    latest = touch_service.touches_of(db.session, contact)[0]
    page = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert confirm_form(page, f"/contacts/touches/{latest.id}/delete")

    after = post(client, f"/contacts/touches/{latest.id}/delete", f"/contacts/{contact.id}").get_data(as_text=True)
    assert "Touch deleted" in after and undo_url(after) == f"/contacts/touches/{latest.id}/restore"
    assert warmth_of(contact, now) < before
    assert f"/contacts/touches/{latest.id}/delete" not in after  # gone from the timeline

    restored = post(client, undo_url(after)).get_data(as_text=True)
    assert warmth_of(contact, now) == pytest.approx(before)
    assert f"/contacts/touches/{latest.id}/delete" in restored


def test_an_ask_delete_asks_first_leaves_the_ledger_and_undo_restores_it(
    client: FlaskClient, ready: tuple[User, Contact, Campaign], now: datetime
) -> None:
    user, contact, campaign = ready
    ask = _ask(user, contact, campaign, now, request="Guest on Season 3?", outcome="no", reason="full_plate")
    page = client.get(f"/asks/{ask.id}/edit").get_data(as_text=True)
    assert confirm_form(page, f"/asks/{ask.id}/delete")
    stats = lambda: client.get("/go-for-no").get_data(as_text=True)  # noqa: E731
    assert "<dt>Asks</dt><dd>1</dd>" in stats()

    after = post(client, f"/asks/{ask.id}/delete", f"/asks/{ask.id}/edit").get_data(as_text=True)
    assert "Ask deleted" in after and undo_url(after) == f"/asks/{ask.id}/restore"
    assert "Guest on Season 3?" not in after  # back on the contact page, gone from its timeline
    assert "<dt>Asks</dt><dd>0</dd>" in stats()
    assert client.get(f"/asks/{ask.id}/edit").status_code == 404

    restored = post(client, undo_url(after)).get_data(as_text=True)
    assert "Guest on Season 3?" in restored
    assert "<dt>Asks</dt><dd>1</dd>" in stats()


def test_a_bulk_send_goes_and_comes_back_with_its_replies(
    client: FlaskClient, ready: tuple[User, Contact, Campaign], now: datetime
) -> None:
    user, contact, campaign = ready
    bulk = _ask(user, None, campaign, now, recipients=20, channel="newsletter")
    reply = _ask(user, contact, None, now, parent_id=bulk.id, outcome="yes")
    after = post(client, f"/asks/{bulk.id}/delete", f"/asks/{bulk.id}/edit").get_data(as_text=True)
    assert "Ask and its 1 reply deleted" in after
    assert client.get(f"/asks/{reply.id}/edit").status_code == 404
    post(client, undo_url(after))
    assert client.get(f"/asks/{reply.id}/edit").status_code == 200


def test_an_ask_whose_campaign_was_deleted_still_names_it(
    client: FlaskClient, ready: tuple[User, Contact, Campaign], now: datetime
) -> None:
    user, contact, campaign = ready
    ask = _ask(user, contact, campaign, now)
    post(client, f"/campaigns/{campaign.id}/delete", f"/campaigns/{campaign.id}")
    page = client.get(f"/asks/{ask.id}/edit").get_data(as_text=True)
    assert re.search(rf'<option selected value="{campaign.id}">{campaign.name} \(deleted\)</option>', page)


def test_a_contact_delete_asks_first_too(client: FlaskClient, ready: tuple[User, Contact, Campaign]) -> None:
    _user, contact, _campaign = ready
    page = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    question = confirm_form(page, f"/contacts/{contact.id}/delete")
    assert question and "You can undo" in question.group(1)
