"""The incremental tick leaves exactly the reminders a full tick would, over random histories, clocks and edits."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach.accounts import service as user_service
from outreach.accounts.models import User
from outreach.asks import service as ask_service
from outreach.campaigns import service as campaign_service
from outreach.campaigns.models import Campaign
from outreach.contacts import touches as touch_service
from outreach.contacts.models import Contact
from outreach.core.ownership import owned
from outreach.episodes import service as episode_service
from outreach.extensions import db
from outreach.reminders import service as reminder_service
from outreach.reminders import tick as jobs
from outreach.reminders.models import Reminder
from tests import histories
from tests.conftest import _empty_tables

EXAMPLES = 25
KINDS = ("comment", "share", "email", "call", "collaboration")
TOPICS = (["podcasting"], ["podcasting", "marketing"], ["cooking"])

touch = st.tuples(st.sampled_from(KINDS), st.sampled_from(("inbound", "outbound")), st.floats(0, 120))
contact = st.tuples(st.sampled_from(TOPICS), st.lists(touch, max_size=6))
edit = st.one_of(
    st.just(("none",)),
    st.tuples(st.just("touch"), st.integers(0, 3), st.sampled_from(KINDS), st.sampled_from(("inbound", "outbound"))),
    st.tuples(st.just("busy"), st.integers(0, 3), st.integers(-3, 20), st.integers(0, 10)),
    st.tuples(st.just("not_now"), st.integers(0, 3), st.integers(0, 1), st.integers(1, 30)),
    st.tuples(st.just("act"), st.integers(0, 30), st.sampled_from(("done", "dismissed", "snoozed"))),
    st.tuples(st.just("campaign"), st.integers(0, 1), st.integers(20, 100)),
    st.tuples(st.just("episode"), st.integers(0, 3), st.integers(0, 1), st.floats(-30, 60)),
)
# Mostly same-day ticks a few hours apart (the incremental pass), now and then a new day (the full one).
step = st.tuples(st.sampled_from((0, 1, 2, 3, 5, 8, 13, 26)), st.lists(edit, max_size=2))
world = st.fixed_dictionaries(
    {
        # A short half-life and relationship make warmth and age cross their bars within hours.
        "half_life_days": st.sampled_from((1.0, 2.0, 7.0, 90.0)),
        "relationship_days": st.sampled_from((0, 1, 3, 60)),
        "cadence_per_week": st.sampled_from((0.0, 1.0, 7.0, 20.0)),
        "trust_warmth": st.sampled_from((20.0, 60.0)),
        "contacts": st.lists(contact, min_size=1, max_size=4),
        "campaigns": st.lists(st.tuples(st.integers(5, 100), st.sampled_from(TOPICS)), min_size=1, max_size=2),
        "steps": st.lists(step, min_size=2, max_size=6),
    }
)


def snapshot(owner_id: int) -> list[tuple[Any, ...]]:
    db.session.flush()
    rows = db.session.scalars(owned(Reminder, owner_id))
    return sorted(
        (r.kind, r.contact_id, r.campaign_id, r.due_on, r.due_at, r.state, r.title, r.body, r.sequence, r.snoozed_until)
        for r in rows
    )


def both_ticks(owner_id: int, at: datetime) -> dict[str, int]:
    """A full tick in a savepoint (rolled back), then the incremental one from the same state: equal."""
    savepoint = db.session.begin_nested()
    jobs.tick_owner(db.session, owner_id, at, full=True)
    expected = snapshot(owner_id)
    savepoint.rollback()
    counts = jobs.tick_owner(db.session, owner_id, at)
    assert snapshot(owner_id) == expected
    db.session.commit()
    return dict(counts)


def build(data: dict[str, Any], start: datetime) -> tuple[User, list[Contact], list[Campaign]]:
    settings = {name: data[name] for name in ("half_life_days", "relationship_days", "cadence_per_week", "trust_warmth")}
    user = user_service.create_user(db.session, "prop@example.com", "correct horse")
    user.settings = settings
    params = user_service.user_settings(user).warmth_params()
    contacts = histories.people(user.id, data["contacts"], start, params)
    campaigns = histories.campaigns(user.id, data["campaigns"], start)
    db.session.commit()
    return user, contacts, campaigns


def apply(change: tuple[Any, ...], user: User, contacts: list[Contact], campaigns: list[Campaign], at: datetime) -> None:
    kind, *args = change
    settings = user_service.user_settings(user)
    if kind == "touch":
        data = {"kind": args[1], "direction": args[2], "occurred_at": at}
        touch_service.log_touch(db.session, contacts[args[0] % len(contacts)], data, settings.warmth_params())
    elif kind == "busy":
        start = at.date() + timedelta(days=args[1])
        campaign_service.add_busy_period(db.session, contacts[args[0] % len(contacts)], start, start + timedelta(days=args[2]))
    elif kind == "not_now":
        ask = {
            "contact_id": contacts[args[0] % len(contacts)].id,
            "campaign_id": campaigns[args[1] % len(campaigns)].id,
            "asked_at": at,
            "outcome": "not_now",
            "follow_up_on": at.date() + timedelta(days=args[2]),
        }
        ask_service.create_ask(db.session, user.id, ask, settings.planner(user.audience_size), at)
    elif kind == "act":
        live = list(db.session.scalars(owned(Reminder, user.id).where(Reminder.state == "open").order_by(Reminder.id)))
        if live:
            until = at.date() + timedelta(days=1 + args[0] % 3) if args[1] == "snoozed" else None
            try:
                reminder_service.act(db.session, live[args[0] % len(live)], args[1], at, until)
            except Exception:  # a snooze onto a day that already has the same reminder: refused, nothing changed
                db.session.rollback()
    elif kind == "campaign":
        campaign = campaigns[args[0] % len(campaigns)]
        campaign_service.update_campaign(db.session, campaign, {"date": at.date() + timedelta(days=args[1])})
    elif kind == "episode":
        recording = at + timedelta(hours=args[2])
        data = {"contact_id": contacts[args[0] % len(contacts)].id, "stage": "booked", "recording_at": recording}
        episode_service.add_episode(db.session, campaigns[args[1] % len(campaigns)], data)
    db.session.commit()


def test_incremental_tick_equals_a_full_tick_over_random_histories(app, now):
    start = now.replace(hour=1)
    seen: dict[str, int] = {"incremental": 0, "moved contacts": 0}

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
    @given(data=world)
    def check(data: dict[str, Any]) -> None:
        db.session.remove()
        _empty_tables()
        user, contacts, campaigns = build(data, start)
        at = start
        both_ticks(user.id, at)
        for hours, changes in data["steps"]:
            at += timedelta(hours=hours)
            for change in changes:
                apply(change, user, contacts, campaigns, at)
            counts = both_ticks(user.id, at)
            for key in seen:
                seen[key] += counts.get(key, 0)

    check()
    # The property is about the incremental pass: it must have run, and found contacts time moved.
    assert seen["incremental"] > 0 and seen["moved contacts"] > 0


def test_a_forecast_that_slips_within_the_day_moves_its_target_in_the_incremental_pass(
    make_user, make_contact, make_campaign, log_touches, now
):
    # Half-life 2 days, a touch a day: one more touch is needed once S falls below 0.32 (warmth 20 needs 2.23).
    user = make_user(half_life_days=2.0, relationship_days=0, cadence_per_week=7.0, trust_warmth=20.0)
    contact = make_contact(user, "Slipping", topics=["podcasting"])
    morning = now.replace(hour=1)
    log_touches(contact, ("comment", "inbound", 4.37), now=morning)  # S = 0.33 at 01:00, 0.275 at 14:00
    make_campaign(user, date=morning.date() + timedelta(weeks=8))
    jobs.tick(db.session, morning)
    counts = both_ticks(user.id, morning + timedelta(hours=13))
    assert counts["incremental"] == 1 and counts["moved contacts"] == 1 and counts["target updated"] == 1
    target = db.session.scalars(owned(Reminder, user.id).where(Reminder.kind == "target")).one()
    assert target.due_on == morning.date() + timedelta(days=2)


def test_a_tick_with_nothing_changed_writes_nothing(ready_pair, now):
    user, _contact, _campaign = ready_pair()
    jobs.tick(db.session, now)
    before = snapshot(user.id)
    counts = jobs.tick(db.session, now + timedelta(minutes=5))
    assert counts["incremental"] == 1 and "moved contacts" not in counts
    assert snapshot(user.id) == before


def test_the_first_tick_of_a_day_and_a_changed_input_run_the_full_pass(ready_pair, make_contact, now):
    user, _contact, _campaign = ready_pair()
    jobs.tick(db.session, now)
    assert "incremental" not in jobs.tick(db.session, now + timedelta(days=1))
    make_contact(user, "New Face", topics=["podcasting"])
    assert "incremental" not in jobs.tick(db.session, now + timedelta(days=1, hours=1))
    assert jobs.tick(db.session, now + timedelta(days=1, hours=2))["incremental"] == 1
    assert "incremental" not in jobs.tick(db.session, now + timedelta(days=1, hours=3), full=True)
