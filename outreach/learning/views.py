"""Message templates and the bank of wins, from the web."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from pydantic import ValidationError

from outreach.asks.models import Ask
from outreach.campaigns import plans as service
from outreach.core.ownership import owned
from outreach.core.web import flash_refusal, me, owned_or_404
from outreach.domain import plan
from outreach.extensions import db
from outreach.learning.models import Message, Win
from outreach.learning.schemas import MessageIn, WinIn

bp = Blueprint("learning", __name__)


@bp.route("/messages", methods=["GET", "POST"])
def messages() -> Any:
    caller = me()
    if request.method == "POST":
        try:
            valid = MessageIn.model_validate({"name": request.form.get("name", ""), "body": request.form.get("body", "")})
        except ValidationError as exc:
            flash_refusal("Not saved", exc)
        else:
            db.session.add(Message(owner_id=caller.id, **valid.model_dump()))
            db.session.commit()
            flash("Message saved. Name it on the asks that use it.", "success")
        return redirect(url_for("learning.messages"))
    results = service.message_results(db.session, caller.id)
    bodies = {m.id: m for m in db.session.scalars(owned(Message, caller.id))}
    return render_template("learning/messages.html", results=results, bodies=bodies, comparison=plan.compare(results))


@bp.route("/messages/<int:message_id>", methods=["POST"])
def edit_message(message_id: int) -> Any:
    message = owned_or_404(Message, message_id)
    if request.form.get("action") == "delete":
        db.session.delete(message)
        db.session.commit()
        flash("Message deleted; the asks that used it keep their outcomes.", "info")
        return redirect(url_for("learning.messages"))
    try:
        valid = MessageIn.model_validate({"name": request.form.get("name", ""), "body": request.form.get("body", "")})
    except ValidationError as exc:
        flash_refusal("Not saved", exc)
    else:
        message.name, message.body = valid.name, valid.body
        db.session.commit()
        flash("Message updated.", "success")
    return redirect(url_for("learning.messages"))


@bp.route("/wins", methods=["GET", "POST"])
def wins() -> Any:
    caller = me()
    if request.method == "POST":
        ask = owned_or_404(Ask, request.form.get("ask_id", type=int)) if request.form.get("ask_id") else None
        try:
            valid = WinIn.model_validate({"kind": request.form.get("kind", "yes"), "text": request.form.get("text", "")})
        except ValidationError as exc:
            flash_refusal("Not saved", exc)
        else:
            db.session.add(
                Win(
                    owner_id=caller.id,
                    kind=valid.kind,
                    text=valid.text,
                    ask_id=ask.id if ask else None,
                    contact_id=ask.contact_id if ask else None,
                )
            )
            db.session.commit()
            flash("Banked. Read these on the weeks of nos.", "success")
        return redirect(url_for("learning.wins"))
    ask = owned_or_404(Ask, request.args.get("ask", type=int)) if request.args.get("ask") else None
    return render_template("learning/wins.html", wins=service.wins_of(db.session, caller.id, 200), ask=ask)


@bp.route("/wins/<int:win_id>/delete", methods=["POST"])
def delete_win(win_id: int) -> Any:
    db.session.delete(owned_or_404(Win, win_id))
    db.session.commit()
    return redirect(url_for("learning.wins"))
