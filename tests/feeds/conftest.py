"""A real local HTTP server serving real-shaped feeds, and fixture files with their dates moved to now."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pytest_httpserver import HTTPServer

DATA = Path(__file__).parent / "data"
RFC822 = re.compile(r"<(pubDate|lastBuildDate)>([^<]+)</\1>")
ISO = re.compile(r"<(published|updated)>([^<]+)</\1>")


def _newest(text: str) -> datetime:
    dates = [parsedate_to_datetime(m.group(2)) for m in RFC822.finditer(text) if m.group(1) == "pubDate"]
    dates += [datetime.fromisoformat(m.group(2)) for m in ISO.finditer(text) if m.group(1) == "published"]
    return max(d.astimezone(UTC) for d in dates)


def fresh(name: str, newest_age: timedelta = timedelta(hours=3), now: datetime | None = None) -> bytes:
    """A fixture file with every date moved by the same amount, so its newest item is ``newest_age`` old."""
    text = (DATA / name).read_text(encoding="utf-8")
    now = (now or datetime.now(UTC).replace(tzinfo=None)).replace(tzinfo=UTC)
    shift = (now - newest_age) - _newest(text)
    text = RFC822.sub(
        lambda m: f"<{m.group(1)}>{format_datetime(parsedate_to_datetime(m.group(2)) + shift)}</{m.group(1)}>", text
    )
    text = ISO.sub(lambda m: f"<{m.group(1)}>{(datetime.fromisoformat(m.group(2)) + shift).isoformat()}</{m.group(1)}>", text)
    return text.encode("utf-8")


@pytest.fixture
def allow_private(app: Flask) -> Iterator[None]:
    """The local server is on loopback: allowed here only, as OUTREACH_ALLOW_PRIVATE_URLS=1 would."""
    app.config["ALLOW_PRIVATE_URLS"] = True
    yield
    app.config["ALLOW_PRIVATE_URLS"] = False


@pytest.fixture
def serve(httpserver: HTTPServer, allow_private: None) -> Callable[..., str]:
    """Serve bytes at a path with an ETag, answering 304 to a matching If-None-Match; returns the URL."""

    def put(path: str, body: bytes, content_type: str = "application/rss+xml; charset=utf-8", etag: str | None = '"v1"') -> str:
        from werkzeug import Request, Response

        def answer(request: Request) -> Response:
            if etag and request.headers.get("If-None-Match") == etag:
                return Response(status=304, headers={"ETag": etag})
            return Response(body, content_type=content_type, headers={"ETag": etag} if etag else {})

        httpserver.expect_request(path).respond_with_handler(answer)
        return httpserver.url_for(path)

    return put


def requests_to(httpserver: HTTPServer, path: str | None = None) -> list[Any]:
    return [request for request, _ in httpserver.log if path is None or request.path == path]
