"""Demo feeds: a few demo contacts publish, from fixture files shipped in ``demo_data/`` (clearly
marked as demo data, never fetched), so Today shows openings on day one without a network."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from importlib import resources

from sqlalchemy.orm import Session

from outreach.contacts.models import Contact
from outreach.core.fetch import Fetched
from outreach.feeds.models import Feed, FeedStatus
from outreach.feeds.parse import ParsedFeed, parse_feed
from outreach.feeds.reading import Reading
from outreach.feeds.service import record

# contact, file, the address it pretends to live at, how long ago its newest item appeared
DEMO_FEEDS = [
    ("Maya Chen", "maya-chen-podcast.xml", "https://audiencelab.example.com/feed.xml", timedelta(hours=3)),
    ("Daniel Okafor", "daniel-okafor-substack.xml", "https://okafor.substack.com/feed", timedelta(hours=20)),
    (
        "Lena Vogel",
        "lena-vogel-youtube.xml",
        "https://www.youtube.com/feeds/videos.xml?channel_id=UCdemoLenaVogel0000000",
        timedelta(days=2),
    ),
    ("Priya Raman", "priya-raman-mastodon.xml", "https://writers.example.social/@priya.rss", timedelta(hours=6)),
    (
        "Omar Haddad",
        "omar-haddad-podcast.xml",
        "https://miccheck.example.com/feed.xml",
        timedelta(days=150),
    ),  # a show that stopped
    (
        "Sam Whitfield",
        "sam-whitfield-podcast.xml",
        "https://audionotes.example.com/feed.xml",
        timedelta(days=2),
    ),  # never has guests
]


def demo_feed(name: str, newest_age: timedelta, now: datetime) -> ParsedFeed:
    """A shipped file, parsed, its dates moved so the newest item is ``newest_age`` old today."""
    body = resources.files("outreach.feeds").joinpath("demo_data", name).read_bytes()
    parsed = parse_feed(body, {"content-type": "application/rss+xml"}, now)
    newest = max(p.published_at for p in parsed.posts if p.published_at)
    shift = (now - newest_age) - newest
    parsed.posts = [replace(p, published_at=p.published_at + shift if p.published_at else None) for p in parsed.posts]
    return parsed


def load_demo_feeds(session: Session, contacts: dict[str, Contact], now: datetime) -> int:
    """Give the demo contacts their feeds and posts (openings follow); returns the number of posts."""
    posts = 0
    for name, file, address, newest_age in DEMO_FEEDS:
        contact = contacts.get(name)
        if contact is None:
            continue
        feed = Feed(owner_id=contact.owner_id, contact_id=contact.id, url=address, feed_url=address, next_poll_at=now)
        session.add(feed)
        session.flush()
        parsed = demo_feed(file, newest_age, now)
        counts = record(session, [(feed, Reading(feed.id, Fetched(address, 200, b"", {}), parsed))], now)
        feed.status, feed.etag, feed.last_modified = FeedStatus.DEMO, None, None
        posts += counts["new_posts"]
    session.flush()
    return posts
