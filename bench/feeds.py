"""Figures 9 and 10 (issue "What they publish"): polling feeds from a local server, and storing their posts.

The feeds are served by a separate process on eight loopback addresses (127.0.0.1–127.0.0.8), so the
poller's one-request-per-host rule still lets eight requests run at once, and the server's work does
not compete with the measured client for the interpreter lock.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sqlalchemy import delete, insert, select

from bench.report import Figure, best_of
from outreach.contacts.models import Contact
from outreach.core.types import utcnow
from outreach.extensions import db
from outreach.feeds.models import Feed, FeedStatus, Opening, Post, PostKind
from outreach.feeds.parse import ParsedFeed, ParsedPost, uid_of
from outreach.feeds.poll import poll_due
from outreach.feeds.reading import Reading
from outreach.feeds.service import record

HOSTS = 8
ITEMS = 50
CHANGED_EVERY = 10  # one feed in ten has news: 90% answer 304


def feed_body(number: int, now: datetime) -> bytes:
    """A 50-item blog feed; the newest item is an hour old, the rest a week and more."""
    items = "".join(
        f"<item><title>Post {i} of feed {number}: notes on warm outreach</title>"
        f"<link>https://blog{number}.example.com/p/{i}</link><guid>blog{number}-{i}</guid>"
        f"<pubDate>{(now - timedelta(hours=1 + 24 * 8 * i)):%a, %d %b %Y %H:%M:%S} +0000</pubDate>"
        f"<description>A short summary of post {i}, two sentences long. The second one.</description></item>"
        for i in range(ITEMS)
    )
    head = "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'>"
    return f"{head}<channel><title>Blog {number}</title>{items}</channel></rss>".encode()


def _serve(feeds: int, now: datetime, ready: Any, stop: Any) -> None:
    """The server process: each feed answers 304 to its ETag; changed feeds have a new one."""
    bodies = {n: feed_body(n, now) for n in range(feeds)}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:
            number = int(self.path.rsplit("/", 1)[-1].split(".")[0])
            etag = '"v2"' if number % CHANGED_EVERY == 0 else '"v1"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            body = bodies[number]
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    servers = [ThreadingHTTPServer((f"127.0.0.{h + 1}", 0), Handler) for h in range(HOSTS)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ready.put([f"http://127.0.0.{h + 1}:{s.server_address[1]}" for h, s in enumerate(servers)])
    stop.wait(600)  # bounded: the bench sets it when done, and the server never outlives ten minutes
    for server in servers:
        server.shutdown()


def _feed_rows(owner_id: int, contact_ids: list[int], bases: list[str], now: datetime) -> list[dict[str, Any]]:
    return [
        {
            "owner_id": owner_id,
            "contact_id": cid,
            "url": f"{bases[n % HOSTS]}/feed/{n}.xml",
            "feed_url": f"{bases[n % HOSTS]}/feed/{n}.xml",
            "title": f"Blog {n}",
            "status": FeedStatus.OK,
            "error": "",
            "notes": "",
            "failures": 0,
            "quiet_polls": 0,
            "etag": '"v1"',
            "last_polled_at": now - timedelta(hours=2),
            "next_poll_at": now - timedelta(minutes=1),
        }
        for n, cid in enumerate(contact_ids)
    ]


def _clear(owner_id: int) -> None:
    for model in (Opening, Post, Feed):
        db.session.execute(delete(model).where(model.owner_id == owner_id))
    db.session.commit()


def poll_figure(owner_id: int, contact_ids: list[int], now: datetime) -> Figure:
    """Figure 9: the poller (claims, 304s, the changed 10% parsed for their one new post and stored) vs bare
    concurrent GETs of the same addresses, eight at a time as the poller's eight hosts allow."""
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Queue(), context.Event()
    server = context.Process(target=_serve, args=(len(contact_ids), now, ready, stop), daemon=True)
    server.start()
    try:
        bases = ready.get(timeout=60)
        rows = _feed_rows(owner_id, contact_ids, bases, now)
        urls = [row["feed_url"] for row in rows]

        def bare() -> None:
            def get(url: str) -> int:
                with urllib.request.urlopen(url, timeout=15) as response:
                    return len(response.read())

            with ThreadPoolExecutor(max_workers=HOSTS) as pool:
                list(pool.map(get, urls))

        bare_time = best_of(2, bare)
        product_time = _timed_poll(owner_id, rows)
    finally:
        stop.set()
        server.join(timeout=30)
    _clear(owner_id)
    return Figure(
        f"9. poll {len(contact_ids):,} feeds (90% 304, 10% one new post) vs bare GETs",
        product_time,
        bare_time,
        "≤ 2",
        product_time <= 2 * bare_time,
    )


def _known_posts(owner_id: int, now: datetime) -> list[dict[str, Any]]:
    """The changed feeds' 49 older items, stored by an earlier read: their newest item is the news."""
    feeds = db.session.execute(select(Feed.id, Feed.contact_id, Feed.title).where(Feed.owner_id == owner_id)).all()
    return [
        {
            "owner_id": owner_id,
            "feed_id": feed_id,
            "contact_id": contact_id,
            "uid": uid_of(f"blog{number}-{i}"),
            "title": f"Post {i}",
            "url": f"https://blog{number}.example.com/p/{i}",
            "published_at": now - timedelta(hours=1 + 24 * 8 * i),
            "first_seen_at": now - timedelta(days=1),
            "kind": PostKind.ARTICLE,
        }
        for feed_id, contact_id, title in feeds
        if (number := int(title.split()[-1])) % CHANGED_EVERY == 0
        for i in range(1, ITEMS)
    ]


def _timed_poll(owner_id: int, rows: list[dict[str, Any]]) -> float:
    """Time the poll alone: the feeds (and the changed ones' older posts) are stored before each timing."""
    best = float("inf")
    for _ in range(2):
        _clear(owner_id)
        db.session.execute(insert(Feed), rows)
        db.session.execute(insert(Post), _known_posts(owner_id, utcnow()))
        db.session.commit()
        started = time.perf_counter()
        found = poll_due(db.session, utcnow(), owner_id=owner_id, concurrency=HOSTS, allow_private=True)
        best = min(best, time.perf_counter() - started)
    print(f"  9: {dict(found)}", flush=True)
    return best


def _parsed(number: int, now: datetime) -> ParsedFeed:
    posts = [
        ParsedPost(
            uid=f"{number:06d}-{i:03d}".ljust(64, "0"),
            title=f"Post {i} of feed {number}: notes on warm outreach",
            url=f"https://blog{number}.example.com/p/{i}",
            published_at=now - timedelta(hours=1 + 24 * 8 * i),
            kind=PostKind.ARTICLE,
            has_guest=None,
        )
        for i in range(ITEMS)
    ]
    return ParsedFeed(f"Blog {number}", posts, False)


def store_figure(owner_id: int, contact_ids: list[int], now: datetime) -> Figure:
    """Figure 10: recording the new posts of changed feeds (states, posts, openings) vs a bare bulk INSERT."""
    rows = _feed_rows(owner_id, contact_ids, ["http://127.0.0.1:9"] * HOSTS, now)  # never fetched
    parsed = [_parsed(n, now) for n in range(len(contact_ids))]

    def setup() -> list[Feed]:
        _clear(owner_id)
        db.session.execute(insert(Feed), rows)
        db.session.commit()
        return list(db.session.scalars(select(Feed).where(Feed.owner_id == owner_id).order_by(Feed.id)))

    product_time = bare_time = float("inf")
    for _ in range(2):
        feeds = setup()
        started = time.perf_counter()
        record(db.session, [(f, Reading(f.id, None, p)) for f, p in zip(feeds, parsed, strict=True)], now)
        db.session.commit()
        product_time = min(product_time, time.perf_counter() - started)
        feeds = setup()
        post_rows = [
            {
                "owner_id": owner_id,
                "feed_id": f.id,
                "contact_id": f.contact_id,
                "uid": post.uid,
                "title": post.title,
                "url": post.url,
                "published_at": post.published_at,
                "first_seen_at": now,
                "kind": post.kind,
                "has_guest": None,
            }
            for f, p in zip(feeds, parsed, strict=True)
            for post in p.posts
        ]
        started = time.perf_counter()
        db.session.execute(insert(Post), post_rows)
        db.session.commit()
        bare_time = min(bare_time, time.perf_counter() - started)
    _clear(owner_id)
    return Figure(
        f"10. store {len(contact_ids):,} changed feeds × {ITEMS} new posts vs bare INSERT",
        product_time,
        bare_time,
        "≤ 3",
        product_time <= 3 * bare_time,
    )


def run_feeds(owner_id: int, contacts: int) -> list[Figure]:
    """Both figures; 1,000 feeds at full size, fewer at the smoke size (one feed per contact)."""
    count = min(1_000, contacts // 3 if contacts < 1_000 else 1_000)
    contact_ids = list(
        db.session.scalars(select(Contact.id).where(Contact.owner_id == owner_id).order_by(Contact.id).limit(count))
    )
    now = utcnow()
    return [poll_figure(owner_id, contact_ids, now), store_figure(owner_id, contact_ids, now)]
