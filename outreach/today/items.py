"""One line of Today, as the page, the digest and the API all show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from outreach.campaigns.models import Campaign
from outreach.contacts.models import Contact
from outreach.core.ownership import owned
from outreach.domain import readiness


@dataclass(frozen=True)
class Item:
    """One line of Today: who, for which campaign, why (the sentence) and what to do (the action)."""

    contact_id: int | None
    contact_name: str | None
    campaign_id: int | None
    campaign_name: str | None
    sentence: str
    action: str
    kind: str  # "ask"; "touch" or "wait"; a reminder's kind; "single" or "bulk"; "follow_up"; "reply"
    day: date | None = None  # ready on, due on, asked on, follow up on, or replied on
    touch_kind: str | None = None
    ask_id: int | None = None
    reminder_id: int | None = None
    warmth: float | None = None
    moonshot: bool = False
    criteria: tuple[tuple[str, readiness.Criterion], ...] = ()
    subject: str | None = None  # a reply's subject line, as the mailbox saw it

    def as_dict(self) -> dict[str, Any]:
        return {
            "contact_id": self.contact_id,
            "contact_name": self.contact_name,
            "campaign_id": self.campaign_id,
            "campaign_name": self.campaign_name,
            "sentence": self.sentence,
            "action": self.action,
            "kind": self.kind,
            "date": self.day.isoformat() if self.day else None,
            "touch_kind": self.touch_kind,
            "ask_id": self.ask_id,
            "reminder_id": self.reminder_id,
            "warmth": round(self.warmth, 1) if self.warmth is not None else None,
            "moonshot": self.moonshot,
            "criteria": {name.lower(): {"met": c.met, "score": c.score, "reason": c.reason} for name, c in self.criteria},
            "subject": self.subject,
        }


def names_of(session: Session, owner_id: int, model: type[Contact] | type[Campaign], ids: set[int | None]) -> dict[int, str]:
    """Names of several of the owner's contacts or campaigns, in one query."""
    wanted = sorted(i for i in ids if i is not None)
    if not wanted:
        return {}
    query = owned(model, owner_id).where(model.id.in_(wanted)).with_only_columns(model.id, model.name)
    return {row[0]: row[1] for row in session.execute(query)}
