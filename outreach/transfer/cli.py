"""Commands that move data in and out: CSV and JSON imports, exports, backup and restore."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from outreach.accounts import service as user_service
from outreach.accounts.models import User
from outreach.core.errors import InvalidInput
from outreach.core.types import utcnow
from outreach.domain.vocabulary import ImportPreset
from outreach.extensions import db
from outreach.transfer import archive, importer
from outreach.transfer import backup as backups
from outreach.transfer import restore as restoring


def known_user(email: str) -> User:
    """The user with this email, or the command stops saying how to create one."""
    user = user_service.find_user(db.session, email)
    if user is None:
        raise click.ClickException(f"no user with email {email!r}: create one with `outreach user create`")
    return user


def _report(summary: importer.ImportSummary, dry_run: bool) -> None:
    for note in summary.notes:
        click.echo(f"Note: {note}")
    for error in summary.errors[:50]:
        click.echo(f"  line {error.line}: {error.reason}", err=True)
    if len(summary.errors) > 50:
        click.echo(f"  … and {len(summary.errors) - 50} more rejected rows", err=True)
    click.echo(summary.sentence(dry_run) + (" Dry run: nothing was saved." if dry_run else ""))


def _run_import(file: Path, what: str, dry_run: bool, run: Callable[[bytes, Any], importer.ImportSummary]) -> None:
    """Read the file, show progress by line, commit unless a dry run, report every rejected row."""
    with click.progressbar(length=max(1, sum(1 for _ in file.open("rb"))), label=f"Importing {what}") as bar:
        try:
            summary = run(file.read_bytes(), bar)
        except InvalidInput as exc:
            raise click.ClickException(f"{file.name} refused. {exc}") from None
    if not dry_run:
        db.session.commit()
    _report(summary, dry_run)


def _parse_map(pairs: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        column, sep, field = pair.rpartition("=")
        if not sep or not column or not field:
            raise click.BadParameter(f"{pair!r}: write COLUMN=field, e.g. 'Full Name=name'", param_hint="--map")
        mapping[column] = field
    return mapping


@click.group("import", help="Bring contacts, touches or a whole account in.")
def import_group() -> None:
    """Group for imports."""


@import_group.command("contacts")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--email", required=True, help="The user the contacts belong to.")
@click.option(
    "--preset",
    type=click.Choice(sorted(ImportPreset.values())),
    default="generic",
    show_default=True,
    help="linkedin: Connections.csv; google: Google Contacts export; generic: our column names.",
)
@click.option("--map", "mapping", multiple=True, metavar="COL=field", help="Map a column of the file to a field.")
@click.option("--dry-run", is_flag=True, help="Check every row and report, save nothing.")
@with_appcontext
def import_contacts(file: Path, email: str, preset: str, mapping: tuple[str, ...], dry_run: bool) -> None:
    """Import contacts from CSV; duplicates (same email or profile URL) are updated, not doubled."""
    user = known_user(email)
    fields = _parse_map(mapping)
    _run_import(
        file,
        "contacts",
        dry_run,
        lambda data, bar: importer.import_contacts(db.session, user.id, data, preset, fields, dry_run, bar.update),
    )


@import_group.command("touches")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--email", required=True, help="The user the touches belong to.")
@click.option("--dry-run", is_flag=True, help="Check every row and report, save nothing.")
@with_appcontext
def import_touches(file: Path, email: str, dry_run: bool) -> None:
    """Import past touches (columns: contact = email or profile URL, kind, direction, date, url, note)."""
    user = known_user(email)
    params = user_service.user_settings(user).warmth_params()
    _run_import(
        file,
        "touches",
        dry_run,
        lambda data, bar: importer.import_touches(db.session, user.id, data, params, dry_run, bar.update),
    )


@import_group.command("json")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--email", required=True, help="An existing, empty account to restore into.")
@with_appcontext
def import_json(file: Path, email: str) -> None:
    """Restore a full JSON export (from `outreach export json`) into an empty account: all of it or nothing."""
    user = known_user(email)
    try:
        counts = restoring.import_account(db.session, user, archive.read_document(file.read_bytes()))
    except InvalidInput as exc:
        db.session.rollback()
        raise click.ClickException(f"{file.name} refused: {'; '.join(exc.fields.values())}") from None
    db.session.commit()
    click.echo("Restored " + ", ".join(f"{n} {section.replace('_', ' ')}" for section, n in counts.items()) + f" into {email}.")


@click.group("export", help="Take your data out: nothing locks you in.")
def export_group() -> None:
    """Group for exports."""


@export_group.command("json")
@click.option("--email", required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Default: standard output.")
@with_appcontext
def export_json(email: str, out: Path | None) -> None:
    """Everything the user owns as JSON with a schema version (restore with `outreach import json`)."""
    text = json.dumps(archive.export_account(db.session, known_user(email)), indent=2, ensure_ascii=False)
    if out is None:
        click.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        click.echo(f"Wrote {out}.", err=True)


@export_group.command("contacts")
@click.option("--email", required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Default: standard output.")
@with_appcontext
def export_contacts(email: str, out: Path | None) -> None:
    """Contacts as CSV with their warmth now (re-importable with --preset generic)."""
    user = known_user(email)
    params = user_service.user_settings(user).warmth_params()
    handle = out.open("w", newline="", encoding="utf-8") if out else sys.stdout
    archive.write_contacts_csv(db.session, user.id, params, utcnow(), handle)
    if out:
        handle.close()
        click.echo(f"Wrote {out}.", err=True)


@click.command("backup")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Default: instance/backups/outreach-YYYYMMDD-HHMMSS.sqlite3",
)
@with_appcontext
def backup(out: Path | None) -> None:
    """A consistent copy of the database, safe while the app runs (SQLite; PostgreSQL: use pg_dump)."""
    source = backups.sqlite_path(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if source is None:
        raise click.ClickException(backups.PG_HINT)
    out = out or Path(current_app.instance_path) / "backups" / f"outreach-{datetime.now():%Y%m%d-%H%M%S}.sqlite3"
    out.parent.mkdir(parents=True, exist_ok=True)
    pages = backups.copy_database(source, out)
    click.echo(f"Backed up {source} to {out} ({pages} pages, schema {backups.check_backup(out)}).")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore(file: Path, yes: bool) -> None:
    """Replace the database with a backup made by `outreach backup` (stop the app first)."""
    target = backups.sqlite_path(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if target is None:
        raise click.ClickException(backups.PG_HINT)
    try:
        revision = backups.check_backup(file)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if not yes:
        click.confirm(f"Replace {target} with {file} (schema {revision})? Everything since that backup is lost", abort=True)
    db.engine.dispose()
    backups.copy_database(file, target)
    click.echo(f"Restored {file} into {target}. Run `outreach db upgrade` if the backup is older than this version.")


commands = [import_group, export_group, backup, restore]
