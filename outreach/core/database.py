"""Engine tuning: SQLite gets WAL, a busy timeout and foreign keys; writes that read first lock early."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, cast

from sqlalchemy import event
from sqlalchemy.engine import Connection, CursorResult, Engine, Result

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
        immediate = write_intent.get()
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
        # For may_write: whether this transaction holds the write lock from the start, or takes it later.
        connection.info["immediate"] = immediate
        connection.info["changes_at_begin"] = connection.connection.driver_connection.total_changes


def may_write(connection: Connection) -> bool:
    """Whether the connection's transaction holds or may take the right to write, so a write of its own
    belongs in it: on SQLite, one begun immediate or that has written since (even in a savepoint rolled
    back, as a best-effort "last used" does), and a second connection's write would wait for it; elsewhere,
    whether this context may write."""
    info = connection.info
    if "immediate" not in info:
        return write_intent.get()
    driver = connection.connection.driver_connection
    return bool(info["immediate"]) or getattr(driver, "total_changes", 0) > info["changes_at_begin"]


def rows_matched(result: Result[*tuple[Any, ...]]) -> int:
    """The rows an UPDATE matched: Session.execute returns a CursorResult for it, though typed as a Result."""
    return cast("CursorResult[*tuple[Any, ...]]", result).rowcount or 0
