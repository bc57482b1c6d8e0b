"""The migrations are the schema: from empty, or from any revision holding data, they build what the models declare."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, Connection, MetaData, Table, create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from outreach import create_app
from outreach.contacts.models import Contact, Touch
from outreach.contacts.touches import touches_of
from outreach.core.paths import MIGRATIONS_DIR
from outreach.domain import warmth
from outreach.extensions import db
from tests.conftest import BACKENDS, PG_URL, _pg_schema_url


@pytest.fixture(params=BACKENDS)
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path / "empty.sqlite3")
        return
    schema = f"outreach_mig_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(PG_URL).set(drivername="postgresql+psycopg"))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield _pg_schema_url(schema)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _quoted(sql: str) -> list[str]:
    return sorted(re.findall(r"'([^']*)'", sql))


def database_checks(conn: Connection) -> dict[str, list[str]]:
    """Each CHECK constraint in the database, by name, with the values it allows."""
    found = inspect(conn)
    return {
        str(check["name"]): _quoted(check["sqltext"])
        for table in found.get_table_names()
        for check in found.get_check_constraints(table)
    }


def model_checks() -> dict[str, list[str]]:
    """Alembic's comparison skips CHECK constraints: the models' own, to compare by hand."""
    return {
        str(check.name): _quoted(str(check.sqltext.compile(compile_kwargs={"literal_binds": True})))
        for table in db.metadata.sorted_tables
        for check in table.constraints
        if isinstance(check, CheckConstraint)
    }


def test_upgrade_from_empty_matches_the_models(empty_database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "TESTING": True})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
            checks = database_checks(conn)
        db.engine.dispose()
    assert differences == []
    assert checks == model_checks() and "ck_asks_reason" in checks and "full_plate" in checks["ck_asks_reason"]


def test_the_database_refuses_a_word_outside_its_list(empty_database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "TESTING": True})
    with app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            seeded = {table.name: id_ for table, id_ in _seed(conn)}
        with pytest.raises(IntegrityError, match="ck_asks_outcome"), db.engine.begin() as conn:
            conn.execute(text("UPDATE asks SET outcome = 'maybe' WHERE id = :id"), {"id": seeded["asks"]})
        db.engine.dispose()


def test_a_stored_word_outside_its_list_stops_the_upgrade_with_a_sentence(empty_database, capfd):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "TESTING": True})
    with app.app_context():
        upgrade(revision="0009")
        with db.engine.begin() as conn:
            _seed(conn)
            conn.execute(text("UPDATE contacts SET kind = 'celebrity'"))
        with pytest.raises(SystemExit):  # `outreach db upgrade` exits 1 after logging the sentence
            upgrade()
        with db.engine.connect() as conn:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            kind = conn.execute(text("SELECT kind FROM contacts")).scalar()
        db.engine.dispose()
    assert "contacts.kind = 'celebrity' in 1 row(s)" in capfd.readouterr().err
    assert (revision, kind) == ("0009", "celebrity")  # nothing half-done: fix the row, upgrade again


def test_downgrade_to_empty_and_upgrade_again(empty_database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "TESTING": True})
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert {"users", "contacts", "touches", "campaigns", "asks", "reminders"} <= set(inspect(db.engine).get_table_names())
        db.engine.dispose()


REVISIONS = [script.revision for script in reversed(list(ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()))]
NOW = datetime(2024, 5, 6, 9, 30)
# Microseconds a millisecond clock would round up into the next second: 0018 must fill occurred_s exactly.
TOUCHED = datetime(2024, 5, 6, 9, 29, 59, 999_600)

# What a user could have stored at any revision: each row keeps only the columns its revision has,
# and tables a revision lacks are skipped. Rows in child tables catch a batch migration that
# recreates a parent table and lets ON DELETE CASCADE / SET NULL empty its children.
SEED = {
    "users": {
        "email": "maya@example.com",
        "password_hash": "scrypt:32768:8:1$salt$hash",
        "audience_size": 1200,
        "timezone": "Europe/Berlin",
        "settings": {"weekly_touch_goal": 5},
        "created_at": NOW,
        "calendar_token_hash": "c" * 64,
        "calendar_token_created_at": NOW,
    },
    "contacts": {
        "name": "Jane Doe",
        "email": "jane@example.com",
        "kind": "podcast_guest",
        "topics": "|podcasting|",
        "audience_size": 5000,
        "promotes_others": True,
        "promotion_methods": "|newsletter|",
        "links": ["https://jane.example.com"],
        "other_emails": ["jane.doe@example.org"],
        "tags": "|friend|",
        "notes": "Met at PodCon",
        "warmth_key": 12.5,
        "first_touch_at": NOW,
        "last_touch_at": NOW,
        "last_inbound_at": NOW,
        "created_at": NOW,
        "updated_at": NOW,
        "preferred_contact": "email",
        "upcoming_events": "Book launch",
        "source": "import",
    },
    "campaigns": {
        "name": "Season 3",
        "kind": "podcast_season",
        "date": NOW.date(),
        "topics": "|podcasting|",
        "yes_target": 4,
        "window_start_weeks": 12,
        "window_end_weeks": 3,
        "description": "",
        "created_at": NOW,
        "updated_at": NOW,
        "deleted_at": None,  # from 0017: live rows stay live
    },
    "messages": {"name": "Warm invite", "body": "Hi {name}", "created_at": NOW, "updated_at": NOW},
    "touches": {
        "kind": "call",
        "direction": "inbound",
        "occurred_at": TOUCHED,
        "occurred_s": warmth.seconds(TOUCHED),  # from 0018 (an older revision has no such column: 0018 fills it)
        "channel": "zoom",
        "note": "Great chat",
        "source": "mail",
        "created_at": NOW,
        "deleted_at": None,  # from 0017: live rows stay live
    },
    "busy_periods": {"start": NOW.date(), "end": NOW.date(), "summary": "Travelling", "source": "manual", "created_at": NOW},
    "asks": {
        "asked_at": NOW,
        "request": "Guest on season 3?",
        "outcome": "pending",
        "reason_detail": "",
        "lesson": "",
        "recipients": 1,
        "replied_at": NOW,
        "reply_subject": "Re: Guest on season 3?",
        "created_at": NOW,
        "updated_at": NOW,
        "deleted_at": None,  # from 0017: live rows stay live
    },
    "ask_changes": {"changed_at": NOW, "changes": {"outcome": ["pending", "yes"]}},
    "reminders": {
        "kind": "keep_warm",
        "due_on": NOW.date(),
        "title": "Touch Jane",
        "body": "",
        "state": "open",
        "uid": "keep_warm-1@outreach",
        "natural_key": "keep_warm-1",
        "sequence": 0,
        "created_at": NOW,
        "updated_at": NOW,
    },
    "episodes": {"title": "Jane on launches", "stage": "booked", "notes": "", "created_at": NOW, "updated_at": NOW},
    "offers": {"direction": "gave", "kind": "free_call", "happened_on": NOW.date(), "note": "", "created_at": NOW},
    "wins": {"kind": "yes", "text": "Jane said yes", "created_at": NOW},
    "mail_accounts": {
        "host": "imap.example.com",
        "port": 993,
        "security": "tls",
        "username": "maya@example.com",
        "secret": "gAAAAA-a-fernet-token",
        "folders": ["[Gmail]/All Mail"],
        "identities": ["maya@example.com"],
        "status": "active",
        "created_at": NOW,
        "updated_at": NOW,
    },
    "mail_folders": {"name": "INBOX", "role": "inbox", "uidvalidity": 4_000_000_000, "last_uid": 42},
    "captured_messages": {
        "message_key": "abc@mail.example.com",
        "sent_at": NOW,
        "direction": "inbound",
        "classification": "person",
        "from_address": "jane@example.com",
        "recipients": 1,
        "subject": "Re: Season 3",
        "references": ["x@mail.example.com"],
        "counterparts": [["jane@example.com", "Jane Doe"]],
        "created_at": NOW,
    },
    "calendar_accounts": {"kind": "caldav", "label": "maya@cal.example.com", "status": "active", "created_at": NOW},
    "captured_events": {
        "uid": "weekly@cal.example.com",
        "recurrence_id": "2024-05-06T09:00:00",
        "starts_at": NOW,
        "direction": "outbound",
        "summary": "Weekly call",
        "attendees": ["jane@example.com"],
        "created_at": NOW,
    },
    "capture_links": {},
    "login_sessions": {"key_hash": "k" * 64, "created_at": NOW},
    "feeds": {
        "url": "https://jane.example.com/",
        "feed_url": "https://jane.example.com/feed.xml",
        "title": "Jane's show",
        "status": "ok",
        "error": "",
        "notes": "",
        "failures": 0,
        "quiet_polls": 2,
        "etag": '"v1"',
        "next_poll_at": NOW,
        "podcast_last_episode_on": NOW.date(),
        "podcast_episodes_per_month": 4.3,
        "podcast_guest_share": 0.8,
        "podcast_episodes_counted": 20,
        "podcast_guests": 16,
        "created_at": NOW,
        "updated_at": NOW,
    },
    "posts": {
        "uid": "a" * 64,
        "title": "Ep. 12 with Maya",
        "url": "https://jane.example.com/12",
        "published_at": NOW,
        "first_seen_at": NOW,
        "kind": "episode",
        "has_guest": True,
    },
    "openings": {"state": "acted", "created_at": NOW, "closed_at": NOW},
}
PARENTS = {
    "owner_id": "users",
    "contact_id": "contacts",
    "campaign_id": "campaigns",
    "message_id": "messages",
    "ask_id": "asks",
    "feed_id": "feeds",
    "post_id": "posts",
    "touch_id": "touches",
}
# Where a column name points at another table than PARENTS says.
TABLE_PARENTS = {
    "mail_folders": {"account_id": "mail_accounts"},
    "captured_messages": {"account_id": "mail_accounts"},
    "captured_events": {"account_id": "calendar_accounts"},
    "capture_links": {"message_id": "captured_messages", "event_id": "captured_events", "touch_id": "touches"},
}


def _seed(conn: Connection) -> list[tuple[Table, int]]:
    """One row per seeded table, as the schema at the current revision allows, with the table as reflected then."""
    tables = MetaData()
    tables.reflect(bind=conn, only=lambda name, _: name in SEED)
    ids: dict[str, int] = {}
    for name, values in SEED.items():
        if name not in tables.tables:
            continue
        table = tables.tables[name]
        row = {key: value for key, value in values.items() if key in table.c}
        parents = {**PARENTS, **TABLE_PARENTS.get(name, {})}
        row.update({column: ids[parent] for column, parent in parents.items() if column in table.c})
        key = conn.execute(table.insert().values(row)).inserted_primary_key
        assert key is not None
        ids[name] = key[0]
    return [(tables.tables[name], id_) for name, id_ in ids.items()]


def _rows(conn: Connection, seeded: list[tuple[Table, int]]) -> dict[str, dict[str, Any] | None]:
    """Each seeded row by table, only the columns it had when seeded; None where it is gone."""
    rows = {table.name: conn.execute(select(table).where(table.c.id == id_)).mappings().first() for table, id_ in seeded}
    return {name: dict(row) if row else None for name, row in rows.items()}


@pytest.mark.parametrize("revision", REVISIONS)
def test_upgrade_from_every_revision_keeps_the_data_and_reaches_the_models(empty_database, revision):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "TESTING": True})
    with app.app_context():
        upgrade(revision=revision)
        with db.engine.begin() as conn:
            seeded = _seed(conn)
            before = _rows(conn, seeded)
        upgrade()
        with db.engine.connect() as conn:
            after = _rows(conn, seeded)
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
            checks = database_checks(conn)
        contact = db.session.get(Contact, before["contacts"]["id"])
        seen = contact and (contact.name, contact.topics, [t.note for t in touches_of(db.session, contact)])
        touch = db.session.get_one(Touch, before["touches"]["id"])
        times = (touch.occurred_at, touch.occurred_s)
        db.session.remove()
        db.engine.dispose()
    assert after == before
    assert seen == ("Jane Doe", ["podcasting"], ["Great chat"])
    assert times == (TOUCHED, warmth.seconds(TOUCHED))  # exactly, not to the millisecond
    assert differences == [] and checks == model_checks()
