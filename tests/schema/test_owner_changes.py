"""Each owner's change mark moves on every write to their records, by database triggers, and only theirs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect, select, text, update

from outreach.accounts.models import User
from outreach.contacts.models import Contact, Touch
from outreach.core import changes
from outreach.core.types import utcnow
from outreach.extensions import db
from outreach.reminders import tick as planner


def _triggers(table: str) -> set[str]:
    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql":
        query = (
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relname = :t AND NOT t.tgisinternal"
        )
        query += " AND c.relnamespace = current_schema()::regnamespace"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"
    return set(db.session.scalars(text(query), {"t": table}))


def test_every_table_is_watched_or_said_not_to_be(app):
    tables = set(inspect(db.session.get_bind()).get_table_names())
    assert tables == set(changes.WATCHED) | changes.UNWATCHED
    for table in changes.WATCHED:
        assert len(_triggers(table)) == 3, table  # insert, update and delete
    for table in changes.UNWATCHED - {"alembic_version"}:
        assert not _triggers(table), table


@pytest.fixture
def two(make_user, make_contact):
    user, other = make_user(), make_user()
    return user, other, make_contact(user)


def test_a_write_through_the_orm_or_core_moves_its_owners_mark_only(two):
    user, other_user, contact = two
    mine, theirs = changes.mark(db.session, user.id), changes.mark(db.session, other_user.id)
    assert changes.mark(db.session, user.id) == mine  # reading moves nothing

    contact.notes = "Met at the conference"
    db.session.commit()
    after_edit = changes.mark(db.session, user.id)
    assert after_edit != mine

    db.session.execute(update(Contact).where(Contact.owner_id == user.id).values(warmth_key=Contact.warmth_key))
    db.session.commit()
    after_core = changes.mark(db.session, user.id)
    assert after_core != after_edit  # a Core UPDATE (the rescore's kind) too, even one that changes no value

    db.session.execute(text("DELETE FROM contacts WHERE owner_id = :o"), {"o": user.id})
    db.session.commit()
    assert changes.mark(db.session, user.id) != after_core
    assert changes.mark(db.session, other_user.id) == theirs


def test_a_transaction_of_many_statements_adds_one_row_and_moves_the_mark(two):
    user, _, contact = two
    before, rows = changes.mark(db.session, user.id), len(_ids().get((user.id, "contacts"), []))
    for note in ("a", "b", "c"):
        db.session.execute(update(Contact).where(Contact.id == contact.id).values(notes=note))
    db.session.commit()
    assert changes.mark(db.session, user.id) != before
    # PostgreSQL appends one row per owner, table and transaction; SQLite counts in place on its one row.
    assert len(_ids()[(user.id, "contacts")]) == (rows + 1 if db.session.get_bind().dialect.name == "postgresql" else 1)


def test_a_statement_that_writes_nothing_leaves_the_mark(two):
    user, _, _ = two
    before = changes.mark(db.session, user.id)
    db.session.execute(update(Contact).where(Contact.id == -1).values(notes=""))
    db.session.execute(select(Touch).where(Touch.owner_id == user.id)).all()
    db.session.commit()
    assert changes.mark(db.session, user.id) == before


def test_settings_and_deleting_the_user_move_the_mark(two):
    _, other_user, _ = two
    before = changes.mark(db.session, other_user.id)
    other_user.timezone = "Europe/Paris"
    db.session.commit()
    moved = changes.mark(db.session, other_user.id)
    assert moved != before
    db.session.delete(db.session.get_one(User, other_user.id))
    db.session.commit()  # no foreign key to trip over: the cascade's triggers write marks for a user now gone
    assert changes.mark(db.session, other_user.id) != moved


def test_a_mark_of_some_tables_moves_with_those_only(two, make_campaign):
    user, _, _ = two
    board_tables = {"contacts", "campaigns"}
    before = changes.mark(db.session, user.id, board_tables)
    touched_elsewhere = changes.mark(db.session, user.id)
    make_campaign(user, "Season 3")
    assert changes.mark(db.session, user.id, board_tables) != before
    between = changes.mark(db.session, user.id, board_tables)
    db.session.execute(update(User).where(User.id == user.id).values(audience_size=5000))
    db.session.commit()
    assert changes.mark(db.session, user.id, board_tables) == between
    assert changes.mark(db.session, user.id) != touched_elsewhere
    with pytest.raises(ValueError, match="not a watched table: today_boards"):
        changes.mark(db.session, user.id, {"today_boards"})


def test_the_tick_prunes_old_rows_but_the_newest_of_each_table(two):
    _, _, contact = two
    for note in ("a", "b", "c"):
        contact.notes = note
        db.session.commit()
    before = _ids()
    planner.tick(db.session, utcnow() + changes.PRUNE_AFTER + timedelta(minutes=1))
    after = _ids()
    for place, ids in before.items():
        kept = [i for i in after.get(place, []) if i in ids]
        assert kept == [max(ids)], (place, ids, after)  # the newest of those written before: the mark holds


def _ids() -> dict[tuple[int, str], list[int]]:
    found: dict[tuple[int, str], list[int]] = {}
    rows = db.session.execute(
        select(changes.OwnerChange.owner_id, changes.OwnerChange.source, changes.OwnerChange.id).order_by(changes.OwnerChange.id)
    )
    for owner, source, id_ in rows:
        found.setdefault((owner, source), []).append(id_)
    return found
