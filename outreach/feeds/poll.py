"""Polling: claim due feeds, read them politely (one request per host at a time, several hosts at
once), record what they said. Idempotent: a feed is claimed by one poller for a lease (on PostgreSQL
with ``FOR UPDATE SKIP LOCKED``, so several schedulers share the work), and posts are stored once."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from outreach.core.fetch import private_urls_allowed
from outreach.core.types import utcnow
from outreach.feeds.models import POLLED, Feed
from outreach.feeds.reading import Reading, Ticket, read
from outreach.feeds.service import LEASE, record, tickets

CONCURRENCY = 8  # hosts read at once
BATCH = 200  # feeds claimed, read and recorded together
Progress = Callable[[int], None]


def _due(now: datetime, owner_id: int | None, every: bool = False) -> list[Any]:
    """Due by the back-off schedule; ``every``: all polled feeds, except those whose server asked us to wait."""
    schedule = (
        or_(Feed.next_poll_at <= now, Feed.error_kind.is_(None), Feed.error_kind != "rate_limited")
        if every
        else Feed.next_poll_at <= now
    )
    where = [Feed.status.in_(POLLED), schedule, or_(Feed.claimed_until.is_(None), Feed.claimed_until < now)]
    if owner_id is not None:
        where.append(Feed.owner_id == owner_id)
    return where


def due_count(session: Session, now: datetime, owner_id: int | None = None, every: bool = False) -> int:
    return session.scalar(select(func.count(Feed.id)).where(*_due(now, owner_id, every))) or 0


def claim(session: Session, now: datetime, owner_id: int | None = None, limit: int = BATCH, every: bool = False) -> list[int]:
    """Take up to ``limit`` due feeds for a lease and commit, so no other poller reads them meanwhile.
    PostgreSQL skips rows another poller is claiming this instant; SQLite serializes writers anyway."""
    query = select(Feed.id).where(*_due(now, owner_id, every)).order_by(Feed.next_poll_at, Feed.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Feed)
    ids = list(session.scalars(query))
    if ids:
        session.execute(
            update(Feed).where(Feed.id.in_(ids)).values(claimed_until=now + LEASE),
            execution_options={"synchronize_session": False},
        )
    session.commit()
    return ids


def read_politely(
    tickets: list[Ticket], now: datetime, allow_private: bool, concurrency: int, progress: Progress | None
) -> list[Reading]:
    """One worker per host reads that host's feeds one after another; when a host asks us to wait
    (429 or 503 with Retry-After) its remaining feeds are deferred, not requested."""
    by_host: dict[str, list[Ticket]] = defaultdict(list)
    for one in tickets:
        by_host[one.host].append(one)

    def host_worker(queue: list[Ticket]) -> list[Reading]:
        readings: list[Reading] = []
        for position, one in enumerate(queue):
            reading = read(one, now, allow_private)
            readings.append(reading)
            if reading.error_kind == "rate_limited":
                wait = reading.retry_after
                readings += [Reading(rest.feed_id, deferred=True, retry_after=wait) for rest in queue[position + 1 :]]
                break
        return readings

    readings: list[Reading] = []
    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(by_host) or 1))) as pool:
        for done in as_completed([pool.submit(host_worker, queue) for queue in by_host.values()]):
            found = done.result()
            readings += found
            if progress:
                progress(len(found))
    return readings


def poll_due(
    session: Session,
    now: datetime | None = None,
    *,
    owner_id: int | None = None,
    concurrency: int = CONCURRENCY,
    base: timedelta = timedelta(hours=1),
    allow_private: bool | None = None,
    progress: Progress | None = None,
    every: bool = False,
) -> Counter[str]:
    """Read every due feed (of one owner, or all), batch by batch; each batch is committed on its own."""
    now = now or utcnow()
    allow = private_urls_allowed() if allow_private is None else allow_private
    totals: Counter[str] = Counter()
    while ids := claim(session, now, owner_id, every=every):
        feeds = list(session.scalars(select(Feed).where(Feed.id.in_(ids)).order_by(Feed.next_poll_at, Feed.id)))
        by_id = {feed.id: feed for feed in feeds}
        readings = read_politely(tickets(session, feeds), now, allow, concurrency, progress)
        totals += record(session, [(by_id[r.feed_id], r) for r in readings], now, base)
        session.commit()
    return totals


def scheduled_poll() -> None:
    """The scheduler's job, referenced as text ("outreach.feeds.poll:scheduled_poll")."""
    from outreach import create_app
    from outreach.extensions import db

    app = create_app()
    with app.app_context():
        base = timedelta(minutes=app.config["FEEDS_POLL_MINUTES"])
        totals = poll_due(db.session, base=base, allow_private=app.config["ALLOW_PRIVATE_URLS"])
        app.logger.info("feeds: %s", dict(totals) or "none due")
        db.session.remove()
        db.engine.dispose()
