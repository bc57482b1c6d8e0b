"""`outreach mail sync`, `outreach import mbox`, `outreach keys rotate`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from outreach.accounts.models import User
from outreach.capture import secrets
from outreach.capture.mbox import import_mbox, message_count
from outreach.capture.models import MailAccount
from outreach.capture.store import Counts
from outreach.capture.sync import sync_account
from outreach.core.caller import caller_for
from outreach.core.errors import InvalidInput
from outreach.core.ownership import owned
from outreach.extensions import db
from outreach.transfer.cli import known_user

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar


class FolderBars:
    """A progress bar for each folder of one mailbox, as its sync reports them."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: ProgressBar[int] | None = None

    def __call__(self, event: str, amount: int) -> None:
        if event.startswith("folder "):
            self.finish()
            self.bar = click.progressbar(length=max(amount, 1), label=f"{self.label} {event.removeprefix('folder ')}")
        elif self.bar is not None:
            self.bar.update(amount)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()
            self.bar = None


def _summary(counts: Counts) -> str:
    classes = ", ".join(f"{name.replace('_', '-')} {n}" for name, n in sorted(counts.by_class.items())) or "nothing new"
    return (
        f"{counts.read} messages read: {classes}; {counts.duplicates} already known; "
        f"{counts.touches} touches added; {counts.replies} replies to open asks noticed."
    )


@click.group("mail", help="Mail capture: your mailbox logs its own touches.")
def mail_group() -> None:
    """Group for mail commands."""


@mail_group.command("sync")
@click.option("--email", default=None, help="Only this user's mailboxes (default: everyone's).")
@with_appcontext
def sync(email: str | None) -> None:
    """Sync connected mailboxes now (paused ones too), with a progress bar per folder."""
    users = [known_user(email)] if email else list(db.session.scalars(select(User).order_by(User.id)))
    failed = 0
    for user in users:
        for account in list(db.session.scalars(owned(MailAccount, user.id).order_by(MailAccount.id))):
            bars = FolderBars(account.username)
            result = sync_account(db.session, account, current_app.config, bars)
            bars.finish()
            if result.error:
                failed += 1
                click.echo(f"{account.username} on {account.host}: {result.error}", err=True)
            else:
                click.echo(f"{account.username} on {account.host}: {_summary(result.counts)}")
    if failed:
        raise click.ClickException(f"{failed} mailbox{'es' if failed > 1 else ''} could not be synced.")


@click.command("mbox")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--email", required=True, help="The user the history belongs to.")
@click.option("--sent", is_flag=True, help="Every message in the file was sent by you (a Thunderbird Sent folder).")
@with_appcontext
def import_mbox_command(file: Path, email: str, sent: bool) -> None:
    """A Google Takeout or Thunderbird mbox: the same classification as mail sync; nothing counted twice."""
    me = caller_for(known_user(email))
    with click.progressbar(length=max(1, message_count(file)), label=f"Reading {file.name}") as bar:
        try:
            counts = import_mbox(db.session, me, file, sent=sent, progress=bar.update)
        except InvalidInput as exc:
            raise click.ClickException("; ".join(exc.fields.values())) from None
    click.echo(_summary(counts))


@click.group("keys", help="The key that encrypts mail and calendar passwords.")
def keys_group() -> None:
    """Group for key commands."""


@keys_group.command("rotate")
@with_appcontext
def rotate() -> None:
    """Re-encrypt every stored password with OUTREACH_ENCRYPTION_KEY (old keys in OUTREACH_OLD_ENCRYPTION_KEYS)."""
    rotated, unreadable = secrets.rotate(db.session, current_app.config)
    db.session.commit()
    click.echo(f"{rotated} stored credentials re-encrypted with the current key.")
    if unreadable:
        click.echo(f"{unreadable} could not be read with any known key: those accounts must be connected again.", err=True)


commands = [mail_group, keys_group]
