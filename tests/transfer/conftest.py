"""A second installation to restore into, and the demo account with a record in every table a user owns."""

from __future__ import annotations

import mailbox
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import Table, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from outreach import create_app
from outreach.accounts import service as user_service
from outreach.accounts.models import User
from outreach.asks import service as ask_service
from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.capture.mbox import import_mbox
from outreach.capture.meetings import Occurrence, store_meetings
from outreach.capture.models import CalendarAccount
from outreach.contacts import service as contact_service
from outreach.contacts.models import Contact
from outreach.core.caller import caller_for
from outreach.episodes import service as episode_service
from outreach.extensions import db
from outreach.feeds import openings
from outreach.feeds.models import Opening
from outreach.reminders import tick as planner
from outreach.transfer.demo import load_demo
from tests.conftest import PG_URL, _pg_schema_url

SECRETS = {"api_tokens", "login_sessions"}  # never exported: a restored account makes its own
# A mailbox or calendar connection holds its credentials, and its folders' sync state means something only
# beside that connection: it is made again, not restored. What capture read (message and meeting records and
# their links to touches) is exported, so a reconnected mailbox makes no touch twice.
CONNECTIONS = {"mail_accounts", "mail_folders", "calendar_accounts"}
DERIVED = {"today_boards", "today_pairs", "owner_changes"}  # assessed again from the restored records, never exported


@pytest.fixture
def fresh_install(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """Another installation on the same backend: its own database, built by the migrations from empty."""
    schema = None
    if database_url.startswith("sqlite"):
        url = "sqlite:///" + str(tmp_path / "fresh.sqlite3")
    else:
        schema = f"outreach_fresh_{uuid.uuid4().hex[:12]}"
        admin = create_engine(make_url(PG_URL).set(drivername="postgresql+psycopg"))
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = _pg_schema_url(schema)
    fresh = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with fresh.app_context():
        upgrade()
        db.engine.dispose()
    yield fresh
    with fresh.app_context():
        db.engine.dispose()
    if schema is not None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def owned_tables() -> list[Table]:
    left_out = SECRETS | CONNECTIONS | DERIVED
    return [table for table in db.metadata.sorted_tables if "owner_id" in table.c and table.name not in left_out]


def counts_of(session: Session, owner_id: int) -> dict[str, int]:
    """How many records the owner has in every table a user owns (secrets aside)."""
    return {
        table.name: session.scalar(select(func.count()).select_from(table).where(table.c.owner_id == owner_id)) or 0
        for table in owned_tables()
    }


def load_full_demo(session: Session, now: datetime) -> User:
    """The demo podcaster, plus what the demo alone lacks: an episode, an offer, an edited ask, a reply to
    the bulk send, an opening acted on, a deleted contact, and the planner's reminders."""
    load_demo(session, "demo@example.com", "demo-password", now)
    user = user_service.find_user(session, "demo@example.com")
    assert user is not None
    me = caller_for(user, now)
    contact: Callable[[str], Contact] = lambda name: session.scalars(select(Contact).where(Contact.name == name)).one()  # noqa: E731
    season = session.scalars(select(Campaign).where(Campaign.kind == "podcast_season")).one()
    episode_service.add_episode(
        session,
        season,
        {
            "contact_id": contact("Maya Chen").id,
            "title": "Shows that pay",
            "stage": "booked",
            "recording_at": now + timedelta(days=12),
        },
    )
    episode_service.add_offer(
        session,
        contact("Daniel Okafor"),
        {"direction": "gave", "kind": "free_call", "happened_on": (now - timedelta(days=40)).date()},
    )
    pending = session.scalars(select(Ask).where(Ask.owner_id == user.id, Ask.outcome == "pending")).one()
    ask_service.update_ask(session, pending, {"outcome": "not_now", "follow_up_on": (now + timedelta(days=20)).date()}, now)
    bulk = session.scalars(select(Ask).where(Ask.owner_id == user.id, Ask.recipients > 1)).one()
    reply = {
        "parent_id": bulk.id,
        "contact_id": contact("Hannah Weiss").id,
        "outcome": "yes",
        "asked_at": now - timedelta(days=44),
    }
    ask_service.create_ask(session, user.id, reply, me.planner, now)
    opening = session.scalars(select(Opening).where(Opening.owner_id == user.id).order_by(Opening.id)).first()
    assert opening is not None
    openings.act(session, opening, me, "acted")
    capture_demo_mail(session, user, now)
    contact_service.delete_contact(session, contact("Isabel Cruz"))
    session.commit()
    planner.tick(session, now)
    return user


def demo_mbox(path: Path, now: datetime) -> Path:
    """A mail archive of the demo: Maya answering, a newsletter, and an out-of-office."""
    box = mailbox.mbox(path)
    for sender, to, subject, days, key in [
        ("demo@example.com", "maya.chen@example.com", "Loved your talk", 30, "talk@demo"),
        ("maya.chen@example.com", "demo@example.com", "Re: Loved your talk", 29, "re-talk@demo"),
        ("news@letters.example", "demo@example.com", "Weekly news", 28, "news@demo"),
    ]:
        when = (now - timedelta(days=days)).strftime("%a, %d %b %Y %H:%M:%S +0000")
        box.add(f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {when}\r\nMessage-ID: <{key}>\r\n\r\nHi\r\n".encode())
    box.close()
    return path


def capture_demo_mail(session: Session, user: User, now: datetime) -> None:
    """What capture reads: mail from an archive, and a past meeting from a calendar (then disconnected)."""
    me = caller_for(user, now)
    with tempfile.TemporaryDirectory() as folder:
        counts = import_mbox(session, me, demo_mbox(Path(folder) / "demo.mbox", now))
    assert counts.touches == 2, counts
    account = CalendarAccount(owner_id=user.id, kind="ics", label="calendar.example")
    session.add(account)
    session.flush()
    meeting = Occurrence("call@demo", "", now - timedelta(days=10), "demo@example.com", ["priya.raman@example.com"], "Call")
    assert store_meetings(session, me, account, [meeting], {"demo@example.com"}) == (1, 1)
    session.delete(account)  # its meetings stay: the connection is gone, what it read is not
    session.flush()
