"""The tick is idempotent, survives a crash halfway, and applies each rule on the right day."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from outreach.accounts import service as user_service
from outreach.asks import service as ask_service
from outreach.asks.models import Ask
from outreach.campaigns import service as campaign_service
from outreach.extensions import db
from outreach.reminders import tick as jobs
from outreach.reminders.models import Reminder


def test_a_second_tick_the_same_day_changes_nothing(ready_pair, reminders_of, now):
    user, _contact, _campaign = ready_pair()
    first = jobs.tick(db.session, now)
    assert first["ask created"] == 1
    before = reminders_of(user)
    second = jobs.tick(db.session, now)
    assert not any(key.endswith(("created", "updated", "withdrawn")) for key in second)
    assert reminders_of(user) == before


def test_ask_reminder_carries_the_three_sentences(ready_pair, now):
    _user, contact, campaign = ready_pair()
    jobs.tick(db.session, now)
    reminder = db.session.scalars(db.select(Reminder).where(Reminder.kind == "ask")).one()
    assert reminder.title == f"Ask {contact.name} for {campaign.name}"
    assert reminder.due_on == now.date()
    for sentence in ("Fit", "Trust", "Timing"):
        assert sentence in reminder.body


class Killed(BaseException):
    """A kill, not an error: the tick contains an owner's Exception, but a kill stops it (as SIGKILL would)."""


def test_a_tick_killed_halfway_and_rerun_leaves_no_duplicate_and_no_gap(ready_pair, make_user, reminders_of, now):
    users = [ready_pair(name=f"Guest {i}")[0] for i in range(3)]
    calls = Counter()

    def crash_on_the_second_owner(event: str) -> None:
        calls[event] += 1
        if calls[event] == 2:
            raise Killed

    with pytest.raises(Killed):
        jobs.tick(db.session, now, hook=crash_on_the_second_owner)
    db.session.rollback()
    jobs.tick(db.session, now)
    after_rerun = [reminders_of(u) for u in users]

    db.session.execute(db.delete(Reminder))
    db.session.commit()
    jobs.tick(db.session, now)
    clean = [reminders_of(u) for u in users]
    assert after_rerun == clean
    assert all(len([r for r in rows if r[0] == "ask"]) == 1 for rows in after_rerun)


@pytest.mark.parametrize(
    ("days_from_open", "expected"),
    [(-1, False), (0, True), (1, True)],
    ids=["day-before-window-opens", "window-opens-today", "day-after-opening"],
)
def test_ask_reminder_starts_the_day_the_window_opens(ready_pair, reminders_of, now, days_from_open, expected):
    # Window opens 12 weeks before the date: put the opening days_from_open days before "today".
    date = now.date() + timedelta(weeks=12) - timedelta(days=days_from_open)
    user, _, _ = ready_pair(date=date)
    jobs.tick(db.session, now)
    assert any(r[0] == "ask" for r in reminders_of(user)) is expected


@pytest.mark.parametrize(("days_after_close", "expected"), [(0, True), (1, False)], ids=["closes-today", "closed-yesterday"])
def test_ask_reminder_ends_when_the_window_closes(ready_pair, reminders_of, now, days_after_close, expected):
    date = now.date() + timedelta(weeks=3) - timedelta(days=days_after_close)
    user, _, _ = ready_pair(date=date)
    jobs.tick(db.session, now)
    assert any(r[0] == "ask" and r[4] == "open" for r in reminders_of(user)) is expected


@pytest.mark.parametrize(("busy_ends_in", "expected"), [(0, False), (-1, True)], ids=["busy-ends-today", "busy-ended-yesterday"])
def test_busy_period_blocks_the_ask_through_its_last_day(ready_pair, reminders_of, now, busy_ends_in, expected):
    user, contact, _ = ready_pair()
    end = now.date() + timedelta(days=busy_ends_in)
    campaign_service.add_busy_period(db.session, contact, end - timedelta(days=10), end, "their launch")
    db.session.commit()
    jobs.tick(db.session, now)
    assert any(r[0] == "ask" for r in reminders_of(user)) is expected


def test_a_pair_that_stops_being_ready_has_its_reminder_withdrawn_not_duplicated(ready_pair, reminders_of, now):
    user, contact, _ = ready_pair()
    jobs.tick(db.session, now)
    campaign_service.add_busy_period(db.session, contact, now.date(), now.date() + timedelta(days=20), "book launch")
    db.session.commit()
    jobs.tick(db.session, now)
    asks = [r for r in reminders_of(user) if r[0] == "ask"]
    assert [r[4] for r in asks] == ["withdrawn"]
    reminder = db.session.scalars(db.select(Reminder).where(Reminder.kind == "ask")).one()
    assert reminder.sequence >= 1 and "busy" in reminder.body


def test_warming_pair_gets_a_target_on_its_forecast_date(make_user, make_contact, make_campaign, log_touches, reminders_of, now):
    user = make_user()
    contact = make_contact(user, "Slow Burn", topics=["podcasting"])
    log_touches(contact, ("email", "inbound", 80), ("comment", "outbound", 70), now=now)
    make_campaign(user, date=now.date() + timedelta(weeks=11))
    jobs.tick(db.session, now)
    targets = [r for r in reminders_of(user) if r[0] == "target"]
    assert len(targets) == 1 and targets[0][3] > now.date()
    reminder = db.session.scalars(db.select(Reminder).where(Reminder.kind == "target")).one()
    assert f"by {targets[0][3]:%d %b %Y}" in reminder.title


def test_pending_ask_becomes_an_implicit_no_once(make_user, make_contact, now):
    user = make_user()
    contact = make_contact(user)
    planner = user_service.user_settings(user).planner(None)
    old = ask_service.create_ask(
        db.session, user.id, {"contact_id": contact.id, "asked_at": now - timedelta(days=15)}, planner, now
    )
    recent = ask_service.create_ask(
        db.session, user.id, {"contact_id": contact.id, "asked_at": now - timedelta(days=13)}, planner, now
    )
    db.session.commit()
    assert jobs.tick(db.session, now)["implicit_no"] == 1
    decided = db.session.get(Ask, old.id).decided_at
    assert jobs.tick(db.session, now + timedelta(hours=1))["implicit_no"] == 0
    db.session.expire_all()
    assert db.session.get(Ask, old.id).outcome == "no_response"
    assert db.session.get(Ask, old.id).decided_at == decided
    assert db.session.get(Ask, recent.id).outcome == "pending"


def test_not_now_produces_a_follow_up_on_its_date(make_user, make_contact, reminders_of, now):
    user = make_user()
    contact = make_contact(user, "Grace Park")
    planner = user_service.user_settings(user).planner(None)
    follow = now.date() + timedelta(days=30)
    ask_service.create_ask(
        db.session,
        user.id,
        {"contact_id": contact.id, "asked_at": now - timedelta(days=2), "outcome": "not_now", "follow_up_on": follow},
        planner,
        now,
    )
    db.session.commit()
    jobs.tick(db.session, now)
    assert ("follow_up", contact.id, None, follow, "open") in reminders_of(user)


def test_cooling_contact_gets_keep_warm_and_a_new_touch_clears_it(make_user, make_contact, log_touches, reminders_of, now):
    user = make_user()
    contact = make_contact(user, "Cooling Carla")
    # Warmth just above 60 now, below it within two weeks.
    log_touches(contact, ("collaboration", "inbound", 57), ("share", "outbound", 1), now=now)
    jobs.tick(db.session, now)
    assert [r[0] for r in reminders_of(user)] == ["keep_warm"]
    log_touches(contact, ("comment", "outbound", 0), now=now)
    assert [r[4] for r in reminders_of(user)] == ["done"]


def test_recording_the_ask_closes_the_ask_reminder(ready_pair, reminders_of, now):
    user, contact, campaign = ready_pair()
    jobs.tick(db.session, now)
    planner = user_service.user_settings(user).planner(None)
    ask_service.create_ask(db.session, user.id, {"contact_id": contact.id, "campaign_id": campaign.id}, planner, now)
    db.session.commit()
    assert [r[4] for r in reminders_of(user) if r[0] == "ask"] == ["done"]
    jobs.tick(db.session, now)
    assert [r[4] for r in reminders_of(user) if r[0] == "ask"] == ["done"]


def test_a_pair_ready_again_brings_back_the_same_event_on_the_new_day(ready_pair, now):
    _user, contact, _ = ready_pair()
    jobs.tick(db.session, now)
    first = db.session.scalars(db.select(Reminder).where(Reminder.kind == "ask")).one()
    uid, sequence = first.uid, first.sequence
    campaign_service.add_busy_period(db.session, contact, now.date(), now.date() + timedelta(days=3), "their launch")
    db.session.commit()
    jobs.tick(db.session, now)
    later = now + timedelta(days=4)
    jobs.tick(db.session, later)
    rows = db.session.scalars(db.select(Reminder).where(Reminder.kind == "ask")).all()
    assert len(rows) == 1
    assert (rows[0].uid, rows[0].state, rows[0].due_on) == (uid, "open", later.date())
    assert rows[0].sequence > sequence + 1
