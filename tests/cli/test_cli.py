"""The ``outreach`` command: every command explains itself, and each does what it says."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import select

from outreach.accounts import service as user_service
from outreach.accounts.models import User
from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.cli import main
from outreach.contacts.models import Contact, Touch
from outreach.contacts.touches import point, touches_of
from outreach.domain import warmth
from outreach.extensions import db


@pytest.mark.parametrize(
    "command", [[], ["user", "create"], ["token", "create"], ["demo"], ["rescore"], ["serve"], ["db", "upgrade"], ["digest"]]
)
def test_every_command_has_help(runner, command):
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_user_create_makes_a_user_who_can_log_in(runner):
    result = runner.invoke(args=["user", "create", "--email", "Pod@Example.com", "--password", "long enough pw"])
    assert result.exit_code == 0, result.output
    user = user_service.find_user(db.session, "pod@example.com")
    assert user is not None and user_service.check_password(user, "long enough pw")


def test_user_create_prompts_for_the_password(runner):
    result = runner.invoke(args=["user", "create", "--email", "p@example.com"], input="secret pass\nsecret pass\n")
    assert result.exit_code == 0, result.output
    assert user_service.find_user(db.session, "p@example.com") is not None


def test_user_create_refuses_a_short_password(runner):
    result = runner.invoke(args=["user", "create", "--email", "p@example.com", "--password", "short"])
    assert result.exit_code != 0
    assert "at least 8 characters" in result.output


def test_token_create_prints_a_working_token_once(runner, make_user, client):
    make_user("t@example.com")
    result = runner.invoke(args=["token", "create", "--email", "t@example.com", "--name", "laptop"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[0]
    assert client.get("/api/v1/contacts", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    stored = db.session.scalars(select(User)).one()
    assert token not in str(stored.__dict__)


def test_token_create_for_unknown_user_fails_clearly(runner):
    result = runner.invoke(args=["token", "create", "--email", "nobody@example.com"])
    assert result.exit_code != 0
    assert "no user with email" in result.output


def test_demo_loads_a_story_once(runner):
    first = runner.invoke(args=["demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert db.session.scalar(select(db.func.count(Contact.id))) >= 20
    assert db.session.scalar(select(db.func.count(Campaign.id))) == 2
    outcomes = set(db.session.scalars(select(Ask.outcome)))
    assert {"yes", "no", "not_now", "pending", "no_response"} <= outcomes
    again = runner.invoke(args=["demo", "--if-empty"])
    assert "not loaded" in again.output
    assert db.session.scalar(select(db.func.count(Campaign.id))) == 2


def test_rescore_after_a_weight_change_equals_a_full_recompute(runner, make_user, make_contact, log_touches):
    user = make_user("r@example.com")
    contact = make_contact(user)
    log_touches(contact, ("comment", "outbound", 10), ("email", "inbound", 40), ("purchase", "outbound", 200))
    user.settings = {**user.settings, "weights": {"comment": 4.0}, "half_life_days": 30.0}
    db.session.commit()

    result = runner.invoke(args=["rescore", "--email", "r@example.com"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Rescoring r@example.com: 1 contact…"
    assert lines[1].startswith("r@example.com: 1 contact with touches rescored in ") and lines[1].endswith(" s.")

    db.session.expire_all()
    params = user_service.user_settings(user).warmth_params()
    expected = warmth.key_of([point(t) for t in touches_of(db.session, contact)], params)
    assert math.isclose(db.session.get(Contact, contact.id).warmth_key, expected, rel_tol=1e-12)


def test_rescore_clears_keys_of_contacts_without_touches(runner, make_user, make_contact, log_touches):
    user = make_user()
    contact = make_contact(user)
    log_touches(contact, ("comment", "outbound", 1))
    db.session.execute(db.delete(Touch))  # touches gone behind the service's back
    db.session.commit()
    runner.invoke(args=["rescore"])
    db.session.expire_all()
    assert db.session.get(Contact, contact.id).warmth_key is None
