"""/campaigns/<id>/episodes and /contacts/<id>/offers: the guest pipeline and the give-and-take."""

from __future__ import annotations

from outreach.campaigns.models import Campaign
from outreach.contacts.models import Contact
from outreach.core.api import bp
from outreach.core.api_context import caller
from outreach.core.openapi import endpoint
from outreach.core.ownership import get_owned
from outreach.core.schemas import Listing, Strict
from outreach.episodes import service
from outreach.episodes.models import Episode, Offer
from outreach.episodes.schemas import EpisodeIn, EpisodeOut, EpisodePatch, OfferIn, OfferOut
from outreach.extensions import db


@endpoint(
    bp,
    "/campaigns/<int:campaign_id>/episodes",
    "GET",
    "A podcast season's episodes",
    tag="campaigns",
    response=Listing[EpisodeOut],
)
def list_episodes(campaign_id: int) -> Listing[EpisodeOut]:
    episodes = service.episodes_of(db.session, get_owned(db.session, Campaign, campaign_id, caller().id))
    return Listing[EpisodeOut].of([EpisodeOut.model_validate(e) for e in episodes])


@endpoint(
    bp,
    "/campaigns/<int:campaign_id>/episodes",
    "POST",
    "Add a guest to a season",
    tag="campaigns",
    body=EpisodeIn,
    response=EpisodeOut,
    status=201,
)
def create_episode(campaign_id: int, body: EpisodeIn) -> EpisodeOut:
    campaign = get_owned(db.session, Campaign, campaign_id, caller().id)
    episode = service.add_episode(db.session, campaign, body.model_dump())
    db.session.commit()
    return EpisodeOut.model_validate(episode)


@endpoint(
    bp,
    "/episodes/<int:episode_id>",
    "PATCH",
    "Move an episode along: booked, recorded, published",
    tag="campaigns",
    body=EpisodePatch,
    response=EpisodeOut,
)
def patch_episode(episode_id: int, body: Strict) -> EpisodeOut:
    episode = get_owned(db.session, Episode, episode_id, caller().id)
    service.update_episode(db.session, episode, body.model_dump(exclude_unset=True))
    db.session.commit()
    return EpisodeOut.model_validate(episode)


@endpoint(
    bp,
    "/contacts/<int:contact_id>/offers",
    "GET",
    "What you gave a partner and what came back",
    tag="contacts",
    response=Listing[OfferOut],
)
def list_offers(contact_id: int) -> Listing[OfferOut]:
    offers = service.offers_of(db.session, get_owned(db.session, Contact, contact_id, caller().id))
    return Listing[OfferOut].of([OfferOut.model_validate(o) for o in offers])


@endpoint(
    bp,
    "/contacts/<int:contact_id>/offers",
    "POST",
    "Record an offer given or a promotion received",
    tag="contacts",
    body=OfferIn,
    response=OfferOut,
    status=201,
)
def create_offer(contact_id: int, body: OfferIn) -> OfferOut:
    offer = service.add_offer(db.session, get_owned(db.session, Contact, contact_id, caller().id), body.model_dump())
    db.session.commit()
    return OfferOut.model_validate(offer)


@endpoint(bp, "/offers/<int:offer_id>", "DELETE", "Delete an offer", tag="contacts", status=204)
def delete_offer(offer_id: int) -> None:
    db.session.delete(get_owned(db.session, Offer, offer_id, caller().id))
    db.session.commit()
