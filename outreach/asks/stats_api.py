"""/stats: going for no, in numbers."""

from __future__ import annotations

from outreach.asks.schemas import StatsOut
from outreach.asks.stats import stats_for, stats_out
from outreach.core.api import bp
from outreach.core.api_context import caller
from outreach.core.openapi import endpoint
from outreach.extensions import db


@endpoint(
    bp,
    "/stats",
    "GET",
    "Asks, yeses, explicit and implicit nos, ratios, reasons and lessons",
    tag="asks",
    response=StatsOut,
    not_found=False,
)
def get_stats() -> StatsOut:
    me = caller()
    return stats_out(db.session, me, stats_for(db.session, me))
