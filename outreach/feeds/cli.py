"""`outreach feeds poll [--email E] [--all]`: read contacts' feeds now, with a progress bar."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext

from outreach.accounts import service as user_service
from outreach.core.types import utcnow
from outreach.extensions import db
from outreach.feeds.poll import due_count, poll_due


def summary(totals: Counter[str]) -> str:
    """ "12 requests: 9 unchanged (304), 3 changed, 41 new posts, 5 openings; 1 failed (0 stopped); 0 deferred" """
    return (
        f"{totals['requests']} requests: {totals['not_modified']} unchanged (304), {totals['changed']} changed, "
        f"{totals['new_posts']} new posts, {totals['openings']} openings; "
        f"{totals['failed']} failed ({totals['stopped']} stopped); {totals['deferred']} deferred by a server's Retry-After"
    )


@click.group("feeds", help="Contacts' feeds: what they publish.")
def feeds_group() -> None:
    """Group for feed commands."""


@feeds_group.command("poll")
@click.option("--email", default=None, help="Only this user's feeds (default: everyone's).")
@click.option("--all", "every", is_flag=True, help="Every feed, not only those due (a server's Retry-After still holds).")
@with_appcontext
def poll(email: str | None, every: bool) -> None:
    """Read the due feeds now: conditional requests, one per host at a time; new posts become openings."""
    owner_id = None
    if email:
        user = user_service.find_user(db.session, email)
        if user is None:
            raise click.ClickException(f"no user with email {email!r}: create one with `outreach user create`")
        owner_id = user.id
    now = utcnow()
    total = due_count(db.session, now, owner_id, every)
    db.session.commit()
    base = timedelta(minutes=current_app.config["FEEDS_POLL_MINUTES"])
    with click.progressbar(length=max(total, 1), label=f"Reading {total} feeds") as bar:
        totals = poll_due(
            db.session,
            now,
            owner_id=owner_id,
            base=base,
            allow_private=current_app.config["ALLOW_PRIVATE_URLS"],
            progress=bar.update,
            every=every,
        )
    click.echo(summary(totals))


commands = [feeds_group]
