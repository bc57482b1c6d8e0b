"""/today: the same lists as the Today page and the morning digest, from the same function."""

from __future__ import annotations

from outreach.core.api import bp
from outreach.core.api_context import caller
from outreach.core.openapi import endpoint
from outreach.core.schemas import Strict
from outreach.extensions import db
from outreach.today import service
from outreach.today.schemas import TodayOut


class TodayQuery(Strict):
    all: bool = False  # every warm-up and ask-now item kept, not only the short lists the page shows first


@endpoint(
    bp,
    "/today",
    "GET",
    "Today's advice: ask_now, warm_up, reminders_due, waiting, follow_ups (each naming contact and campaign, "
    "with a sentence and an action), this_week (the week's asking, counted as /stats counts it) and replies (open "
    "asks the mailbox saw answered: record their outcome)",
    tag="today",
    query=TodayQuery,
    response=TodayOut,
    not_found=False,
)
def get_today(query: TodayQuery) -> TodayOut:
    me = caller()
    return TodayOut.model_validate(service.today(db.session, me, show_all=query.all).as_dict())
