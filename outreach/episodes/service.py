"""The podcast guest pipeline and partners' give-and-take."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session, joinedload

from outreach.campaigns.models import Campaign
from outreach.contacts.models import Contact
from outreach.core import records
from outreach.core.errors import InvalidInput
from outreach.core.ownership import get_owned, owned
from outreach.domain import rules
from outreach.episodes.models import Episode, Offer
from outreach.episodes.schemas import EpisodePatch

EPISODE_FIELDS = tuple(EpisodePatch.model_fields)


def add_episode(session: Session, campaign: Campaign, data: Mapping[str, Any]) -> Episode:
    if campaign.kind != "podcast_season":
        raise InvalidInput({"campaign": "episodes belong to a podcast season"})
    rules.episode_booking(data.get("stage"), data.get("recording_at"))
    contact = get_owned(session, Contact, data["contact_id"], campaign.owner_id)
    return records.create(
        session, Episode, campaign.owner_id, EPISODE_FIELDS, data, campaign_id=campaign.id, contact_id=contact.id
    )


def update_episode(session: Session, episode: Episode, data: Mapping[str, Any]) -> Episode:
    # Checked on the episode the patch would leave: moving to "booked" needs a date sent or stored.
    rules.episode_booking(data.get("stage", episode.stage), data.get("recording_at", episode.recording_at))
    return records.update(session, episode, EPISODE_FIELDS, data)


def episodes_of(session: Session, campaign: Campaign) -> list[Episode]:
    query = owned(Episode, campaign.owner_id).where(Episode.campaign_id == campaign.id).options(joinedload(Episode.contact))
    return list(session.scalars(query.order_by(Episode.recording_at.is_(None), Episode.recording_at, Episode.id)))


def add_offer(session: Session, contact: Contact, data: Mapping[str, Any]) -> Offer:
    offer = Offer(owner_id=contact.owner_id, contact_id=contact.id, **dict(data))
    session.add(offer)
    session.flush()
    return offer


def offers_of(session: Session, contact: Contact) -> list[Offer]:
    query = owned(Offer, contact.owner_id).where(Offer.contact_id == contact.id)
    return list(session.scalars(query.order_by(Offer.happened_on, Offer.id)))
