"""Backups: a consistent online copy of the SQLite database through sqlite3's backup API."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

PG_HINT = (
    "This installation runs on PostgreSQL: back it up with pg_dump, e.g.\n"
    '  pg_dump --format=custom --file=outreach.dump "$DATABASE_URL"\n'
    'and restore with pg_restore --clean --dbname "$DATABASE_URL" outreach.dump'
)


def sqlite_path(database_uri: str) -> Path | None:
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise ValueError("an in-memory database cannot be backed up")
    return Path(url.database)


def copy_database(source: Path, target: Path) -> int:
    """A copy that is consistent even while the app writes; returns the pages copied."""
    if not source.exists():
        raise FileNotFoundError(f"no database at {source}")
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        # All pages in one step, under one read transaction (WAL lets writers go on meanwhile).
        # In small steps, every commit between two steps restarts the copy from page one: a busy
        # app kept a 30 MB backup restarting for as long as it wrote.
        src.backup(dst)
        pages = dst.execute("PRAGMA page_count").fetchone()[0]
    return int(pages)


def check_backup(path: Path) -> str:
    """The backup's schema revision, or an error if the file is not an Outreach database."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            conn.execute("PRAGMA quick_check").fetchone()
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise ValueError(f"{path} is not an Outreach SQLite backup: {exc}") from None
    if row is None:
        raise ValueError(f"{path} has no schema revision: not an Outreach backup")
    return str(row[0])
