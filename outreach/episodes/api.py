"""/campaigns/<id>/episodes and /contacts/<id>/offers: the guest pipeline and the give-and-take."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from outreach.campaigns.models import Campaign
from outreach.contacts.models import Contact
from outreach.core.api import bp
from outreach.core.api_context import caller
from outreach.core.openapi import endpoint
from outreach.core.ownership import get_owned
from outreach.core.schemas import EpisodeIn, EpisodePatch, OfferIn
from outreach.core.serialize import iso
from outreach.episodes import service
from outreach.episodes.models import Episode, Offer
from outreach.extensions import db


def episode_json(episode: Episode) -> dict[str, Any]:
    return {
        "id": episode.id,
        "campaign_id": episode.campaign_id,
        "contact_id": episode.contact_id,
        "title": episode.title,
        "stage": episode.stage,
        "recording_at": iso(episode.recording_at),
        "published_on": iso(episode.published_on),
        "notes": episode.notes,
    }


def offer_json(offer: Offer) -> dict[str, Any]:
    return {
        "id": offer.id,
        "contact_id": offer.contact_id,
        "direction": offer.direction,
        "kind": offer.kind,
        "happened_on": iso(offer.happened_on),
        "note": offer.note,
    }


@endpoint(bp, "/campaigns/<int:campaign_id>/episodes", "GET", "A podcast season's episodes", tag="campaigns")
def list_episodes(campaign_id: int) -> Any:
    episodes = service.episodes_of(db.session, get_owned(db.session, Campaign, campaign_id, caller().id))
    return jsonify({"items": [episode_json(e) for e in episodes], "total": len(episodes)})


@endpoint(
    bp, "/campaigns/<int:campaign_id>/episodes", "POST", "Add a guest to a season", tag="campaigns", body=EpisodeIn, status=201
)
def create_episode(campaign_id: int, body: EpisodeIn) -> Any:
    campaign = get_owned(db.session, Campaign, campaign_id, caller().id)
    episode = service.add_episode(db.session, campaign, body.model_dump())
    db.session.commit()
    return jsonify(episode_json(episode)), 201


@endpoint(
    bp,
    "/episodes/<int:episode_id>",
    "PATCH",
    "Move an episode along: booked, recorded, published",
    tag="campaigns",
    body=EpisodePatch,
)
def patch_episode(episode_id: int, body: EpisodePatch) -> Any:
    episode = get_owned(db.session, Episode, episode_id, caller().id)
    service.update_episode(db.session, episode, body.model_dump(exclude_unset=True))
    db.session.commit()
    return jsonify(episode_json(episode))


@endpoint(bp, "/contacts/<int:contact_id>/offers", "GET", "What you gave a partner and what came back", tag="contacts")
def list_offers(contact_id: int) -> Any:
    offers = service.offers_of(db.session, get_owned(db.session, Contact, contact_id, caller().id))
    return jsonify({"items": [offer_json(o) for o in offers], "total": len(offers)})


@endpoint(
    bp,
    "/contacts/<int:contact_id>/offers",
    "POST",
    "Record an offer given or a promotion received",
    tag="contacts",
    body=OfferIn,
    status=201,
)
def create_offer(contact_id: int, body: OfferIn) -> Any:
    offer = service.add_offer(db.session, get_owned(db.session, Contact, contact_id, caller().id), body.model_dump())
    db.session.commit()
    return jsonify(offer_json(offer)), 201


@endpoint(bp, "/offers/<int:offer_id>", "DELETE", "Delete an offer", tag="contacts", status=204)
def delete_offer(offer_id: int) -> Any:
    db.session.delete(get_owned(db.session, Offer, offer_id, caller().id))
    db.session.commit()
    return "", 204
