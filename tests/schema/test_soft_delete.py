"""Migration 0017 (soft delete): going back down finishes the deletes, so nothing deleted comes back to life."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, select

from outreach import create_app
from outreach.extensions import db
from tests.schema.test_migrations import NOW, _seed, empty_database  # noqa: F401  (the fixture, on both databases)


def test_a_downgrade_below_0017_removes_the_soft_deleted_rows_and_keeps_the_live_ones(empty_database):  # noqa: F811
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "TESTING": True})
    with app.app_context():
        upgrade(revision="0017")
        with db.engine.begin() as conn:
            seeded = {table.name: (table, row_id) for table, row_id in _seed(conn)}
            touches, live = seeded["touches"]
            row = dict(conn.execute(select(touches).where(touches.c.id == live)).mappings().one())
            del row["id"]
            conn.execute(touches.insert().values({**row, "note": "Deleted by mistake", "deleted_at": NOW}))
        downgrade(revision="0013")
        with db.engine.connect() as conn:
            reflected = MetaData()
            reflected.reflect(bind=conn, only=["touches", "campaigns", "asks"])
            notes = conn.execute(select(reflected.tables["touches"].c.note)).scalars().all()
            columns = {name: set(reflected.tables[name].c.keys()) for name in ("touches", "campaigns", "asks")}
        db.engine.dispose()
    assert notes == ["Great chat"]
    assert [name for name, names in columns.items() if "deleted_at" in names] == []
