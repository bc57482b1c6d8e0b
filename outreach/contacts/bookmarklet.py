"""The bookmarklet: from their blog post or episode, one click opens our page to log the touch.

The bookmarklet only navigates to this page with the URL and title in the query string; the
touch is saved by a normal same-site form post, behind login and CSRF like every other form.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for

from outreach.contacts import touches as touch_service
from outreach.contacts.models import Contact
from outreach.contacts.schemas import TouchIn
from outreach.core.errors import validated
from outreach.core.forms import choices
from outreach.core.ownership import owned
from outreach.core.web import flash_back, me, owned_or_404
from outreach.domain.vocabulary import TouchKind
from outreach.extensions import db
from outreach.transfer.csvfiles import normalize_link

bp = Blueprint("bookmarklet", __name__)


def _host(url: str) -> str:
    return normalize_link(url).split("/", 1)[0]


def matching_contacts(url: str) -> tuple[list[Contact], list[Contact]]:
    """Contacts whose links share the page's domain first, then everyone else by name."""
    host = _host(url) if url else ""
    everyone = list(db.session.scalars(owned(Contact, me().id).order_by(Contact.name)))
    matched = [c for c in everyone if host and any(_host(link) == host for link in c.links)]
    return matched, [c for c in everyone if c not in matched]


@bp.route("/log", methods=["GET"])
def log_page() -> Any:
    url = request.args.get("url", "")[:2000]
    title = request.args.get("title", "")[:300]
    if url and urlsplit(url).scheme not in ("http", "https"):
        url = ""
    matched, others = matching_contacts(url)
    return render_template("bookmarklet/log.html", url=url, title=title, matched=matched, others=others, kinds=choices(TouchKind))


@bp.route("/log", methods=["POST"])
def log_touch() -> Any:
    contact = owned_or_404(Contact, request.form.get("contact_id", type=int) or 0)
    flash_back(url_for("bookmarklet.log_page", url=request.form.get("url", ""), title=request.form.get("note", "")), "Not logged")
    fields = {
        "kind": request.form.get("kind", "comment"),
        "direction": request.form.get("direction", "outbound"),
        "url": request.form.get("url") or None,
        "note": request.form.get("note", ""),
    }
    valid = validated(TouchIn, fields)
    data = valid.model_dump()
    data["occurred_at"] = me().now
    touch_service.log_touch(db.session, contact, data, me().params)
    db.session.commit()
    flash(f"Logged a {valid.kind} for {contact.name}.", "success")
    return redirect(url_for("contacts.detail", contact_id=contact.id))


@bp.route("/bookmarklet")
def install() -> Any:
    target = url_for("bookmarklet.log_page", _external=True)
    code = (
        "javascript:(function(){window.open('" + target + "?url='+encodeURIComponent(location.href)"
        "+'&title='+encodeURIComponent(document.title),'outreach','width=520,height=640');})();"
    )
    return render_template("bookmarklet/install.html", code=code)
