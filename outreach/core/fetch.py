"""Fetching a partner's public calendar by URL, guarded against reaching into our own network."""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

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
