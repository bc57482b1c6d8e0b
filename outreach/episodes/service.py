"""The podcast guest pipeline and partners' give-and-take."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from outreach.campaigns.models import Campaign
from outreach.contacts.models import Contact
from outreach.core.errors import InvalidInput
from outreach.core.ownership import get_owned, owned
from outreach.episodes.models import Episode, Offer
from outreach.episodes.schemas import EpisodePatch

EPISODE_FIELDS = tuple(EpisodePatch.model_fields)


def add_episode(session: Session, campaign: Campaign, data: Mapping[str, Any]) -> Episode:
    if campaign.kind != "podcast_season":
        raise InvalidInput({"campaign": "episodes belong to a podcast season"})
    contact = get_owned(session, Contact, data["contact_id"], campaign.owner_id)
    episode = Episode(
        owner_id=campaign.owner_id,
        campaign_id=campaign.id,
        contact_id=contact.id,
        **{k: data[k] for k in EPISODE_FIELDS if k in data},
    )
    session.add(episode)
    session.flush()
    return episode


def update_episode(session: Session, episode: Episode, data: Mapping[str, Any]) -> Episode:
    for name in EPISODE_FIELDS:
        if name in data:
            setattr(episode, name, data[name])
    if episode.stage == "booked" and episode.recording_at is None:
        raise InvalidInput({"recording_at": "a booked episode needs its recording date"})
    session.flush()
    return episode


def episodes_of(session: Session, campaign: Campaign) -> list[Episode]:
    query = owned(Episode, campaign.owner_id).where(Episode.campaign_id == campaign.id)
    return list(session.scalars(query.order_by(Episode.recording_at.is_(None), Episode.recording_at, Episode.id)))


def add_offer(session: Session, contact: Contact, data: Mapping[str, Any]) -> Offer:
    offer = Offer(owner_id=contact.owner_id, contact_id=contact.id, **dict(data))
    session.add(offer)
    session.flush()
    return offer


def offers_of(session: Session, contact: Contact) -> list[Offer]:
    query = owned(Offer, contact.owner_id).where(Offer.contact_id == contact.id)
    return list(session.scalars(query.order_by(Offer.happened_on, Offer.id)))
