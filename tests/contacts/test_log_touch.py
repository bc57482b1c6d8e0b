"""Logging a touch: one locking read of the contact, the owner's settings and its keep-warm reminder, then
the touch, the key and (only when one is live) the reminder's close; nothing lost to concurrent writers."""

from __future__ import annotations

import math
import random
import re
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError

from outreach.accounts import service as user_service
from outreach.accounts.models import User
from outreach.contacts import touches as touch_service
from outreach.contacts.models import Contact, Touch
from outreach.contacts.rescore import rescore_owner
from outreach.contacts.schemas import TouchOut
from outreach.core.errors import NotFoundError
from outreach.core.types import utcnow
from outreach.domain import warmth
from outreach.domain.settings import UserSettings
from outreach.extensions import db
from outreach.reminders.models import Reminder, natural_key, new_uid

COMMENT = {"kind": "comment", "direction": "outbound"}


def add_reminder(user: User, contact: Contact, kind: str = "keep_warm", state: str = "open", days: int = 3) -> None:
    due = utcnow().date() + timedelta(days=days)
    db.session.add(
        Reminder(
            owner_id=user.id,
            kind=kind,
            contact_id=contact.id,
            due_on=due,
            natural_key=natural_key(user.id, kind, contact.id, None, due),
            uid=new_uid(),
            title=f"Touch {contact.name}",
            state=state,
            snoozed_until=due if state == "snoozed" else None,
        )
    )
    db.session.commit()


def states(user: User) -> list[tuple[str, int | None, str]]:
    db.session.expire_all()
    rows = db.session.scalars(db.select(Reminder).where(Reminder.owner_id == user.id).order_by(Reminder.id))
    return [(r.kind, r.contact_id, r.state) for r in rows]


@pytest.fixture
def statements(app: Any) -> Iterator[list[str]]:
    """The SQL the app's engine sends while the test runs (BEGIN and friends left out)."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().split(" ", 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
            sent.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    yield sent
    event.remove(db.engine, "before_cursor_execute", record)


def heads(sent: list[str]) -> list[str]:
    """ "INSERT INTO touches", "UPDATE contacts": what each statement writes to (a statement whose CTE
    inserts, PostgreSQL's touch and summary in one, counts as both)."""
    return [head for s in sent for head in re.findall(r"INSERT INTO \w+|UPDATE \w+|DELETE FROM \w+", s) or [s.split(" ")[0]]]


def log_one(owner_id: int, contact_id: int, **data: Any) -> None:
    target = touch_service.contact_to_touch(db.session, owner_id, contact_id)
    touch_service.log_touch(db.session, target, {**COMMENT, "occurred_at": utcnow(), **data}, warmth.WarmthParams())
    db.session.commit()


def test_a_touch_closes_the_contacts_live_keep_warm_reminders_and_nothing_else(api, make_user, make_contact):
    user = api.user
    carla, dan = make_contact(user, "Cooling Carla"), make_contact(user, "Dan")
    add_reminder(user, carla, state="open")
    add_reminder(user, carla, state="snoozed", days=5)
    add_reminder(user, carla, kind="follow_up")
    add_reminder(user, dan)
    response = api("POST", f"/contacts/{carla.id}/touches", {"kind": "comment"})
    assert response.status_code == 201, response.get_json()
    assert states(user) == [
        ("keep_warm", carla.id, "done"),
        ("keep_warm", carla.id, "done"),
        ("follow_up", carla.id, "open"),
        ("keep_warm", dan.id, "open"),
    ]


def test_without_a_live_keep_warm_reminder_the_touch_is_one_read_one_insert_one_update(make_user, make_contact, statements):
    user = make_user()
    contact = make_contact(user, "Carla")
    add_reminder(user, contact, state="done")  # closed already: nothing to close
    add_reminder(user, contact, kind="follow_up")
    owner_id, contact_id = user.id, contact.id
    statements.clear()
    log_one(owner_id, contact_id)
    assert statements[0].startswith("SELECT contacts.id") and "FROM contacts JOIN users" in statements[0]
    assert sorted(heads(statements[1:])) == ["INSERT INTO touches", "UPDATE contacts"], statements
    # On PostgreSQL the touch and the summary are one statement (the INSERT a CTE of the UPDATE): a round trip fewer.
    assert len(statements) == (2 if db.engine.dialect.name == "postgresql" else 3), statements


def test_with_a_live_keep_warm_reminder_its_close_is_the_one_more_statement(make_user, make_contact, statements):
    user = make_user()
    contact = make_contact(user, "Carla")
    add_reminder(user, contact)
    owner_id, contact_id = user.id, contact.id
    statements.clear()
    log_one(owner_id, contact_id)
    assert statements[0].startswith("SELECT contacts.id") and "FROM contacts JOIN users" in statements[0]
    assert sorted(heads(statements[1:])) == ["INSERT INTO touches", "UPDATE contacts", "UPDATE reminders"], statements
    assert states(user) == [("keep_warm", contact.id, "done")]


def test_the_read_is_the_owners_and_the_lock_is_postgresqls_alone(make_user, make_contact, statements):
    owner, other = make_user(), make_user()
    contact = make_contact(owner, "Carla")
    gone = make_contact(owner, "Gone")
    gone.deleted_at = utcnow()
    db.session.commit()
    for who, contact_id in ((other, contact.id), (owner, gone.id), (owner, 0), (owner, 2**40)):
        with pytest.raises(NotFoundError):
            touch_service.contact_to_touch(db.session, who.id, contact_id)
    db.session.rollback()
    owner_id, contact_id = owner.id, contact.id
    statements.clear()
    assert touch_service.contact_to_touch(db.session, owner_id, contact_id).contact.name == "Carla"
    locks = statements[0].endswith("FOR SHARE OF users FOR UPDATE OF contacts")
    assert locks == (db.engine.dialect.name == "postgresql"), statements[0]
    db.session.rollback()


def test_the_weights_are_the_owners_as_committed_not_the_callers(make_user, make_contact):
    """A request that began before a settings change still holds the old weights: the touch uses the new."""
    user = make_user()
    contact = make_contact(user, "Carla")
    changed = UserSettings(weights={**warmth.DEFAULT_WEIGHTS, "comment": 9.0}, half_life_days=20.0)
    user_service.save_settings(db.session, user, None, changed)
    db.session.commit()
    at = utcnow()
    target = touch_service.contact_to_touch(db.session, user.id, contact.id)
    touch_service.log_touch(db.session, target, {**COMMENT, "occurred_at": at}, warmth.WarmthParams())
    db.session.commit()
    assert target.params == changed.warmth_params() != warmth.WarmthParams()
    expected = warmth.key_of([warmth.TouchPoint("comment", "outbound", at)], changed.warmth_params())
    assert math.isclose(db.session.get_one(Contact, contact.id).warmth_key, expected, rel_tol=1e-12)


def test_a_caller_holding_a_contact_gets_it_read_again_locked(make_user, make_contact, statements):
    """Callers that pass a Contact (feeds' openings, the bookmarklet) take the same path: one read."""
    user = make_user()
    contact = make_contact(user, "Carla")
    add_reminder(user, contact)
    contact = db.session.get_one(Contact, contact.id)
    statements.clear()
    touch_service.log_touch(db.session, contact, {**COMMENT, "occurred_at": utcnow()}, warmth.WarmthParams())
    db.session.commit()
    assert statements[0].startswith("SELECT contacts.id") and "FROM contacts JOIN users" in statements[0]
    assert sorted(heads(statements[1:])) == ["INSERT INTO touches", "UPDATE contacts", "UPDATE reminders"], statements
    assert states(user) == [("keep_warm", contact.id, "done")]
    assert contact.last_touch_at is not None


def summary(contact: Contact) -> tuple[Any, ...]:
    return contact.warmth_key, contact.first_touch_at, contact.last_touch_at, contact.last_inbound_at


def same_summary(folded: tuple[Any, ...], recomputed: tuple[Any, ...]) -> bool:
    """The times exactly; the key to rounding (a log-sum-exp folded in another order)."""
    (key, *times), (other, *other_times) = folded, recomputed
    keys_agree = key == other if key is None or other is None else math.isclose(key, other, rel_tol=1e-12)
    return keys_agree and times == other_times


def test_logged_touches_fold_to_what_the_full_recompute_finds(make_user, make_contact, statements):
    """log_touch writes the touch and the contact's key and times by Core statements and sets the objects
    as committed: checked against ``summarize`` of the touches as stored, after every touch, for touches
    logged out of order, inbound and outbound, of a zero weight too; against the row as stored; and the
    live keep-warm reminders closed by the first touch alone. On PostgreSQL as on SQLite."""
    weights = {str(kind): weight for kind, weight in warmth.DEFAULT_WEIGHTS.items()} | {"share": 0.0}
    user = make_user(weights=weights, half_life_days=30.0, inbound_multiplier=2.0)
    params = user_service.user_settings(user).warmth_params()
    contact, other = make_contact(user, "Carla"), make_contact(user, "Dan")
    add_reminder(user, contact)
    add_reminder(user, contact, state="snoozed", days=5)
    add_reminder(user, other)
    owner_id, contact_id, other_id = user.id, contact.id, other.id
    rng, now = random.Random(20261130), utcnow()
    for number in range(12):
        at = now - timedelta(days=rng.uniform(0, 400), microseconds=rng.randrange(1_000_000))
        data = {"kind": rng.choice(["comment", "share", "email", "call"]), "direction": rng.choice(["inbound", "outbound"])}
        target = touch_service.contact_to_touch(db.session, owner_id, contact_id)
        statements.clear()
        data |= {"occurred_at": at, "note": f"#{number}"}
        touch = touch_service.log_touch(db.session, target, data, warmth.WarmthParams())
        closes = ["UPDATE reminders"] if number == 0 else []
        assert sorted(heads(statements)) == ["INSERT INTO touches", "UPDATE contacts", *closes]
        # What the caller holds: the touch persistent with every column, nothing left to flush, no read.
        statements.clear()
        held = {column.key: getattr(touch, column.key) for column in Touch.__table__.columns}
        TouchOut.model_validate(touch)
        folded = summary(target.contact)
        assert statements == [] and inspect(touch).persistent and not db.session.dirty and not db.session.new
        assert db.session.get(Touch, touch.id) is touch
        assert held["occurred_at"] == at and held["occurred_s"] == warmth.seconds(at) and held["source"] == "manual"
        touches = touch_service.touches_of(db.session, target.contact)
        recomputed = Contact()
        touch_service.summarize(recomputed, touches, params)
        assert same_summary(folded, summary(recomputed)), number
        # And against the definitions themselves, in case logging and summarize shared a mistake.
        inbound = [t.occurred_at for t in touches if t.direction == "inbound"]
        at_all = [t.occurred_at for t in touches]
        defined = (warmth.key_of(map(touch_service.point, touches), params), min(at_all), max(at_all), max(inbound, default=None))
        assert same_summary(folded, defined), number
        db.session.commit()
        db.session.expire_all()
        stored = db.session.get_one(Contact, contact_id)
        assert summary(stored) == folded
        reloaded = db.session.get_one(Touch, held["id"])
        assert {column.key: getattr(reloaded, column.key) for column in Touch.__table__.columns} == held
        if number == 0:
            closed = [("keep_warm", contact_id, "done"), ("keep_warm", contact_id, "done")]
            assert states(user) == [*closed, ("keep_warm", other_id, "open")]
    assert any(t.direction == "inbound" for t in touches) and any(t.kind == "share" for t in touches)
    touch_service.recompute(db.session, stored, params)  # the product's own full recompute agrees too
    assert same_summary(folded, summary(stored))
    db.session.rollback()


WRITERS, EACH = 4, 5


def test_concurrent_loggers_on_one_contact_lose_no_touch_and_keep_the_key_exact(app, make_user, make_contact):
    user = make_user()
    contact = make_contact(user, "Busy Bea")
    owner_id, contact_id = user.id, contact.id
    db.session.close()
    start, failures = threading.Barrier(WRITERS), []

    def writer(index: int) -> None:
        start.wait(timeout=30)
        try:
            with app.app_context():
                for n in range(EACH):
                    kind = ("comment", "share", "email", "call")[(index + n) % 4]
                    target = touch_service.contact_to_touch(db.session, owner_id, contact_id)
                    data = {"kind": kind, "direction": "inbound" if n % 2 else "outbound", "occurred_at": utcnow()}
                    touch_service.log_touch(db.session, target, data, warmth.WarmthParams())
                    db.session.commit()
                db.session.remove()
        except Exception as exc:
            failures.append(repr(exc))

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    contact = db.session.get_one(Contact, contact_id)
    touches = touch_service.touches_of(db.session, contact)
    assert len(touches) == WRITERS * EACH
    expected = warmth.key_of([touch_service.point(t) for t in touches], warmth.WarmthParams())
    assert math.isclose(contact.warmth_key, expected, rel_tol=1e-9)
    assert contact.last_touch_at == max(t.occurred_at for t in touches)


def test_a_logger_waits_for_a_settings_change_in_flight_before_touching_the_contact(app, database_url, make_user, make_contact):
    """PostgreSQL: a settings change has updated the owner's row but not yet rescored. The logger waits on
    the owner's row holding nothing (so the rescore's locks on every contact do not deadlock with it),
    then folds its touch in with the new weights."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's BEGIN IMMEDIATE serializes the two transactions whole")
    user = make_user()
    contact = make_contact(user, "Carla")
    owner_id, contact_id = user.id, contact.id
    changed = UserSettings(weights={**warmth.DEFAULT_WEIGHTS, "comment": 9.0}, half_life_days=20.0)
    db.session.close()
    owner_updated, logged, failures = threading.Event(), threading.Event(), []
    at = utcnow()

    def change_settings() -> None:
        with app.app_context():
            owner = db.session.get_one(User, owner_id)
            owner.settings = changed.model_dump()
            db.session.flush()  # the owner's row is updated (and locked); no contact is yet
            owner_updated.set()
            time.sleep(0.5)
            rescore_owner(db.session, owner_id, changed.warmth_params())
            db.session.commit()
            db.session.remove()

    def log() -> None:
        owner_updated.wait(timeout=30)
        try:
            with app.app_context():
                target = touch_service.contact_to_touch(db.session, owner_id, contact_id)
                touch_service.log_touch(db.session, target, {**COMMENT, "occurred_at": at}, warmth.WarmthParams())
                db.session.commit()
                db.session.remove()
        except Exception as exc:
            failures.append(repr(exc))
        logged.set()

    threads = [threading.Thread(target=change_settings), threading.Thread(target=log)]
    for thread in threads:
        thread.start()
    owner_updated.wait(timeout=30)
    time.sleep(0.2)
    waiting = not logged.is_set()  # on the owner's row
    other = create_engine(database_url)
    try:
        with other.begin() as conn:  # the contact is not locked meanwhile
            conn.execute(text("SELECT id FROM contacts WHERE id = :id FOR UPDATE NOWAIT"), {"id": contact_id})
        contact_free = True
    except OperationalError:
        contact_free = False
    finally:
        other.dispose()
    for thread in threads:
        thread.join(timeout=60)
    assert waiting and contact_free
    assert failures == []
    db.session.expire_all()
    expected = warmth.key_of([warmth.TouchPoint("comment", "outbound", at)], changed.warmth_params())
    assert math.isclose(db.session.get_one(Contact, contact_id).warmth_key, expected, rel_tol=1e-12)
