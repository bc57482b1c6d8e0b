"""The benchmark's table says what machine measured it: cores, Python, and the database server it ran on."""

from __future__ import annotations

import os
import platform
import sqlite3

import pytest

from bench.report import Figure, machine, print_table

PG_URL = os.environ.get("OUTREACH_TEST_DATABASE_URL")


def test_on_sqlite_the_machine_is_cores_python_and_sqlite() -> None:
    line = machine(None)
    assert line.startswith(f"machine: {os.cpu_count()} cores")
    assert f"Python {platform.python_version()}" in line
    assert line.endswith(f"SQLite {sqlite3.sqlite_version}")
    assert "PostgreSQL" not in line


@pytest.mark.skipif(not PG_URL, reason="set OUTREACH_TEST_DATABASE_URL to run on PostgreSQL")
def test_on_postgresql_the_machine_names_the_servers_version() -> None:
    line = machine(PG_URL)
    assert "PostgreSQL " in line and "SQLite" not in line
    version = line.split("PostgreSQL ", 1)[1]
    assert version[:2].isdigit(), line  # "15.20 (Debian …)": the server's, asked of it


def test_the_table_prints_the_machine_above_its_header(capsys: pytest.CaptureFixture[str]) -> None:
    print_table([Figure("2. log a touch", 0.002, 0.001, "≤ 2", True)], machine(None))
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("machine: ") and lines[2].startswith("figure")
    assert lines[3].startswith("2. log a touch") and lines[3].rstrip().endswith("PASS")
