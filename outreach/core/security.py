"""Web hardening in one place: security headers on every response, the login rate limit, friendly 413/429,
bodies bounded even when sent chunked, JSON that cannot recurse the parser to death."""

from __future__ import annotations

from typing import Any

from flask import (
    Request,
    Response,
    current_app,
    flash,
    jsonify,
    make_response,
    render_template,
    request,
)
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import RequestEntityTooLarge, TooManyRequests

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",  # scripts only from /static: no inline <script>, no on*= handlers, no javascript: links
        "style-src 'self'",  # app.css only: templates use classes and SVG attributes, never style=
        "img-src 'self' data:",  # base.html's empty data: favicon, which spares a /favicon.ico 404
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
}

TOO_MANY_LOGINS = "Too many login attempts — wait {wait} and try again."


# What a cache may keep: our own static files, and the feed a calendar app polls (its secret URL is the
# credential, and it answers 304 to an unchanged ETag). Everything else shows or exports someone's data.
CACHEABLE_ENDPOINTS = frozenset({"static", "calendar.feed"})
HSTS = "max-age=31536000"  # a year; no includeSubDomains: other hosts under the domain are not ours to bind


def add_security_headers(response: Response) -> Response:
    """Pages, error pages, API JSON and calendar feeds all carry them: a view may still set its own."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint not in CACHEABLE_ENDPOINTS:
        # Not in a shared cache, nor in the browser's history for the next person at a shared computer.
        response.headers["Cache-Control"] = "no-store"
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def login_limit_per_ip() -> str:
    return str(current_app.config["LOGIN_LIMIT_PER_IP"])


def login_limit_per_account() -> str:
    return str(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"])


def _wait(seconds: int) -> str:
    minutes = -(-seconds // 60)
    return "a minute" if minutes <= 1 else f"{minutes} minutes"


def _window(exc: TooManyRequests) -> int:
    """Seconds until the breached limit's window ends at the latest (60 when the limiter did not say)."""
    limit = getattr(getattr(exc, "limit", None), "limit", None)
    return int(limit.get_expiry()) if limit is not None else 60


def too_many_requests(exc: TooManyRequests) -> Response:
    """A throttled login gets the login form back with why, not a bare error: the user only has to wait."""
    window = _window(exc)
    if request.path.startswith("/api/"):
        response = jsonify({"error": f"too many requests — wait {_wait(window)} and try again"})
    elif request.endpoint == "auth.login":
        from outreach.core.forms import LoginForm

        flash(TOO_MANY_LOGINS.format(wait=_wait(window)), "error")
        page = render_template("auth/login.html", form=LoginForm(), signup=current_app.config["SIGNUP_ENABLED"])
        response = make_response(page)
    else:
        message = f"Too many requests — wait {_wait(window)} and try again."
        response = make_response(render_template("error.html", error=exc, message=message))
    response.status_code = 429
    response.headers["Retry-After"] = str(window)
    return response


def too_large(exc: RequestEntityTooLarge) -> Any:
    """An oversize upload is the user's to fix, so say what the limit is."""
    megabytes = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
    message = f"That upload is too big: the limit is {megabytes} MB. Split the file or export less, then try again."
    if request.path.startswith("/api/"):
        return jsonify({"error": f"request body too large: the limit is {megabytes} MB"}), 413
    return render_template("error.html", error=exc, message=message), 413


class GuardedJSONProvider(DefaultJSONProvider):
    """JSON nested ~1,000 deep (2 KB) makes the parser raise RecursionError, which is no ValueError, so
    ``get_json(silent=True)`` let it through as a 500: make it the ValueError every other bad body is."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("the JSON is nested too deeply") from None


class BoundedRequest(Request):
    """A body sent without Content-Length (chunked) is cut at MAX_CONTENT_LENGTH by werkzeug's stream
    without complaint, so a 12 MB JSON body read as a truncated, malformed one (400): refuse it as 413.

    Form bodies are read (bounded) before parsing too, so an upload refused half-way leaves no spooled
    temporary file open behind it."""

    def get_data(self, cache: bool = True, as_text: bool = False, parse_form_data: bool = False) -> Any:
        data = super().get_data(cache=cache, as_text=False, parse_form_data=parse_form_data)
        limit = self.max_content_length
        # A body of exactly the limit is refused too: the stream cannot tell it from a longer one.
        if self.content_length is None and limit is not None and len(data) >= limit:
            raise RequestEntityTooLarge()
        return data.decode(errors="replace") if as_text else data

    def _load_form_data(self) -> None:
        if (
            "form" not in self.__dict__
            and self.content_length is None
            and self.max_content_length is not None
            and self.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded")
        ):
            self.get_data()
        super()._load_form_data()
