"""The ``outreach`` command: the Flask CLI with the app's own commands added."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import func, select

from outreach.accounts import service as user_service
from outreach.accounts.models import User
from outreach.capture.cli import commands as capture_commands
from outreach.capture.cli import import_mbox_command
from outreach.contacts.models import Contact
from outreach.contacts.rescore import rescore_owner
from outreach.core.errors import InvalidInput
from outreach.core.schemas import in_bounds
from outreach.domain.words import plural
from outreach.extensions import db
from outreach.feeds.cli import commands as feed_commands
from outreach.transfer.cli import commands as data_commands
from outreach.transfer.cli import import_group, known_user

import_group.add_command(import_mbox_command, "mbox")  # `outreach import mbox`: history, beside the CSV imports


def _app_factory() -> Flask:
    from outreach import create_app
    from outreach.config import ConfigError

    try:
        return create_app()
    except ConfigError as exc:  # a plain sentence, not a traceback
        raise click.ClickException(str(exc)) from None


class Day(click.DateTime):
    """A day given on the command line (YYYY-MM-DD), within the bounds every date shares."""

    name = "day"

    def __init__(self) -> None:
        super().__init__(["%Y-%m-%d"])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        day = super().convert(value, param, ctx)
        if not in_bounds(day):
            self.fail(f"{value} is not a day from 1970 to 2200.", param, ctx)
        return day


@click.group("user", help="Manage user accounts.")
def user_group() -> None:
    """Group for user commands."""


@user_group.command("create")
@click.option("--email", required=True, help="The new user's email (their login).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="Prompted when omitted.")
@click.option("--audience", type=int, default=None, help="Your own audience size.")
@with_appcontext
def create_user(email: str, password: str, audience: int | None) -> None:
    """Create a user who can log in and own contacts."""
    try:
        user = user_service.create_user(db.session, email, password, audience)
    except InvalidInput as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Created user {user.email} (id {user.id}).")


@click.group("token", help="Manage API tokens.")
def token_group() -> None:
    """Group for token commands."""


@token_group.command("create")
@click.option("--email", required=True, help="The user the token acts as.")
@click.option("--name", default="cli", show_default=True, help="A label to recognise the token by.")
@with_appcontext
def create_token(email: str, name: str) -> None:
    """Create an API token; it is printed once and stored only as a hash."""
    record, token = user_service.create_token(db.session, known_user(email), name)
    db.session.commit()
    click.echo(token)
    click.echo(f"Token {record.id} ({name}) for {email}. Keep it now: it cannot be shown again.", err=True)


@click.command("rescore")
@click.option("--email", default=None, help="Only this user (default: every user).")
@with_appcontext
def rescore(email: str | None) -> None:
    """Recompute every warmth key from the touches (after changing weights or half-life)."""
    users = [known_user(email)] if email else list(db.session.scalars(select(User).order_by(User.id)))
    for user in users:
        params = user_service.user_settings(user).warmth_params()
        total = db.session.scalar(select(func.count(Contact.id)).where(Contact.owner_id == user.id)) or 0
        # One statement does the work (contacts.rescore), so there is no progress to show within it: say what
        # is under way, and how long it took, rather than a bar that jumps from empty to full.
        click.echo(f"Rescoring {user.email}: {plural(total, 'contact')}…")
        started = time.monotonic()
        scored = rescore_owner(db.session, user.id, params)
        db.session.commit()
        click.echo(f"{user.email}: {plural(scored, 'contact')} with touches rescored in {time.monotonic() - started:.1f} s.")


@click.command("demo")
@click.option("--email", default="demo@example.com", show_default=True)
@click.option("--password", default="demo-password", show_default=True)
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has a user.")
@with_appcontext
def demo(email: str, password: str, if_empty: bool) -> None:
    """Load a demo user with contacts, a year of touches, two campaigns and asks."""
    from outreach.transfer.demo import load_demo

    if if_empty and db.session.scalar(select(User.id).limit(1)) is not None:
        click.echo("The database already has users: demo data not loaded.")
        return
    if user_service.find_user(db.session, email):
        raise click.ClickException(f"{email} already exists; pass --email to load another demo user")
    summary = load_demo(db.session, email, password)
    db.session.commit()
    click.echo(summary)
    click.echo(f"Log in at http://127.0.0.1:5000/ as {email} with password {password}.")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--with-scheduler",
    is_flag=True,
    help="Also run the reminder scheduler in this process (single-user installs; never with gunicorn).",
)
@click.option("--every", default=60, show_default=True, type=click.IntRange(1, 1440), help="Minutes between ticks.")
@with_appcontext
def serve(host: str, port: int, with_scheduler: bool, every: int) -> None:
    """Serve the app (the development server; use gunicorn for a team)."""
    from werkzeug.serving import run_simple

    if with_scheduler:
        from outreach.reminders.scheduler import start_embedded

        start_embedded(every)
        click.echo(f"Reminder scheduler running in this process, every {every} minutes.")

    # Flask refuses app.run() under its own CLI, so serve through werkzeug directly.
    click.echo(f"Outreach on http://{host}:{port}/ (Ctrl+C to stop)")
    run_simple(host, port, current_app._get_current_object(), threaded=True)  # type: ignore[attr-defined]


@click.command("tick")
@click.option("--date", "on", type=Day(), default=None, help="Run as of this day (YYYY-MM-DD).")
@with_appcontext
def tick(on: datetime | None) -> None:
    """Run the planner once: reminders to ask, targets, keep-warm, follow-ups and implicit nos."""
    from outreach.reminders.tick import moment
    from outreach.reminders.tick import tick as run_tick

    now = moment(on.date() if on else None)
    totals = run_tick(db.session, now)
    click.echo(f"Tick for {now:%Y-%m-%d}: " + (", ".join(f"{k} {v}" for k, v in sorted(totals.items())) or "nothing to do"))
    if totals["owners failed"]:
        # Exit 1 so cron mails someone; the others' reminders are made all the same.
        raise click.ClickException(f"{totals['owners failed']} owners' passes failed: their errors are logged above")


@click.command("scheduler")
@click.option("--every", default=60, show_default=True, type=click.IntRange(1, 1440), help="Minutes between ticks.")
def scheduler(every: int) -> None:
    """Run the reminder scheduler (one per installation, beside any number of web workers)."""
    from outreach.reminders.scheduler import blocking

    click.echo(f"Outreach scheduler: a tick now and every {every} minutes. Ctrl+C to stop.")
    try:
        blocking(every).start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


@click.command("digest")
@click.option("--email", default=None, help="Only this user (default: everyone who wants one).")
@click.option("--print", "show", is_flag=True, help="Print the plain-text digest instead of sending it.")
@click.option("--date", "on", type=Day(), default=None, help="As of this day (YYYY-MM-DD).")
@with_appcontext
def digest(email: str | None, show: bool, on: datetime | None) -> None:
    """The morning digest: print it, or send today's by email (needs OUTREACH_SMTP_HOST)."""
    from outreach.core.caller import caller_for
    from outreach.reminders.digest import compose, send_digests
    from outreach.reminders.tick import moment

    now = moment(on.date() if on else None)
    config = current_app.config
    if show:
        for user in [known_user(email)] if email else list(db.session.scalars(select(User).order_by(User.id))):
            found = compose(db.session, caller_for(user, now), config["PUBLIC_URL"])
            click.echo(
                f"To: {user.email}\nSubject: {found.subject}\n\n{found.text}" if found else f"{user.email}: nothing to say today."
            )
        return
    if not config["SMTP_HOST"]:
        raise click.ClickException("No mail server: set OUTREACH_SMTP_HOST (and _PORT, _USER, _PASSWORD, _FROM), or use --print.")
    counts = send_digests(db.session, now, config)
    click.echo(f"Digests: {dict(counts) or 'none due (sent already today, too early, or turned off)'}")


commands = [
    user_group,
    token_group,
    rescore,
    demo,
    serve,
    tick,
    scheduler,
    digest,
    *data_commands,
    *feed_commands,
    *capture_commands,
]


@click.group(cls=FlaskGroup, create_app=_app_factory, add_version_option=False)
def main() -> None:
    """Outreach: warm relationships, ask at the right time, count the nos."""
