"""The Go-for-no page: the numbers that keep a user asking."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from outreach.asks.stats import stats_for, stats_out
from outreach.core.web import me
from outreach.domain import plan
from outreach.extensions import db
from outreach.learning import service as learning

bp = Blueprint("goforno", __name__)


@bp.route("/go-for-no")
def index() -> Any:
    caller = me()
    stats = stats_out(db.session, caller, stats_for(db.session, caller))
    months = stats.by_month[-12:]
    peak = max([m.asks for m in months] + [1])
    results = learning.message_results(db.session, caller.id)
    return render_template(
        "asks/goforno.html",
        stats=stats,
        months=months,
        peak=peak,
        messages=results,
        comparison=plan.compare(results),
        wins=learning.wins_of(db.session, caller.id, 5),
    )
