"""Campaigns and busy periods."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from outreach.campaigns.models import Campaign
from outreach.contacts.models import BusyPeriod, Contact
from outreach.core import records
from outreach.domain import rules

CAMPAIGN_FIELDS = (
    "name",
    "kind",
    "date",
    "topics",
    "yes_target",
    "window_start_weeks",
    "window_end_weeks",
    "description",
)


def create_campaign(session: Session, owner_id: int, data: Mapping[str, Any]) -> Campaign:
    rules.ask_window(data.get("window_start_weeks", 12), data.get("window_end_weeks", 3))  # the columns' defaults
    return records.create(session, Campaign, owner_id, CAMPAIGN_FIELDS, data)


def update_campaign(session: Session, campaign: Campaign, data: Mapping[str, Any]) -> Campaign:
    # A patch may move one end of the window: the rule is checked on the window it would leave.
    rules.ask_window(
        data.get("window_start_weeks", campaign.window_start_weeks), data.get("window_end_weeks", campaign.window_end_weeks)
    )
    return records.update(session, campaign, CAMPAIGN_FIELDS, data)


def delete_campaign(session: Session, campaign: Campaign) -> None:
    session.delete(campaign)
    session.flush()


def add_busy_period(
    session: Session, contact: Contact, start: date, end: date, summary: str = "", source: str = "manual"
) -> BusyPeriod:
    rules.busy_period(start, end)
    period = BusyPeriod(owner_id=contact.owner_id, contact_id=contact.id, start=start, end=end, summary=summary, source=source)
    session.add(period)
    session.flush()
    return period
