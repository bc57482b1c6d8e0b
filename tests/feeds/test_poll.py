"""Polling real feeds from a local server: conditional requests, politeness, failures, bad inputs."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import event, func, select, text
from werkzeug import Request, Response

from outreach.core import fetch as fetching
from outreach.core.types import utcnow
from outreach.extensions import db
from outreach.feeds import service
from outreach.feeds.models import Feed, FeedStatus, Opening, Post
from outreach.feeds.poll import claim, poll_due
from tests.feeds.conftest import DATA, fresh, requests_to

LATER = timedelta(days=2)  # every feed is due again by then


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count(model.id))) or 0


@pytest.fixture
def four_feeds(make_user, make_contact, serve: Callable[..., str]) -> list[Feed]:
    user = make_user()
    feeds = []
    for name, file in [
        ("Maya Chen", "podcast.xml"),
        ("Lena Vogel", "youtube.xml"),
        ("Daniel Okafor", "substack.xml"),
        ("Tom Becker", "mastodon.xml"),
    ]:
        url = serve(f"/{file}", fresh(file))
        feeds.append(service.add_feed(db.session, make_contact(user, name), url, utcnow()))
    db.session.commit()
    return feeds


def test_a_second_poll_of_unchanged_feeds_sends_only_conditional_requests_and_stores_nothing(
    four_feeds, httpserver: HTTPServer
) -> None:
    posts, openings, sent = _count(Post), _count(Opening), len(httpserver.log)
    totals = poll_due(db.session, utcnow() + LATER)
    assert (totals["requests"], totals["not_modified"], totals["new_posts"], totals["openings"]) == (4, 4, 0, 0)
    again = [request for request, _ in httpserver.log[sent:]]
    assert len(again) == 4 and all(r.headers.get("If-None-Match") == '"v1"' for r in again)
    # The last 7 days' posts are openings: 1 episode, 2 videos, 1 article, 2 notes.
    assert (_count(Post), _count(Opening)) == (posts, openings) == (12, 6)


def test_a_changed_feed_brings_its_new_post_once(four_feeds, serve, httpserver: HTTPServer) -> None:
    body = fresh("substack.xml").replace(
        b"<item>",
        b"<item><title>Just out</title><link>https://okafor.substack.com/p/just-out</link><guid>just-out</guid></item><item>",
        1,
    )
    httpserver.clear_all_handlers()
    for file in ("podcast.xml", "youtube.xml", "mastodon.xml"):
        serve(f"/{file}", fresh(file))
    serve("/substack.xml", body, etag='"v2"')
    first = poll_due(db.session, utcnow() + LATER)
    second = poll_due(db.session, utcnow() + 2 * LATER)
    assert (first["changed"], first["not_modified"], first["new_posts"], first["openings"]) == (1, 3, 1, 1)
    assert (second["changed"], second["not_modified"], second["new_posts"]) == (0, 4, 0)
    opening = db.session.scalars(select(Opening).join(Opening.post).where(Post.title == "Just out")).one()
    assert opening.contact_name == "Daniel Okafor"


def test_retry_after_is_honoured_and_the_host_is_left_alone(make_user, make_contact, serve, httpserver: HTTPServer) -> None:
    user = make_user()
    now = utcnow()
    feeds = [
        service.add_feed(db.session, make_contact(user, f"P{i}"), serve(f"/f{i}.xml", fresh("substack.xml")), now)
        for i in range(3)
    ]
    db.session.commit()
    httpserver.clear_all_handlers()
    httpserver.expect_request("/f0.xml").respond_with_response(Response("wait", status=429, headers={"Retry-After": "7200"}))
    sent = len(httpserver.log)
    later = now + LATER
    totals = poll_due(db.session, later)
    assert (totals["requests"], totals["deferred"], totals["failed"]) == (1, 2, 1)
    assert len(httpserver.log) == sent + 1  # the other two feeds on that host were not requested
    for feed in feeds:
        db.session.refresh(feed)
        assert feed.next_poll_at >= later + timedelta(hours=2)
        assert feed.status == FeedStatus.OK  # waiting as asked is not failing
    assert "asked us to wait (429" in feeds[0].error


def test_a_permanent_redirect_moves_the_feed(make_user, make_contact, serve, httpserver: HTTPServer) -> None:
    feed = service.add_feed(db.session, make_contact(make_user()), serve("/old.xml", fresh("podcast.xml")), utcnow())
    db.session.commit()
    httpserver.clear_all_handlers()
    httpserver.expect_request("/old.xml").respond_with_response(Response(status=301, headers={"Location": "/new.xml"}))
    serve("/new.xml", fresh("podcast.xml"), etag='"v2"')
    poll_due(db.session, utcnow() + LATER)
    db.session.refresh(feed)
    assert feed.feed_url == httpserver.url_for("/new.xml") and feed.status == FeedStatus.OK
    poll_due(db.session, utcnow() + 2 * LATER)
    assert [r.path for r in requests_to(httpserver)][-2:] == ["/new.xml", "/new.xml"]


def test_a_feed_failing_repeatedly_stops_and_says_why_while_others_carry_on(
    make_user, make_contact, serve, httpserver: HTTPServer, web_login
) -> None:
    user = make_user()
    now = utcnow()
    gone = service.add_feed(db.session, make_contact(user, "Gone Person"), serve("/gone.xml", fresh("podcast.xml")), now)
    alive = service.add_feed(db.session, make_contact(user, "Alive Person"), serve("/alive.xml", fresh("mastodon.xml")), now)
    db.session.commit()
    httpserver.clear_all_handlers()
    httpserver.expect_request("/gone.xml").respond_with_data("Not Found", status=404)
    serve("/alive.xml", fresh("mastodon.xml"))
    for attempt in range(1, service.STOP_AFTER_FAILURES + 1):
        totals = poll_due(db.session, now + attempt * LATER)
        assert totals["not_modified"] == 1  # the good feed is read every time
    db.session.refresh(gone)
    assert (gone.status, gone.failures) == (FeedStatus.STOPPED, 5)
    assert poll_due(db.session, now + 10 * LATER)["requests"] == 1  # a stopped feed is not polled
    page = web_login(user.email).get(f"/contacts/{gone.contact_id}").get_data(as_text=True)
    assert "Stopped: the address is gone (404 NOT FOUND)." in page and "Try again" in page
    assert alive.status == FeedStatus.OK


def _podcast_cut() -> bytes:
    body = fresh("podcast.xml")
    return body[: body.index(b"<title>Ep. 210") + 20]


BAD = [
    (
        "html",
        lambda: (DATA / "wordpress.html").read_bytes(),
        "text/html",
        FeedStatus.FAILING,
        "the address returns a web page (HTML), not a feed",
    ),
    ("empty", lambda: b"", "application/rss+xml", FeedStatus.FAILING, "the feed is empty: the server sent nothing"),
    (
        "20 MB",
        lambda: b"<rss>" + b"x" * (20 * 1024 * 1024),
        "application/rss+xml",
        FeedStatus.FAILING,
        "the answer is larger than 5 MB",
    ),
    ("not XML", lambda: b"<rss><channel><item><title>A</ti", "application/rss+xml", FeedStatus.FAILING, "no items could be read"),
]


@pytest.mark.parametrize(("case", "body", "content_type", "status", "reason"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_answer_stores_nothing_and_says_why(
    make_user, make_contact, serve, httpserver: HTTPServer, case, body, content_type, status, reason
) -> None:
    user = make_user()
    now = utcnow()
    bad = service.add_feed(db.session, make_contact(user, "Bad"), serve("/bad.xml", fresh("mastodon.xml")), now)
    good = service.add_feed(db.session, make_contact(user, "Good"), serve("/good.xml", fresh("substack.xml")), now)
    db.session.commit()
    posts = _count(Post)
    httpserver.clear_all_handlers()
    serve("/bad.xml", body(), content_type=content_type, etag='"v2"')
    serve("/good.xml", fresh("substack.xml"))
    totals = poll_due(db.session, now + LATER)
    db.session.refresh(bad)
    assert bad.status == status and bad.error.startswith(reason)
    assert (totals["failed"], totals["not_modified"], _count(Post)) == (1, 1, posts)
    assert good.status == FeedStatus.OK


def test_a_redirect_to_a_private_address_stops_the_feed_at_once(make_user, make_contact, serve, httpserver: HTTPServer) -> None:
    feed = service.add_feed(db.session, make_contact(make_user()), serve("/f.xml", fresh("podcast.xml")), utcnow())
    db.session.commit()
    httpserver.clear_all_handlers()
    httpserver.expect_request("/f.xml").respond_with_response(
        Response(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    )
    poll_due(db.session, utcnow() + LATER)
    db.session.refresh(feed)
    assert (feed.status, feed.error) == (FeedStatus.STOPPED, "169.254.169.254 is a link-local address")
    assert [r.path for r in requests_to(httpserver)][-1] == "/f.xml"


def test_a_slow_feed_times_out_and_the_rest_are_read(make_user, make_contact, serve, httpserver: HTTPServer, monkeypatch) -> None:
    user = make_user()
    now = utcnow()
    slow = service.add_feed(db.session, make_contact(user, "Slow"), serve("/slow.xml", fresh("podcast.xml")), now)
    service.add_feed(db.session, make_contact(user, "Quick"), serve("/quick.xml", fresh("mastodon.xml")), now)
    db.session.commit()
    monkeypatch.setattr(fetching, "FEED_TIMEOUT_SECONDS", 1)

    def dawdle(_request: Request) -> Response:
        time.sleep(1.5)  # the test server answers one request at a time: the quick feed waits 0.5 s behind
        return Response(fresh("podcast.xml"))

    httpserver.clear_all_handlers()
    httpserver.expect_request("/slow.xml").respond_with_handler(dawdle)
    serve("/quick.xml", fresh("mastodon.xml"))
    totals = poll_due(db.session, now + LATER)
    db.session.refresh(slow)
    assert (slow.status, slow.error_kind, totals["not_modified"]) == (FeedStatus.FAILING, "timed_out", 1)
    assert slow.error == "the server did not answer within 1 second"


@pytest.mark.parametrize(
    ("case", "body", "note"),
    [
        ("truncated", _podcast_cut, "the feed was cut off"),
        ("future dates", lambda: fresh("substack.xml", timedelta(days=-40)), "dated in the future: counted from when first seen"),
        (
            "no dates",
            lambda: fresh("mastodon.xml").replace(b"<pubDate>", b"<!--").replace(b"</pubDate>", b"-->"),
            "without a date",
        ),
        (
            "duplicate GUIDs",
            lambda: fresh("podcast.xml").replace(b"audiencelab-211", b"audiencelab-212"),
            "repeated another item's id",
        ),
    ],
)
def test_an_odd_but_usable_feed_is_read_with_a_caveat(make_user, make_contact, serve, case, body, note) -> None:
    feed = service.add_feed(db.session, make_contact(make_user()), serve("/odd.xml", body()), utcnow())
    db.session.commit()
    assert feed.status == FeedStatus.OK and note in feed.notes
    titles = db.session.scalars(select(Post.title).where(Post.feed_id == feed.id)).all()
    assert len(titles) == len(set(titles)) >= 1 and all(not t.endswith("Ep. 2") for t in titles)


def test_claims_are_exclusive(four_feeds) -> None:
    later = utcnow() + LATER
    first = claim(db.session, later)
    assert len(first) == 4 and claim(db.session, later) == []  # leased: a second poller finds nothing


def test_postgresql_pollers_skip_the_rows_another_is_claiming(four_feeds, app) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite serializes writers instead")
    later = utcnow() + LATER
    with db.engine.connect() as other:
        other.execute(text("SELECT id FROM feeds WHERE id = :id FOR UPDATE"), {"id": four_feeds[0].id})
        taken = claim(db.session, later)
        other.rollback()
    assert sorted(taken) == sorted(f.id for f in four_feeds[1:])


def test_a_podcasts_show_facts_count_its_stored_episodes_after_a_new_one(
    make_user, make_contact, serve, httpserver: HTTPServer
) -> None:
    feed = service.add_feed(
        db.session, make_contact(make_user()), serve("/p.xml", fresh("podcast.xml", timedelta(days=7))), utcnow()
    )
    db.session.commit()
    newer = fresh("podcast.xml", timedelta(days=7)).replace(
        b"<item>",
        b"<item><title>Ep. 213: Live with Lena Vogel</title><guid>audiencelab-213</guid>"
        + f"<pubDate>{utcnow():%a, %d %b %Y %H:%M:%S} +0000</pubDate>".encode()
        + b'<enclosure url="https://cdn.example.com/213.mp3" length="1" type="audio/mpeg"/></item><item>',
        1,
    )
    httpserver.clear_all_handlers()
    serve("/p.xml", newer, etag='"v2"')
    totals = poll_due(db.session, utcnow() + LATER)
    db.session.refresh(feed)
    assert (totals["new_posts"], feed.podcast_episodes_counted, feed.podcast_guests) == (1, 7, 5)
    assert feed.podcast_last_episode_on == utcnow().date()


def test_the_contact_page_says_when_a_server_asked_to_wait(
    make_user, make_contact, serve, httpserver: HTTPServer, web_login
) -> None:
    user = make_user()
    feed = service.add_feed(db.session, make_contact(user), serve("/f.xml", fresh("substack.xml")), utcnow())
    db.session.commit()
    httpserver.clear_all_handlers()
    httpserver.expect_request("/f.xml").respond_with_response(Response("wait", status=429, headers={"Retry-After": "3600"}))
    poll_due(db.session, utcnow() + LATER)
    page = web_login(user.email).get(f"/contacts/{feed.contact_id}").get_data(as_text=True)
    assert "Waiting: the server asked us to wait (429 TOO MANY REQUESTS); next read after" in page
    assert "Failing:" not in page


def test_a_batchs_feed_states_are_written_in_one_statement(four_feeds, httpserver: HTTPServer) -> None:
    """record() writes every read feed's new state at once (update_rows): on PostgreSQL one statement, where
    the ORM's flush sent one per feed (an executemany), each firing the change marks' trigger. What the
    database then holds is what the feeds say: the flush after it has nothing of theirs left to write."""
    later = utcnow() + LATER
    writes: list[tuple[str, bool]] = []

    def listener(_conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith("UPDATE FEEDS"):
            writes.append((statement, executemany))

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        totals = poll_due(db.session, later)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert totals["not_modified"] == 4
    assert len(writes) == 2, writes  # the claim's lease, then the four states together
    if db.engine.dialect.name == "postgresql":
        assert "FROM (VALUES" in writes[1][0] and not writes[1][1]
    db.session.expire_all()
    for feed in db.session.scalars(select(Feed)):
        assert (feed.claimed_until, feed.last_polled_at, feed.quiet_polls, feed.status) == (None, later, 1, FeedStatus.OK)
        assert feed.next_poll_at > later
