"""Where a benchmark runs: a fresh SQLite file, or a PostgreSQL schema of its own, dropped afterwards.

A schema of its own keeps ten million generated touches out of the shared database's public
schema (where the test suite runs), and lets `--keep` hand the data to bench.web_load and bench.explain.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@dataclass(frozen=True)
class Place:
    url: str  # for create_app: on PostgreSQL it carries search_path=<schema>
    workdir: str  # the instance folder (and the SQLite file)
    schema: str | None = None


def postgres_url(url: str) -> str:
    """psycopg 3 for any postgres URL, as outreach.config does for DATABASE_URL."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def schema_url(url: str, schema: str) -> str:
    """The URL whose connections see ``schema`` (and nothing else) as their search path."""
    if not SCHEMA_NAME.fullmatch(schema):
        raise SystemExit(f"not a plain schema name: {schema!r}")
    parsed = make_url(postgres_url(url))
    return parsed.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def is_postgres(url: str | None) -> bool:
    return bool(url) and make_url(url).get_backend_name() == "postgresql"  # type: ignore[arg-type]


@contextmanager
def bench_database(database_url: str | None, schema: str | None = None, keep: bool = False) -> Iterator[Place]:
    """A place nobody else uses; removed on exit unless ``keep`` (then how to reuse it is printed)."""
    if database_url and not is_postgres(database_url) and Path(make_url(database_url).database or "").exists():
        raise SystemExit(f"{database_url} exists: the benchmark generates into a new database only")
    workdir = tempfile.mkdtemp(prefix="outreach-bench-")
    if not is_postgres(database_url):
        place = Place(database_url or f"sqlite:///{workdir}/bench.sqlite3", workdir)
        try:
            yield place
        finally:
            if keep:
                print(f"kept: --database-url {place.url}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)
        return
    schema = schema or f"outreach_bench_{uuid.uuid4().hex[:8]}"
    place = Place(schema_url(database_url, schema), workdir, schema)  # type: ignore[arg-type]
    admin = create_engine(postgres_url(database_url))  # type: ignore[arg-type]
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))  # fails on an existing one: never generate into data
        try:
            yield place
        finally:
            if keep:
                print(f"kept: --database-url {database_url} --schema {schema}  (DROP SCHEMA {schema} CASCADE when done)")
            else:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()
        shutil.rmtree(workdir, ignore_errors=True)
