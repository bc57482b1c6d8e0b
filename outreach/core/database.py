"""Engine tuning: SQLite gets WAL, a busy timeout and foreign keys; writes that read first lock early.
And the one way to add or change many rows at once (``insert_rows``, ``update_rows``), the fastest each
database takes them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from itertools import chain
from typing import Any, cast

from sqlalchemy import Table, event
from sqlalchemy.engine import Connection, CursorResult, Dialect, Engine, Result

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


# Rows in one SQLite statement, within its bound parameters' limit (SQLITE_MAX_VARIABLE_NUMBER: 32,766
# since 3.32, 999 before): more rows per statement gained nothing measurable past a few hundred.
SQLITE_ROWS = 500


def insert_rows(connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Add many rows at once, each a tuple of ``columns``' values, the fastest way each database takes them.

    SQLite: statements of many VALUES rows. Every statement that can fire a trigger (the change marks',
    outreach.core.changes) opens a statement journal, about 20 µs, which an executemany pays per row; and
    SQLAlchemy's own many-row insert (insertmanyvalues, switched on by RETURNING) spent as long building
    each row's parameters and reading back ids nobody needs as SQLite spent storing them.
    PostgreSQL: one COPY, in the connection's transaction. An executemany is a statement per row, and each
    fired the change marks' statement trigger (most of a first tick's time at 100,000 contacts); a statement
    of many VALUES rows psycopg and the server parse anew for every page.

    Values go through each column type's own bind processor (enums to their values, dates to SQLite's
    text), as SQLAlchemy would send them. Returns the number of rows."""
    if not rows:
        return 0
    names = tuple(columns)
    dialect = connection.dialect
    bound = _bound(_processors(table, names, dialect), rows)
    if dialect.name == "postgresql":
        with _copy(connection, table, names) as copy:
            for row in bound:
                copy.write_row(row)
        return len(rows)
    limit = 32_766 if dialect.dbapi.sqlite_version_info >= (3, 32) else 999  # type: ignore[union-attr]
    per = max(1, min(SQLITE_ROWS, limit // len(names)))
    for start in range(0, len(bound), per):
        chunk = bound[start : start + per]
        connection.exec_driver_sql(_values_statement(table, names, dialect, len(chunk)), tuple(chain.from_iterable(chunk)))
    return len(rows)


@contextmanager
def streamed_rows(connection: Connection, table: Table, columns: Sequence[str]) -> Iterator[Callable[[Sequence[Any]], None]]:
    """PostgreSQL: a COPY open on the connection's transaction, taking rows one at a time as the caller makes
    them, so the server stores each while the caller makes the next (on 2 cores, most of a first tick's
    reminders are stored while it drafts). The connection can run nothing else until the block ends.
    Values go through their columns' bind processors, as in ``insert_rows``."""
    names = tuple(columns)
    dialect = connection.dialect
    if dialect.name != "postgresql":
        raise ValueError("rows are streamed on PostgreSQL only: elsewhere use insert_rows")
    processors = [None if process is None else _remembering(process) for process in _processors(table, names, dialect)]

    def refuse(*_args: Any) -> None:
        # psycopg would wait for the COPY to end, for ever: a query sent meanwhile (a lazy load) fails instead.
        raise RuntimeError(f"no query can be sent while rows stream into {table.name}")

    with _copy(connection, table, names) as copy:
        event.listen(connection, "before_cursor_execute", refuse)
        try:
            write = copy.write_row
            if not any(processors):
                yield write
            else:
                yield lambda row: write(tuple(p(v) if p else v for p, v in zip(processors, row, strict=True)))
        finally:
            event.remove(connection, "before_cursor_execute", refuse)


@contextmanager
def _copy(connection: Connection, table: Table, names: tuple[str, ...]) -> Iterator[Any]:
    quote = connection.dialect.identifier_preparer
    columns_sql = ", ".join(quote.quote(name) for name in names)
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(f"COPY {quote.format_table(table)} ({columns_sql}) FROM STDIN") as copy:  # type: ignore[union-attr]
        yield copy


def _remembering(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The processor, remembering what it made of each value: streamed rows repeat a few dates and words."""
    made: dict[Any, Any] = {}

    def bound(value: Any) -> Any:
        try:
            return made[value]
        except KeyError:
            made[value] = result = process(value)
            return result
        except TypeError:  # not hashable (a JSON list): processed each time
            return process(value)

    return bound


def update_rows(connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Set many rows' columns at once, each row a tuple of ``columns``' values whose first is its primary key.

    PostgreSQL: one UPDATE … FROM (VALUES …) for up to SQLITE_ROWS rows, each value cast to its column's type.
    A statement per row (the ORM's flush, an executemany) fired the change marks' statement trigger once per
    row: most of recording a batch of polled feeds. SQLite: an executemany, its row triggers are cheap.
    Values go through each column type's bind processor, as in ``insert_rows``. Returns the number of rows."""
    if not rows:
        return 0
    names = tuple(columns)
    dialect = connection.dialect
    bound = _bound(_processors(table, names, dialect), rows)
    if dialect.name != "postgresql":
        connection.exec_driver_sql(_update_statement(table, names, dialect, 0), [(*row[1:], row[0]) for row in bound])
        return len(rows)
    for start in range(0, len(bound), SQLITE_ROWS):
        chunk = bound[start : start + SQLITE_ROWS]
        connection.exec_driver_sql(_update_statement(table, names, dialect, len(chunk)), tuple(chain.from_iterable(chunk)))
    return len(rows)


@lru_cache(maxsize=64)
def _update_statement(table: Table, names: tuple[str, ...], dialect: Dialect, count: int) -> str:
    """PostgreSQL's UPDATE … FROM (VALUES …) of ``count`` rows; elsewhere (count 0) one row's, key last."""
    quote = dialect.identifier_preparer
    key, *rest = [quote.quote(name) for name in names]
    target = quote.format_table(table)
    if not count:
        return f"UPDATE {target} SET " + ", ".join(f"{name} = ?" for name in rest) + f" WHERE {key} = ?"
    types = [table.c[name].type.compile(dialect=dialect) for name in names]
    row = "(" + ", ".join(f"%s::{kind}" for kind in types) + ")"
    return (
        f"UPDATE {target} SET "
        + ", ".join(f"{name} = v.{name}" for name in rest)
        + f" FROM (VALUES {', '.join([row] * count)}) AS v ({key}, {', '.join(rest)}) WHERE {target}.{key} = v.{key}"
    )


def _processors(table: Table, names: tuple[str, ...], dialect: Dialect) -> list[Callable[[Any], Any] | None]:
    return [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]


def _bound(processors: list[Callable[[Any], Any] | None], rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    """The rows with each value as its column's bind processor makes it, a column at a time: bulk rows repeat
    a few dates, times and words thousands of times (every new reminder's created_at is the tick's clock),
    so each distinct value is processed once."""
    if not any(processors):
        return rows
    columns = list(zip(*rows, strict=True))
    for i, process in enumerate(processors):
        if process is not None:
            columns[i] = _processed(process, columns[i])
    return list(zip(*columns, strict=True))


def _processed(process: Callable[[Any], Any], values: tuple[Any, ...]) -> tuple[Any, ...]:
    try:
        made = {value: process(value) for value in set(values)}
    except TypeError:  # a value that cannot be hashed (a JSON list): each processed on its own
        return tuple(map(process, values))
    return tuple(map(made.__getitem__, values))


@lru_cache(maxsize=64)
def _values_statement(table: Table, names: tuple[str, ...], dialect: Dialect, count: int) -> str:
    """SQLite's INSERT INTO table (names) VALUES (?, …), (?, …) with ``count`` rows."""
    quote = dialect.identifier_preparer
    row = "(" + ", ".join(["?"] * len(names)) + ")"
    columns = ", ".join(quote.quote(name) for name in names)
    return f"INSERT INTO {quote.format_table(table)} ({columns}) VALUES " + ", ".join([row] * count)
