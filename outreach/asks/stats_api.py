"""/stats: going for no, in numbers."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from outreach.asks.stats import stats_for, stats_json
from outreach.core.api import bp
from outreach.core.api_context import caller
from outreach.core.openapi import endpoint
from outreach.extensions import db


@endpoint(bp, "/stats", "GET", "Asks, yeses, explicit and implicit nos, ratios, reasons and lessons", tag="asks", not_found=False)
def get_stats() -> Any:
    me = caller()
    return jsonify(stats_json(db.session, me, stats_for(db.session, me)))
