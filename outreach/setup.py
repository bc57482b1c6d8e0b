"""The factory's table of contents: extensions, blueprints, commands, error handlers."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from outreach.database import tune_sqlite
from outreach.extensions import csrf, db, login_manager, migrate
from outreach.models import User
from outreach.paths import MIGRATIONS_DIR


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    with app.app_context():
        tune_sqlite(db.engine)

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def register_blueprints(app: Flask) -> None:
    from outreach.api import bp as api_bp

    csrf.exempt(api_bp)  # bearer tokens, never cookies: nothing for a forged request to ride on
    app.register_blueprint(api_bp)


def register_commands(app: Flask) -> None:
    from outreach.cli import commands

    for command in commands:
        app.cli.add_command(command)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        if request.path.startswith("/api/"):
            return jsonify({"error": exc.description or exc.name}), exc.code
        return exc
