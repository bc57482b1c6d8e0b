"""Fixtures: every database test runs on SQLite, and again on PostgreSQL when OUTREACH_TEST_DATABASE_URL is set."""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from outreach import create_app
from outreach.accounts import service as user_service
from outreach.accounts.models import User
from outreach.campaigns import service as campaign_service
from outreach.campaigns.models import Campaign
from outreach.contacts import service as contact_service
from outreach.contacts import touches as touch_service
from outreach.contacts.models import Contact
from outreach.core import page_cache
from outreach.core.ownership import owned
from outreach.core.types import utcnow
from outreach.extensions import db
from outreach.reminders.models import Reminder
from outreach.today import board

PG_URL = os.environ.get("OUTREACH_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def _local(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return host == "localhost" or host.endswith(".localhost")


@pytest.fixture(autouse=True, scope="session")
def _tests_stay_on_this_machine() -> Iterator[None]:
    """Fuzzed and sample URLs may name public hosts (http://1.2.3.4/feed): whatever the code under test
    asks, the suite resolves and connects to loopback only. The database driver (libpq) is not Python
    sockets and is unaffected."""
    real_connect, real_resolve = socket.socket.connect, socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(str(address[0])):
            raise ConnectionRefusedError(f"tests connect to this machine only, not {address[0]}")
        return real_connect(self, address)

    def resolve(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _local(host.decode() if isinstance(host, bytes) else str(host)):
            try:
                ipaddress.ip_address(str(host))  # a literal address needs no lookup; connect() guards it
            except ValueError:
                raise socket.gaierror(socket.EAI_NONAME, f"tests resolve local names only, not {host}") from None
        return real_resolve(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = resolve
    yield
    socket.socket.connect = real_connect  # type: ignore[method-assign]
    socket.getaddrinfo = real_resolve


def _pg_schema_url(schema: str) -> str:
    url = make_url(PG_URL).set(drivername="postgresql+psycopg")
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database built by the migrations from empty, once per backend per run."""
    if request.param == "sqlite":
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
        admin = None
    else:
        # A schema of our own, so concurrent runs against the same database never meet.
        schema = f"outreach_test_{uuid.uuid4().hex[:12]}"
        admin = create_engine(make_url(PG_URL).set(drivername="postgresql+psycopg"))
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = _pg_schema_url(schema)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield url
    if admin is not None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# Capture connects to mail and calendar servers: in tests only to the ones they start on loopback.
LOCAL_ONLY = {"CAPTURE_LOOPBACK_ONLY": True, "ALLOW_PLAINTEXT_IMAP": True}


@pytest.fixture
def app(database_url: str, tmp_path: Any) -> Iterator[Flask]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, **LOCAL_ONLY})
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()
    # What each process keeps by owner and change mark: the next test's users and marks start again from 1.
    board._decoded.clear()
    page_cache.forget()


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))
            conn.execute(text("DELETE FROM owner_changes"))  # what the deletes above marked


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(email: str | None = None, password: str = "correct horse", **settings: Any) -> User:
        user = user_service.create_user(db.session, email or f"user{next(counter)}@example.com", password)
        for name, value in settings.items():
            if name == "audience_size":
                user.audience_size = value
            else:
                user.settings = {**user.settings, name: value}
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_contact(app: Flask) -> Callable[..., Contact]:
    def make(owner: User, name: str = "Jane Doe", **fields: Any) -> Contact:
        contact = contact_service.create_contact(db.session, owner.id, {"name": name, **fields})
        db.session.commit()
        return contact

    return make


@pytest.fixture
def log_touches(app: Flask) -> Callable[..., None]:
    """Log touches as (kind, direction, days ago) against a contact, through the service."""

    def log(contact: Contact, *touches: tuple[str, str, float], now: datetime | None = None) -> None:
        now = now or utcnow()
        owner = db.session.get_one(User, contact.owner_id)
        params = user_service.user_settings(owner).warmth_params()
        for kind, direction, days_ago in touches:
            data = {"kind": kind, "direction": direction, "occurred_at": now - timedelta(days=days_ago)}
            touch_service.log_touch(db.session, contact, data, params)
        db.session.commit()

    return log


@pytest.fixture
def make_campaign(app: Flask) -> Callable[..., Campaign]:
    def make(owner: User, name: str = "Season 3", **fields: Any) -> Campaign:
        values = {"kind": "podcast_season", "date": utcnow().date() + timedelta(weeks=8), "topics": ["podcasting"]}
        campaign = campaign_service.create_campaign(db.session, owner.id, {"name": name, **values, **fields})
        db.session.commit()
        return campaign

    return make


@pytest.fixture
def token_for(app: Flask) -> Callable[[User], str]:
    def make(user: User) -> str:
        _, token = user_service.create_token(db.session, user, "test")
        db.session.commit()
        return token

    return make


class Api:
    """A test client that speaks JSON with a bearer token."""

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client, self.token = client, token

    def __call__(self, method: str, path: str, json: Any = None, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"}
        return self.client.open("/api/v1" + path, method=method, json=json, headers=headers, **kwargs)


@pytest.fixture
def api(client: FlaskClient, make_user: Callable[..., User], token_for: Callable[[User], str]) -> Api:
    """An API client acting as a fresh user (``api.user``)."""
    user = make_user()
    session_api = Api(client, token_for(user))
    session_api.user = user  # type: ignore[attr-defined]
    return session_api


READY_TOUCHES = (("collaboration", "inbound", 100), ("call", "outbound", 70), ("meeting", "outbound", 10))


@pytest.fixture
def now() -> datetime:
    return utcnow().replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture
def ready_pair(make_user, make_contact, make_campaign, log_touches, now) -> Callable[..., tuple[User, Contact, Campaign]]:
    """A user, a warm reciprocated matching contact and a podcast campaign whose window is open."""

    def build(user: User | None = None, name: str = "Maya Chen", **campaign: Any) -> tuple[User, Contact, Campaign]:
        user = user or make_user()
        contact = make_contact(user, name, topics=["podcasting"])
        log_touches(contact, *READY_TOUCHES, now=now)
        values = {"date": now.date() + timedelta(weeks=8), **campaign}
        return user, contact, make_campaign(user, **values)

    return build


@pytest.fixture
def reminders_of() -> Callable[[User], list[tuple[str, int | None, int | None, Any, str]]]:
    def read(user: User) -> list[tuple[str, int | None, int | None, Any, str]]:
        db.session.expire_all()
        rows = db.session.scalars(owned(Reminder, user.id).order_by(Reminder.kind, Reminder.contact_id, Reminder.due_on))
        return [(r.kind, r.contact_id, r.campaign_id, r.due_on, r.state) for r in rows]

    return read


CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_from(client: FlaskClient, path: str) -> str:
    """The CSRF token a page carries, as a browser would submit it."""
    match = CSRF_PATTERN.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


@pytest.fixture
def web_login(client: FlaskClient) -> Callable[[str, str], FlaskClient]:
    """Log the test client in through the login form."""

    def login(email: str, password: str = "correct horse") -> FlaskClient:
        response = client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_from(client, "/login")})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return login


@pytest.fixture
def victim(ready_pair: Callable[..., Any], now: datetime) -> tuple[User, dict[str, int]]:
    """User A with one record of every kind, and their ids by route argument name (for sweeps)."""
    from outreach.asks import service as ask_service
    from outreach.capture.models import CalendarAccount, MailAccount
    from outreach.episodes import service as episode_service
    from outreach.feeds.models import Feed, Opening, Post
    from outreach.learning.models import Message, Win
    from outreach.reminders import books

    user, contact, campaign = ready_pair()
    planner = user_service.user_settings(user).planner(None)
    touch = touch_service.touches_of(db.session, contact)[0]
    period = campaign_service.add_busy_period(
        db.session, contact, now.date() + timedelta(days=40), now.date() + timedelta(days=41)
    )
    ask = ask_service.create_ask(db.session, user.id, {"contact_id": contact.id, "campaign_id": campaign.id}, planner, now)
    episode = episode_service.add_episode(db.session, campaign, {"contact_id": contact.id})
    offer = episode_service.add_offer(db.session, contact, {"kind": "free_call", "happened_on": now.date()})
    message, win = Message(owner_id=user.id, name="Warm invite", body="Hi {name}"), Win(owner_id=user.id, text="A yes")
    mailbox = MailAccount(owner_id=user.id, host="imap.example.com", port=993, security="tls", username="a@example.com")
    calendar = CalendarAccount(owner_id=user.id, kind="caldav", label="a@cal.example.com")
    db.session.add_all([message, win, mailbox, calendar])
    url = "https://example.com/feed.xml"
    feed = Feed(owner_id=user.id, contact_id=contact.id, url=url, feed_url=url)
    db.session.add(feed)
    db.session.flush()
    post = Post(owner_id=user.id, feed_id=feed.id, contact_id=contact.id, uid="a" * 64, title="Ep. 1", kind="episode")
    db.session.add(post)
    db.session.flush()
    opening = Opening(owner_id=user.id, contact_id=contact.id, post_id=post.id)
    db.session.add(opening)
    token, _ = user_service.create_token(db.session, user)
    book = books.load_book(db.session, user.id, now.date())
    books.upsert(db.session, user.id, book, books.Draft("keep_warm", contact.id, None, now.date(), "Touch", ""), now, move=False)
    db.session.commit()
    reminder = db.session.scalars(db.select(Reminder)).one()
    return user, {
        "contact_id": contact.id,
        "touch_id": touch.id,
        "campaign_id": campaign.id,
        "period_id": period.id,
        "ask_id": ask.id,
        "episode_id": episode.id,
        "offer_id": offer.id,
        "message_id": message.id,
        "win_id": win.id,
        "token_id": token.id,
        "reminder_id": reminder.id,
        "mail_account_id": mailbox.id,
        "calendar_account_id": calendar.id,
        "feed_id": feed.id,
        "opening_id": opening.id,
    }
