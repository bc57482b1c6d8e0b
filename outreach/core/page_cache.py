"""Pages a user opens again and again (Today, the contacts list), kept as rendered by each worker while
nothing of theirs has changed: a repeat view costs one index read (their change mark) instead of a dozen
queries and a template of a few hundred links.

A kept page is served only to the login that saw it rendered (its CSRF token is in it), only while the
owner's change mark (outreach.core.changes) and the clock, in CLOCK_MINUTES steps, are as they were: every
write to their records, by any worker, the tick or an import, moves the mark, and warmth moves with time by
hundredths of a point a step. A view with a message waiting to be shown renders afresh and is not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response, make_response, request, session
from flask_login import current_user

from outreach.core import changes
from outreach.core.types import utcnow
from outreach.extensions import db

CLOCK_MINUTES = 5  # as Today's board: warmth moves by hundredths of a point meanwhile
KEPT = 256  # pages per worker, the least recently served dropped first; ~50 KB each

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class _Page:
    body: bytes
    mimetype: str


_pages: OrderedDict[tuple[object, ...], _Page] = OrderedDict()
_lock = threading.Lock()


def cached_page(view: F) -> F:
    """Serve the page as last rendered for this login while the owner's records and the clock step are
    unchanged; render it (and keep it) otherwise."""

    @wraps(view)
    def serve(*args: Any, **kwargs: Any) -> Any:
        key = _key()
        if key is None:
            return view(*args, **kwargs)
        with _lock:
            page = _pages.get(key)
            if page is not None:
                _pages.move_to_end(key)
        if page is not None:
            return Response(page.body, mimetype=page.mimetype)
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200 and not response.direct_passthrough and "_flashes" not in session:
            with _lock:
                _pages[key] = _Page(response.get_data(), response.mimetype or "text/html")
                while len(_pages) > KEPT:
                    _pages.popitem(last=False)
        return response

    return cast(F, serve)


def _key() -> tuple[object, ...] | None:
    """What the page depends on, read before anything of it is: None when it must be rendered afresh (a
    message to show, or no CSRF token yet, which the render creates in the session)."""
    token = session.get("csrf_token")
    if "_flashes" in session or not token or not current_user.is_authenticated:
        return None
    owner_id = int(current_user.id)
    return (
        db.engine.url.render_as_string(),
        owner_id,
        current_user.login_key,
        token,
        request.method,
        request.full_path,
        changes.mark(db.session, owner_id),
        int(utcnow().timestamp() // (60 * CLOCK_MINUTES)),
    )


def forget() -> None:
    """Drop every kept page (tests that change what a page shows without writing records: the clock)."""
    with _lock:
        _pages.clear()
