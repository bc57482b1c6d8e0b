"""Feeds on the contact page (add, try again, remove) and the openings' one-click actions on Today."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for

from outreach.contacts.models import Contact
from outreach.core.errors import InvalidInput, validated
from outreach.core.web import flash_back, me, owned_or_404
from outreach.domain.shows import describe, stopped_warning
from outreach.extensions import db
from outreach.feeds import openings, service
from outreach.feeds.models import Feed, Opening
from outreach.feeds.schemas import FeedIn

bp = Blueprint("feeds", __name__)
ACTIONS = {"comment": ("acted", "comment"), "share": ("acted", "share"), "dismiss": ("dismissed", None)}


@bp.app_context_processor
def contact_feeds_helper() -> dict[str, Any]:
    """``contact_feeds(contact)`` for the contact page's include: its feeds, each with its show's sentence."""

    def contact_feeds(contact: Contact) -> list[dict[str, Any]]:
        caller = me()
        found = []
        for feed in service.feeds_of(db.session, caller.id, contact.id):
            show = feed.show(caller.now.date())
            found.append(
                {
                    "feed": feed,
                    "show": describe(show) if show else None,
                    "stopped_show": stopped_warning(show) if show else None,
                }
            )
        return found

    return {"contact_feeds": contact_feeds}


def _back(contact_id: int) -> Any:
    return redirect(url_for("contacts.detail", contact_id=contact_id) + "#feeds")


@bp.route("/contacts/<int:contact_id>/feeds", methods=["POST"])
def add(contact_id: int) -> Any:
    contact = owned_or_404(Contact, contact_id)
    flash_back(url_for("contacts.detail", contact_id=contact.id) + "#feeds", "Feed not added")
    valid = validated(FeedIn, {"url": (request.form.get("url") or "").strip()})
    try:
        feed = service.add_feed(db.session, contact, valid.url, me().now)
    except InvalidInput as exc:  # the one field's sentence is the whole message
        db.session.rollback()
        flash(f"Feed not added. {exc.fields.get('url', str(exc))}", "error")
        return _back(contact.id)
    db.session.commit()
    flash(f"Following {feed.title or feed.feed_url}: fresh posts will show on Today.", "success")
    return _back(contact.id)


@bp.route("/feeds/<int:feed_id>/retry", methods=["POST"])
def retry(feed_id: int) -> Any:
    feed = owned_or_404(Feed, feed_id)
    now = me().now
    service.restart(feed, now)
    counts = service.read_now(db.session, feed, now)
    db.session.commit()
    if counts["failed"]:
        flash(f"Still failing: {feed.error}.", "error")
    else:
        flash(f"Read again: {counts['new_posts']} new posts.", "success")
    return _back(feed.contact_id)


@bp.route("/feeds/<int:feed_id>/delete", methods=["POST"])
def delete(feed_id: int) -> Any:
    feed = owned_or_404(Feed, feed_id)
    contact_id = feed.contact_id
    service.delete_feed(db.session, feed)
    db.session.commit()
    flash("Feed removed, with its posts.", "info")
    return _back(contact_id)


@bp.route("/openings/<int:opening_id>", methods=["POST"])
def act(opening_id: int) -> Any:
    opening = owned_or_404(Opening, opening_id)
    chosen = ACTIONS.get(request.form.get("action", ""))
    if chosen is None:
        abort(400, "Choose commented, shared or dismiss.")
    state, kind = chosen
    try:
        openings.act(db.session, opening, me(), state, kind)
    except InvalidInput as exc:
        flash(exc.fields.get("state", str(exc)), "info")
        return redirect(url_for("today.index"))
    db.session.commit()
    if state == "acted":
        flash(f"Logged a {kind} on “{opening.title}” for {opening.contact_name}.", "success")
    else:
        flash("Dismissed.", "info")
    return redirect(url_for("today.index") + "#fresh")
