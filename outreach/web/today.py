"""Today: whom to ask now, whom to warm up, how this week's asking goes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from outreach.extensions import db
from outreach.services import today as service
from outreach.web.common import me

bp = Blueprint("today", __name__)


@bp.route("/")
def index() -> Any:
    caller = me()
    pairs = service.campaign_pairs(db.session, caller)
    return render_template(
        "today.html",
        ask_now=service.ask_now(pairs),
        cooling=service.cooling(db.session, caller),
        closest=service.closest_to_ready(db.session, pairs),
        week=service.week_of_asking(db.session, caller),
        now=caller.now,
    )
