"""Replies the mailbox noticed to open asks: one sentence each, for Today, the digest and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.contacts.models import Contact
from outreach.core.caller import Caller
from outreach.core.ownership import owned


@dataclass(frozen=True)
class ReplyNotice:
    ask_id: int
    contact_id: int
    contact_name: str
    campaign_name: str | None
    replied_at: datetime
    subject: str

    @property
    def sentence(self) -> str:
        """ "Maya replied on 2 Dec to your Season 4 ask — record the outcome"."""
        first = self.contact_name.split()[0] if self.contact_name.strip() else self.contact_name
        about = f"your {self.campaign_name} ask" if self.campaign_name else "your ask"
        return f"{first} replied on {self.replied_at.day} {self.replied_at:%b} to {about} — record the outcome"


def replies_to_record(session: Session, me: Caller, limit: int = 20) -> list[ReplyNotice]:
    """Asks still pending whose contact has answered: the outcome is the user's to record, never ours."""
    rows = session.execute(
        owned(Ask, me.id)
        .join(Contact, Contact.id == Ask.contact_id)
        .outerjoin(Campaign, Campaign.id == Ask.campaign_id)
        .where(Ask.outcome == "pending", Ask.replied_at.is_not(None), Contact.deleted_at.is_(None))
        .with_only_columns(Ask.id, Contact.id, Contact.name, Campaign.name, Ask.replied_at, Ask.reply_subject)
        .order_by(Ask.replied_at.desc())
        .limit(limit)
    )
    return [ReplyNotice(a, c, name, campaign, at, subject or "") for a, c, name, campaign, at, subject in rows]
