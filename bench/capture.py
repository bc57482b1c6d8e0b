"""python -m bench.capture [--messages N] [--database-url URL]: issue 17's three capture figures, each
against a baseline measured in the same run on the same mailbox.

9.  first sync of an N-message mailbox from a local Dovecot vs IMAPClient fetching the same header fields
10. sync of the unchanged mailbox (target ≤ 0.5 s) vs logging in and asking STATUS of each folder
11. import of an N-message mbox vs iterating it with mailbox.mbox and reading the same headers

Needs root and Dovecot (bench/dovecot.py starts one on a loopback port).
"""

from __future__ import annotations

import argparse
import mailbox
import os
import pwd
import random
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import insert

from bench.database import Place, bench_database
from bench.dovecot import Dovecot, running
from bench.report import Figure, best_of, print_table
from outreach.accounts.models import User
from outreach.capture import imap
from outreach.capture.mbox import import_mbox
from outreach.capture.models import MailAccount
from outreach.capture.parse import HEADER_FIELDS
from outreach.capture.secrets import encrypt
from outreach.capture.sync import sync_account
from outreach.contacts.models import Contact
from outreach.core.caller import caller_for
from outreach.core.types import utcnow
from outreach.extensions import db

CONTACTS = 200
SENT_SHARE = 0.2  # a fifth of the mailbox is the user's own sent mail


def message(number: int, me: str, rng: random.Random, now: datetime) -> tuple[str, bytes]:
    """(folder, raw message): contacts' mail, newsletters, notifications and the user's sent mail."""
    when = format_datetime((now - timedelta(minutes=number * 37)).replace(tzinfo=UTC))
    contact = f"contact{rng.randrange(CONTACTS)}@people.example"
    roll = rng.random()
    extra = ""
    if roll < SENT_SHARE:
        folder, sender, to, subject = "Sent", me, contact, f"Re: our project {number}"
    elif roll < 0.6:
        folder, sender, to, subject = "INBOX", f"Person {number % CONTACTS} <{contact}>", me, f"Idea number {number}"
    elif roll < 0.85:
        folder, sender, to, subject = "INBOX", "Letters <news@letters.example>", me, f"Weekly issue {number}"
        extra = "List-Unsubscribe: <mailto:leave@letters.example>\r\nList-Id: <weekly.letters.example>\r\n"
    else:
        folder, sender, to, subject = "INBOX", "Shop <no-reply@shop.example>", me, f"Your order {number}"
    raw = (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {when}\r\n"
        f"Message-ID: <bench-{number}@mail.example>\r\n{extra}MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n" + "A line of text for the body.\r\n" * 40
    )
    return folder, raw.encode()


def fill_mailbox(server: Dovecot, user: str, count: int) -> list[bytes]:
    """Write the messages straight into the maildir (an APPEND each would take minutes), owned by nobody."""
    client = server.client(user)
    for folder in ("INBOX", "Sent"):
        client.select_folder(folder, readonly=True)  # Dovecot makes a folder's maildir when it is first opened
    client.logout()
    account = pwd.getpwnam("nobody")
    nobody = (account.pw_uid, account.pw_gid)
    rng, now, raws = random.Random(17), utcnow(), []
    for number in range(count):
        folder, raw = message(number, user, rng, now)
        target = server.maildir(user, folder) / "new" / f"{number}.M{number}P1.bench"
        target.write_bytes(raw)
        os.chown(target, *nobody)
        raws.append(raw)
    return raws


def imapclient_alone(server: Dovecot, user: str) -> int:
    """The baseline: log in, and fetch the same header fields of every message of both folders."""
    client = server.client(user)
    fetched = 0
    for folder in ("Sent", "INBOX"):
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        for start in range(0, len(uids), imap.CHUNK):
            fetched += len(client.fetch(uids[start : start + imap.CHUNK], [imap.HEADER_ITEM, "INTERNALDATE", "RFC822.SIZE"]))
    client.logout()
    return fetched


def status_alone(server: Dovecot, user: str) -> None:
    client = server.client(user)
    for folder in ("Sent", "INBOX"):
        imap.status(client, folder)
    client.logout()


def fresh_owner(label: str) -> User:
    """A user with the contacts the generated mail talks to, and nothing captured yet."""
    user = User(email=f"{label}-{time.monotonic_ns()}@bench.example", password_hash="x", settings={})
    db.session.add(user)
    db.session.flush()
    now = utcnow()
    rows = [
        {
            "owner_id": user.id,
            "name": f"Person {i}",
            "email": f"contact{i}@people.example",
            "other_emails": [],
            "kind": "peer",
            "topics": [],
            "promotion_methods": [],
            "links": [],
            "tags": [],
            "notes": "",
            "created_at": now,
            "updated_at": now,
        }
        for i in range(CONTACTS)
    ]
    db.session.execute(insert(Contact), rows)
    db.session.commit()
    return user


def run(app: Flask, server: Dovecot, count: int, workdir: str, runs: int = 3) -> list[Figure]:
    user, password = server.new_user()
    raws = fill_mailbox(server, user, count)
    imapclient_alone(server, user)  # warm-up: Dovecot indexes the new maildir files once, for both sides
    baseline = best_of(runs, lambda: imapclient_alone(server, user))
    accounts: list[MailAccount] = []

    def first_sync() -> None:
        owner = fresh_owner("sync")
        account = MailAccount(
            owner_id=owner.id,
            host="127.0.0.1",
            port=server.port,
            security="plain",
            username=user,
            secret=encrypt(app.config, password),
            folders=[],
            identities=[user],
        )
        db.session.add(account)
        db.session.commit()
        result = sync_account(db.session, account, app.config)
        assert result.error is None and result.counts.read == count, (result.error, result.counts)
        accounts.append(account)

    ours = best_of(runs, first_sync)
    counts = sync_account(db.session, accounts[-1], app.config)  # nothing new: the unchanged sync, once to settle
    unchanged = best_of(runs, lambda: sync_account(db.session, accounts[-1], app.config))
    assert counts.counts.read == 0
    status = best_of(runs, lambda: status_alone(server, user))
    print(f"  9: {count:,} messages, {count / ours:,.0f} messages/s on the first sync", flush=True)

    path = Path(workdir) / "archive.mbox"
    box = mailbox.mbox(path)
    for raw in raws:
        box.add(raw)
    box.close()

    def iterate() -> None:
        archive = mailbox.mbox(path)
        for item in archive:
            for name in HEADER_FIELDS:
                item[name]
        archive.close()

    archive_baseline = best_of(runs, iterate)
    archive = best_of(runs, lambda: import_mbox(db.session, caller_for(fresh_owner("mbox")), path))
    return [
        Figure(
            f"9. first sync of {count:,} messages vs IMAPClient fetching the same headers",
            ours,
            baseline,
            "≤ 3",
            ours <= 3 * baseline,
        ),
        Figure("10. sync of the unchanged mailbox vs login + STATUS per folder", unchanged, status, "≤ 0.5 s", unchanged <= 0.5),
        Figure(
            f"11. import mbox of {count:,} messages vs mailbox.mbox + headers",
            archive,
            archive_baseline,
            "≤ 3",
            archive <= 3 * archive_baseline,
        ),
    ]


def measure(place: Place, count: int, runs: int = 3) -> list[Figure]:
    from flask_migrate import upgrade

    from outreach import create_app

    before = os.environ.get("OUTREACH_INSTANCE")
    os.environ["OUTREACH_INSTANCE"] = place.workdir
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": place.url, "ALLOW_PLAINTEXT_IMAP": True, "CAPTURE_LOOPBACK_ONLY": True})
        with app.app_context(), running() as server:
            upgrade()
            print(f"Capture benchmarks: {count:,} messages on {db.engine.dialect.name}", flush=True)
            rows = run(app, server, count, place.workdir, runs)
            db.session.remove()
            db.engine.dispose()
    finally:
        if before is None:
            os.environ.pop("OUTREACH_INSTANCE", None)
        else:
            os.environ["OUTREACH_INSTANCE"] = before
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.capture", description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file in a temp dir")
    parser.add_argument("--runs", type=int, default=3, help="each figure is the best of this many runs")
    args = parser.parse_args()
    with bench_database(args.database_url) as place:
        print_table(measure(place, args.messages, args.runs))


if __name__ == "__main__":
    main()
