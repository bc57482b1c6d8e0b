"""/stats: going for no, in numbers."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from outreach.api.blueprint import bp
from outreach.api.context import caller
from outreach.api.spec import endpoint
from outreach.extensions import db
from outreach.services.stats import stats_for, stats_json


@endpoint(bp, "/stats", "GET", "Asks, yeses, explicit and implicit nos, ratios, reasons and lessons", tag="asks", not_found=False)
def get_stats() -> Any:
    me = caller()
    return jsonify(stats_json(db.session, me, stats_for(db.session, me)))
