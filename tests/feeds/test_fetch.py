"""The general fetcher against a real local server: conditional requests, redirects re-checked, limits."""

from __future__ import annotations

import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from outreach.core import fetch as fetching
from outreach.core.fetch import FetchError, fetch, private_urls_allowed
from tests.feeds.conftest import requests_to

FEED = b"<rss version='2.0'><channel><title>t</title></channel></rss>"


def test_an_unchanged_feed_answers_304_to_the_conditional_request(httpserver: HTTPServer) -> None:
    def answer(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"' or request.headers.get("If-Modified-Since"):
            return Response(status=304)
        return Response(FEED, headers={"ETag": '"v1"', "Last-Modified": "Mon, 02 Jun 2025 06:00:00 GMT"})

    httpserver.expect_request("/feed").respond_with_handler(answer)
    first = fetch(httpserver.url_for("/feed"), allow_private=True)
    again = fetch(httpserver.url_for("/feed"), allow_private=True, etag=first.headers["etag"])
    since = fetch(httpserver.url_for("/feed"), allow_private=True, last_modified=first.headers["last-modified"])
    assert (first.status, first.body) == (200, FEED)
    assert (again.status, again.body, since.status) == (304, b"", 304)
    sent = requests_to(httpserver, "/feed")
    assert [r.headers.get("If-None-Match") for r in sent] == [None, '"v1"', None]
    assert all(r.headers["User-Agent"].startswith("Outreach/") for r in sent)


@pytest.mark.parametrize(
    ("header", "seconds"), [("120", 120), ("Wed, 21 Oct 2015 07:28:00 GMT", 0), ("9999999999", 7 * 24 * 3600)]
)
def test_retry_after_is_read_and_capped(httpserver: HTTPServer, header: str, seconds: int) -> None:
    httpserver.expect_request("/busy").respond_with_response(Response("slow down", status=429, headers={"Retry-After": header}))
    with pytest.raises(FetchError) as raised:
        fetch(httpserver.url_for("/busy"), allow_private=True)
    assert (raised.value.kind, raised.value.retry_after) == ("rate_limited", seconds)


def test_a_permanent_redirect_is_followed_and_remembered(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_response(Response(status=301, headers={"Location": "/new"}))
    httpserver.expect_request("/new").respond_with_data(FEED)
    httpserver.expect_request("/temp").respond_with_response(Response(status=302, headers={"Location": "/new"}))
    moved = fetch(httpserver.url_for("/old"), allow_private=True)
    visiting = fetch(httpserver.url_for("/temp"), allow_private=True)
    assert (moved.url, moved.moved_to, moved.body) == (httpserver.url_for("/new"), httpserver.url_for("/new"), FEED)
    assert (visiting.url, visiting.moved_to) == (httpserver.url_for("/new"), None)


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data", "file:///etc/passwd", "http://[fe80::1]/"])
def test_a_redirect_to_a_private_address_is_refused_before_any_request(httpserver: HTTPServer, target: str) -> None:
    httpserver.expect_request("/feed").respond_with_response(Response(status=302, headers={"Location": target}))
    with pytest.raises(FetchError) as raised:
        fetch(httpserver.url_for("/feed"), allow_private=True)
    assert raised.value.kind in ("private", "bad_address")
    assert len(httpserver.log) == 1  # nothing was sent to the target


def test_loopback_is_refused_unless_allowed(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED)
    monkeypatch.delenv("OUTREACH_ALLOW_PRIVATE_URLS", raising=False)
    with pytest.raises(FetchError) as raised:
        fetch(httpserver.url_for("/feed"))
    assert raised.value.kind == "private" and "private, loopback or link-local" in raised.value.message
    monkeypatch.setenv("OUTREACH_ALLOW_PRIVATE_URLS", "1")
    assert private_urls_allowed() and fetch(httpserver.url_for("/feed")).body == FEED


def test_a_slow_server_times_out(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetching, "FEED_TIMEOUT_SECONDS", 1)

    def slow(_request: Request) -> Response:
        time.sleep(2.5)
        return Response(FEED)

    httpserver.expect_request("/slow").respond_with_handler(slow)
    started = time.monotonic()
    with pytest.raises(FetchError) as raised:
        fetch(httpserver.url_for("/slow"), allow_private=True)
    assert raised.value.kind == "timed_out" and "within 1 second" in raised.value.message
    assert time.monotonic() - started < 2.2


@pytest.mark.parametrize(
    ("status", "kind", "words"), [(404, "gone", "gone (404"), (410, "gone", "gone (410"), (500, "http_error", "answered 500")]
)
def test_http_errors_say_what_happened(httpserver: HTTPServer, status: int, kind: str, words: str) -> None:
    httpserver.expect_request("/feed").respond_with_data("no", status=status)
    with pytest.raises(FetchError) as raised:
        fetch(httpserver.url_for("/feed"), allow_private=True)
    assert raised.value.kind == kind and words in raised.value.message


def test_a_20_mb_answer_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/huge").respond_with_data(b"<rss>" + b" " * (20 * 1024 * 1024))
    with pytest.raises(FetchError) as raised:
        fetch(httpserver.url_for("/huge"), allow_private=True)
    assert raised.value.kind == "too_big" and "larger than 5 MB" in raised.value.message
