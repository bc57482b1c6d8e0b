"""Replies the mailbox noticed to open asks: one line of Today each, for the page, the digest and the API."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.contacts.models import Contact
from outreach.core.caller import Caller
from outreach.core.ownership import owned
from outreach.domain.vocabulary import Outcome
from outreach.today.items import Item

REPLIES_SHOWN = 20


def reply_sentence(contact_name: str, campaign_name: str | None, replied_at: datetime) -> str:
    """ "Maya replied on 2 Dec to your Season 4 ask — record the outcome"."""
    first = contact_name.split()[0] if contact_name.strip() else contact_name
    about = f"your {campaign_name} ask" if campaign_name else "your ask"
    return f"{first} replied on {replied_at.day} {replied_at:%b} to {about} — record the outcome"


def replies_to_record(session: Session, me: Caller, limit: int = REPLIES_SHOWN) -> list[Item]:
    """Asks still pending whose contact has answered, the latest first: the outcome is the user's to record, never ours."""
    rows = session.execute(
        owned(Ask, me.id)
        .join(Contact, Contact.id == Ask.contact_id)
        .outerjoin(Campaign, Campaign.id == Ask.campaign_id)
        .where(Ask.outcome == Outcome.PENDING, Ask.replied_at.is_not(None), Contact.deleted_at.is_(None))
        .with_only_columns(Ask.id, Contact.id, Contact.name, Campaign.id, Campaign.name, Ask.replied_at, Ask.reply_subject)
        .order_by(Ask.replied_at.desc())
        .limit(limit)
    )
    return [
        Item(
            contact_id,
            name,
            campaign_id,
            campaign,
            reply_sentence(name, campaign, replied_at),
            "Record the outcome",
            "reply",
            replied_at.date(),
            ask_id=ask_id,
            subject=subject or None,
        )
        for ask_id, contact_id, name, campaign_id, campaign, replied_at, subject in rows
        if replied_at is not None  # the WHERE clause says so; the type checker cannot see it
    ]
