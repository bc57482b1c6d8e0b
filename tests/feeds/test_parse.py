"""Reading feeds: the real-shaped fixtures, and every bad input of issue 18 with the reason a person reads."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from outreach.feeds.models import PostKind
from outreach.feeds.parse import NotAFeed, alternate_links, known_feed_address, parse_feed, parse_new, without_known
from tests.feeds.conftest import DATA

NOW = datetime(2025, 6, 5, 12, 0)


def parsed(name: str):
    return parse_feed((DATA / name).read_bytes(), {}, NOW)


@pytest.mark.parametrize(
    ("name", "title", "kind", "count"),
    [
        ("podcast.xml", "The Audience Lab with Maya Chen", PostKind.EPISODE, 6),
        ("youtube.xml", "Lena Vogel", PostKind.VIDEO, 2),
        ("substack.xml", "Okafor on Email", PostKind.ARTICLE, 2),
        ("mastodon.xml", "Tom Becker", PostKind.NOTE, 2),
        ("wordpress-feed.xml", "Ruth Klein", PostKind.ARTICLE, 2),
    ],
)
def test_each_kind_of_feed_reads_with_its_posts(name: str, title: str, kind: PostKind, count: int) -> None:
    feed = parsed(name)
    assert (feed.title, len(feed.posts), {p.kind for p in feed.posts}, feed.notes) == (title, count, {kind}, [])
    assert all(p.url and p.url.startswith("https://") and p.published_at for p in feed.posts)


def test_a_podcast_names_its_guests_by_tag_else_by_title() -> None:
    feed = parsed("podcast.xml")
    assert feed.is_podcast
    # podcast:person role="guest" (212, 211), "ft." (209), "interview with" (208); 210 is solo, the bonus has none.
    assert [p.has_guest for p in feed.posts] == [True, True, False, True, True, False]


def test_a_mastodon_note_is_titled_by_its_text() -> None:
    assert parsed("mastodon.xml").posts[0].title.startswith("New mic day! Testing the #SM7B against")


def test_a_page_names_its_feed_and_comment_feeds_come_last() -> None:
    page = (DATA / "wordpress.html").read_bytes()
    assert alternate_links(page, "https://ruthklein.example.com/") == [
        "https://ruthklein.example.com/feed/",
        "https://ruthklein.example.com/comments/feed/",
    ]


@pytest.mark.parametrize(
    ("url", "feed"),
    [
        (
            "https://www.youtube.com/channel/UCq3Ci-h945sbEYXpVlw7rJg",
            "https://www.youtube.com/feeds/videos.xml?channel_id=UCq3Ci-h945sbEYXpVlw7rJg",
        ),
        ("https://mastodon.social/@tom", "https://mastodon.social/@tom.rss"),
        ("https://medium.com/@maya", "https://medium.com/feed/@maya"),
        ("https://okafor.substack.com/", "https://okafor.substack.com/feed"),
        ("https://bsky.app/profile/maya.bsky.social", "https://bsky.app/profile/maya.bsky.social/rss"),
        ("https://example.com/blog/", None),
    ],
)
def test_profiles_whose_feed_address_is_known(url: str, feed: str | None) -> None:
    assert known_feed_address(url) == feed


def _podcast() -> bytes:
    return (DATA / "podcast.xml").read_bytes()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ((DATA / "wordpress.html").read_bytes(), "the address returns a web page (HTML), not a feed"),
        (b"", "the feed is empty: the server sent nothing"),
        (b"   \n", "the feed is empty: the server sent nothing"),
        (b"<rss version='2.0'><channel><title>x</title></channel></rss>", "the feed has no items"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a feed"),
        (b"<rss><channel><item><title>A</ti", "no items could be read"),
    ],
)
def test_what_is_not_a_feed_says_why(body: bytes, reason: str) -> None:
    with pytest.raises(NotAFeed) as raised:
        parse_feed(body, {}, NOW)
    assert raised.value.reason.startswith(reason)


def test_a_truncated_feed_keeps_only_its_complete_items() -> None:
    body = _podcast()
    cut = body[: body.index(b"<title>Ep. 210") + 20]  # cut off inside the third item
    feed = parse_feed(cut, {}, NOW)
    assert [p.title[:7] for p in feed.posts] == ["Ep. 212", "Ep. 211"]
    assert feed.notes[0].startswith("the feed was cut off (line") and feed.notes[0].endswith("kept the 2 complete items")


def test_malformed_xml_keeps_what_could_be_read_and_says_so() -> None:
    body = _podcast().replace(b"<title>Ep. 210: Solo", b"<title>Ep. 210: Solo <b>bold</title>", 1)
    feed = parse_feed(body, {}, NOW)
    assert feed.posts and feed.posts[0].title.startswith("Ep. 212")
    assert "malformed XML (line" in feed.notes[0]


def test_a_legacy_encoding_is_read_as_declared() -> None:
    body = (
        "<?xml version='1.0' encoding='windows-1252'?><rss version='2.0'><channel><title>Caf\u00e9 cr\u00e8me</title>"
        "<item><title>\u201cNa\u00efve\u201d pricing \u2013 a r\u00e9sum\u00e9</title><link>https://example.com/1</link>"
        "<pubDate>Mon, 02 Jun 2025 06:00:00 +0000</pubDate></item></channel></rss>"
    ).encode("windows-1252")
    feed = parse_feed(body, {"content-type": "application/rss+xml"}, NOW)
    assert (feed.title, feed.posts[0].title) == (
        "Caf\u00e9 cr\u00e8me",
        "\u201cNa\u00efve\u201d pricing \u2013 a r\u00e9sum\u00e9",
    )


def test_latin_1_from_the_content_type_header() -> None:
    body = "<rss version='2.0'><channel><title>M\u00fcnchen</title><item><title>Gr\u00fc\u00dfe</title><link>https://example.com/g</link></item></channel></rss>"
    feed = parse_feed(body.encode("latin-1"), {"content-type": "text/xml; charset=iso-8859-1"}, NOW)
    assert (feed.title, feed.posts[0].title) == ("M\u00fcnchen", "Gr\u00fc\u00dfe")


def _rss(items: str) -> bytes:
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>{items}</channel></rss>".encode()


def test_dates_in_the_future_are_not_believed() -> None:
    ahead = (NOW + timedelta(days=30)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    body = _rss(
        f"<item><title>Tomorrow's post</title><link>https://e.com/a</link><pubDate>{ahead}</pubDate></item>"
        "<item><title>Today's</title><link>https://e.com/b</link><pubDate>Thu, 05 Jun 2025 08:00:00 +0000</pubDate></item>"
    )
    feed = parse_feed(body, {}, NOW)
    assert [p.published_at for p in feed.posts] == [None, datetime(2025, 6, 5, 8, 0)]
    assert feed.notes == ["1 item dated in the future: counted from when first seen"]


def test_items_without_dates_are_kept_and_said() -> None:
    feed = parse_feed(
        _rss(
            "<item><title>A</title><link>https://e.com/a</link></item><item><title>B</title><link>https://e.com/b</link></item>"
        ),
        {},
        NOW,
    )
    assert [p.published_at for p in feed.posts] == [None, None]
    assert feed.notes == ["2 items without a date: counted from when first seen"]


def test_duplicate_guids_are_stored_once() -> None:
    item = "<item><title>{t}</title><guid>same-id</guid><link>https://e.com/{t}</link></item>"
    feed = parse_feed(_rss(item.format(t="first") + item.format(t="second") + item.format(t="third")), {}, NOW)
    assert [p.title for p in feed.posts] == ["first"]
    assert feed.notes[0] == "2 items repeated another item's id: kept the first"


def test_links_that_are_not_web_addresses_are_dropped() -> None:
    feed = parse_feed(_rss("<item><title>x</title><link>javascript:alert(1)</link></item>"), {}, NOW)
    assert feed.posts[0].url is None


@pytest.mark.parametrize("name", ["podcast.xml", "youtube.xml", "substack.xml", "mastodon.xml", "wordpress-feed.xml"])
def test_a_later_read_parses_only_the_items_not_stored_yet(name: str) -> None:
    body = (DATA / name).read_bytes()
    full = parse_feed(body, {}, NOW)
    stored = {p.uid for p in full.posts[1:]}
    assert len(without_known(body, stored)) < len(body)
    assert [p.uid for p in _new_posts(body, stored)] == [full.posts[0].uid]
    assert parse_new(body, {}, NOW, {p.uid for p in full.posts}) is None  # nothing new: nothing parsed
    assert [p.uid for p in _new_posts(body, set())] == [p.uid for p in full.posts]


def test_trimming_that_would_break_the_xml_falls_back_to_the_whole_feed() -> None:
    # A CDATA body quoting "</item>" fools the item splitter: the whole feed is read instead.
    body = _rss(
        "<item><title>New</title><guid>n</guid><description><![CDATA[see </item> here]]></description></item>"
        "<item><title>Old</title><guid>o</guid></item>"
    )
    known = {p.uid for p in parse_feed(body, {}, NOW).posts if p.title == "Old"}
    assert [p.title for p in _new_posts(body, known)] in (["New"], ["New", "Old"])


def _new_posts(body: bytes, known: set[str]) -> list[Any]:
    parsed = parse_new(body, {}, NOW, known)
    assert parsed is not None
    return parsed.posts
