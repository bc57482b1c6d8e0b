"""Today's lists as the API returns and documents them."""

from __future__ import annotations

from datetime import date

from outreach.campaigns.schemas import CriterionOut
from outreach.core.schemas import Out


class TodayItemOut(Out):
    """One line of Today: who, for which campaign, why (the sentence) and what to do (the action)."""

    contact_id: int | None
    contact_name: str | None
    campaign_id: int | None
    campaign_name: str | None
    sentence: str
    action: str
    kind: str
    date: date | None
    touch_kind: str | None
    ask_id: int | None
    reminder_id: int | None
    warmth: float | None
    moonshot: bool
    criteria: dict[str, CriterionOut]
    subject: str | None  # a reply's subject line (replies only)


class WeekOut(Out):
    """This week's asking, counted as go-for-no and /stats count it."""

    week_start: date
    asks: int
    yeses: int
    nos: int
    explicit_nos: int
    implicit_nos: int
    pending: int
    no_goal: int
    nos_to_goal: int
    sentence: str


class TodayOut(Out):
    ask_now: list[TodayItemOut]
    warm_up: list[TodayItemOut]
    reminders_due: list[TodayItemOut]
    waiting: list[TodayItemOut]
    follow_ups: list[TodayItemOut]
    this_week: WeekOut
    replies: list[TodayItemOut]  # open asks the mailbox saw answered: the outcome is yours to record
