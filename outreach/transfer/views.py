"""Import and export from the web: upload → column mapping with a preview → dry run → import."""

from __future__ import annotations

import io
import json
import secrets
import time
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from outreach.core.errors import InvalidInput
from outreach.core.web import flash_back, me
from outreach.extensions import db
from outreach.transfer import archive, importer, restore
from outreach.transfer import csvfiles as importing

bp = Blueprint("transfer", __name__, url_prefix="/data")


def _upload_dir() -> Path:
    path = Path(current_app.instance_path) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stash(data: bytes) -> str:
    """Keep the uploaded file between preview and import, named by the user and a random token."""
    token = secrets.token_urlsafe(16)
    folder = _upload_dir()
    for old in folder.glob("*.csv"):  # previews abandoned for a day are dropped
        if time.time() - old.stat().st_mtime > 86400:
            old.unlink(missing_ok=True)
    (folder / f"{me().id}-{token}.csv").write_bytes(data)
    return token


def _unstash(token: str) -> tuple[Path, bytes]:
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        abort(400, "The upload expired: choose the file again.")
    path = _upload_dir() / f"{me().id}-{token}.csv"
    if not path.exists():
        abort(400, "The upload expired: choose the file again.")
    return path, path.read_bytes()


@bp.route("/")
def index() -> Any:
    return render_template("transfer/index.html", presets=sorted(importing.PRESETS))


@bp.route("/import/contacts", methods=["POST"])
def import_contacts() -> Any:
    """Step 1 (a file): preview with the preset's mapping. Step 2 (a token): dry run or import."""
    preset = request.form.get("preset", "generic")
    if preset not in importing.PRESETS:
        abort(400, "Unknown preset.")
    upload = request.files.get("file")
    token = _stash(upload.read()) if upload is not None and upload.filename else request.form.get("token", "")
    path, data = _unstash(token)
    mapping = {request.form[f"map_{f}"]: f for f in importing.CONTACT_COLUMNS if request.form.get(f"map_{f}")}
    flash_back(url_for("transfer.index"), "File refused")
    try:
        parsed = importing.read_csv(data, preset, mapping)
        columns = importing.column_for(parsed.header, preset, mapping)
        commit = request.form.get("action") == "import"
        summary = importer.import_contacts(db.session, me().id, data, preset, mapping, dry_run=not commit)
    except InvalidInput:
        path.unlink(missing_ok=True)  # a refused file is not kept for a second try
        raise
    if commit:
        db.session.commit()
        path.unlink(missing_ok=True)
        flash(summary.sentence(), "success")
        return render_template("transfer/done.html", summary=summary)
    preview = [{f: record.get(c, "") for f, c in columns.items()} for _, record in parsed.rows[:5]]
    return render_template(
        "transfer/preview.html",
        summary=summary,
        token=token,
        preset=preset,
        header=parsed.header,
        columns=columns,
        fields=importing.CONTACT_COLUMNS,
        preview=preview,
    )


@bp.route("/import/touches", methods=["POST"])
def import_touches() -> Any:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("Choose a CSV file of touches.", "error")
        return redirect(url_for("transfer.index"))
    dry_run = request.form.get("action") != "import"
    flash_back(url_for("transfer.index"), "File refused")
    summary = importer.import_touches(db.session, me().id, upload.read(), me().params, dry_run=dry_run)
    if not dry_run:
        db.session.commit()
    return render_template("transfer/done.html", summary=summary, dry_run=dry_run)


@bp.route("/import/json", methods=["POST"])
def import_json() -> Any:
    """Restore a JSON export into this account, if it is still empty: all of it, or nothing and one sentence why."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("Choose the JSON file an export wrote.", "error")
        return redirect(url_for("transfer.index"))
    flash_back(url_for("transfer.index"), "Not restored")
    counts = restore.import_account(db.session, me().user, archive.read_document(upload.read()))
    db.session.commit()
    restored = ", ".join(f"{n} {section.replace('_', ' ')}" for section, n in counts.items() if n)
    flash(f"Restored {restored or 'an empty account'}.", "success")
    return redirect(url_for("transfer.index"))


@bp.route("/export/contacts.csv")
def export_contacts() -> Any:
    caller = me()
    buffer = io.StringIO()
    archive.write_contacts_csv(db.session, caller.id, caller.params, caller.now, buffer)
    return Response(
        buffer.getvalue(), mimetype="text/csv", headers={"Content-Disposition": 'attachment; filename="outreach-contacts.csv"'}
    )


@bp.route("/export/outreach.json")
def export_json() -> Any:
    document = archive.export_account(db.session, me().user)
    body = json.dumps(document, indent=2, ensure_ascii=False)
    return Response(
        body, mimetype="application/json", headers={"Content-Disposition": 'attachment; filename="outreach-export.json"'}
    )
