"""Random histories for the property tests that compare an incremental computation with a full one (the
tick's, Today's board): people with touches, and campaigns, written through the services."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from outreach.campaigns import service as campaign_service
from outreach.campaigns.models import Campaign
from outreach.contacts import service as contact_service
from outreach.contacts import touches as touch_service
from outreach.contacts.models import Contact
from outreach.domain import warmth
from outreach.extensions import db

Touch = tuple[str, str, float]  # kind, direction, days before the start


def people(
    owner_id: int,
    specs: Iterable[tuple[list[str], Sequence[Touch]]],
    start: datetime,
    params: warmth.WarmthParams,
    names: int = 0,
) -> list[Contact]:
    """A contact per (topics, touches), named "Person i" (i modulo ``names`` when given: shared names)."""
    made = []
    for i, (topics, touches) in enumerate(specs):
        person = contact_service.create_contact(
            db.session, owner_id, {"name": f"Person {i % names if names else i}", "topics": topics}
        )
        for kind, direction, days_ago in touches:
            at = start - timedelta(days=days_ago)
            touch_service.log_touch(db.session, person, {"kind": kind, "direction": direction, "occurred_at": at}, params)
        made.append(person)
    return made


def campaigns(owner_id: int, specs: Iterable[tuple[int, list[str]]], start: datetime) -> list[Campaign]:
    """A podcast season per (days from the start, topics)."""
    return [
        campaign_service.create_campaign(
            db.session,
            owner_id,
            {"name": f"Campaign {i}", "kind": "podcast_season", "date": start.date() + timedelta(days=days), "topics": topics},
        )
        for i, (days, topics) in enumerate(specs)
    ]
