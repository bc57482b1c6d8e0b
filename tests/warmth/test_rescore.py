"""The full rescore: the database's aggregate and the streaming pass agree with warmth.key_of."""

from __future__ import annotations

import math
import random
from datetime import timedelta

import pytest
from sqlalchemy import update

from outreach.contacts import rescore
from outreach.contacts.models import Contact, Touch
from outreach.contacts.touches import point, touches_of
from outreach.core.types import utcnow
from outreach.domain import warmth
from outreach.domain.vocabulary import TouchKind
from outreach.extensions import db

KINDS = list(TouchKind.values())


@pytest.fixture
def history(make_user, make_contact, log_touches):
    """Five contacts with a few years of mixed touches, one with none, one with only weightless ones."""
    rng = random.Random(5)
    user = make_user()
    now = utcnow()
    contacts = [make_contact(user, f"Contact {i}") for i in range(7)]
    for contact in contacts[:5]:
        log_touches(
            contact,
            *[(rng.choice(KINDS), rng.choice(["inbound", "outbound"]), rng.uniform(0, 1500)) for _ in range(rng.randint(1, 40))],
            now=now,
        )
    log_touches(contacts[6], ("comment", "outbound", 3), ("share", "inbound", 30), now=now)
    return user, contacts


@pytest.mark.parametrize("path", ["aggregate", "stream"])
@pytest.mark.parametrize(("weights", "half_life"), [({}, 90.0), ({"comment": 0.0, "share": 0.0}, 7.0), ({"call": 20.0}, 365.0)])
def test_both_paths_equal_the_pure_recompute(history, monkeypatch, path, weights, half_life):
    user, contacts = history
    params = warmth.WarmthParams(weights={**warmth.DEFAULT_WEIGHTS, **weights}, half_life_days=half_life)
    if path == "stream":
        monkeypatch.setattr(rescore, "_has_sql_maths", lambda session: False)
    elif not rescore._has_sql_maths(db.session):
        pytest.skip("this SQLite has no log2/power: the streaming pass serves it")
    assert rescore.rescore_owner(db.session, user.id, params) == 6  # every contact with touches
    db.session.commit()
    db.session.expire_all()
    for contact in contacts:
        stored = db.session.get(Contact, contact.id)
        touches = touches_of(db.session, stored)
        expected = warmth.key_of([point(t) for t in touches], params)
        if expected is None:
            assert stored.warmth_key is None
        else:
            assert math.isclose(stored.warmth_key, expected, rel_tol=1e-12, abs_tol=1e-9)
        assert stored.last_touch_at == (max(t.occurred_at for t in touches) if touches else None)
        assert stored.first_touch_at == (min(t.occurred_at for t in touches) if touches else None)
        inbound = [t.occurred_at for t in touches if t.direction == "inbound"]
        assert stored.last_inbound_at == (max(inbound) if inbound else None)


def test_a_touch_a_thousand_half_lives_old_does_not_break_the_aggregate(make_user, make_contact, log_touches):
    user = make_user()
    contact = make_contact(user)
    log_touches(contact, ("comment", "outbound", 3000), now=utcnow() - timedelta(days=1))
    params = warmth.WarmthParams(half_life_days=1.0)
    rescore.rescore_owner(db.session, user.id, params)
    db.session.commit()
    db.session.expire_all()
    assert warmth.warmth(db.session.get(Contact, contact.id).warmth_key, utcnow(), params) == pytest.approx(0.0)


@pytest.mark.parametrize("path", ["aggregate", "stream"])
def test_a_contact_whose_touches_went_behind_the_services_back_is_emptied(
    make_user, make_contact, log_touches, monkeypatch, path
):
    """A key and times left from touches no longer live (deleted in SQL, not through the service) are
    cleared by a rescore, while the contacts with touches are scored and one never touched is left alone."""
    if path == "stream":
        monkeypatch.setattr(rescore, "_has_sql_maths", lambda session: False)
    elif not rescore._has_sql_maths(db.session):
        pytest.skip("this SQLite has no log2/power: the streaming pass serves it")
    user = make_user()
    stale, kept, untouched = make_contact(user, "Stale"), make_contact(user, "Kept"), make_contact(user, "Untouched")
    log_touches(stale, ("call", "inbound", 2), now=utcnow())
    log_touches(kept, ("share", "outbound", 5), now=utcnow())
    db.session.execute(update(Touch).where(Touch.contact_id == stale.id).values(deleted_at=utcnow()))
    db.session.commit()
    params = warmth.WarmthParams()
    rescore.rescore_owner(db.session, user.id, params)
    db.session.commit()
    db.session.expire_all()
    emptied = db.session.get_one(Contact, stale.id)
    assert (emptied.warmth_key, emptied.first_touch_at, emptied.last_touch_at, emptied.last_inbound_at) == (None,) * 4
    assert db.session.get_one(Contact, kept.id).warmth_key is not None
    assert db.session.get_one(Contact, untouched.id).last_touch_at is None
