"""Engine tuning: SQLite gets WAL, a busy timeout and foreign keys; writes that read first lock early."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, cast

from sqlalchemy import event
from sqlalchemy.engine import CursorResult, Engine, Result

# Whether transactions in this context may write. Reads (GET pages, feeds) start a plain deferred
# transaction so they never queue behind writers; everything else starts BEGIN IMMEDIATE.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)


def tune_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A transaction that reads then writes must hold the write lock from the start, or a
        # concurrent writer makes it fail with "database is locked" instead of waiting.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


def rows_matched(result: Result[*tuple[Any, ...]]) -> int:
    """The rows an UPDATE matched: Session.execute returns a CursorResult for it, though typed as a Result."""
    return cast("CursorResult[*tuple[Any, ...]]", result).rowcount or 0
