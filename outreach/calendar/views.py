"""Calendar: the public feed (by secret token), downloads, the feed token, and partners' .ics imports."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from outreach.calendar import service
from outreach.contacts.models import Contact
from outreach.core.fetch import fetch_calendar
from outreach.core.schemas import in_bounds
from outreach.core.types import utcnow
from outreach.core.web import flash_back, me, owned_or_404, parse_id
from outreach.domain import ics as calendar
from outreach.domain.vocabulary import ReminderKind
from outreach.domain.words import plural
from outreach.extensions import db
from outreach.reminders.models import Reminder

bp = Blueprint("calendar", __name__, url_prefix="/calendar")
FEED_NAME = "Outreach reminders"


def _contact_url(contact_id: int) -> str:
    return url_for("contacts.detail", contact_id=contact_id, _external=True)


def ics_response(body: bytes, filename: str | None = None) -> Response:
    response = make_response(body)
    response.mimetype = "text/calendar"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.add_etag()
    response.cache_control.private = True
    response.cache_control.max_age = 300
    response.make_conditional(request)  # turns it into a 304 in place when the ETag matches
    return response


@bp.route("/<token>.ics")
def feed(token: str) -> Any:
    """Deliberately public: the secret in the URL is the credential. Wrong and revoked look alike."""
    user = service.user_for_token(db.session, token)
    if user is None:
        return Response("Not found\n", status=404, mimetype="text/plain")
    events = service.reminder_events(db.session, user.id, utcnow(), _contact_url)
    return ics_response(calendar.calendar(FEED_NAME, events))


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not in_bounds(day):
        abort(400, f"“{name}” takes a date from 1970 to 2200, like 2026-12-31.")
    return day


@bp.route("/export.ics")
def export() -> Any:
    caller = me()
    kind = request.args.get("kind") or None
    if kind is not None and kind not in ReminderKind.values():
        abort(400, f"kind must be one of {', '.join(ReminderKind)}")
    campaign_arg = request.args.get("campaign") or None
    campaign = parse_id(campaign_arg)
    if campaign_arg is not None and campaign is None:
        abort(400, "campaign must be a campaign id")
    events = service.reminder_events(
        db.session,
        caller.id,
        caller.now,
        _contact_url,
        campaign_id=campaign,
        kind=kind,
        start=_day(request.args.get("from"), "from"),
        end=_day(request.args.get("to"), "to"),
    )
    return ics_response(calendar.calendar(FEED_NAME, events), "outreach-reminders.ics")


@bp.route("/reminders/<int:reminder_id>.ics")
def one_reminder(reminder_id: int) -> Any:
    reminder = owned_or_404(Reminder, reminder_id)
    events = [
        e
        for e in service.reminder_events(db.session, me().id, me().now, _contact_url, start=reminder.due_on, end=reminder.due_on)
        if e.uid == reminder.uid
    ]
    return ics_response(calendar.calendar(FEED_NAME, events), f"reminder-{reminder.id}.ics")


@bp.route("/token", methods=["POST"])
def create_token() -> Any:
    caller = me()
    token = service.create_token(caller.user)
    db.session.commit()
    url = url_for("calendar.feed", token=token, _external=True)
    return render_template("calendar/token.html", url=url)


@bp.route("/token/revoke", methods=["POST"])
def revoke_token() -> Any:
    service.revoke_token(me().user)
    db.session.commit()
    flash("Calendar feed revoked: subscribed calendars stop updating.", "info")
    return redirect(url_for("settings.index") + "#calendar")


@bp.route("/import/<int:contact_id>", methods=["POST"])
def import_busy(contact_id: int) -> Any:
    contact = owned_or_404(Contact, contact_id)
    upload = request.files.get("file")
    address = (request.form.get("url") or "").strip()
    back = url_for("contacts.detail", contact_id=contact.id)
    if (upload is None or not upload.filename) and not address:
        flash("Choose an .ics file or give the address of their public calendar.", "error")
        return redirect(back)
    flash_back(back, "Nothing imported")
    if upload is not None and upload.filename:
        data, source = upload.read(service.MAX_IMPORT_BYTES + 1), upload.filename
    else:
        data, source = fetch_calendar(address, current_app.config["ALLOW_PRIVATE_CALENDAR_URLS"]), address
    count = service.import_busy_periods(db.session, contact, data, me().now.date())
    db.session.commit()
    flash(f"Imported {plural(count, 'busy period')} for the next 12 months from {source}.", "success")
    return redirect(back)
