"""Real-browser fixtures: the app served over HTTP in a thread, and Debian's Chromium driven by Playwright.

The tests are skipped (with a reason) only when /usr/bin/chromium is missing or the ``playwright``
package cannot be imported; CI installs both. Every page a test opens is watched: a console error,
an uncaught script error or a 5xx response fails the test.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from outreach.extensions import db

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def skip_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "browser tests need the `playwright` Python package (pip install playwright)"
    return None


class _QuietHandler(WSGIRequestHandler):
    """No access log on the test output; errors are still logged."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test app served on a free local port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    # The test thread's own session must not hold a transaction (SQLite: a write lock) while
    # the server thread handles the browser's requests.
    db.session.close()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_context(browser: Any, live_server: str) -> Iterator[Callable[..., Any]]:
    """Make browser contexts (``new_context(java_script_enabled=False)``, ``viewport=…``) whose pages are watched.

    Depends on ``live_server`` so the contexts close before the server stops.
    """
    contexts: list[Any] = []
    problems: list[str] = []

    def watch(page: Any) -> None:
        page.on(
            "console",
            lambda msg: problems.append(f"console {msg.type} on {page.url}: {msg.text}") if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: problems.append(f"uncaught error on {page.url}: {exc}"))
        page.on(
            "response", lambda r: problems.append(f"HTTP {r.status} for {r.request.method} {r.url}") if r.status >= 500 else None
        )

    def make(**options: Any) -> Any:
        context = browser.new_context(base_url=live_server, **{"viewport": {"width": 1280, "height": 900}, **options})
        context.set_default_timeout(10_000)
        context.on("page", watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    if problems:
        pytest.fail("the browser reported problems:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def page(new_context: Callable[..., Any]) -> Any:
    """A fresh page, JavaScript on, in its own context (its own cookies)."""
    return new_context().new_page()


def log_in(page: Any, email: str, password: str) -> None:
    """Log in through the login form and land on Today."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
