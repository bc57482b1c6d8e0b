"""Feeds on a contact: adding one (a feed, or a page that names one), and recording what each read found.

Plain functions taking a session; they flush and never commit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any

from sqlalchemy import insert, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from outreach.contacts.models import Contact
from outreach.core.database import update_rows
from outreach.core.errors import InvalidInput
from outreach.core.fetch import FetchError, fetch, private_urls_allowed
from outreach.core.ownership import get_owned, owned
from outreach.core.types import utcnow
from outreach.domain.shows import RECENT_EPISODES, read_show
from outreach.feeds import openings
from outreach.feeds.models import Feed, FeedStatus, Post, PostKind
from outreach.feeds.parse import (
    NotAFeed,
    ParsedFeed,
    alternate_links,
    known_feed_address,
    looks_like_html,
    parse_feed,
    usual_paths,
)
from outreach.feeds.reading import Reading, Ticket, read

MAX_FEEDS_PER_CONTACT = 20
STOP_AFTER_FAILURES = 5
STOP_AT_ONCE = frozenset({"private", "bad_address"})  # never going to work: stop at the first failure
LONGEST_WAIT = timedelta(days=1)
LEASE = timedelta(minutes=10)  # a poller's claim on a feed while it reads it


def wait_after(base: timedelta, quiet_polls: int, failures: int, retry_after: int | None = None) -> timedelta:
    """When to read again: the base interval, doubled every 4 quiet reads and on each failure in a row,
    at most a day, and never sooner than the server's Retry-After."""
    doublings = min(failures, 5) if failures else min(quiet_polls // 4, 5)
    wait: timedelta = min(base * 2**doublings, LONGEST_WAIT)
    return max(wait, timedelta(seconds=retry_after)) if retry_after else wait


def feeds_of(session: Session, owner_id: int, contact_id: int) -> list[Feed]:
    return list(session.scalars(owned(Feed, owner_id).where(Feed.contact_id == contact_id).order_by(Feed.id)))


def get_feed(session: Session, owner_id: int, feed_id: int) -> Feed:
    return get_owned(session, Feed, feed_id, owner_id)


def discover(url: str, now: datetime, allow_private: bool) -> Reading:
    """Read ``url`` as a feed; failing that, the feed its page names (``<link rel="alternate">``), then the
    usual /feed and /rss paths. Raises InvalidInput with the reason when none can be read."""
    known = known_feed_address(url)
    if known:
        reading = read(Ticket(0, known, None, None), now, allow_private)
        if reading.parsed is not None:
            return reading
    try:
        page = fetch(url, allow_private=allow_private)
    except FetchError as exc:
        raise InvalidInput({"url": exc.message}) from None
    try:
        return Reading(0, page, parse_feed(page.body, page.headers, now))
    except NotAFeed as exc:
        if not looks_like_html(page.body, page.headers):
            raise InvalidInput({"url": exc.reason}) from None
    named = alternate_links(page.body, page.url)
    for candidate in [*named[:3], *usual_paths(page.url)]:
        reading = read(Ticket(0, candidate, None, None), now, allow_private)
        if reading.parsed is not None:
            return reading
        if candidate in named and reading.error:
            raise InvalidInput({"url": f"the page names the feed {candidate}, but {reading.error}"})
    raise InvalidInput({"url": "that page names no feed, and /feed, /rss, /feed.xml and /atom.xml have none either"})


def add_feed(session: Session, contact: Contact, url: str, now: datetime, allow_private: bool | None = None) -> Feed:
    """Find the feed behind ``url``, store it with what it says today (posts, openings, podcast facts)."""
    allow = private_urls_allowed() if allow_private is None else allow_private
    if len(feeds_of(session, contact.owner_id, contact.id)) >= MAX_FEEDS_PER_CONTACT:
        raise InvalidInput({"url": f"{contact.name} already has {MAX_FEEDS_PER_CONTACT} feeds: remove one first"})
    reading = discover(url, now, allow)
    assert reading.fetched is not None  # discover returns only readings that parsed
    feed_url = reading.fetched.url
    taken = session.scalar(owned(Feed, contact.owner_id).where(Feed.contact_id == contact.id, Feed.feed_url == feed_url))
    if taken is not None:
        raise InvalidInput({"url": f"{contact.name} already has this feed ({feed_url})"})
    feed = Feed(owner_id=contact.owner_id, contact_id=contact.id, url=url, feed_url=feed_url, next_poll_at=now)
    session.add(feed)
    session.flush()
    record(session, [(feed, Reading(feed.id, reading.fetched, reading.parsed))], now)
    return feed


def delete_feed(session: Session, feed: Feed) -> None:
    session.delete(feed)  # its posts and their openings go with it (ON DELETE CASCADE)
    session.flush()


def restart(feed: Feed, now: datetime) -> None:
    """ "Try again" after fixing a feed: polled at once, its failures forgotten."""
    feed.status, feed.failures, feed.error, feed.error_kind = FeedStatus.NEW, 0, "", None
    feed.next_poll_at, feed.claimed_until = now, None


def tickets(session: Session, feeds: list[Feed]) -> list[Ticket]:
    """What the readers need, with each feed's stored post uids (one query), so they parse only news."""
    known: dict[int, set[str]] = {feed.id: set() for feed in feeds}
    for feed_id, uid in _known_uids(session, list(known)):
        known[feed_id].add(uid)
    return [Ticket(f.id, f.feed_url, f.etag, f.last_modified, frozenset(known[f.id])) for f in feeds]


def read_now(session: Session, feed: Feed, now: datetime, allow_private: bool | None = None) -> Counter[str]:
    """Read one feed in this request (after adding or fixing it) and record what it says."""
    allow = private_urls_allowed() if allow_private is None else allow_private
    return record(session, [(feed, read(tickets(session, [feed])[0], now, allow))], now)


def record(
    session: Session, readings: Iterable[tuple[Feed, Reading]], now: datetime, base: timedelta = timedelta(hours=1)
) -> Counter[str]:
    """Store what a batch of reads found: feed states, new posts in one bulk insert, then openings."""
    counts: Counter[str] = Counter()
    pairs = list(readings)
    known = _known_uids(session, [feed.id for feed, reading in pairs if reading.parsed is not None])
    rows: list[dict[str, Any]] = []
    first_read: set[int] = set()
    for feed, reading in pairs:
        feed.claimed_until = None
        if reading.deferred:
            counts["deferred"] += 1
            feed.next_poll_at = now + wait_after(base, feed.quiet_polls, 0, reading.retry_after)
            continue
        counts["requests"] += 1
        if reading.error_kind:
            counts["failed"] += 1
            counts["stopped"] += _failed(feed, reading, now, base)
            continue
        if feed.last_polled_at is None:
            first_read.add(feed.id)
        feed.status, feed.failures, feed.error, feed.error_kind, feed.last_polled_at = FeedStatus.OK, 0, "", None, now
        fetched = reading.fetched
        if fetched is not None and fetched.moved_to:
            _move(session, feed, fetched.moved_to)
        if reading.parsed is None:
            counts["not_modified"] += 1
            feed.quiet_polls += 1
        else:
            counts["changed"] += 1
            fresh = _describe(feed, reading, now)
            rows += [_row(feed, post, now) for post in fresh if (feed.id, post.uid) not in known]
            if any((feed.id, post.uid) not in known for post in fresh):
                feed.quiet_polls, feed.last_new_post_at = 0, now
            else:
                feed.quiet_polls += 1
        feed.next_poll_at = now + wait_after(base, feed.quiet_polls, 0, reading.retry_after)
    _save_states(session, [feed for feed, _ in pairs])
    session.flush()  # a new feed (add_feed) and anything else pending
    stored = _insert_posts(session, rows)
    _update_shows(session, [feed for feed, reading in pairs if reading.parsed and reading.parsed.is_podcast], stored, now)
    counts["new_posts"] += len(stored)
    counts["openings"] += openings.offer(session, stored, first_read, now)
    return counts


# What a read changes of a feed (record, _failed, _describe, _move), written for a whole batch at once.
_STATE = (
    *("id", "feed_url", "title", "status", "error_kind", "error", "notes", "failures", "quiet_polls", "etag"),
    *("last_modified", "last_polled_at", "last_new_post_at", "next_poll_at", "claimed_until", "updated_at"),
)
_state_of = attrgetter(*_STATE)


def _save_states(session: Session, feeds: list[Feed]) -> None:
    """The read feeds' new states in one statement (``update_rows``), not one UPDATE per feed as a flush
    sends: on PostgreSQL each fired the change marks' trigger, most of recording a batch. The feeds' values
    are then what the database holds, so the flush that follows has nothing of theirs left to write."""
    stored = [feed for feed in feeds if inspect(feed).persistent]
    if not stored:
        return
    changed = utcnow()  # updated_at, as the column's onupdate would set it
    for feed in stored:
        feed.updated_at = changed
    update_rows(session.connection(), Feed.__table__, _STATE, [_state_of(feed) for feed in stored])
    for feed in stored:
        for name in _STATE[1:]:
            set_committed_value(feed, name, getattr(feed, name))


def _describe(feed: Feed, reading: Reading, now: datetime) -> list[Any]:
    """The feed's title, notes, validators and podcast facts from a 200; its posts for storing."""
    parsed: ParsedFeed = reading.parsed  # type: ignore[assignment]
    headers = reading.fetched.headers if reading.fetched else {}
    feed.title = parsed.title[:300] or feed.title
    if parsed.posts:  # a read with nothing new (every item known) leaves the last notes standing
        feed.notes = "; ".join(parsed.notes)[:1000]
    feed.etag = (headers.get("etag") or "")[:500] or None
    feed.last_modified = (headers.get("last-modified") or "")[:100] or None
    return parsed.posts


def _update_shows(session: Session, podcasts: list[Feed], stored: list[openings.NewPost], now: datetime) -> None:
    """A podcast's cadence and guest share from its latest stored episodes (a read parses only new ones)."""
    changed = {post.feed_id for post in stored}
    for feed in podcasts:
        if feed.id not in changed:
            continue
        query = (
            select(Post.published_at, Post.has_guest)
            .where(Post.feed_id == feed.id, Post.kind == PostKind.EPISODE)
            .order_by(Post.published_at.desc().nulls_last(), Post.id.desc())
            .limit(RECENT_EPISODES)
        )
        episodes = [(at.date() if at else None, bool(guest)) for at, guest in session.execute(query)]
        show = read_show(episodes, now.date())
        feed.podcast_last_episode_on, feed.podcast_episodes_per_month = show.last_episode_on, show.episodes_per_month
        feed.podcast_guest_share, feed.podcast_episodes_counted = show.guest_share, show.episodes_counted
        feed.podcast_guests = show.guests


def _row(feed: Feed, post: Any, now: datetime) -> dict[str, Any]:
    return {
        "owner_id": feed.owner_id,
        "feed_id": feed.id,
        "contact_id": feed.contact_id,
        "uid": post.uid,
        "title": post.title[:500],
        "url": post.url,
        "published_at": post.published_at,
        "first_seen_at": now,
        "kind": post.kind,
        "has_guest": post.has_guest,
    }


def _failed(feed: Feed, reading: Reading, now: datetime, base: timedelta) -> int:
    """Say why on the contact page; back off; stop for good after repeated failures. Returns 1 when stopped."""
    feed.last_polled_at = now
    feed.error, feed.error_kind = reading.error[:500], reading.error_kind
    if reading.error_kind == "rate_limited":  # politeness, not failure: wait as asked
        feed.next_poll_at = now + wait_after(base, feed.quiet_polls, 1, reading.retry_after)
        return 0
    feed.failures += 1
    if feed.failures >= STOP_AFTER_FAILURES or reading.error_kind in STOP_AT_ONCE:
        feed.status = FeedStatus.STOPPED
        return 1
    feed.status = FeedStatus.FAILING
    feed.next_poll_at = now + wait_after(base, feed.quiet_polls, feed.failures, reading.retry_after)
    return 0


def _move(session: Session, feed: Feed, new_url: str) -> None:
    """A permanent redirect: read the new address from now on, unless the contact already has that feed."""
    clash = session.scalar(select(Feed.id).where(Feed.contact_id == feed.contact_id, Feed.feed_url == new_url))
    if clash is None:
        feed.feed_url = new_url[:2000]


def _known_uids(session: Session, feed_ids: list[int]) -> set[tuple[int, str]]:
    known: set[tuple[int, str]] = set()
    for start in range(0, len(feed_ids), 500):
        chunk = feed_ids[start : start + 500]
        known.update(
            (feed_id, uid) for feed_id, uid in session.execute(select(Post.feed_id, Post.uid).where(Post.feed_id.in_(chunk)))
        )
    return known


def _insert_posts(session: Session, rows: list[dict[str, Any]]) -> list[openings.NewPost]:
    """One bulk INSERT … RETURNING for the whole batch; if another reader stored some of the same posts
    meanwhile, the batch is filtered against the table and inserted again."""
    if not rows:
        return []
    statement = insert(Post).returning(
        Post.id, Post.owner_id, Post.contact_id, Post.feed_id, Post.url, Post.published_at, sort_by_parameter_order=True
    )
    try:
        with session.begin_nested():
            result = session.execute(statement, rows).all()
    except IntegrityError:
        known = _known_uids(session, sorted({row["feed_id"] for row in rows}))
        rows = [row for row in rows if (row["feed_id"], row["uid"]) not in known]
        result = session.execute(statement, rows).all() if rows else []
    return [openings.NewPost(*values) for values in result]
