"""/mail-accounts, /calendar-accounts and /suggested-contacts: capture in the API, never a password out."""

from __future__ import annotations

from typing import Any

from flask import current_app

from outreach.capture import people, service
from outreach.capture.meetings import CalendarResult, sync_calendar
from outreach.capture.models import CalendarAccount, MailAccount
from outreach.capture.schemas import (
    CalendarAccountIn,
    CalendarAccountOut,
    CalendarSyncOut,
    DisconnectQuery,
    MailAccountIn,
    MailAccountOut,
    MailAccountPatch,
    MailSyncOut,
    MeetingCountsOut,
    SuggestedContactIn,
    SuggestedContactOut,
    SyncCountsOut,
)
from outreach.capture.sync import SyncResult, sync_account
from outreach.contacts import touches as touch_service
from outreach.contacts.schemas import ContactOut
from outreach.core.api import bp, error
from outreach.core.api_context import caller
from outreach.core.openapi import endpoint
from outreach.core.ownership import get_owned, owned
from outreach.core.schemas import Listing
from outreach.extensions import db

TAG = "capture"
SYNC_FAILURES = {409: "a sync of this account is already running", 502: "the server failed; the error says how"}


class AddedContactOut(ContactOut):
    touches_added: int  # the touches their captured mail and meetings made


def _failed(message: str) -> Any:
    """A sync that could not run: 409 when another one holds the account, else 502 with the server's sentence."""
    return error(409 if "already running" in message else 502, message)


def _counts(result: SyncResult) -> SyncCountsOut:
    counts = result.counts
    return SyncCountsOut(
        read=counts.read,
        new=sum(counts.by_class.values()),
        by_class=counts.by_class,
        duplicates=counts.duplicates,
        touches=counts.touches,
        replies=counts.replies,
        folders=result.folders,
    )


@endpoint(bp, "/mail-accounts", "GET", "Your connected mailboxes", tag=TAG, response=Listing[MailAccountOut], not_found=False)
def list_mail_accounts() -> Listing[MailAccountOut]:
    accounts = db.session.scalars(owned(MailAccount, caller().id).order_by(MailAccount.id))
    return Listing[MailAccountOut].of([MailAccountOut.model_validate(a) for a in accounts])


@endpoint(
    bp,
    "/mail-accounts",
    "POST",
    "Connect a mailbox (the connection is tested first)",
    tag=TAG,
    body=MailAccountIn,
    response=MailAccountOut,
    status=201,
    not_found=False,
)
def create_mail_account(body: MailAccountIn) -> MailAccountOut:
    account = service.connect_mail(db.session, caller(), body, current_app.config)
    db.session.commit()
    return MailAccountOut.model_validate(account)


@endpoint(
    bp,
    "/mail-accounts/<int:mail_account_id>",
    "PATCH",
    "Pause or resume a mailbox",
    tag=TAG,
    body=MailAccountPatch,
    response=MailAccountOut,
)
def patch_mail_account(mail_account_id: int, body: MailAccountPatch) -> MailAccountOut:
    account = get_owned(db.session, MailAccount, mail_account_id, caller().id)
    service.set_paused(db.session, account, body.status == "paused")
    db.session.commit()
    return MailAccountOut.model_validate(account)


@endpoint(
    bp,
    "/mail-accounts/<int:mail_account_id>",
    "DELETE",
    "Disconnect a mailbox (credentials deleted; ?delete_touches=true also deletes its touches)",
    tag=TAG,
    query=DisconnectQuery,
    status=204,
)
def delete_mail_account(mail_account_id: int, query: DisconnectQuery) -> None:
    me = caller()
    service.disconnect_mail(db.session, me, get_owned(db.session, MailAccount, mail_account_id, me.id), query.delete_touches)
    db.session.commit()


@endpoint(
    bp,
    "/mail-accounts/<int:mail_account_id>/sync",
    "POST",
    "Sync a mailbox now",
    tag=TAG,
    response=MailSyncOut,
    also=SYNC_FAILURES,
)
def sync_mail_account(mail_account_id: int) -> Any:
    account = get_owned(db.session, MailAccount, mail_account_id, caller().id)
    result = sync_account(db.session, account, current_app.config)
    if result.error:
        return _failed(result.error)
    return MailSyncOut.model_validate({**MailAccountOut.model_validate(account).model_dump(), "sync": _counts(result)})


@endpoint(
    bp,
    "/suggested-contacts",
    "GET",
    "People you write with who are not contacts yet",
    tag=TAG,
    response=Listing[SuggestedContactOut],
    not_found=False,
)
def list_suggested_contacts() -> Listing[SuggestedContactOut]:
    found = people.suggestions(db.session, caller())
    return Listing[SuggestedContactOut].of([SuggestedContactOut.model_validate(s) for s in found])


@endpoint(
    bp,
    "/suggested-contacts",
    "POST",
    "Add a suggested person as a contact, with their mail history as touches",
    tag=TAG,
    body=SuggestedContactIn,
    response=AddedContactOut,
    status=201,
    not_found=False,
)
def add_suggested_contact(body: SuggestedContactIn) -> AddedContactOut:
    me = caller()
    contact, touches = people.add_suggested(db.session, me, body.email, body.name)
    db.session.commit()
    points = [touch_service.point(t) for t in touch_service.touches_of(db.session, contact)]
    added = ContactOut.of(contact, points, me.now, me.params)
    return AddedContactOut.model_validate({**added.model_dump(), "touches_added": touches})


@endpoint(
    bp,
    "/calendar-accounts",
    "GET",
    "Your connected calendars",
    tag=TAG,
    response=Listing[CalendarAccountOut],
    not_found=False,
)
def list_calendar_accounts() -> Listing[CalendarAccountOut]:
    accounts = db.session.scalars(owned(CalendarAccount, caller().id).order_by(CalendarAccount.id))
    return Listing[CalendarAccountOut].of([CalendarAccountOut.model_validate(a) for a in accounts])


@endpoint(
    bp,
    "/calendar-accounts",
    "POST",
    "Connect your calendar (CalDAV, or a secret ICS address)",
    tag=TAG,
    body=CalendarAccountIn,
    response=CalendarAccountOut,
    status=201,
    not_found=False,
)
def create_calendar_account(body: CalendarAccountIn) -> CalendarAccountOut:
    account = service.connect_calendar(db.session, caller(), body, current_app.config)
    db.session.commit()
    return CalendarAccountOut.model_validate(account)


@endpoint(
    bp,
    "/calendar-accounts/<int:calendar_account_id>",
    "DELETE",
    "Disconnect a calendar (?delete_touches=true also deletes its meeting touches)",
    tag=TAG,
    query=DisconnectQuery,
    status=204,
)
def delete_calendar_account(calendar_account_id: int, query: DisconnectQuery) -> None:
    me = caller()
    account = get_owned(db.session, CalendarAccount, calendar_account_id, me.id)
    service.disconnect_calendar(db.session, me, account, query.delete_touches)
    db.session.commit()


@endpoint(
    bp,
    "/calendar-accounts/<int:calendar_account_id>/sync",
    "POST",
    "Read past meetings now",
    tag=TAG,
    response=CalendarSyncOut,
    also=SYNC_FAILURES,
)
def sync_calendar_account(calendar_account_id: int) -> Any:
    account = get_owned(db.session, CalendarAccount, calendar_account_id, caller().id)
    result: CalendarResult = sync_calendar(db.session, account, current_app.config)
    if result.error:
        return _failed(result.error)
    counts = MeetingCountsOut(meetings=result.meetings, touches=result.touches)
    return CalendarSyncOut.model_validate({**CalendarAccountOut.model_validate(account).model_dump(), "sync": counts})
