"""Settings → Mail: connect mailboxes and calendars, sync, pause, disconnect; whom to add; who is away."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from outreach.capture import people, service
from outreach.capture.forms import CalendarAccountForm, MailAccountForm
from outreach.capture.meetings import sync_calendar
from outreach.capture.models import CalendarAccount, CapturedMessage, MailAccount
from outreach.capture.schemas import CalendarAccountIn, MailAccountIn, SuggestedContactIn
from outreach.capture.sync import sync_account
from outreach.core.errors import InvalidInput, validated
from outreach.core.forms import form_input, form_payload
from outreach.core.ownership import owned
from outreach.core.web import flash_back, me, owned_or_404, show_again
from outreach.domain.vocabulary import AccountStatus, Classification
from outreach.extensions import db

bp = Blueprint("capture", __name__, url_prefix="/settings/mail")
# What a blank required input means, in a sentence that says what to type.
MAIL_BLANKS = {
    "host": "Give the name of your mail server: your provider's help pages list it (Gmail's starts with imap).",
    "username": "Give your user name: usually your email address.",
    "password": "Give the password, or an app password for Gmail and iCloud.",
}
CALENDAR_BLANKS = {"url": "Give your calendar's address: your CalDAV server, or the secret iCal address."}


def _render(mail_form: FlaskForm | None = None, calendar_form: FlaskForm | None = None, status: int = 200) -> Any:
    caller = me()
    counts = people.counts_by_class(db.session, caller)
    return (
        render_template(
            "capture/mail.html",
            accounts=list(db.session.scalars(owned(MailAccount, caller.id).order_by(MailAccount.id))),
            calendars=list(db.session.scalars(owned(CalendarAccount, caller.id).order_by(CalendarAccount.id))),
            mail_form=mail_form or MailAccountForm(formdata=None),
            calendar_form=calendar_form or CalendarAccountForm(formdata=None),
            counts=[(Classification(name), n) for name, n in sorted(counts.items())],
            suggestions=people.suggestions(db.session, caller),
            away=people.away_offers(db.session, caller),
        ),
        status,
    )


def _typed(form: FlaskForm, schema: type[MailAccountIn] | type[CalendarAccountIn], blanks: dict[str, str]) -> dict[str, Any]:
    """What was typed, as the schema's input; a blank required input is refused with what to type, and a
    blank optional one (the port) takes the schema's default."""
    missing = {name: sentence for name, sentence in blanks.items() if not (form[name].data or "").strip()}
    if missing:
        raise InvalidInput(missing)
    return {name: value for name, value in form_payload(form, schema).items() if value is not None}


@bp.route("/")
def index() -> Any:
    return _render()


def _connected(form: FlaskForm, schema: Any, blanks: dict[str, str], connect: Any, show: Any) -> Any:
    """What a connect form typed, through its schema, to the service; the account it made, committed."""
    show_again(form, show)
    body = form_input(form, schema, _typed(form, schema, blanks))
    account = connect(db.session, me(), body, current_app.config)
    db.session.commit()
    return account


@bp.route("/accounts", methods=["POST"])
def connect() -> Any:
    form = MailAccountForm()
    show = lambda: _render(mail_form=form, status=422)  # noqa: E731
    account = _connected(form, MailAccountIn, MAIL_BLANKS, service.connect_mail, show)
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
        classes = ", ".join(f"{n} {Classification(name).label}" for name, n in sorted(c.by_class.items())) or "nothing new"
        flash(f"Synced {account.username}: {classes}; {c.touches} touches, {c.replies} replies to asks.", "success")
    return redirect(url_for("capture.index"))


@bp.route("/accounts/<int:account_id>/pause", methods=["POST"])
def pause(account_id: int) -> Any:
    account = owned_or_404(MailAccount, account_id)
    paused = account.status != AccountStatus.PAUSED
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
    show = lambda: _render(calendar_form=form, status=422)  # noqa: E731
    account = _connected(form, CalendarAccountIn, CALENDAR_BLANKS, service.connect_calendar, show)
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
    flash_back(url_for("capture.index") + "#suggested", "Not added")
    body = validated(SuggestedContactIn, {"email": request.form.get("email", ""), "name": request.form.get("name", "")})
    contact, touches = people.add_suggested(db.session, me(), body.email, body.name)
    db.session.commit()
    flash(f"Added {contact.name} with {touches} touches from your mail history.", "success")
    return redirect(url_for("contacts.detail", contact_id=contact.id))


@bp.route("/away/<int:message_id>", methods=["POST"])
def accept_away(message_id: int) -> Any:
    owned_or_404(CapturedMessage, message_id)
    flash_back(url_for("capture.index") + "#away", "Not marked busy")
    period = people.accept_away(db.session, me(), message_id)
    db.session.commit()
    flash(f"Marked busy until {period.end:%d %b %Y}: no ask will be suggested before they are back.", "success")
    return redirect(url_for("capture.index"))
