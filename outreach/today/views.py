"""Today: whom to ask now, whom to warm up, how this week's asking goes, and the reminders due."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from pydantic import ValidationError

from outreach.contacts import touches as touch_service
from outreach.contacts.schemas import TouchIn
from outreach.core.page_cache import cached_page
from outreach.core.web import flash_back, me, owned_or_404, parse_id
from outreach.domain import warmth
from outreach.extensions import db
from outreach.feeds.openings import fresh_openings
from outreach.learning import service as learning
from outreach.reminders import service as reminders
from outreach.reminders.models import Reminder
from outreach.today import service
from outreach.today.checklist import checklist

bp = Blueprint("today", __name__)
ACTIONS = {"done": "done", "dismiss": "dismissed", "snooze_1d": "1d", "snooze_1w": "1w"}


@bp.route("/")
@cached_page
def index() -> Any:
    caller = me()
    show_all = request.args.get("all") == "1"
    steps = checklist(db.session, caller)
    return render_template(
        "today/index.html",
        today=service.today(db.session, caller, show_all=show_all),
        show_all=show_all,
        warm_up_shown=service.WARM_UP_SHOWN,
        steps=steps,
        # A brand-new account has nobody to ask or warm yet: the checklist says where to begin instead.
        has_people=not steps or any(s.done for s in steps if s.key in ("import", "contact")),
        now=caller.local_now,
        nos_in_a_row=(run := learning.nos_in_a_row(db.session, caller.id)),
        wins=learning.wins_of(db.session, caller.id, 3) if run >= learning.WIN_AFTER_NOS else [],
        openings=fresh_openings(db.session, caller),
    )


@bp.route("/today/touches", methods=["POST"])
def log_warm_up_touch() -> Any:
    """The warm-up list's one-click "Done": log the suggested touch, made just now, and come back."""
    caller = me()
    target = touch_service.contact_to_touch(db.session, caller.id, parse_id(request.form.get("contact_id")) or 0)
    contact = target.contact
    try:
        valid = TouchIn.model_validate(
            {
                "kind": request.form.get("kind", ""),
                "direction": "outbound",
                "occurred_at": caller.now,
                "note": request.form.get("note", "")[:500],
            }
        )
    except ValidationError:
        abort(400, "That touch has no kind Outreach knows: choose comment, share, email, DM, purchase, call or meeting.")
    touch_service.log_touch(db.session, target, valid.model_dump(), caller.params)
    db.session.commit()
    now_warmth = warmth.warmth(contact.warmth_key, caller.now, caller.params)
    done = valid.note or "a touch"
    flash(f"Logged for {contact.name}: {done[0].lower() + done[1:]}. Warmth is now {now_warmth:.0f}.", "success")
    back = url_for("today.index", all="1") if request.form.get("all") == "1" else url_for("today.index")
    return redirect(back + "#warm-up")


@bp.route("/reminders/<int:reminder_id>", methods=["POST"])
def act_on_reminder(reminder_id: int) -> Any:
    caller = me()
    reminder = owned_or_404(Reminder, reminder_id)
    action = ACTIONS.get(request.form.get("action", ""))
    if action is None:
        abort(400, "Choose done, dismiss, or snooze for a day or a week.")
    flash_back(url_for("today.index"), "Not changed")
    if action in ("1d", "1w"):
        until = reminders.snooze_date(caller.now.date(), action)
        reminders.act(db.session, reminder, "snoozed", caller.now, until)
        flash(f"Snoozed until {until:%a %d %b}.", "info")
    else:
        reminders.act(db.session, reminder, action, caller.now)
        flash(f"Marked {action}.", "success")
    db.session.commit()
    return redirect(url_for("today.index"))
