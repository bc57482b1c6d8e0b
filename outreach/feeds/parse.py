"""Reading feed bytes: feedparser on what our guarded fetcher brought, never on a URL; and finding a
page's feed. No database, no network: bytes in, plain values out."""

from __future__ import annotations

import hashlib
import html
import re
from calendar import timegm
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser

from outreach.domain.shows import has_guest
from outreach.feeds.models import PostKind

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml", "text/xml")
FEED_PATHS = ("/feed", "/rss", "/feed.xml", "/atom.xml")  # the usual places, tried when a page names no feed
FUTURE_SLACK = timedelta(days=1)  # time zones and clock skew; beyond this a date is not believed
MAX_POSTS = 200  # a feed's latest items; a 10,000-item archive feed is not 10,000 openings
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
_BREAKS = re.compile(r"<(?:br|/p|/div|/li|/h\d)\b[^>]*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_CLOSERS = (b"</rss>", b"</feed>", b"</rdf:rdf>")


class NotAFeed(ValueError):
    """The bytes are not a feed we can read; ``reason`` is the sentence the contact page shows."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ParsedPost:
    uid: str
    title: str
    url: str | None
    published_at: datetime | None
    kind: PostKind
    has_guest: bool | None


@dataclass
class ParsedFeed:
    title: str
    posts: list[ParsedPost]
    is_podcast: bool
    notes: list[str] = field(default_factory=list)


def plain_text(markup: str, limit: int) -> str:
    text = _SPACE.sub(" ", html.unescape(_TAGS.sub("", _BREAKS.sub(" ", markup or "")))).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def looks_like_html(body: bytes, headers: dict[str, str]) -> bool:
    head = body[:2048].lstrip().lower()
    return "text/html" in headers.get("content-type", "").lower() or head.startswith((b"<!doctype html", b"<html"))


_ITEM = re.compile(rb"<(item|entry)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_ITEM_ID = re.compile(rb"<(?:guid|id)\b[^>]*>\s*(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?\s*</(?:guid|id)\s*>", re.DOTALL)
_ITEM_LINK = re.compile(rb"<link\b[^>]*?(?:href=[\"']([^\"']+)[\"'][^>]*/?>|>\s*(?:<!\[CDATA\[)?([^<\]]+)(?:\]\]>)?\s*</link>)")


def uid_of(identity: str) -> str:
    return hashlib.sha256(identity.encode("utf-8", "replace")).hexdigest()


def without_known(body: bytes, known: set[str] | frozenset[str]) -> bytes:
    """The feed with the items it stored before taken out, so feedparser (about 0.4 ms an item) reads
    only what is new. An item is dropped only when its GUID (else link) hashes to a stored post's
    uid; anything unclear stays in, and a caller that finds the result malformed reads the original."""
    if not known or body.count(b"<item") + body.count(b"<entry") == 0:
        return body
    kept, start = [], 0
    for match in _ITEM.finditer(body):
        chunk = match.group(0)
        found = _ITEM_ID.search(chunk)
        link = _ITEM_LINK.search(chunk) if found is None else None
        raw = found.group(1) if found else (link.group(1) or link.group(2)) if link else None
        if raw is not None and uid_of(html.unescape(raw.decode("utf-8", "replace")).strip()) in known:
            kept.append(body[start : match.start()])
            start = match.end()
    if start == 0:
        return body
    kept.append(body[start:])
    return b"".join(kept)


def parse_new(body: bytes, headers: dict[str, str], now: datetime, known: set[str] | frozenset[str]) -> ParsedFeed | None:
    """Only the items not stored yet; None when every item is known (nothing to parse). A trimmed
    feed that reads as malformed is read again whole, so trimming never loses an item."""
    trimmed = without_known(body, known)
    if trimmed is body:
        return parse_feed(body, headers, now)
    if not _ITEM.search(trimmed):
        return None
    parsed = parse_feed(trimmed, headers, now)
    return parse_feed(body, headers, now) if parsed.notes and "malformed" in " ".join(parsed.notes) else parsed


def parse_feed(body: bytes, headers: dict[str, str], now: datetime) -> ParsedFeed:
    """Every item once (by GUID, else link), with what was odd about the feed said in ``notes``."""
    if not body.strip():
        raise NotAFeed("the feed is empty: the server sent nothing")
    wanted = {k: v for k, v in headers.items() if k in ("content-type", "content-location", "content-language")}
    parsed = feedparser.parse(body, response_headers=wanted)
    problem = _problem(parsed)
    if not parsed.get("version") and not parsed.entries:
        if looks_like_html(body, headers):
            raise NotAFeed("the address returns a web page (HTML), not a feed")
        raise NotAFeed(f"not a feed: {problem}" if problem else "not a feed: no RSS or Atom found")
    notes: list[str] = []
    entries = list(parsed.entries)
    if problem:
        if not body.rstrip().lower().endswith(_CLOSERS) and entries:
            entries = entries[:-1]  # the last item was cut off mid-way: never store half an item
            notes.append(f"the feed was cut off ({problem}): kept the {len(entries)} complete items")
        else:
            notes.append(f"the feed is malformed XML ({problem}): kept the {len(entries)} items that could be read")
    if not entries:
        raise NotAFeed(f"no items could be read: {problem}" if problem else "the feed has no items")
    guests = _guest_flags(body, len(entries))
    generator = str(parsed.feed.get("generator", ""))
    posts, seen, repeated, future, undated = [], set(), 0, 0, 0
    for index, entry in enumerate(entries[:MAX_POSTS]):
        post = _post(entry, generator, guests[index] if guests else False, now)
        if post is None:
            continue
        if post.uid in seen:
            repeated += 1
            continue
        seen.add(post.uid)
        if post.published_at is None:
            future += _dated(entry) is not None
            undated += _dated(entry) is None
        posts.append(post)
    if repeated:
        notes.append(f"{repeated} item{'s' if repeated > 1 else ''} repeated another item's id: kept the first")
    if future:
        notes.append(f"{future} item{'s' if future > 1 else ''} dated in the future: counted from when first seen")
    if undated:
        notes.append(f"{undated} item{'s' if undated > 1 else ''} without a date: counted from when first seen")
    if not posts:
        raise NotAFeed("the feed has items, but none with a title, link or text")
    title = plain_text(str(parsed.feed.get("title", "")), 300)
    return ParsedFeed(title, posts, any(p.kind == PostKind.EPISODE for p in posts), notes)


def _problem(parsed: Any) -> str:
    """What feedparser's ``bozo`` says, worded for a person; encoding overrides are harmless."""
    if not parsed.get("bozo"):
        return ""
    exc = parsed.get("bozo_exception")
    if isinstance(exc, feedparser.CharacterEncodingOverride | feedparser.NonXMLContentType):
        return ""
    line = getattr(exc, "getLineNumber", lambda: None)()
    message = getattr(exc, "getMessage", lambda: str(exc))()
    return f"line {line}: {message}" if line else str(message)


def _dated(entry: Any) -> datetime | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(timegm(stamp), UTC).replace(tzinfo=None) if stamp else None


def _kind(entry: Any, generator: str) -> PostKind:
    types = [str(e.get("type", "")) for e in entry.get("enclosures", [])]
    link = str(entry.get("link", ""))
    if entry.get("yt_videoid") or "youtube.com/watch" in link or any(t.startswith("video/") for t in types):
        return PostKind.VIDEO
    if any(t.startswith("audio/") for t in types):
        return PostKind.EPISODE
    if "mastodon" in generator.lower() or not entry.get("title"):
        return PostKind.NOTE
    return PostKind.ARTICLE


def _post(entry: Any, generator: str, guest_tag: bool, now: datetime) -> ParsedPost | None:
    link = str(entry.get("link") or "").strip() or None
    if link and not link.lower().startswith(("http://", "https://")):
        link = None  # javascript:, data: and relative junk are never links we show
    title = plain_text(str(entry.get("title", "")), 500) or plain_text(str(entry.get("summary", "")), 120)
    identity = str(entry.get("id") or "").strip() or link or (title + str(entry.get("published", "")))
    if not title and not link:
        return None
    published = _dated(entry)
    if published is not None and published > now + FUTURE_SLACK:
        published = None
    kind = _kind(entry, generator)
    return ParsedPost(
        uid=uid_of(identity),
        title=title or "(untitled)",
        url=link[:2000] if link else None,
        published_at=published,
        kind=kind,
        has_guest=has_guest(title, ["guest"] if guest_tag else []) if kind == PostKind.EPISODE else None,
    )


def _guest_flags(body: bytes, count: int) -> list[bool] | None:
    """Per item, whether it names a ``<podcast:person role="guest">``. feedparser keeps only one person
    per item, so the raw items are read here, in document order; None when they cannot be matched up."""
    text = body.decode("utf-8", "replace")
    declared = re.search(r'xmlns:([\w-]+)\s*=\s*["\']' + re.escape(PODCAST_NS), text)
    if not declared:
        return None
    items = re.split(r"<item[\s>]", text)[1:]
    if len(items) < count:
        return None
    guest = re.compile(rf"<{re.escape(declared.group(1))}:person\b[^>]*\brole\s*=\s*[\"']guest[\"']", re.IGNORECASE)
    return [bool(guest.search(item)) for item in items[:count]]


class _Alternates(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        rels = values.get("rel", "").lower().split()
        if tag == "link" and "alternate" in rels and values.get("type", "").lower() in FEED_TYPES and values.get("href"):
            self.found.append((values["href"], values.get("title", "")))


def alternate_links(page: bytes, base_url: str) -> list[str]:
    """The feeds a page names with ``<link rel="alternate">``, comment feeds last."""
    reader = _Alternates()
    reader.feed(page[: 512 * 1024].decode("utf-8", "replace"))
    links = [(urljoin(base_url, href), title) for href, title in reader.found]
    links.sort(key=lambda link: "comment" in (link[0] + link[1]).lower())
    return [href for href, _ in links if href.lower().startswith(("http://", "https://"))]


def usual_paths(url: str) -> list[str]:
    parts = urlsplit(url)
    return [urlunsplit((parts.scheme, parts.netloc, path, "", "")) for path in FEED_PATHS]


def known_feed_address(url: str) -> str | None:
    """Profiles whose feed address follows from the profile's own: YouTube channels, Medium, Substack,
    Mastodon and Bluesky profiles. Saves a request and works where the page hides its feed."""
    parts = urlsplit(url)
    host, path = (parts.hostname or "").lower(), parts.path.rstrip("/")
    if host.endswith("youtube.com") and (match := re.fullmatch(r"/channel/(UC[\w-]{10,})", path)):
        return f"https://www.youtube.com/feeds/videos.xml?channel_id={match.group(1)}"
    if host == "medium.com" and re.fullmatch(r"/@[\w.-]+", path):
        return f"https://medium.com/feed{path}"
    if host.endswith(".substack.com") and path == "":
        return f"https://{host}/feed"
    if host == "bsky.app" and re.fullmatch(r"/profile/[\w.:-]+", path):
        return f"https://bsky.app{path}/rss"
    if re.fullmatch(r"/@[\w]+", path) and host not in ("medium.com", "www.youtube.com", "youtube.com"):
        return f"{parts.scheme}://{parts.netloc}{path}.rss"  # Mastodon and its kin
    return None
