"""Message templates and the bank of wins, from the web."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from outreach.asks.models import Ask
from outreach.core.errors import validated
from outreach.core.web import flash_back, me, owned_or_404
from outreach.domain import plan
from outreach.extensions import db
from outreach.learning import service
from outreach.learning.models import Message, Win
from outreach.learning.schemas import MessageIn, WinIn

bp = Blueprint("learning", __name__)


def _message_form() -> MessageIn:
    return validated(MessageIn, {"name": request.form.get("name", ""), "body": request.form.get("body", "")})


@bp.route("/messages", methods=["GET", "POST"])
def messages() -> Any:
    caller = me()
    if request.method == "POST":
        flash_back(url_for("learning.messages"))
        service.create_message(db.session, caller.id, _message_form().model_dump())
        db.session.commit()
        flash("Message saved. Name it on the asks that use it.", "success")
        return redirect(url_for("learning.messages"))
    results = service.message_results(db.session, caller.id)
    bodies = {m.id: m for m in service.messages_of(db.session, caller.id)}
    return render_template("learning/messages.html", results=results, bodies=bodies, comparison=plan.compare(results))


@bp.route("/messages/<int:message_id>", methods=["POST"])
def edit_message(message_id: int) -> Any:
    message = owned_or_404(Message, message_id)
    flash_back(url_for("learning.messages"))
    if request.form.get("action") == "delete":
        service.delete_message(db.session, message)
        db.session.commit()
        flash("Message deleted; the asks that used it keep their outcomes.", "info")
    else:
        service.update_message(db.session, message, _message_form().model_dump())
        db.session.commit()
        flash("Message updated.", "success")
    return redirect(url_for("learning.messages"))


@bp.route("/wins", methods=["GET", "POST"])
def wins() -> Any:
    caller = me()
    if request.method == "POST":
        flash_back(url_for("learning.wins"))
        fields = {"kind": request.form.get("kind", "yes"), "text": request.form.get("text", "")}
        valid = validated(WinIn, {**fields, "ask_id": request.form.get("ask_id") or None})
        service.create_win(db.session, caller.id, valid.model_dump())
        db.session.commit()
        flash("Banked. Read these on the weeks of nos.", "success")
        return redirect(url_for("learning.wins"))
    ask = owned_or_404(Ask, request.args.get("ask", type=int)) if request.args.get("ask") else None
    return render_template("learning/wins.html", wins=service.wins_of(db.session, caller.id, 200), ask=ask)


@bp.route("/wins/<int:win_id>/delete", methods=["POST"])
def delete_win(win_id: int) -> Any:
    service.delete_win(db.session, owned_or_404(Win, win_id))
    db.session.commit()
    return redirect(url_for("learning.wins"))
