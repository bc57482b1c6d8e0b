"""Reminders through the API: listed, done, snoozed, dismissed; never another owner's."""

from __future__ import annotations

from datetime import timedelta

import pytest

from outreach.extensions import db
from outreach.reminders import tick as jobs
from tests.conftest import Api


@pytest.fixture
def ready_api(ready_pair, client, token_for, now):
    user, _contact, _campaign = ready_pair()
    jobs.tick(db.session, now)
    return Api(client, token_for(user))


def _ask_reminder(api):
    items = api("GET", "/reminders?kind=ask").json["items"]
    assert len(items) == 1
    return items[0]


def test_reminders_are_listed_with_a_stable_uid(ready_api):
    reminder = _ask_reminder(ready_api)
    assert reminder["state"] == "open" and reminder["uid"].startswith("reminder-")
    assert reminder["title"].startswith("Ask Maya Chen for ")


@pytest.mark.parametrize("state", ["done", "dismissed"])
def test_patch_closes_a_reminder(ready_api, state):
    reminder = _ask_reminder(ready_api)
    response = ready_api("PATCH", f"/reminders/{reminder['id']}", {"state": state})
    assert response.status_code == 200
    assert response.json["state"] == state and response.json["sequence"] == reminder["sequence"] + 1
    assert response.json["uid"] == reminder["uid"]


@pytest.mark.parametrize(("snooze", "days"), [("1d", 1), ("1w", 7)])
def test_snooze_moves_the_due_date(ready_api, now, snooze, days):
    reminder = _ask_reminder(ready_api)
    response = ready_api("PATCH", f"/reminders/{reminder['id']}", {"snooze": snooze})
    assert response.status_code == 200
    assert response.json["state"] == "snoozed"
    assert response.json["due_on"] == (now.date() + timedelta(days=days)).isoformat()


def test_snoozed_reminder_survives_the_next_tick_and_wakes_on_its_day(ready_api, now):
    reminder = _ask_reminder(ready_api)
    ready_api("PATCH", f"/reminders/{reminder['id']}", {"snooze": "1d"})
    jobs.tick(db.session, now)
    assert _ask_reminder(ready_api)["state"] == "snoozed"
    jobs.tick(db.session, now + timedelta(days=1))
    woken = _ask_reminder(ready_api)
    assert woken["state"] == "open" and woken["uid"] == reminder["uid"]


@pytest.mark.parametrize(
    "body",
    [{}, {"state": "withdrawn"}, {"state": "snoozed"}, {"snooze": "2d"}, {"snoozed_until": "2001-01-01"}, {"state": 3}],
)
def test_bad_patches_are_refused_with_field_errors(ready_api, body):
    reminder = _ask_reminder(ready_api)
    response = ready_api("PATCH", f"/reminders/{reminder['id']}", body)
    assert response.status_code in (400, 422)
    assert "error" in response.json and response.json.get("fields")


def test_another_owners_reminder_is_a_404(ready_api, api):
    reminder = _ask_reminder(ready_api)
    assert api("PATCH", f"/reminders/{reminder['id']}", {"state": "done"}).status_code == 404
    assert api("GET", "/reminders").json["total"] == 0
    assert _ask_reminder(ready_api)["state"] == "open"
