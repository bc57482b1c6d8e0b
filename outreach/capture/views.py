"""Settings → Mail: connect mailboxes and calendars, sync, pause, disconnect; whom to add; who is away."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from pydantic import SecretStr

from outreach.capture import people, service
from outreach.capture.forms import CalendarAccountForm, MailAccountForm
from outreach.capture.meetings import sync_calendar
from outreach.capture.models import CalendarAccount, CapturedMessage, MailAccount
from outreach.capture.schemas import CalendarAccountIn, MailAccountIn, SuggestedContactIn
from outreach.capture.sync import sync_account
from outreach.core.errors import InvalidInput
from outreach.core.ownership import owned
from outreach.core.web import attach_errors, flash_refusal, me, owned_or_404, split_labels, validate_into
from outreach.extensions import db

bp = Blueprint("capture", __name__, url_prefix="/settings/mail")
MAIL_BLANKS = {
    "host": "Give the server's name, e.g. imap.gmail.com.",
    "username": "Give your user name: usually your email address.",
    "password": "Give the password, or an app password for Gmail and iCloud.",
}


def _render(mail_form: MailAccountForm | None = None, calendar_form: CalendarAccountForm | None = None, status: int = 200) -> Any:
    caller = me()
    return (
        render_template(
            "capture/mail.html",
            accounts=list(db.session.scalars(owned(MailAccount, caller.id).order_by(MailAccount.id))),
            calendars=list(db.session.scalars(owned(CalendarAccount, caller.id).order_by(CalendarAccount.id))),
            mail_form=mail_form or MailAccountForm(formdata=None),
            calendar_form=calendar_form or CalendarAccountForm(formdata=None),
            counts=people.counts_by_class(db.session, caller),
            suggestions=people.suggestions(db.session, caller),
            away=people.away_offers(db.session, caller),
        ),
        status,
    )


@bp.route("/")
def index() -> Any:
    return _render()


@bp.route("/accounts", methods=["POST"])
def connect() -> Any:
    form = MailAccountForm()
    if not form.validate_on_submit():
        return _render(mail_form=form, status=422)
    blank = {name: sentence for name, sentence in MAIL_BLANKS.items() if not (getattr(form, name).data or "").strip()}
    if blank:
        attach_errors(form, blank)
        return _render(mail_form=form, status=422)
    data = {
        "host": form.host.data or "",
        "port": form.port.data or 993,
        "security": form.security.data,
        "username": form.username.data or "",
        "password": SecretStr(form.password.data or ""),
        "folders": split_labels(form.folders.data),
    }
    body = validate_into(form, MailAccountIn, data)
    if body is None:
        return _render(mail_form=form, status=422)
    try:
        account = service.connect_mail(db.session, me(), body, current_app.config)
    except InvalidInput as exc:
        attach_errors(form, exc.fields)
        return _render(mail_form=form, status=422)
    db.session.commit()
    flash(f"Connected {account.username}. Sync now, or wait for the scheduler (every few minutes).", "success")
    return redirect(url_for("capture.index"))


@bp.route("/accounts/<int:account_id>/sync", methods=["POST"])
def sync(account_id: int) -> Any:
    account = owned_or_404(MailAccount, account_id)
    result = sync_account(db.session, account, current_app.config)
    if result.error:
        flash(f"{account.username}: {result.error}", "error")
    else:
        c = result.counts
        classes = ", ".join(f"{n} {name.replace('_', '-')}" for name, n in sorted(c.by_class.items())) or "nothing new"
        flash(f"Synced {account.username}: {classes}; {c.touches} touches, {c.replies} replies to asks.", "success")
    return redirect(url_for("capture.index"))


@bp.route("/accounts/<int:account_id>/pause", methods=["POST"])
def pause(account_id: int) -> Any:
    account = owned_or_404(MailAccount, account_id)
    paused = account.status != "paused"
    service.set_paused(db.session, account, paused)
    db.session.commit()
    flash(f"{account.username} {'paused' if paused else 'resumed'}.", "info")
    return redirect(url_for("capture.index"))


@bp.route("/accounts/<int:account_id>/disconnect", methods=["POST"])
def disconnect(account_id: int) -> Any:
    account = owned_or_404(MailAccount, account_id)
    name = account.username
    deleted = service.disconnect_mail(db.session, me(), account, request.form.get("delete_touches") == "1")
    db.session.commit()
    flash(
        f"Disconnected {name}: its password is deleted." + (f" {deleted} touches it made were deleted." if deleted else ""),
        "info",
    )
    return redirect(url_for("capture.index"))


@bp.route("/calendars", methods=["POST"])
def connect_calendar() -> Any:
    form = CalendarAccountForm()
    if not form.validate_on_submit():
        return _render(calendar_form=form, status=422)
    if not (form.url.data or "").strip():
        attach_errors(form, {"url": "Give your calendar's address: your CalDAV server, or the secret iCal address."})
        return _render(calendar_form=form, status=422)
    data = {
        "kind": form.kind.data,
        "url": (form.url.data or "").strip(),
        "username": form.username.data or "",
        "password": SecretStr(form.password.data or ""),
    }
    body = validate_into(form, CalendarAccountIn, data)
    if body is None:
        return _render(calendar_form=form, status=422)
    try:
        account = service.connect_calendar(db.session, me(), body, current_app.config)
    except InvalidInput as exc:
        attach_errors(form, exc.fields)
        return _render(calendar_form=form, status=422)
    db.session.commit()
    flash(f"Connected the calendar {account.label}.", "success")
    return redirect(url_for("capture.index"))


@bp.route("/calendars/<int:account_id>/sync", methods=["POST"])
def sync_calendar_now(account_id: int) -> Any:
    account = owned_or_404(CalendarAccount, account_id)
    result = sync_calendar(db.session, account, current_app.config)
    if result.error:
        flash(f"{account.label}: {result.error}", "error")
    else:
        flash(f"Synced {account.label}: {result.meetings} past meetings, {result.touches} touches.", "success")
    return redirect(url_for("capture.index"))


@bp.route("/calendars/<int:account_id>/disconnect", methods=["POST"])
def disconnect_calendar(account_id: int) -> Any:
    account = owned_or_404(CalendarAccount, account_id)
    label = account.label
    deleted = service.disconnect_calendar(db.session, me(), account, request.form.get("delete_touches") == "1")
    db.session.commit()
    flash(f"Disconnected {label}." + (f" {deleted} meeting touches were deleted." if deleted else ""), "info")
    return redirect(url_for("capture.index"))


@bp.route("/suggested", methods=["POST"])
def add_suggested() -> Any:
    from pydantic import ValidationError

    try:
        body = SuggestedContactIn.model_validate({"email": request.form.get("email", ""), "name": request.form.get("name", "")})
        contact, touches = people.add_suggested(db.session, me(), body.email, body.name)
    except ValidationError as exc:
        flash_refusal("Not added", exc)
        return redirect(url_for("capture.index"))
    except InvalidInput as exc:
        flash(str(exc), "error")
        return redirect(url_for("capture.index"))
    db.session.commit()
    flash(f"Added {contact.name} with {touches} touches from your mail history.", "success")
    return redirect(url_for("contacts.detail", contact_id=contact.id))


@bp.route("/away/<int:message_id>", methods=["POST"])
def accept_away(message_id: int) -> Any:
    owned_or_404(CapturedMessage, message_id)
    try:
        period = people.accept_away(db.session, me(), message_id)
    except InvalidInput as exc:
        flash(str(exc), "error")
        return redirect(url_for("capture.index"))
    db.session.commit()
    flash(f"Marked busy until {period.end:%d %b %Y}: no ask will be suggested before they are back.", "success")
    return redirect(url_for("capture.index"))
