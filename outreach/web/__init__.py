"""The web app: server-rendered pages behind Flask-Login, every form CSRF-protected."""

from outreach.web.blueprints import blueprints

__all__ = ["blueprints"]
