"""/openapi.json: the API's own description, built from the declared endpoints."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from outreach.api.blueprint import bp
from outreach.api.spec import endpoint, openapi


@endpoint(bp, "/openapi.json", "GET", "This document", tag="meta", not_found=False)
def openapi_document() -> Any:
    return jsonify(openapi(bp.url_prefix or ""))
