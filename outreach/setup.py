"""The factory's table of contents: extensions, blueprints, commands, error handlers."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from flask import Flask, g, jsonify, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, NotFound

from outreach.accounts import sessions as login_sessions
from outreach.accounts.models import User
from outreach.core.api import error as api_error
from outreach.core.database import tune_sqlite, write_intent
from outreach.core.errors import InvalidInput, NotFoundError
from outreach.core.paths import MIGRATIONS_DIR
from outreach.core.security import (
    BoundedRequest,
    GuardedJSONProvider,
    add_security_headers,
    too_large,
    too_many_requests,
)
from outreach.core.web import forget_refusal, refused_page
from outreach.domain.vocabulary import VOCABULARIES, label
from outreach.domain.words import plural
from outreach.extensions import csrf, db, limiter, login_manager, migrate

# Each feature's web views and API routes, in registration order.
WEB_MODULES = [
    "outreach.accounts.auth",
    "outreach.today.views",
    "outreach.contacts.views",
    "outreach.campaigns.views",
    "outreach.asks.views",
    "outreach.accounts.settings_views",
    "outreach.capture.views",
    "outreach.calendar.views",
    "outreach.asks.goforno_views",
    "outreach.transfer.views",
    "outreach.contacts.bookmarklet",
    "outreach.learning.views",
    "outreach.feeds.views",
]
API_MODULES = [
    "outreach.asks.api",
    "outreach.asks.stats_api",
    "outreach.calendar.api",
    "outreach.campaigns.api",
    "outreach.capture.api",
    "outreach.contacts.api",
    "outreach.core.api_docs",
    "outreach.episodes.api",
    "outreach.feeds.api",
    "outreach.learning.api",
    "outreach.reminders.api",
    "outreach.today.api",
]


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    limiter.init_app(app)
    app.request_class = BoundedRequest
    app.json = GuardedJSONProvider(app)
    app.after_request(add_security_headers)
    app.add_template_filter(plural)  # {{ count|plural('ask') }}: "1 ask", "2 asks"
    with app.app_context():
        tune_sqlite(db.engine)

    @login_manager.user_loader
    def load_user(login_id: str) -> User | None:
        return login_sessions.user_for(db.session, login_id)


def register_blueprints(app: Flask) -> None:
    from outreach.accounts.auth import PUBLIC_ENDPOINTS
    from outreach.core.api import bp as api_bp

    for feature in API_MODULES:
        import_module(feature)  # importing a feature's API module registers its routes on the API blueprint
    csrf.exempt(api_bp)  # bearer tokens, never cookies: nothing for a forged request to ride on
    app.register_blueprint(api_bp)
    for name in WEB_MODULES:
        app.register_blueprint(import_module(name).bp)

    @app.before_request
    def declare_intent() -> None:
        g.write_intent_token = write_intent.set(request.method not in ("GET", "HEAD", "OPTIONS"))

    @app.teardown_request
    def reset_intent(_exc: BaseException | None) -> None:
        token = g.pop("write_intent_token", None)
        if token is not None:
            write_intent.reset(token)

    @app.before_request
    def require_login() -> Any:
        """Every page needs a logged-in user unless it is deliberately public (or has its own auth)."""
        # `g` can outlive a request when an app context was already pushed (tests, CLI): start clean,
        # the user included, or one browser's login would answer another's request.
        g.pop("web_caller", None)
        g.pop("_login_user", None)
        forget_refusal()
        endpoint = request.endpoint or ""
        if endpoint in PUBLIC_ENDPOINTS or endpoint.startswith("api.") or current_user.is_authenticated:
            return None
        if request.endpoint is None:
            return None  # let the 404/405 handlers answer
        return login_manager.unauthorized()


def register_template_helpers(app: Flask) -> None:
    """Pages print labels, never stored values: ``{{ ask.reason|label('NoReason') }}``, ``{% for k in TouchKind %}``."""
    app.add_template_filter(label, "label")
    app.jinja_env.globals.update(VOCABULARIES)


def register_commands(app: Flask) -> None:
    from outreach.cli import commands

    for command in commands:
        app.cli.add_command(command)


def _api_request() -> bool:
    return request.path.startswith("/api/")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        # The exception's own headers carry meaning (a 405's Allow, a 401's WWW-Authenticate): keep them.
        headers = [(name, value) for name, value in exc.get_headers() if name.lower() != "content-type"]
        if _api_request():
            return jsonify({"error": exc.description or exc.name}), exc.code, headers
        return render_template("error.html", error=exc), exc.code, headers

    # One rule for refusals, web and API alike: a refused request changes nothing (the session is
    # rolled back, whatever a service had flushed), then each side answers in its own language.
    @app.errorhandler(InvalidInput)
    def invalid_input(exc: InvalidInput) -> Any:
        db.session.rollback()
        return api_error(exc.status, "invalid input", exc.fields) if _api_request() else refused_page(exc)

    @app.errorhandler(NotFoundError)
    def not_found(exc: NotFoundError) -> Any:
        db.session.rollback()
        return api_error(404, "not found") if _api_request() else http_error(NotFound())

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> Any:
        message = "The form expired or did not come from this site. Go back, reload the page and try again."
        return render_template("error.html", error=exc, message=message), 400

    app.register_error_handler(413, too_large)
    app.register_error_handler(429, too_many_requests)
