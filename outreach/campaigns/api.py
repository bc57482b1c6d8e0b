"""/campaigns and their readiness board."""

from __future__ import annotations

from outreach.campaigns import service
from outreach.campaigns.models import Campaign
from outreach.campaigns.readiness import assess_campaign
from outreach.campaigns.schemas import CampaignIn, CampaignOut, CampaignPatch, ReadinessOut, ReadinessPage
from outreach.core.api import bp
from outreach.core.api_context import caller
from outreach.core.openapi import endpoint
from outreach.core.ownership import get_owned, owned
from outreach.core.schemas import Listing, PageQuery, Strict
from outreach.extensions import db

TAG = "campaigns"


def _campaign(campaign_id: int) -> Campaign:
    return get_owned(db.session, Campaign, campaign_id, caller().id)


@endpoint(bp, "/campaigns", "GET", "List campaigns by date", tag=TAG, response=Listing[CampaignOut], not_found=False)
def list_campaigns() -> Listing[CampaignOut]:
    campaigns = db.session.scalars(owned(Campaign, caller().id).order_by(Campaign.date, Campaign.id))
    return Listing[CampaignOut].of([CampaignOut.of(c) for c in campaigns])


@endpoint(
    bp, "/campaigns", "POST", "Create a campaign", tag=TAG, body=CampaignIn, response=CampaignOut, status=201, not_found=False
)
def create_campaign(body: CampaignIn) -> CampaignOut:
    campaign = service.create_campaign(db.session, caller().id, body.model_dump())
    db.session.commit()
    return CampaignOut.of(campaign)


@endpoint(bp, "/campaigns/<int:campaign_id>", "GET", "One campaign", tag=TAG, response=CampaignOut)
def get_campaign(campaign_id: int) -> CampaignOut:
    return CampaignOut.of(_campaign(campaign_id))


@endpoint(bp, "/campaigns/<int:campaign_id>", "PATCH", "Change a campaign", tag=TAG, body=CampaignPatch, response=CampaignOut)
def patch_campaign(campaign_id: int, body: Strict) -> CampaignOut:
    campaign = service.update_campaign(db.session, _campaign(campaign_id), body.model_dump(exclude_unset=True))
    db.session.commit()
    return CampaignOut.of(campaign)


@endpoint(bp, "/campaigns/<int:campaign_id>", "DELETE", "Delete a campaign", tag=TAG, status=204)
def delete_campaign(campaign_id: int) -> None:
    service.delete_campaign(db.session, _campaign(campaign_id))
    db.session.commit()


@endpoint(
    bp,
    "/campaigns/<int:campaign_id>/readiness",
    "GET",
    "Every contact's readiness, ask-ready first",
    tag=TAG,
    query=PageQuery,
    response=ReadinessPage,
)
def campaign_readiness(campaign_id: int, query: PageQuery) -> ReadinessPage:
    me = caller()
    pairs = assess_campaign(db.session, _campaign(campaign_id), me.planner, me.now)
    start = (query.page - 1) * query.per_page
    items = [ReadinessOut.of(p) for p in pairs[start : start + query.per_page]]
    return ReadinessPage.of(items, len(pairs), query, ask_ready=sum(1 for p in pairs if p.result.ask_ready))
