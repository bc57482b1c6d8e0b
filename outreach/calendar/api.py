"""/calendar/token: publish, rotate or stop the calendar feed."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for

from outreach.calendar import service
from outreach.core.api import bp
from outreach.core.api_context import caller
from outreach.core.openapi import endpoint
from outreach.extensions import db


@endpoint(
    bp,
    "/calendar/token",
    "POST",
    "Create or rotate the calendar feed token (shown once)",
    tag="calendar",
    status=201,
    not_found=False,
)
def create_calendar_token() -> Any:
    token = service.create_token(caller().user)
    db.session.commit()
    return jsonify({"token": token, "url": url_for("calendar.feed", token=token, _external=True)}), 201


@endpoint(bp, "/calendar/token", "DELETE", "Revoke the calendar feed token", tag="calendar", status=204, not_found=False)
def delete_calendar_token() -> Any:
    service.revoke_token(caller().user)
    db.session.commit()
    return "", 204
