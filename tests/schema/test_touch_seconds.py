"""Migration 0018: every stored touch gets occurred_s, to the bit what the app computes from occurred_at."""

from __future__ import annotations

from datetime import datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, select

from outreach import create_app
from outreach.domain import warmth
from outreach.extensions import db
from tests.schema.test_migrations import _seed, empty_database  # noqa: F401  (the fixture, on both databases)

# Whole seconds, microseconds a millisecond clock rounds into the next second, before the epoch (negative
# seconds), the first and last moments the app accepts, and one microsecond either side of the epoch.
MOMENTS = [
    datetime(2024, 5, 6, 9, 30),
    datetime(2023, 12, 31, 23, 59, 59, 999_600),
    datetime(2024, 2, 29, 12, 0, 0, 1),
    datetime(1987, 6, 5, 4, 3, 2, 123_457),
    datetime(1970, 1, 1),
    datetime(1970, 1, 1, 0, 0, 0, 1),
    datetime(1999, 12, 31, 23, 59, 59, 999_999),
    datetime(2000, 1, 1, 0, 0, 0, 1),
    datetime(2199, 12, 31, 23, 59, 59, 999_999),
]


def test_0018_fills_occurred_s_exactly_as_the_app_computes_it(empty_database):  # noqa: F811
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "TESTING": True})
    with app.app_context():
        upgrade(revision="0020")
        with db.engine.begin() as conn:
            seeded = {table.name: (table, row_id) for table, row_id in _seed(conn)}
            touches, first = seeded["touches"]
            row = dict(conn.execute(select(touches).where(touches.c.id == first)).mappings().one())
            del row["id"]
            conn.execute(touches.insert(), [{**row, "occurred_at": moment} for moment in MOMENTS])
        upgrade()
        with db.engine.connect() as conn:
            table = MetaData()
            table.reflect(bind=conn, only=["touches"])
            touches = table.tables["touches"]
            stored = conn.execute(select(touches.c.occurred_at, touches.c.occurred_s).where(touches.c.id != first)).all()
        downgrade(revision="0020")
        with db.engine.connect() as conn:
            table = MetaData()
            table.reflect(bind=conn, only=["touches"])
            columns = set(table.tables["touches"].c.keys())
        db.engine.dispose()
    assert sorted(stored) == sorted((moment, warmth.seconds(moment)) for moment in MOMENTS)
    assert "occurred_s" not in columns and "occurred_at" in columns
