"""Fetching a partner's public calendar by URL, guarded against reaching into our own network."""

from __future__ import annotations

import functools
import ipaddress
import os
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask import current_app, has_app_context

from outreach.core.errors import InvalidInput

TIMEOUT_SECONDS = 10  # for each connect or read: a server that dribbles could still last for ever...
TOTAL_SECONDS = 30  # ...so the whole download has this long
MAX_BYTES = 5 * 1024 * 1024
CHUNK = 64 * 1024


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead to an address the guard never checked: refuse it, name the target."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        fp.close()
        raise InvalidInput({"url": f"the address redirects to {newurl}: use that address instead"})


def check_url(url: str, allow_private: bool = False) -> str:
    """http(s) only, and the host must resolve to public addresses only."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput({"url": "use an http:// or https:// address"})
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError):
        raise InvalidInput({"url": f"the host {parts.hostname} cannot be found"}) from None
    if not allow_private:
        for info in infos:
            address = ipaddress.ip_address(info[4][0])
            if not address.is_global or address.is_multicast:
                raise InvalidInput({"url": f"{parts.hostname} is a private, loopback or link-local address"})
    return url.strip()


def fetch_calendar(url: str, allow_private: bool = False) -> bytes:
    url = check_url(url, allow_private)
    opener = urllib.request.build_opener(_NoRedirects)
    request = urllib.request.Request(url, headers={"User-Agent": "Outreach calendar import", "Accept": "text/calendar"})
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            data = _read_within(response, time.monotonic() + TOTAL_SECONDS)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise InvalidInput({"url": f"the server answered {exc.code} {exc.reason}"}) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InvalidInput({"url": f"could not fetch the calendar: {reason}"}) from None
    if len(data) > MAX_BYTES:
        raise InvalidInput({"url": f"the calendar is larger than {MAX_BYTES // (1024 * 1024)} MB"})
    return data


def _read_within(response: Any, deadline: float) -> bytes:
    """Up to MAX_BYTES + 1 bytes, in chunks, refusing once the deadline has passed."""
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_BYTES:
        chunk = response.read1(CHUNK) if hasattr(response, "read1") else response.read(CHUNK)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if time.monotonic() > deadline:
            raise InvalidInput({"url": f"the server took longer than {TOTAL_SECONDS} seconds to send the calendar"})
    return b"".join(chunks)


# The general fetcher (contacts' feeds): conditional, polite, and every redirect hop re-checked.
USER_AGENT = "Outreach/0.1 (self-hosted relationship planner; feed reader)"
FEED_MAX_BYTES = 5 * 1024 * 1024
FEED_TIMEOUT_SECONDS = 15
MAX_REDIRECTS = 5
MAX_RETRY_AFTER_SECONDS = 7 * 24 * 3600
REDIRECTS = (301, 302, 303, 307, 308)
PERMANENT = (301, 308)


class FetchError(InvalidInput):
    """Why an address could not be read, as a kind the poller acts on and a sentence the user reads."""

    def __init__(self, kind: str, message: str, retry_after: int | None = None) -> None:
        super().__init__({"url": message})
        self.kind = kind  # gone, rate_limited, http_error, timed_out, too_big, unreachable, private, bad_address
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class Fetched:
    url: str  # the address finally read, after redirects
    status: int  # 200, or 304 when the conditional headers matched
    body: bytes
    headers: dict[str, str]  # lower-case names
    moved_to: str | None = None  # every hop was permanent (301/308): the address to use from now on


def private_urls_allowed() -> bool:
    """OUTREACH_ALLOW_PRIVATE_URLS=1 (or the app's ALLOW_PRIVATE_URLS): for tests and local use only."""
    if os.environ.get("OUTREACH_ALLOW_PRIVATE_URLS") == "1":
        return True
    return bool(has_app_context() and current_app.config.get("ALLOW_PRIVATE_URLS"))


class _Manual(urllib.request.HTTPRedirectHandler):
    """Redirects come back to ``fetch`` as HTTPErrors, so each hop is checked before it is followed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


@functools.cache
def _opener() -> urllib.request.OpenerDirector:
    """Built once: an opener holds no per-request state, and building one costs more than a 304."""
    return urllib.request.build_opener(_Manual)


def retry_after_seconds(value: str | None, now: float | None = None) -> int | None:
    """Retry-After as seconds (it may be a number or an HTTP date), capped at a week."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(int(value), MAX_RETRY_AFTER_SECONDS)
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0, min(int(when - (now if now is not None else time.time())), MAX_RETRY_AFTER_SECONDS))


def _checked(url: str, allow_private: bool) -> str:
    """check_url, and even where private addresses are allowed (tests, local use), never link-local ones:
    169.254.169.254 is the cloud's metadata service, no feed lives there."""
    try:
        checked = check_url(url, allow_private)
    except InvalidInput as exc:
        message = exc.fields["url"]
        raise FetchError("private" if "private" in message else "bad_address", message) from None
    host = urlsplit(checked).hostname or ""
    if allow_private and any(ipaddress.ip_address(info[4][0]).is_link_local for info in socket.getaddrinfo(host, None)):
        raise FetchError("private", f"{host} is a link-local address")
    return checked


def fetch(
    url: str,
    *,
    allow_private: bool | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    accept: str = "*/*",
    max_bytes: int = FEED_MAX_BYTES,
    timeout: float | None = None,
) -> Fetched:
    """GET ``url``: http(s) only, public addresses only, within ``max_bytes`` and ``timeout`` seconds
    in all, redirects followed by hand with each new address checked; raises FetchError."""
    allow = private_urls_allowed() if allow_private is None else allow_private
    timeout = timeout or FEED_TIMEOUT_SECONDS
    headers = {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + timeout
    opener = _opener()
    current, permanent = _checked(url, allow), True
    for _ in range(MAX_REDIRECTS + 1):
        left = deadline - time.monotonic()
        if left <= 0:
            raise FetchError("timed_out", f"the server did not answer within {_seconds(timeout)}")
        try:
            with opener.open(urllib.request.Request(current, headers=headers), timeout=left) as response:
                body = _read(response, max_bytes, deadline, timeout)
                found = {k.lower(): v for k, v in response.headers.items()}
                return Fetched(current, response.status, body, found, current if permanent and current != url else None)
        except urllib.error.HTTPError as exc:
            found = {k.lower(): v for k, v in exc.headers.items()} if exc.headers else {}
            exc.close()
            if exc.code == 304:
                return Fetched(current, 304, b"", found, current if permanent and current != url else None)
            if exc.code in REDIRECTS and found.get("location"):
                permanent = permanent and exc.code in PERMANENT
                current = _checked(urljoin(current, found["location"]), allow)
                continue
            raise _http_error(exc.code, exc.reason, found) from None
        except TimeoutError:
            raise FetchError("timed_out", f"the server did not answer within {_seconds(timeout)}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise FetchError("timed_out", f"the server did not answer within {_seconds(timeout)}") from None
            raise FetchError("unreachable", f"the server could not be reached: {reason}") from None
    raise FetchError("http_error", f"more than {MAX_REDIRECTS} redirects: the address loops")


def _read(response: object, max_bytes: int, deadline: float, timeout: float) -> bytes:
    """Chunk by chunk, so a server that drips bytes still meets the deadline and the size cap."""
    parts: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError("timed_out", f"the server did not finish answering within {_seconds(timeout)}")
        chunk = response.read1(65536)  # type: ignore[attr-defined]
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError("too_big", f"the answer is larger than {max_bytes // (1024 * 1024)} MB")
        parts.append(chunk)


def _seconds(amount: float) -> str:
    return f"{amount:g} second" + ("" if amount == 1 else "s")


def _http_error(code: int, reason: str, headers: dict[str, str]) -> FetchError:
    if code in (429, 503):
        wait = retry_after_seconds(headers.get("retry-after"))
        return FetchError("rate_limited", f"the server asked us to wait ({code} {reason})", wait)
    if code in (404, 410):
        return FetchError("gone", f"the address is gone ({code} {reason})")
    return FetchError("http_error", f"the server answered {code} {reason}")
