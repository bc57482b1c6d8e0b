"""/calendar/token: publish, rotate or stop the calendar feed."""

from __future__ import annotations

from flask import url_for

from outreach.calendar import service
from outreach.calendar.schemas import CalendarTokenOut
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
    response=CalendarTokenOut,
    status=201,
    not_found=False,
)
def create_calendar_token() -> CalendarTokenOut:
    token = service.create_token(caller().user)
    db.session.commit()
    return CalendarTokenOut(token=token, url=url_for("calendar.feed", token=token, _external=True))


@endpoint(bp, "/calendar/token", "DELETE", "Revoke the calendar feed token", tag="calendar", status=204, not_found=False)
def delete_calendar_token() -> None:
    service.revoke_token(caller().user)
    db.session.commit()
