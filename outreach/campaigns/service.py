"""Campaigns and busy periods."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, update
from sqlalchemy.orm import Session

from outreach.campaigns.models import Campaign
from outreach.contacts.models import BusyPeriod, Contact
from outreach.core.errors import InvalidInput
from outreach.core.ownership import get_owned
from outreach.core.types import utcnow
from outreach.reminders.models import LIVE_STATES, Reminder

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


def _check_window(start_weeks: int, end_weeks: int) -> None:
    if start_weeks <= end_weeks:
        raise InvalidInput({"window_start_weeks": "the ask window must open before it closes (start weeks > end weeks)"})


def create_campaign(session: Session, owner_id: int, data: Mapping[str, Any]) -> Campaign:
    values = {"window_start_weeks": 12, "window_end_weeks": 3}
    values.update({k: data[k] for k in CAMPAIGN_FIELDS if k in data})
    campaign = Campaign(owner_id=owner_id, **values)
    _check_window(campaign.window_start_weeks, campaign.window_end_weeks)
    session.add(campaign)
    session.flush()
    return campaign


def update_campaign(session: Session, campaign: Campaign, data: Mapping[str, Any]) -> Campaign:
    for name in CAMPAIGN_FIELDS:
        if name in data:
            setattr(campaign, name, data[name])
    _check_window(campaign.window_start_weeks, campaign.window_end_weeks)
    session.flush()
    return campaign


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
    if end < start:
        raise InvalidInput({"end": "the end must be on or after the start"})
    period = BusyPeriod(owner_id=contact.owner_id, contact_id=contact.id, start=start, end=end, summary=summary, source=source)
    session.add(period)
    session.flush()
    return period
