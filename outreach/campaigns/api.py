"""/campaigns and their readiness board."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from outreach.campaigns import service
from outreach.campaigns.models import Campaign
from outreach.campaigns.readiness import assess_campaign
from outreach.core.api import bp
from outreach.core.api_context import caller
from outreach.core.openapi import endpoint
from outreach.core.ownership import get_owned, owned
from outreach.core.schemas import CampaignIn, CampaignPatch, PageQuery
from outreach.core.serialize import campaign_json, page_json
from outreach.extensions import db

TAG = "campaigns"


def _campaign(campaign_id: int) -> Campaign:
    return get_owned(db.session, Campaign, campaign_id, caller().id)


@endpoint(bp, "/campaigns", "GET", "List campaigns by date", tag=TAG, not_found=False)
def list_campaigns() -> Any:
    campaigns = db.session.scalars(owned(Campaign, caller().id).order_by(Campaign.date, Campaign.id))
    items = [campaign_json(c) for c in campaigns]
    return jsonify({"items": items, "total": len(items)})


@endpoint(bp, "/campaigns", "POST", "Create a campaign", tag=TAG, body=CampaignIn, status=201, not_found=False)
def create_campaign(body: CampaignIn) -> Any:
    campaign = service.create_campaign(db.session, caller().id, body.model_dump())
    db.session.commit()
    return jsonify(campaign_json(campaign)), 201


@endpoint(bp, "/campaigns/<int:campaign_id>", "GET", "One campaign", tag=TAG)
def get_campaign(campaign_id: int) -> Any:
    return jsonify(campaign_json(_campaign(campaign_id)))


@endpoint(bp, "/campaigns/<int:campaign_id>", "PATCH", "Change a campaign", tag=TAG, body=CampaignPatch)
def patch_campaign(campaign_id: int, body: CampaignPatch) -> Any:
    campaign = service.update_campaign(db.session, _campaign(campaign_id), body.model_dump(exclude_unset=True))
    db.session.commit()
    return jsonify(campaign_json(campaign))


@endpoint(bp, "/campaigns/<int:campaign_id>", "DELETE", "Delete a campaign", tag=TAG, status=204)
def delete_campaign(campaign_id: int) -> Any:
    service.delete_campaign(db.session, _campaign(campaign_id))
    db.session.commit()
    return "", 204


@endpoint(
    bp, "/campaigns/<int:campaign_id>/readiness", "GET", "Every contact's readiness, ask-ready first", tag=TAG, query=PageQuery
)
def campaign_readiness(campaign_id: int, query: PageQuery) -> Any:
    me = caller()
    pairs = assess_campaign(db.session, _campaign(campaign_id), me.planner, me.now)
    start = (query.page - 1) * query.per_page
    items = [p.as_dict() for p in pairs[start : start + query.per_page]]
    body = page_json(items, len(pairs), query.page, query.per_page)
    body["ask_ready"] = sum(1 for p in pairs if p.result.ask_ready)
    return jsonify(body)
