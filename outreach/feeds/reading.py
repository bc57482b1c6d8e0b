"""One read of one feed, off the database: fetch with the guarded fetcher, parse the bytes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from outreach.core.fetch import Fetched, FetchError, fetch
from outreach.feeds.parse import NotAFeed, ParsedFeed, parse_new

ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"


@dataclass(frozen=True)
class Ticket:
    """What a poller needs to read a feed it claimed: plain values, safe to hand to a thread."""

    feed_id: int
    feed_url: str
    etag: str | None
    last_modified: str | None
    known: frozenset[str] = field(default=frozenset(), repr=False)  # uids of the posts stored already

    @property
    def host(self) -> str:
        return (urlsplit(self.feed_url).hostname or "").lower()


@dataclass(frozen=True)
class Reading:
    """The outcome of one read: a 304, a parsed feed, or why it failed; ``deferred_for`` when the host
    asked us to wait before this feed was even tried."""

    feed_id: int
    fetched: Fetched | None = None
    parsed: ParsedFeed | None = None
    error_kind: str | None = None
    error: str = ""
    retry_after: int | None = None
    deferred: bool = False

    @property
    def not_modified(self) -> bool:
        return self.fetched is not None and self.fetched.status == 304


def read(ticket: Ticket, now: datetime, allow_private: bool) -> Reading:
    """Never raises: a failure is a Reading that says why, so one bad feed never stops the others."""
    try:
        fetched = fetch(
            ticket.feed_url, allow_private=allow_private, etag=ticket.etag, last_modified=ticket.last_modified, accept=ACCEPT
        )
    except FetchError as exc:
        return Reading(ticket.feed_id, error_kind=exc.kind, error=exc.message, retry_after=exc.retry_after)
    if fetched.status == 304:
        return Reading(ticket.feed_id, fetched)
    try:
        parsed = parse_new(fetched.body, fetched.headers, now, ticket.known)
    except NotAFeed as exc:
        return Reading(ticket.feed_id, fetched, error_kind="not_a_feed", error=exc.reason)
    return Reading(ticket.feed_id, fetched, parsed or ParsedFeed("", [], False))  # no posts: nothing new
