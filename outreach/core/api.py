"""The API blueprint: bearer-token auth on every route, JSON errors (see outreach.setup), no CSRF (no cookies used)."""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request

from outreach.accounts.service import user_for_token
from outreach.extensions import db

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def error(status: int, message: str, fields: dict[str, str] | None = None) -> tuple[Response, int]:
    body: dict[str, object] = {"error": message}
    if fields is not None:
        body["fields"] = fields
    return jsonify(body), status


@bp.before_request
def authenticate() -> tuple[Response, int] | None:
    # `g` outlives a request when an app context was already pushed (tests, CLI): start clean.
    g.pop("user", None)
    g.pop("caller", None)
    if request.endpoint == "api.openapi_document":
        return None  # deliberately public: it describes the API, not anyone's data
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = user_for_token(db.session, token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if user is None:
        response, status = error(401, "a valid API token is required: Authorization: Bearer <token>")
        response.headers["WWW-Authenticate"] = 'Bearer realm="outreach"'
        return response, status
    g.user = user
    return None
