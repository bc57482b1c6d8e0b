"""/mail-accounts, /calendar-accounts and /suggested-contacts: capture in the API, never a password out."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify

from outreach.capture import people, service
from outreach.capture.meetings import sync_calendar
from outreach.capture.models import CalendarAccount, MailAccount
from outreach.capture.schemas import (
    CalendarAccountIn,
    CalendarAccountOut,
    DisconnectQuery,
    MailAccountIn,
    MailAccountOut,
    MailAccountPatch,
    SuggestedContactIn,
    SuggestedContactOut,
)
from outreach.capture.store import Counts
from outreach.capture.sync import sync_account
from outreach.contacts import touches as touch_service
from outreach.core.api import bp, error
from outreach.core.api_context import caller
from outreach.core.openapi import endpoint
from outreach.core.ownership import get_owned, owned
from outreach.core.serialize import contact_json
from outreach.extensions import db

TAG = "capture"
SYNC_FAILURES = {409: "a sync of this account is already running", 502: "the server failed; the error says how"}


def mail_json(account: MailAccount) -> dict[str, Any]:
    return MailAccountOut.model_validate(account).model_dump(mode="json")


def calendar_json(account: CalendarAccount) -> dict[str, Any]:
    return CalendarAccountOut.model_validate(account).model_dump(mode="json")


def counts_json(counts: Counts) -> dict[str, Any]:
    return {
        "read": counts.read,
        "new": sum(counts.by_class.values()),
        "by_class": counts.by_class,
        "duplicates": counts.duplicates,
        "touches": counts.touches,
        "replies": counts.replies,
    }


@endpoint(bp, "/mail-accounts", "GET", "Your connected mailboxes", tag=TAG, not_found=False)
def list_mail_accounts() -> Any:
    accounts = db.session.scalars(owned(MailAccount, caller().id).order_by(MailAccount.id))
    items = [mail_json(a) for a in accounts]
    return jsonify({"items": items, "total": len(items)})


@endpoint(
    bp, "/mail-accounts", "POST", "Connect a mailbox (the connection is tested first)", tag=TAG, body=MailAccountIn, status=201
)
def create_mail_account(body: MailAccountIn) -> Any:
    account = service.connect_mail(db.session, caller(), body, current_app.config)
    db.session.commit()
    return jsonify(mail_json(account)), 201


@endpoint(bp, "/mail-accounts/<int:mail_account_id>", "PATCH", "Pause or resume a mailbox", tag=TAG, body=MailAccountPatch)
def patch_mail_account(mail_account_id: int, body: MailAccountPatch) -> Any:
    account = get_owned(db.session, MailAccount, mail_account_id, caller().id)
    service.set_paused(db.session, account, body.status == "paused")
    db.session.commit()
    return jsonify(mail_json(account))


@endpoint(
    bp,
    "/mail-accounts/<int:mail_account_id>",
    "DELETE",
    "Disconnect a mailbox (credentials deleted; ?delete_touches=true also deletes its touches)",
    tag=TAG,
    query=DisconnectQuery,
    status=204,
)
def delete_mail_account(mail_account_id: int, query: DisconnectQuery) -> Any:
    me = caller()
    service.disconnect_mail(db.session, me, get_owned(db.session, MailAccount, mail_account_id, me.id), query.delete_touches)
    db.session.commit()
    return "", 204


@endpoint(bp, "/mail-accounts/<int:mail_account_id>/sync", "POST", "Sync a mailbox now", tag=TAG, also=SYNC_FAILURES)
def sync_mail_account(mail_account_id: int) -> Any:
    account = get_owned(db.session, MailAccount, mail_account_id, caller().id)
    result = sync_account(db.session, account, current_app.config)
    if result.error:
        return error(409 if "already running" in result.error else 502, result.error)
    return jsonify({**mail_json(account), "sync": {**counts_json(result.counts), "folders": result.folders}})


@endpoint(bp, "/suggested-contacts", "GET", "People you write with who are not contacts yet", tag=TAG, not_found=False)
def list_suggested_contacts() -> Any:
    found = people.suggestions(db.session, caller())
    items = [SuggestedContactOut.model_validate(s, from_attributes=True).model_dump(mode="json") for s in found]
    return jsonify({"items": items, "total": len(items)})


@endpoint(
    bp,
    "/suggested-contacts",
    "POST",
    "Add a suggested person as a contact, with their mail history as touches",
    tag=TAG,
    body=SuggestedContactIn,
    status=201,
    not_found=False,
)
def add_suggested_contact(body: SuggestedContactIn) -> Any:
    me = caller()
    contact, touches = people.add_suggested(db.session, me, body.email, body.name)
    db.session.commit()
    body_json = contact_json(contact, touch_service.touches_of(db.session, contact), me.now, me.params)
    return jsonify({**body_json, "touches_added": touches}), 201


@endpoint(bp, "/calendar-accounts", "GET", "Your connected calendars", tag=TAG, not_found=False)
def list_calendar_accounts() -> Any:
    accounts = db.session.scalars(owned(CalendarAccount, caller().id).order_by(CalendarAccount.id))
    items = [calendar_json(a) for a in accounts]
    return jsonify({"items": items, "total": len(items)})


@endpoint(
    bp,
    "/calendar-accounts",
    "POST",
    "Connect your calendar (CalDAV, or a secret ICS address)",
    tag=TAG,
    body=CalendarAccountIn,
    status=201,
    not_found=False,
)
def create_calendar_account(body: CalendarAccountIn) -> Any:
    account = service.connect_calendar(db.session, caller(), body, current_app.config)
    db.session.commit()
    return jsonify(calendar_json(account)), 201


@endpoint(
    bp,
    "/calendar-accounts/<int:calendar_account_id>",
    "DELETE",
    "Disconnect a calendar (?delete_touches=true also deletes its meeting touches)",
    tag=TAG,
    query=DisconnectQuery,
    status=204,
)
def delete_calendar_account(calendar_account_id: int, query: DisconnectQuery) -> Any:
    me = caller()
    account = get_owned(db.session, CalendarAccount, calendar_account_id, me.id)
    service.disconnect_calendar(db.session, me, account, query.delete_touches)
    db.session.commit()
    return "", 204


@endpoint(bp, "/calendar-accounts/<int:calendar_account_id>/sync", "POST", "Read past meetings now", tag=TAG, also=SYNC_FAILURES)
def sync_calendar_account(calendar_account_id: int) -> Any:
    account = get_owned(db.session, CalendarAccount, calendar_account_id, caller().id)
    result = sync_calendar(db.session, account, current_app.config)
    if result.error:
        return error(409 if "already running" in result.error else 502, result.error)
    return jsonify({**calendar_json(account), "sync": {"meetings": result.meetings, "touches": result.touches}})
