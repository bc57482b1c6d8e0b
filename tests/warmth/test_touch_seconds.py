"""occurred_s, the seconds the rescore sums, is occurred_at to the bit however a touch is written or edited."""

from __future__ import annotations

import json
import math
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select

from outreach.accounts.service import user_settings
from outreach.contacts import rescore
from outreach.contacts import touches as touch_service
from outreach.contacts.models import Contact, Touch
from outreach.contacts.touches import point, touches_of
from outreach.core.types import utcnow
from outreach.domain import warmth
from outreach.extensions import db
from outreach.transfer import archive, importer, restore

# The moments the app accepts (1970-2200), to the microsecond.
moments = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2200, 12, 31, 23, 59, 59, 999_999))


@settings(max_examples=2000, deadline=None)
@given(moments)
def test_seconds_give_back_the_very_moment(moment):
    assert warmth.moment_at(warmth.seconds(moment)) == moment
    assert warmth.seconds(moment) == (moment - warmth.EPOCH) / timedelta(seconds=1)


@settings(max_examples=2000, deadline=None)
@given(moments)
def test_sqlite_writes_the_seconds_back_as_the_very_moment(moment):
    """The rescore's SQL turns min/max(occurred_s) back into the text SQLAlchemy stores for a moment."""
    with closing(sqlite3.connect(":memory:")) as conn:
        (text,) = conn.execute(f"SELECT {rescore.MOMENT['sqlite'].format(':s')}", {"s": warmth.seconds(moment)}).fetchone()
    assert text == moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _stored(owner_id: int) -> list[tuple[datetime, float]]:
    db.session.expire_all()
    rows = db.session.execute(select(Touch.occurred_at, Touch.occurred_s).where(Touch.owner_id == owner_id))
    return [(at, seconds) for at, seconds in rows]


def test_every_way_of_writing_a_touch_keeps_occurred_s(make_user, make_contact):
    user = make_user()
    contact = make_contact(user, "Maya Chen", email="maya@example.com")
    params = user_settings(user).warmth_params()
    now = utcnow().replace(microsecond=123_457)
    logged = touch_service.log_touch(db.session, contact, {"kind": "call", "direction": "inbound", "occurred_at": now}, params)
    edited = touch_service.log_touch(db.session, contact, {"kind": "dm", "occurred_at": now - timedelta(days=3)}, params)
    touch_service.update_touch(db.session, edited, {"occurred_at": datetime(1999, 12, 31, 23, 59, 59, 999_999)}, params)
    rows = [
        {"owner_id": user.id, "contact_id": contact.id, "kind": "share", "occurred_at": now - timedelta(days=d, microseconds=d)}
        for d in range(1, 4)
    ]
    db.session.execute(insert(Touch), rows)  # an ORM bulk insert: one executemany
    table = Touch.__table__
    db.session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)  # as capture does
    csv = f"contact,kind,direction,date\nmaya@example.com,email,inbound,{(now - timedelta(days=9)).isoformat()}\n"
    assert importer.import_touches(db.session, user.id, csv.encode(), params).imported == 1
    db.session.commit()
    stored = _stored(user.id)
    assert len(stored) == 9 and (now, warmth.seconds(now)) in stored and logged.occurred_s == warmth.seconds(now)
    assert all(seconds == warmth.seconds(at) for at, seconds in stored), stored
    other = make_user()
    restore.import_account(db.session, other, json.loads(json.dumps(archive.export_account(db.session, user))))
    db.session.commit()
    assert sorted(_stored(other.id)) == sorted(stored)


@pytest.mark.parametrize("path", ["aggregate", "stream"])
def test_a_rescore_after_touches_are_moved_and_deleted_equals_the_pure_recompute(
    make_user, make_contact, log_touches, monkeypatch, path
):
    if path == "stream":
        monkeypatch.setattr(rescore, "_has_sql_maths", lambda session: False)
    elif not rescore._has_sql_maths(db.session):
        pytest.skip("this SQLite has no log2/power: the streaming pass serves it")
    user = make_user()
    contact = make_contact(user)
    log_touches(contact, ("call", "inbound", 2), ("meeting", "outbound", 40), ("comment", "outbound", 400), now=utcnow())
    params = user_settings(user).warmth_params()
    newest, middle, oldest = touches_of(db.session, contact)
    touch_service.update_touch(db.session, oldest, {"occurred_at": utcnow() - timedelta(hours=1)}, params)
    touch_service.update_touch(db.session, newest, {"occurred_at": datetime(1999, 12, 31, 23, 59, 59, 999_999)}, params)
    touch_service.delete_touch(db.session, user.id, middle.id, params)
    db.session.commit()
    rescore.rescore_owner(db.session, user.id, params)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get_one(Contact, contact.id)
    live = touches_of(db.session, stored)
    assert math.isclose(stored.warmth_key, warmth.key_of([point(t) for t in live], params), rel_tol=1e-12)
    assert (stored.first_touch_at, stored.last_touch_at) == (datetime(1999, 12, 31, 23, 59, 59, 999_999), oldest.occurred_at)
    assert stored.last_inbound_at == datetime(1999, 12, 31, 23, 59, 59, 999_999)


def test_a_contact_whose_every_touch_is_a_thousand_half_lives_old_keeps_its_exact_key(make_user, make_contact, log_touches):
    """Its sum is below what the aggregate's floor keeps exact: the key is recomputed from its terms."""
    user = make_user()
    faint, mixed = make_contact(user, "Faint"), make_contact(user, "Mixed")
    log_touches(faint, ("comment", "outbound", 3000), ("call", "inbound", 2500), ("dm", "outbound", 1200), now=utcnow())
    log_touches(mixed, ("comment", "outbound", 3000), ("call", "inbound", 2), now=utcnow())
    params = warmth.WarmthParams(half_life_days=1.0)
    assert rescore.rescore_owner(db.session, user.id, params) == 2
    db.session.commit()
    db.session.expire_all()
    for contact in (faint, mixed):
        stored = db.session.get_one(Contact, contact.id)
        expected = warmth.key_of([point(t) for t in touches_of(db.session, stored)], params)
        assert expected is not None and math.isclose(stored.warmth_key, expected, rel_tol=1e-12), contact.name
