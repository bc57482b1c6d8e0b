"""Today: whom to ask now, whom to warm up, how this week's asking goes, and the reminders due."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from outreach.campaigns import plans
from outreach.capture.notices import replies_to_record
from outreach.core.errors import InvalidInput
from outreach.core.web import me, owned_or_404
from outreach.extensions import db
from outreach.reminders import service as reminders
from outreach.reminders.models import Reminder
from outreach.today import service

bp = Blueprint("today", __name__)
ACTIONS = {"done": "done", "dismiss": "dismissed", "snooze_1d": "1d", "snooze_1w": "1w"}


@bp.route("/")
def index() -> Any:
    caller = me()
    board = service.board(db.session, caller)
    return render_template(
        "today/index.html",
        reminders=reminders.due(db.session, caller.id, caller.now.date()),
        ask_now=board.ask_now,
        ask_now_total=board.ask_now_total,
        cooling=service.cooling(db.session, caller),
        closest=[(p, service.suggest_touch(db.session, caller.id, p.contact.id)) for p in board.closest],
        week=service.week_of_asking(db.session, caller),
        now=caller.now,
        nos_in_a_row=(run := plans.nos_in_a_row(db.session, caller.id)),
        wins=plans.wins_of(db.session, caller.id, 3) if run >= plans.WIN_AFTER_NOS else [],
        replies=replies_to_record(db.session, caller),
    )


@bp.route("/reminders/<int:reminder_id>", methods=["POST"])
def act_on_reminder(reminder_id: int) -> Any:
    caller = me()
    reminder = owned_or_404(Reminder, reminder_id)
    action = ACTIONS.get(request.form.get("action", ""))
    if action is None:
        abort(400, "Choose done, dismiss, or snooze for a day or a week.")
    try:
        if action in ("1d", "1w"):
            until = reminders.snooze_date(caller.now.date(), action)
            reminders.act(db.session, reminder, "snoozed", caller.now, until)
            flash(f"Snoozed until {until:%a %d %b}.", "info")
        else:
            reminders.act(db.session, reminder, action, caller.now)
            flash(f"Marked {action}.", "success")
    except InvalidInput as exc:
        flash(str(exc), "error")
        return redirect(url_for("today.index"))
    db.session.commit()
    return redirect(url_for("today.index"))
