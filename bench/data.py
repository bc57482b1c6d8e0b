"""Generate realistic data fast: a few hot contacts, a long cold tail, touches over two years, several users.

PostgreSQL gets COPY (the team size is 10 million touches); SQLite gets executemany in chunks.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Table, insert, select, text
from sqlalchemy.orm import Session

from outreach.accounts.models import User
from outreach.campaigns.models import Campaign
from outreach.contacts.models import Contact, Touch
from outreach.contacts.rescore import rescore_owner
from outreach.core.types import TagList, utcnow
from outreach.domain import warmth
from outreach.domain.settings import UserSettings
from outreach.domain.vocabulary import ContactKind, TouchKind

TOPICS = ["podcasting", "marketing", "productivity", "copywriting", "launches", "online courses", "storytelling", "audio"]
CONTACT_KINDS = list(ContactKind.values())
CHUNK = 20_000
OTHER_USERS = 4
OTHER_SHARE = 50  # each other user has 1/50 of the measured user's contacts and touches

CONTACT_COLUMNS = (
    "owner_id",
    "name",
    "email",
    "kind",
    "topics",
    "audience_size",
    "promotes_others",
    "promotion_methods",
    "links",
    "tags",
    "notes",
    "created_at",
    "updated_at",
)
TOUCH_COLUMNS = ("owner_id", "contact_id", "kind", "direction", "occurred_at", "occurred_s", "note", "created_at")


def generate(session: Session, contacts: int, touches: int, seed: int = 1) -> int:
    """The measured user (first id) with exactly ``contacts`` and ``touches``, plus smaller users; returns its id."""
    rng = random.Random(seed)
    started = time.perf_counter()
    others = max(1, contacts // OTHER_SHARE), max(1, touches // OTHER_SHARE)
    with _bulk_loading(session, ("touches", "contacts")):
        owner_id = _user(session, "bench@example.com", contacts, touches, rng)
        colleagues = [_user(session, f"colleague{n + 1}@example.com", *others, rng) for n in range(OTHER_USERS)]
    for colleague_id in colleagues:
        rescore_owner(session, colleague_id, UserSettings().warmth_params())  # their warmth, as the product keeps it
    session.commit()
    elapsed = time.perf_counter() - started
    total = (contacts + touches) + OTHER_USERS * sum(others)
    print(
        f"  generated {contacts:,} contacts and {touches:,} touches for the measured user, and {OTHER_USERS} colleagues "
        f"with {others[0]:,} and {others[1]:,} each, in {elapsed:.1f} s ({total / elapsed:,.0f} rows/s, "
        f"{'COPY' if _copies(session) else 'executemany'})",
        flush=True,
    )
    _analyze(session)
    return owner_id


def _user(session: Session, email: str, contacts: int, touches: int, rng: random.Random) -> int:
    now = utcnow()
    user = User(email=email, password_hash="x", audience_size=5_000, settings=UserSettings().model_dump())
    session.add(user)
    session.flush()
    _load(session, Contact.__table__, CONTACT_COLUMNS, _contact_rows(user.id, contacts, rng, now))
    ids = list(session.scalars(select(Contact.id).where(Contact.owner_id == user.id).order_by(Contact.id)))
    _load(session, Touch.__table__, TOUCH_COLUMNS, _touch_rows(user.id, ids, touches, rng, now))
    for weeks, name in ((8, "Season 5"), (10, "Spring launch"), (20, "Summit")):
        day = (now + timedelta(weeks=weeks)).date()
        session.add(Campaign(owner_id=user.id, name=name, kind="podcast_season", date=day, topics=TOPICS[:3]))
    session.flush()
    return user.id


def _contact_rows(owner_id: int, count: int, rng: random.Random, now: datetime) -> Iterator[tuple[Any, ...]]:
    # Added and last written at moments over two years, as a user's contacts are (Today's board reassesses
    # the contacts written in its last minutes); drawn apart from ``rng``, so the rest of the data stays as it was.
    moments = random.Random(owner_id)
    two_years = 730 * 86400
    for i in range(count):
        created = now - timedelta(seconds=moments.random() * two_years)
        yield (
            owner_id,
            f"Contact {i}",
            f"c{owner_id}-{i}@example.com",
            rng.choice(CONTACT_KINDS),
            rng.sample(TOPICS, rng.randint(1, 3)),
            int(rng.paretovariate(1.2) * 1000),
            rng.random() < 0.7,
            ["interview"],
            [],
            [],
            "",
            created,
            created + (now - created) * moments.random(),
        )


def _touch_rows(owner_id: int, ids: Sequence[int], count: int, rng: random.Random, now: datetime) -> Iterator[tuple[Any, ...]]:
    # Pareto weights: a few contacts get most touches, the tail gets one or two.
    weights = [rng.paretovariate(1.1) for _ in ids]
    kinds = list(TouchKind.values())
    two_years = 730 * 86400
    for contact_id in rng.choices(ids, weights=weights, k=count):
        direction = "inbound" if rng.random() < 0.2 else "outbound"
        at = now - timedelta(seconds=rng.random() * two_years)
        yield owner_id, contact_id, kinds[int(rng.random() * len(kinds))], direction, at, warmth.seconds(at), "", now


def _copies(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _load(session: Session, table: Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """COPY on PostgreSQL (psycopg 3, inside the session's transaction); executemany chunks elsewhere."""
    if _copies(session):
        as_text = _stored_forms(table, columns)
        cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            # Lines formatted here and written in blocks: psycopg's write_row costs ~7 µs a row.
            lines: list[str] = []
            for row in rows:
                lines.append("\t".join(map(_copy_text_value, as_text(row) if as_text else row)))
                if len(lines) >= CHUNK:
                    copy.write("\n".join(lines) + "\n")
                    lines = []
            if lines:
                copy.write("\n".join(lines) + "\n")
        cursor.close()
        return
    statement = insert(table)
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(dict(zip(columns, row, strict=True)))
        if len(chunk) >= CHUNK:
            session.connection().execute(statement, chunk)
            chunk = []
    if chunk:
        session.connection().execute(statement, chunk)


@contextmanager
def _bulk_loading(session: Session, tables: Sequence[str]) -> Iterator[None]:
    """PostgreSQL's advice for a bulk load: drop secondary indexes and foreign keys, COPY, rebuild them.

    With row-by-row foreign-key checks and random B-tree inserts, generating 1,000,000 touches took
    23 s; with a rebuild (one sort per index, one join per key) it takes 10 s. The definitions come from the catalog, so
    what is rebuilt is exactly what the migrations made.
    """
    if not _copies(session):
        yield
        return
    conn = session.connection()
    dropped: list[str] = []
    for table in tables:
        found = {"table": table}
        keys = conn.execute(
            text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = CAST(:table AS regclass) AND contype = 'f'"
            ),
            found,
        ).all()
        indexes = conn.execute(
            text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = :table"
                " AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = CAST(:table AS regclass))"
            ),
            found,
        ).all()
        for name, definition in keys:
            conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            dropped.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for name, definition in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
            dropped.insert(0, definition)  # indexes first: the key checks use them
    yield
    started = time.perf_counter()
    for statement in dropped:
        conn.exec_driver_sql(statement)
    print(f"  rebuilt {len(dropped)} indexes and foreign keys in {time.perf_counter() - started:.1f} s", flush=True)


def _stored_forms(table: Table, columns: Sequence[str]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]] | None:
    """COPY bypasses the column types: label lists and JSON become their stored text here; None if nothing to do."""
    tags = TagList()
    convert: list[Callable[[Any], Any] | None] = []
    for name in columns:
        column_type = table.c[name].type
        if isinstance(column_type, TagList):
            convert.append(lambda value: tags.process_bind_param(value, None))  # type: ignore[arg-type]
        elif isinstance(column_type, JSON):
            convert.append(json.dumps)
        else:
            convert.append(None)
    if not any(convert):
        return None
    return lambda row: tuple(f(value) if f else value for f, value in zip(convert, row, strict=True))


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text_value(value: Any) -> str:
    """One value in COPY's text format (str() of a datetime is the ISO form PostgreSQL reads)."""
    if type(value) is str:
        return value.translate(_ESCAPES) if ("\\" in value or "\t" in value or "\n" in value or "\r" in value) else value
    if value is None:
        return "\\N"
    if type(value) is bool:
        return "t" if value else "f"
    return str(value)


def _analyze(session: Session) -> None:
    """Fresh statistics (and, on PostgreSQL, hint bits and the visibility map), as a long-lived database has."""
    started = time.perf_counter()
    if _copies(session):
        with session.get_bind().engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            for table in ("users", "contacts", "touches", "campaigns"):
                conn.exec_driver_sql(f"VACUUM (ANALYZE) {table}")
    else:
        session.connection().exec_driver_sql("ANALYZE")
        session.commit()
    print(f"  vacuumed and analyzed in {time.perf_counter() - started:.1f} s", flush=True)
