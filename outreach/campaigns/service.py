"""Campaigns and busy periods."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, update
from sqlalchemy.orm import Session

from outreach.campaigns.models import Campaign
from outreach.contacts.models import BusyPeriod, Contact
from outreach.core import records
from outreach.core.ownership import get_owned
from outreach.core.types import utcnow
from outreach.domain import rules
from outreach.domain.vocabulary import LIVE_STATES
from outreach.reminders.models import Reminder

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


def delete_campaign(session: Session, campaign: Campaign, now: datetime | None = None) -> None:
    """Soft delete (undo can restore it); its live reminders are withdrawn, so calendars cancel them.

    Its asks stay in the ledger; its episodes and reminders stay stored for a restore."""
    now = now or utcnow()
    campaign.deleted_at = now
    session.execute(
        update(Reminder)
        .where(Reminder.owner_id == campaign.owner_id, Reminder.campaign_id == campaign.id, Reminder.state.in_(LIVE_STATES))
        .values(state="withdrawn", updated_at=now, sequence=Reminder.sequence + 1)
    )
    session.flush()


def restore_campaign(session: Session, owner_id: int, campaign_id: int, now: datetime | None = None) -> Campaign:
    """Undo a delete: the campaign and the reminders its delete withdrew (same moment) come back."""
    now = now or utcnow()
    campaign = get_owned(session, Campaign, campaign_id, owner_id, include_deleted=True)
    if campaign.deleted_at is not None:
        session.execute(
            update(Reminder)
            .where(
                Reminder.owner_id == owner_id,
                Reminder.campaign_id == campaign.id,
                Reminder.state == "withdrawn",
                Reminder.updated_at == campaign.deleted_at,
            )
            # A reminder snoozed past today stays snoozed; the rest are open again.
            .values(
                state=case((Reminder.snoozed_until > now.date(), "snoozed"), else_="open"),
                updated_at=now,
                sequence=Reminder.sequence + 1,
            )
        )
        campaign.deleted_at = None
    session.flush()
    return campaign


def add_busy_period(
    session: Session, contact: Contact, start: date, end: date, summary: str = "", source: str = "manual"
) -> BusyPeriod:
    rules.busy_period(start, end)
    period = BusyPeriod(owner_id=contact.owner_id, contact_id=contact.id, start=start, end=end, summary=summary, source=source)
    session.add(period)
    session.flush()
    return period
