"""Syncing a mail account: only what is new since the last UID of each folder, committed as it goes.

A job like the planner's tick: it commits after each chunk of messages (so a crash or a time-out
keeps what was done) and records a failure on the account instead of raising. Accounts are claimed
one at a time, so several schedulers on PostgreSQL share the work and never sync one account twice
at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.orm import Session

from outreach.accounts.models import User
from outreach.capture import imap
from outreach.capture.classify import classify, return_date
from outreach.capture.models import CalendarAccount, MailAccount, MailFolder
from outreach.capture.parse import envelope, text_start
from outreach.capture.people import backfill
from outreach.capture.secrets import CredentialsUnreadable, decrypt
from outreach.capture.store import Counts, Mail, address_book, store_mail
from outreach.contacts.models import Contact
from outreach.core.caller import Caller, caller_for
from outreach.core.ownership import owned
from outreach.domain.vocabulary import AccountStatus, Classification

Progress = Callable[[str, int], None]  # ("folder <name>", new messages) then ("messages", n) as they are read
ROLE_ORDER = {"sent": 0, "inbox": 1, "all": 2, "other": 3}  # Sent first: its From lines teach us the user's addresses
LOCK_SPACE = 0x0A5C_1000  # advisory locks for account syncs, apart from the tick's


class AlreadySyncing(Exception):
    """Another process is syncing this account right now."""


@dataclass
class SyncResult:
    counts: Counts = field(default_factory=Counts)
    folders: dict[str, int] = field(default_factory=dict)  # new messages per folder
    error: str | None = None


def server_of(account: MailAccount, config: Mapping[str, Any]) -> imap.Server:
    return imap.Server(account.host, account.port, account.security, account.username, decrypt(config, account.secret))


def open_connection(server: imap.Server, config: Mapping[str, Any]) -> Any:
    imap.check_host(
        server.host,
        server.port,
        server.security,
        allow_plaintext=bool(config.get("ALLOW_PLAINTEXT_IMAP")),
        allow_private=bool(config.get("ALLOW_PRIVATE_MAIL_HOSTS")),
        loopback_only=bool(config.get("CAPTURE_LOOPBACK_ONLY")),
    )
    return imap.connect(server)


def sync_account(
    session: Session, account: MailAccount, config: Mapping[str, Any], progress: Progress | None = None
) -> SyncResult:
    """Read every folder's new messages; on failure the account says why and the next sync retries."""
    result = SyncResult()
    me = caller_for(session.get_one(User, account.owner_id))
    try:
        with exclusive(session, account.id):
            client = open_connection(server_of(account, config), config)
            try:
                _sync_folders(session, me, account, client, result, progress)
            finally:
                imap.close(client)
            if _contacts_changed_since(session, me, account.last_synced_at):
                result.counts.touches += backfill(session, me)  # contacts added or given new addresses
    except (imap.MailServerError, CredentialsUnreadable) as exc:
        result.error = getattr(exc, "sentence", str(exc))
    except AlreadySyncing:
        result.error = "A sync of this account is already running."
        return result
    record_outcome(session, account, result.error, me.now)
    return result


def _sync_folders(
    session: Session, me: Caller, account: MailAccount, client: Any, result: SyncResult, progress: Progress | None
) -> None:
    chosen = sorted(imap.folders(client, account.folders), key=lambda f: ROLE_ORDER[f.role])
    states = {f.name: f for f in session.scalars(owned(MailFolder, me.id).where(MailFolder.account_id == account.id))}
    identities = {a.lower() for a in account.identities} | {me.user.email.lower()}
    if "@" in account.username:
        identities.add(account.username.lower())
    book = address_book(session, me.id)
    for folder in chosen:
        state = states.get(folder.name) or MailFolder(owner_id=me.id, account_id=account.id, name=folder.name, last_uid=0)
        state.role = folder.role
        session.add(state)
        validity, uid_next = imap.status(client, folder.name)
        if state.uidvalidity != validity:
            # The old UIDs mean nothing now: read the folder again; Message-IDs keep it from counting twice.
            state.uidvalidity, state.last_uid = validity, 0
        if uid_next - 1 <= state.last_uid:
            continue  # nothing new: one STATUS was enough
        uids = imap.new_uids(client, folder.name, state.last_uid)
        result.folders[folder.name] = len(uids)
        if progress:
            progress(f"folder {folder.name}", len(uids))
        batch: list[tuple[int, Mail]] = []
        for fetched in imap.headers(client, uids):
            mail = envelope(fetched.header, fetched.arrived)
            if folder.role == "sent" and mail.from_address:
                identities.add(mail.from_address)
            batch.append((fetched.uid, Mail(mail, classify(mail), sent_by_user=folder.role == "sent")))
            if len(batch) >= imap.CHUNK:
                _store(session, me, account, client, state, batch, identities, book, result, progress)
        _store(session, me, account, client, state, batch, identities, book, result, progress)
        state.last_uid = max(state.last_uid, uid_next - 1)
        account.identities = sorted(identities)
        session.commit()


def _store(
    session: Session,
    me: Caller,
    account: MailAccount,
    client: Any,
    state: MailFolder,
    batch: list[tuple[int, Mail]],
    identities: set[str],
    book: dict[str, int],
    result: SyncResult,
    progress: Progress | None,
) -> None:
    if not batch:
        return
    replies = [(uid, mail) for uid, mail in batch if mail.classification == Classification.AUTO_REPLY]
    if replies:
        # Only an out-of-office's text is read, and only its first few KB: the return date is in there.
        texts = imap.text_starts(client, [uid for uid, _ in replies])
        for uid, mail in replies:
            said = mail.envelope.subject + "\n" + text_start(*texts.get(uid, (b"", b"")))
            mail.returns_on = return_date(said, mail.envelope.sent_at)
    result.counts.add(store_mail(session, me, account.id, [mail for _, mail in batch], identities, book))
    state.last_uid = max(state.last_uid, batch[-1][0])
    account.identities = sorted(identities)
    session.commit()  # progress survives a crash; the next sync starts after this chunk
    if progress:
        progress("messages", len(batch))
    batch.clear()


def _contacts_changed_since(session: Session, me: Caller, moment: datetime | None) -> bool:
    if moment is None:
        return False  # a first sync linked everything against the contacts as they are
    newest = session.scalar(select(func.max(Contact.updated_at)).where(Contact.owner_id == me.id))
    return newest is not None and newest > moment


_local_locks: dict[int, threading.Lock] = {}
_local_guard = threading.Lock()


def record_outcome(session: Session, account: MailAccount | CalendarAccount, error: str | None, now: datetime) -> None:
    """A mailbox or calendar says whether its last sync worked, and why not; committed with the sync's work."""
    account.status = AccountStatus.FAILING if error else AccountStatus.ACTIVE
    account.last_error = error
    if not error:
        account.last_synced_at = now
    session.commit()


@contextmanager
def exclusive(session: Session, account_id: int) -> Iterator[None]:
    """One sync of an account at a time: a PostgreSQL advisory lock held on its own connection (so
    commits in between keep it), or a lock in this process on SQLite, which runs one scheduler."""
    engine = session.get_bind().engine
    if engine.dialect.name == "postgresql":
        with engine.connect() as holder:
            taken = holder.execute(text("SELECT pg_try_advisory_lock(:space, :id)"), {"space": LOCK_SPACE, "id": account_id})
            if not taken.scalar():
                raise AlreadySyncing()
            try:
                yield
            finally:
                holder.execute(text("SELECT pg_advisory_unlock(:space, :id)"), {"space": LOCK_SPACE, "id": account_id})
                holder.commit()
        return
    with _local_guard:
        lock = _local_locks.setdefault(account_id, threading.Lock())
    if not lock.acquire(blocking=False):
        raise AlreadySyncing()
    try:
        yield
    finally:
        lock.release()


Account = type[MailAccount] | type[CalendarAccount]


def claim(session: Session, model: Account, now: datetime, every: timedelta) -> int | None:
    """The next due account of ``model``, pushed ``every`` ahead so no other scheduler takes it:
    FOR UPDATE SKIP LOCKED on PostgreSQL lets concurrent schedulers pass over each other's claims."""
    query = (
        select(model.id)
        .where(
            model.status != AccountStatus.PAUSED,
            model.secret.is_not(None),
            or_(model.next_sync_at.is_(None), model.next_sync_at <= now),
        )
        .order_by(model.next_sync_at, model.id)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    account_id = session.scalar(query)
    if account_id is not None:
        session.execute(update(model).where(model.id == account_id).values(next_sync_at=now + every))
    session.commit()
    return account_id
