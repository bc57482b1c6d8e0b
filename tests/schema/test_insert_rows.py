"""insert_rows and update_rows, the bulk insert and update: rows stored as the ORM would store them, in
statements of many rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Connection

from outreach.core import changes
from outreach.core.database import insert_rows, update_rows
from outreach.domain.vocabulary import ReminderKind, ReminderState
from outreach.extensions import db
from outreach.reminders.models import Reminder

COLUMNS = (
    *("owner_id", "kind", "contact_id", "campaign_id", "due_on", "due_at", "natural_key", "title", "body", "uid"),
    *("created_at", "updated_at", "state", "sequence", "snoozed_until"),
)


def _row(owner_id: int, contact_id: int, n: int) -> tuple[object, ...]:
    at = datetime(2026, 11, 30, 12, 0, 0, n % 1_000_000)  # microseconds, and none for n = 0
    return (
        *(owner_id, ReminderKind.KEEP_WARM, contact_id, None, date(2026, 12, 1 + n % 28), at if n % 2 else None),
        *(f"{owner_id}:keep_warm:{contact_id}:-:{n}", f"Touch them, é {n}", "body", f"uid-{n}@outreach"),
        *(at, at, ReminderState.SNOOZED if n % 3 else "open", n, date(2026, 12, 2) if n % 3 else None),
    )


@contextmanager
def _statements(connection: Connection) -> Iterator[list[str]]:
    """The statements sent through the connection's cursor meanwhile (a COPY is not one of them)."""
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731  (conn, cursor, statement, …)
    event.listen(connection, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", listener)


def test_rows_read_back_as_written_across_statements(app, make_user, make_contact):
    user = make_user()
    contact = make_contact(user)
    rows = [_row(user.id, contact.id, n) for n in range(1_234)]  # more rows than one SQLite statement takes
    connection = db.session.connection()
    with _statements(connection) as statements:
        assert insert_rows(connection, Reminder.__table__, COLUMNS, rows) == len(rows)
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        assert 1 < len(statements) < 10  # many rows to a statement, within SQLite's limit of bound values
    else:
        assert statements == []  # one COPY, on the driver's cursor

    stored = db.session.scalars(select(Reminder).order_by(Reminder.sequence)).all()
    assert len(stored) == len(rows)
    for reminder, row in zip(stored, rows, strict=True):
        expected = dict(zip(COLUMNS, row, strict=True))
        for name, value in expected.items():
            assert getattr(reminder, name) == value, (name, reminder.sequence)
    # Read through the ORM's own filters too: the stored forms compare as the ORM's do.
    due = db.session.scalars(select(Reminder.id).where(Reminder.due_on == date(2026, 12, 5))).all()
    assert len(due) == sum(1 for row in rows if row[4] == date(2026, 12, 5))


@pytest.mark.parametrize("write", ["insert", "update"])
def test_no_rows_is_no_statement_and_the_mark_stays(app, make_user, write):
    user = make_user()
    db.session.commit()
    before = changes.mark(db.session, user.id)
    connection = db.session.connection()
    with _statements(connection) as statements:
        if write == "insert":
            assert insert_rows(connection, Reminder.__table__, COLUMNS, []) == 0
        else:
            assert update_rows(connection, Reminder.__table__, CHANGED, []) == 0
    assert statements == []
    db.session.commit()
    assert changes.mark(db.session, user.id) == before


def test_the_owners_mark_moves(app, make_user, make_contact):
    user = make_user()
    contact = make_contact(user)
    db.session.commit()
    before = changes.mark(db.session, user.id)
    insert_rows(db.session.connection(), Reminder.__table__, COLUMNS, [_row(user.id, contact.id, 1)])
    db.session.commit()
    assert changes.mark(db.session, user.id) != before


CHANGED = ("id", "state", "due_at", "title", "snoozed_until", "sequence", "updated_at")


def test_updated_rows_read_back_as_written_and_the_others_stay(app, make_user, make_contact):
    user = make_user()
    contact = make_contact(user)
    rows = [_row(user.id, contact.id, n) for n in range(1_234)]
    insert_rows(db.session.connection(), Reminder.__table__, COLUMNS, rows)
    db.session.commit()
    ids = db.session.scalars(select(Reminder.id).order_by(Reminder.sequence)).all()
    before = changes.mark(db.session, user.id)
    later = datetime(2027, 1, 2, 3, 4, 5, 678)
    # Every other row, 617: more than one PostgreSQL statement takes; times set and cleared, accents, enums.
    changed = {
        ids[n]: (
            *(ids[n], ReminderState.DONE if i % 2 else "withdrawn", None if i % 2 else later, f"Fait, ç {n}"),
            *(None if i % 3 else date(2027, 2, 3), 10_000 + n, later),
        )
        for i, n in enumerate(range(0, len(ids), 2))
    }
    connection = db.session.connection()
    with _statements(connection) as statements:
        assert update_rows(connection, Reminder.__table__, CHANGED, list(changed.values())) == len(changed)
    db.session.commit()
    assert len(statements) == (1 if db.engine.dialect.name == "sqlite" else 2)  # an executemany; two of 500 rows
    assert changes.mark(db.session, user.id) != before

    db.session.expire_all()
    for reminder, row in zip(db.session.scalars(select(Reminder).order_by(Reminder.id)), rows, strict=True):
        if reminder.id in changed:
            for name, value in zip(CHANGED, changed[reminder.id], strict=True):
                assert getattr(reminder, name) == value, (name, reminder.id)
            assert (reminder.natural_key, reminder.body, reminder.due_on) == (row[6], row[8], row[4])  # not in CHANGED
        else:
            for name, value in zip(COLUMNS, row, strict=True):
                assert getattr(reminder, name) == value, (name, reminder.id)
    # The ORM's filters find the stored forms.
    assert db.session.scalar(select(func.count()).where(Reminder.state == ReminderState.DONE)) == len(changed) // 2
    assert db.session.scalar(select(func.count()).where(Reminder.due_at == later)) == len(changed) - len(changed) // 2
