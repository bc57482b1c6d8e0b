"""Backup and restore of the SQLite database through the CLI."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from outreach import create_app
from outreach.accounts import service as user_service
from outreach.contacts import service as contact_service
from outreach.contacts import touches as touch_service
from outreach.contacts.models import Contact, Touch
from outreach.core.types import utcnow
from outreach.extensions import db

WRITERS = 4
BACKUPS = 3
BACKUP_SECONDS = 1.5  # one copy takes well under a second; a copy that restarts on every commit, minutes
WRITE_SECONDS = 30.0  # a safety net: the writers stop as soon as the backups are done


def test_backup_and_restore_round_trip(runner, app, make_user, make_contact, tmp_path):
    if db.engine.dialect.name != "sqlite":
        result = runner.invoke(args=["backup", "--out", str(tmp_path / "x.sqlite3")])
        assert result.exit_code != 0 and "pg_dump" in result.output
        return
    user = make_user()
    make_contact(user, "Kept")
    out = tmp_path / "backup.sqlite3"
    result = runner.invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    make_contact(user, "After the backup")
    result = runner.invoke(args=["restore", str(out), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert [c.name for c in db.session.scalars(db.select(Contact))] == ["Kept"]


def test_backup_while_writers_run_is_a_consistent_snapshot(runner, app, database_url, make_user, make_contact, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("on PostgreSQL `outreach backup` only points to pg_dump, whose snapshots are PostgreSQL's to guarantee")
    user = make_user()
    # Some 24 MB, like a database after months of use, so a copy takes long enough to meet commits.
    shared = [make_contact(user, f"Shared {i}", notes="0", upcoming_events="x" * 3_000_000).id for i in range(8)]
    owner_id, params = user.id, user_service.user_settings(user).warmth_params()
    db.session.remove()
    served = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
    stop = threading.Event()
    deadline = time.monotonic() + WRITE_SECONDS
    committed = [0] * WRITERS
    failures: list[str] = []

    def writer(index: int) -> None:
        with served.app_context():
            while not stop.is_set() and time.monotonic() < deadline:
                n = committed[index]
                try:
                    if n % 10 == 9:
                        fields = {"name": f"New {index}-{n}", "notes": "0"}
                        contact = contact_service.create_contact(db.session, owner_id, fields)
                    else:
                        contact = db.session.get_one(Contact, shared[(index + n) % len(shared)])
                    touch = {"kind": "comment", "occurred_at": utcnow(), "note": f"w{index}-{n}"}
                    touch_service.log_touch(db.session, contact, touch, params)
                    # The contact's own count of its touches, written in the touch's transaction.
                    contact_service.update_contact(db.session, contact, {"notes": str(int(contact.notes) + 1)})
                    db.session.commit()
                    committed[index] += 1
                except Exception as exc:  # any error a user would have seen
                    db.session.rollback()
                    failures.append(repr(exc))
            db.session.remove()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    snapshots, copies = [], []
    try:
        for i in range(BACKUPS):
            warmed = sum(committed) + 4 * WRITERS
            while sum(committed) < warmed and time.monotonic() < deadline:
                time.sleep(0.01)
            out, before, started = tmp_path / f"during-{i}.sqlite3", sum(committed), time.monotonic()
            result = runner.invoke(args=["backup", "--out", str(out)])
            assert result.exit_code == 0, result.output
            copies.append((sum(committed) > before, time.monotonic() - started))
            snapshots.append(_snapshot(out))
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        with served.app_context():
            db.engine.dispose()

    assert failures == []
    assert all(met_commits for met_commits, _ in copies), f"writers committed during every backup: {copies}"
    assert all(seconds < BACKUP_SECONDS for _, seconds in copies), f"a busy app must not stall the copy: {copies}"
    for integrity, orphans, miscounted, touches in snapshots:
        assert (integrity, orphans, miscounted) == ("ok", [], [])
        assert 0 < touches <= sum(committed)
    assert db.session.scalar(db.select(db.func.count(Touch.id))) == sum(committed)


def _snapshot(path: Path) -> tuple[str, list[Any], list[Any], int]:
    """Integrity, rows pointing nowhere, contacts whose counter disagrees with their touches, touches."""
    with closing(sqlite3.connect(path)) as snapshot:
        integrity = snapshot.execute("PRAGMA integrity_check").fetchone()[0]
        orphans = snapshot.execute("PRAGMA foreign_key_check").fetchall()
        counted = snapshot.execute(
            "SELECT c.id, c.notes, (SELECT count(*) FROM touches t WHERE t.contact_id = c.id) FROM contacts c"
        ).fetchall()
    miscounted = [row for row in counted if int(row[1]) != row[2]]
    return integrity, orphans, miscounted, sum(row[2] for row in counted)


def test_restore_refuses_a_file_that_is_not_a_backup(runner, tmp_path, app):
    bogus = tmp_path / "bogus.sqlite3"
    sqlite3.connect(bogus).execute("CREATE TABLE x (y)").connection.commit()
    result = runner.invoke(args=["restore", str(bogus), "--yes"])
    if db.engine.dialect.name == "sqlite":
        assert result.exit_code != 0 and "not an Outreach" in result.output
    else:
        assert "pg_dump" in result.output


@pytest.mark.parametrize(
    "command",
    [
        ["import", "contacts"],
        ["import", "touches"],
        ["import", "json"],
        ["export", "json"],
        ["export", "contacts"],
        ["backup"],
        ["restore"],
    ],
)
def test_data_commands_have_help(runner, command):
    result = runner.invoke(args=[*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
