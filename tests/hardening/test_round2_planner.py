"""Issue 15, item 1: one user's data never stops the planner or the digest for everyone else."""

from __future__ import annotations

import gc
import logging
from datetime import timedelta

import pytest
from sqlalchemy import update

from outreach.accounts.models import User
from outreach.accounts.service import user_settings
from outreach.asks import service as ask_service
from outreach.extensions import db
from outreach.reminders import digest
from outreach.reminders import tick as jobs
from outreach.reminders.models import Reminder
from tests.digest.test_digest import SMTP, FakeSMTP


def _iso(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_two_booked_episodes_for_one_guest_do_not_stop_the_tick(api, make_contact, make_campaign, ready_pair, reminders_of, now):
    guest = make_contact(api.user, "Two Part Guest")
    season = make_campaign(api.user, "Season 5")
    first, second = now + timedelta(days=3, hours=2), now + timedelta(days=10, hours=2)
    for recording_at in (second, first):
        body = {"contact_id": guest.id, "stage": "booked", "recording_at": _iso(recording_at)}
        assert api("POST", f"/campaigns/{season.id}/episodes", body).status_code == 201
    later_user, _, _ = ready_pair()  # after the first in the tick's owner order

    jobs.tick(db.session, now)
    interviews = [r for r in reminders_of(api.user) if r[0] == "interview"]
    assert interviews == [("interview", guest.id, season.id, first.date(), "open")]
    assert any(r[0] == "ask" for r in reminders_of(later_user))

    again = jobs.tick(db.session, now + timedelta(hours=1))  # every later tick used to raise TypeError here
    assert not any(key.endswith(("created", "updated", "withdrawn")) or key == "owners failed" for key in again)
    assert [r for r in reminders_of(api.user) if r[0] == "interview"] == interviews


def test_two_not_nows_for_one_contact_give_one_follow_up_that_stays_put(make_user, make_contact, reminders_of, now):
    user = make_user()
    contact = make_contact(user, "Twice Not Now")
    planner = user_settings(user).planner(None)
    for days_ago, follow_up in ((20, 5), (2, 9)):
        data = {
            "contact_id": contact.id,
            "asked_at": now - timedelta(days=days_ago),
            "outcome": "not_now",
            "follow_up_on": now.date() + timedelta(days=follow_up),
        }
        ask_service.create_ask(db.session, user.id, data, planner, now)
    db.session.commit()

    jobs.tick(db.session, now)
    expected = [("follow_up", contact.id, None, now.date() + timedelta(days=9), "open")]  # what they said last
    assert reminders_of(user) == expected
    sequence = db.session.scalars(db.select(Reminder.sequence)).one()
    again = jobs.tick(db.session, now + timedelta(hours=1))
    assert not any(key.endswith(("created", "updated")) or key == "owners failed" for key in again)
    assert reminders_of(user) == expected
    assert db.session.scalars(db.select(Reminder.sequence)).one() == sequence  # no calendar re-sync every tick


def test_an_error_in_one_owners_pass_is_logged_rolled_back_and_the_others_carry_on(
    ready_pair, reminders_of, now, monkeypatch, caplog
):
    users = [ready_pair(name=f"Guest {i}")[0] for i in range(3)]
    broken = users[1]
    real_keep_warm = jobs.keep_warm

    def keep_warm(session, me, book):  # runs after the ask reminders are written: they must roll back
        if me.id == broken.id:
            raise RuntimeError("corrupt data")
        return real_keep_warm(session, me, book)

    monkeypatch.setattr(jobs, "keep_warm", keep_warm)
    collecting = []
    real_tick_owner = jobs.tick_owner
    monkeypatch.setattr(jobs, "tick_owner", lambda *a, **k: collecting.append(gc.isenabled()) or real_tick_owner(*a, **k))
    with caplog.at_level(logging.ERROR, logger="outreach.reminders.tick"):
        totals = jobs.tick(db.session, now)

    assert totals["owners failed"] == 1 and totals["ask created"] == 2
    # The collector rests during each pass (see outreach.core.collector.paused) and is back after one that failed.
    assert collecting == [False] * 3 and gc.isenabled()
    assert reminders_of(broken) == []
    for user in (users[0], users[2]):
        assert [r[0] for r in reminders_of(user)] == ["ask"]
    assert f"owner {broken.id}" in caplog.text and "corrupt data" in caplog.text

    monkeypatch.setattr(jobs, "keep_warm", real_keep_warm)  # fixed: the next tick does that owner's pass
    assert jobs.tick(db.session, now)["ask created"] == 1
    assert [r[0] for r in reminders_of(broken)] == ["ask"]


@pytest.fixture
def mailbox(monkeypatch):
    FakeSMTP.sent, FakeSMTP.refuse = [], False
    monkeypatch.setattr(digest.smtplib, "SMTP", FakeSMTP)
    return FakeSMTP


def test_an_address_with_a_line_break_does_not_stop_the_other_digests(ready_pair, mailbox, now, caplog):
    users = [ready_pair(name=f"Guest {i}")[0] for i in range(3)]
    jobs.tick(db.session, now)
    broken = users[0]
    # Sign-up refuses such an address now; accounts made before it may still have one.
    db.session.execute(update(User).where(User.id == broken.id).values(email="first@example.com\r\nBcc: all@example.com"))
    db.session.commit()

    with caplog.at_level(logging.WARNING, logger="outreach.reminders.digest"):
        counts = digest.send_digests(db.session, now, SMTP)

    assert counts == {"sent": 2, "bad address": 1}
    assert sorted(mail["To"] for mail in mailbox.sent) == sorted(u.email for u in users[1:])
    assert f"user {broken.id}" in caplog.text


def test_a_digest_that_fails_to_build_is_logged_and_the_others_are_sent(ready_pair, mailbox, now, monkeypatch, caplog):
    users = [ready_pair(name=f"Guest {i}")[0] for i in range(3)]
    jobs.tick(db.session, now)
    broken = users[1]
    real_compose = digest.compose

    def compose(session, me, base_url):
        if me.id == broken.id:
            raise ValueError("a template tripped on this user's data")
        return real_compose(session, me, base_url)

    monkeypatch.setattr(digest, "compose", compose)
    with caplog.at_level(logging.ERROR, logger="outreach.reminders.digest"):
        counts = digest.send_digests(db.session, now, SMTP)

    assert counts == {"sent": 2, "failed": 1}
    assert sorted(mail["To"] for mail in mailbox.sent) == sorted(u.email for u in (users[0], users[2]))
    assert f"user {broken.id}" in caplog.text
    assert digest.send_digests(db.session, now + timedelta(hours=1), SMTP) == {}  # claimed: never sent twice


def test_outreach_tick_says_so_and_exits_1_when_an_owners_pass_failed(runner, ready_pair, monkeypatch):
    users = [ready_pair(name=f"Guest {i}")[0] for i in range(2)]
    real_keep_warm = jobs.keep_warm

    def keep_warm(session, me, book):
        if me.id == users[0].id:
            raise RuntimeError("corrupt data")
        return real_keep_warm(session, me, book)

    monkeypatch.setattr(jobs, "keep_warm", keep_warm)
    result = runner.invoke(args=["tick"])
    assert result.exit_code == 1
    assert "ask created 1" in result.output and "owners failed 1" in result.output
    assert "1 owners' passes failed" in result.output
