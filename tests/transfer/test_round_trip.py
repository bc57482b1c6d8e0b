"""The JSON backup restores whole: into a fresh install and beside the original, every record, every
reference and every warmth comes back, and nothing secret ever leaves."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from outreach.accounts import service as user_service
from outreach.accounts import sessions as logins
from outreach.accounts.models import User
from outreach.calendar import service as calendar_service
from outreach.capture.mbox import import_mbox
from outreach.capture.meetings import Occurrence, store_meetings
from outreach.capture.models import CalendarAccount
from outreach.contacts.models import Contact
from outreach.core.caller import caller_for
from outreach.core.errors import InvalidInput
from outreach.extensions import db
from outreach.transfer import archive, restore
from tests.transfer.conftest import SECRETS, counts_of, demo_mbox, load_full_demo, owned_tables

# Columns a restore rebuilds or must not carry, each for a reason (everything else is exported).
# A field the archive names by what it means, stored in another column.
STORED_AS = {"emails": "other_emails"}  # every address, the primary first: `email` and `other_emails` together
LEFT_OUT = {
    "id": "records point at each other by ref",
    "owner_id": "the account restored into",
    "warmth_key": "recomputed from the touches",
    "first_touch_at": "recomputed from the touches",
    "last_touch_at": "recomputed from the touches",
    "last_inbound_at": "recomputed from the touches",
    "occurred_s": "occurred_at again, as the seconds the rescore sums: computed on insert",
    "natural_key": "rebuilt from the new ids",
    "uid": "a restored reminder is a new calendar event",  # a post's uid (its GUID's hash) is kept
    "claimed_until": "a feed reader's lease, meaningless elsewhere",
    "account_id": "the mailbox or calendar connection: made again after a restore, with its password",
}


def _canonical(document: dict[str, Any]) -> dict[str, Any]:
    """Replace refs (ids) by positions, so two accounts' exports can be compared."""
    document = json.loads(json.dumps(document))
    positions = {name: {row["ref"]: i for i, row in enumerate(document[name])} for name in archive.SECTIONS}
    for name, section in archive.SECTIONS.items():
        for row in document[name]:
            row["ref"] = positions[name][row["ref"]]
            for link, target in section.links.items():
                if row.get(link) is not None:
                    row[link] = positions[target][row[link]]
    document["user"].pop("email")
    return document


def links_of(session: Session, owner_id: int) -> dict[str, int]:
    """How many of the owner's records point at another record, per reference (asks.message_id: 8)."""
    found = {}
    for table in owned_tables():
        for column in table.c:
            if column.foreign_keys and column.name != "owner_id":
                query = select(func.count()).select_from(table).where(table.c.owner_id == owner_id, column.is_not(None))
                found[f"{table.name}.{column.name}"] = session.scalar(query) or 0
    return found


def foreign_references(session: Session, owner_id: int) -> list[str]:
    """References from the owner's records to someone else's: there must be none."""
    found = []
    for table in owned_tables():
        for column in table.c:
            for key in column.foreign_keys:
                if column.name == "owner_id" or "owner_id" not in key.column.table.c:
                    continue
                target = key.column.table.alias("target")  # asks.parent_id points into asks itself
                joined = table.join(target, column == target.c[key.column.name])
                query = (
                    select(func.count()).select_from(joined).where(table.c.owner_id == owner_id, target.c.owner_id != owner_id)
                )
                if session.scalar(query):
                    found.append(f"{table.name}.{column.name}")
    return found


def warmth_of(session: Session, owner_id: int) -> dict[str, float | None]:
    return {c.name: c.warmth_key for c in session.scalars(select(Contact).where(Contact.owner_id == owner_id))}


def assert_same_warmth(got: dict[str, float | None], want: dict[str, float | None]) -> None:
    assert sorted(got) == sorted(want)
    # Two sums of the same decayed weights in another order differ in the last bits: compare as numbers, not digits.
    for name, key in want.items():
        assert (got[name] is None) == (key is None), name
        assert key is None or math.isclose(got[name], key, rel_tol=0, abs_tol=1e-9), name  # type: ignore[arg-type]


def test_the_demo_restores_whole_into_a_fresh_install(app, runner, fresh_install: Flask, tmp_path: Path, now: datetime):
    source = load_full_demo(db.session, now)
    counts, links, warmth = counts_of(db.session, source.id), links_of(db.session, source.id), warmth_of(db.session, source.id)
    assert all(counts.values()), counts  # every table a user owns has something to restore
    backup = tmp_path / "outreach.json"
    assert runner.invoke(args=["export", "json", "--email", "demo@example.com", "--out", str(backup)]).exit_code == 0

    with fresh_install.app_context():
        fresh = fresh_install.test_cli_runner()
        fresh.invoke(args=["user", "create", "--email", "me@example.com", "--password", "a new password"])
        restored = fresh.invoke(args=["import", "json", str(backup), "--email", "me@example.com"])
        assert restored.exit_code == 0, restored.output
        assert "Restored 20 contacts" in restored.output
        user = user_service.find_user(db.session, "me@example.com")
        assert user is not None
        assert counts_of(db.session, user.id) == counts
        assert links_of(db.session, user.id) == links
        assert_same_warmth(warmth_of(db.session, user.id), warmth)
        assert (user.audience_size, user.timezone, user.settings) == (source.audience_size, source.timezone, source.settings)


def test_the_demo_restores_whole_beside_the_original(app, make_user, now: datetime):
    source = load_full_demo(db.session, now)
    counts, links, warmth = counts_of(db.session, source.id), links_of(db.session, source.id), warmth_of(db.session, source.id)
    copy = make_user("copy@example.com")
    restore.import_account(db.session, copy, json.loads(json.dumps(archive.export_account(db.session, source))))
    db.session.commit()

    assert counts_of(db.session, copy.id) == counts and counts_of(db.session, source.id) == counts
    assert links_of(db.session, copy.id) == links
    # The copy's asks name the copy's messages, its wins the copy's asks: nothing points at the original.
    assert foreign_references(db.session, copy.id) == []
    assert_same_warmth(warmth_of(db.session, copy.id), warmth)


def test_a_mailbox_read_again_after_a_restore_makes_no_touch_twice(make_user, now: datetime, tmp_path: Path):
    source = load_full_demo(db.session, now)
    copy = make_user("copy@example.com")
    restore.import_account(db.session, copy, json.loads(json.dumps(archive.export_account(db.session, source))))
    db.session.commit()
    touches = counts_of(db.session, copy.id)["touches"]
    counts = import_mbox(db.session, caller_for(copy, now), demo_mbox(tmp_path / "again.mbox", now))
    assert (counts.read, counts.duplicates, counts.touches) == (3, 3, 0)
    meeting = Occurrence("call@demo", "", now - timedelta(days=10), "demo@example.com", ["priya.raman@example.com"], "Call")
    account = CalendarAccount(owner_id=copy.id, kind="ics", label="calendar.example")
    db.session.add(account)
    db.session.flush()
    assert store_meetings(db.session, caller_for(copy, now), account, [meeting], set()) == (0, 0)
    db.session.commit()
    assert counts_of(db.session, copy.id)["touches"] == touches


def test_a_round_trip_reproduces_every_field(make_user, now: datetime):
    source = load_full_demo(db.session, now)
    first = archive.export_account(db.session, source)
    target = make_user("restored@example.com")
    counts = restore.import_account(db.session, target, json.loads(json.dumps(first)))
    db.session.commit()
    assert counts == {name: len(first[name]) for name in archive.SECTIONS}
    assert _canonical(archive.export_account(db.session, target)) == _canonical(first)


def test_every_column_a_user_owns_is_exported_or_left_out_for_a_reason(app):
    exported = {section.model.__table__.name: section for section in archive.SECTIONS.values()}
    assert sorted(exported) == sorted(table.name for table in owned_tables())
    for name, section in exported.items():
        columns = {column.key for column in inspect(section.model).columns}
        fields = set(section.row.model_fields) - {"ref"}
        fields |= {STORED_AS[field] for field in fields if field in STORED_AS}
        assert fields - set(STORED_AS) <= columns, name
        missing = columns - fields - set(LEFT_OUT)
        assert not missing, f"{name}: {sorted(missing)} neither exported nor left out on purpose"


def test_the_export_holds_no_secret(app, make_user):
    user = make_user("secret@example.com", password="a long secret password")
    _, api_token = user_service.create_token(db.session, user, "laptop")
    feed_token = calendar_service.create_token(user)
    logins.start(db.session, user, user.created_at)
    db.session.commit()
    text = json.dumps(archive.export_account(db.session, user))
    stored = db.session.get_one(User, user.id)
    for secret in (api_token, feed_token, stored.password_hash, stored.calendar_token_hash, user.login_key):
        assert secret and secret not in text
    assert not {"password", "password_hash", "tokens", "calendar_token_hash"} & set(json.loads(text)["user"])
    assert SECRETS.isdisjoint(json.loads(text))


def test_restore_only_into_an_empty_account(make_user, make_contact):
    user = make_user()
    make_contact(user)
    with pytest.raises(InvalidInput) as raised:
        restore.import_account(db.session, user, {"schema_version": 2})
    assert "empty account" in raised.value.fields["account"]
