"""/openapi.json: the API's own description, built from the declared endpoints."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from outreach.core.api import bp
from outreach.core.openapi import endpoint, openapi


@endpoint(bp, "/openapi.json", "GET", "This document", tag="meta", not_found=False)
def openapi_document() -> Any:
    return jsonify(openapi(bp.url_prefix or ""))
