"""Connecting, pausing and disconnecting mail and calendar accounts. Flushes; the caller commits."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from outreach.capture import imap
from outreach.capture.models import CalendarAccount, CapturedEvent, CapturedMessage, MailAccount
from outreach.capture.schemas import CalendarAccountIn, MailAccountIn
from outreach.capture.secrets import encrypt
from outreach.capture.store import forget
from outreach.capture.sync import open_connection
from outreach.core.caller import Caller
from outreach.core.errors import InvalidInput
from outreach.core.ownership import owned
from outreach.domain.vocabulary import AccountStatus, CalendarKind


def connect_mail(session: Session, me: Caller, body: MailAccountIn, config: Mapping[str, Any]) -> MailAccount:
    """Test the connection and the folders first; store the account only if they work."""
    taken = owned(MailAccount, me.id).where(MailAccount.host == body.host, MailAccount.username == body.username)
    if session.scalar(taken) is not None:
        raise InvalidInput({"username": f"{body.username} on {body.host} is already connected."})
    server = imap.Server(body.host, body.port, body.security, body.username, body.password.get_secret_value())
    try:
        client = open_connection(server, config)
        try:
            imap.folders(client, body.folders)
        finally:
            imap.close(client)
    except imap.MailServerError as exc:
        raise InvalidInput({exc.field: exc.sentence}) from None
    account = MailAccount(
        owner_id=me.id,
        host=body.host,
        port=body.port,
        security=body.security,
        username=body.username,
        secret=encrypt(config, server.password),
        folders=list(body.folders),
        identities=[body.username.lower()] if "@" in body.username else [],
        status=AccountStatus.ACTIVE,
        next_sync_at=me.now,  # the scheduler's next run syncs it
    )
    session.add(account)
    session.flush()
    return account


def set_paused(session: Session, account: MailAccount | CalendarAccount, paused: bool) -> None:
    account.status = AccountStatus.PAUSED if paused else AccountStatus.ACTIVE
    session.flush()


def disconnect_mail(session: Session, me: Caller, account: MailAccount, delete_touches: bool) -> int:
    """The credentials go at once; the touches stay unless the user asks. Returns touches deleted."""
    return _disconnect(session, me, account, CapturedMessage, "message_id", delete_touches)


def _disconnect(
    session: Session,
    me: Caller,
    account: MailAccount | CalendarAccount,
    read: type[CapturedMessage] | type[CapturedEvent],
    column: str,
    delete_touches: bool,
) -> int:
    """Forget the account; with ``delete_touches`` also what it read and the touches that made."""
    account.secret = None
    deleted = 0
    if delete_touches:
        mine = (read.owner_id == me.id, read.account_id == account.id)
        deleted = forget(session, me, select(read.id).where(*mine), column)
        session.execute(delete(read).where(*mine))
    session.delete(account)
    session.flush()
    return deleted


def connect_calendar(session: Session, me: Caller, body: CalendarAccountIn, config: Mapping[str, Any]) -> CalendarAccount:
    """Reach the calendar once before storing it, so a wrong address or password is said now."""
    from outreach.capture.meetings import probe  # the CalDAV client loads only when calendars are used

    url = "https://" + body.url.split("://", 1)[1] if body.url.startswith("webcal://") else body.url
    secret = {"url": url, "username": body.username, "password": body.password.get_secret_value()}
    probe(CalendarKind(body.kind), secret, config)
    parts = urlsplit(url)
    label = f"{body.username}@{parts.hostname}" if body.kind == "caldav" and body.username else f"{parts.hostname} ({body.kind})"
    account = CalendarAccount(
        owner_id=me.id,
        kind=body.kind,
        label=label[:300],
        secret=encrypt(config, json.dumps(secret)),
        status=AccountStatus.ACTIVE,
        next_sync_at=me.now,
    )
    session.add(account)
    session.flush()
    return account


def disconnect_calendar(session: Session, me: Caller, account: CalendarAccount, delete_touches: bool) -> int:
    return _disconnect(session, me, account, CapturedEvent, "event_id", delete_touches)
