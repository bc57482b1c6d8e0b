"""Backup and restore of the SQLite database through the CLI."""

from __future__ import annotations

import sqlite3

import pytest

from outreach.extensions import db
from outreach.models import Contact


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


def test_restore_refuses_a_file_that_is_not_a_backup(runner, tmp_path, app):
    bogus = tmp_path / "bogus.sqlite3"
    sqlite3.connect(bogus).execute("CREATE TABLE x (y)").connection.commit()
    result = runner.invoke(args=["restore", str(bogus), "--yes"])
    if db.engine.dialect.name == "sqlite":
        assert result.exit_code != 0 and "not an Outreach" in result.output
    else:
        assert "pg_dump" in result.output


@pytest.mark.parametrize("command", [["import", "contacts"], ["import", "touches"], ["import", "json"], ["export", "json"], ["export", "contacts"], ["backup"], ["restore"]])
def test_data_commands_have_help(runner, command):
    result = runner.invoke(args=[*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
