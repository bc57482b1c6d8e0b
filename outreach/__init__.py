"""Outreach: a self-hosted planner for warming relationships and asking at the right time."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from outreach.core.paths import INSTANCE_DIR, MIGRATIONS_DIR, TEMPLATES_DIR


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; ``config`` overrides the defaults (tests pass the database URI this way)."""
    app = Flask(
        __name__,
        template_folder=str(TEMPLATES_DIR),
        instance_path=os.environ.get("OUTREACH_INSTANCE") or INSTANCE_DIR,
        instance_relative_config=True,
    )
    from outreach.config import load_config

    load_config(app, config or {})
    os.makedirs(app.instance_path, exist_ok=True)

    from outreach.setup import (
        register_blueprints,
        register_commands,
        register_error_handlers,
        register_extensions,
        register_template_helpers,
    )

    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_commands(app)
    register_error_handlers(app)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app


__all__ = ["MIGRATIONS_DIR", "create_app"]
