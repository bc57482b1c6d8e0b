"""Campaigns: list, form, and the campaign page with its pipeline board and ask window."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from outreach.campaigns import service
from outreach.campaigns.board import campaign_board
from outreach.campaigns.models import Campaign
from outreach.campaigns.schemas import CampaignIn
from outreach.core.errors import validated
from outreach.core.forms import CampaignForm, fill_form, form_input
from outreach.core.ownership import owned
from outreach.core.web import flash_back, me, owned_or_404, question, show_again
from outreach.domain import plan
from outreach.domain.vocabulary import PipelineStage
from outreach.episodes import service as episode_service
from outreach.episodes.models import Episode
from outreach.episodes.schemas import EpisodeIn, EpisodePatch
from outreach.extensions import db

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")


@bp.route("/")
def index() -> Any:
    campaigns = list(db.session.scalars(owned(Campaign, me().id).order_by(Campaign.date)))
    return render_template("campaigns/list.html", campaigns=campaigns, now=me().now)


def _checked(form: CampaignForm, campaign: Campaign | None) -> CampaignIn:
    """The campaign typed, every refusal at once; a new date in the past is questioned first."""
    valid = form_input(form, CampaignIn)
    if valid.date < me().today and (campaign is None or campaign.date != valid.date):
        past = "This date is in the past, so the ask window has closed already. Is it right?"
        question(form, {"date": past})
    return valid


@bp.route("/new", methods=["GET", "POST"])
def new() -> Any:
    form = CampaignForm()
    page = show_again(form, lambda: render_template("campaigns/form.html", form=form, campaign=None))
    if request.method == "POST":
        campaign = service.create_campaign(db.session, me().id, _checked(form, None).model_dump())
        db.session.commit()
        flash(f"Created {campaign.name}.", "success")
        # The campaign page shows the plan and its lead-time warning: flashing it too said it twice.
        return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    return page()


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
def edit(campaign_id: int) -> Any:
    campaign = owned_or_404(Campaign, campaign_id)
    form = CampaignForm()
    page = show_again(form, lambda: render_template("campaigns/form.html", form=form, campaign=campaign))
    if request.method == "GET":
        fill_form(form, campaign, CampaignIn)
    else:
        service.update_campaign(db.session, campaign, _checked(form, campaign).model_dump())
        db.session.commit()
        flash("Saved.", "success")
        return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    return page()


@bp.route("/<int:campaign_id>/delete", methods=["POST"])
def delete(campaign_id: int) -> Any:
    campaign = owned_or_404(Campaign, campaign_id)
    service.delete_campaign(db.session, campaign)
    db.session.commit()
    flash(
        f"Deleted {campaign.name}; its asks stay in your ledger.", "undo:" + url_for("campaigns.restore", campaign_id=campaign.id)
    )
    return redirect(url_for("campaigns.index"))


@bp.route("/<int:campaign_id>/restore", methods=["POST"])
def restore(campaign_id: int) -> Any:
    campaign = owned_or_404(Campaign, campaign_id, include_deleted=True)
    service.restore_campaign(db.session, me().id, campaign.id)
    db.session.commit()
    flash(f"Restored {campaign.name}.", "success")
    return redirect(url_for("campaigns.detail", campaign_id=campaign.id))


@bp.route("/<int:campaign_id>")
def detail(campaign_id: int) -> Any:
    caller = me()
    campaign = owned_or_404(Campaign, campaign_id)
    board = campaign_board(db.session, caller, campaign)
    return render_template(
        "campaigns/detail.html",
        campaign=campaign,
        board=board.columns,
        stages=list(PipelineStage),
        counts=board.counts,
        opens=board.opens,
        closes=board.closes,
        today=board.today,
        today_pos=board.today_mark,
        closes_pos=board.closes_mark,
        episodes=board.episodes,
        plan=board.plan,
        plan_summary=board.plan.sentence(campaign.name, campaign.date, caller.settings.cadence_per_week),
        balance=plan.balance_warning(board.plan),
    )


def _episode_payload(form: MultiDict[str, str], with_contact: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": form.get("title", ""),
        "stage": form.get("stage", "invited"),
        "recording_at": form.get("recording_at") or None,
        "published_on": form.get("published_on") or None,
    }
    if with_contact:
        data["contact_id"] = form.get("contact_id") or None
    return data


@bp.route("/<int:campaign_id>/episodes", methods=["POST"])
def add_episode(campaign_id: int) -> Any:
    campaign = owned_or_404(Campaign, campaign_id)
    back = url_for("campaigns.detail", campaign_id=campaign.id) + "#episodes"
    flash_back(back, "Guest not added")
    valid = validated(EpisodeIn, _episode_payload(request.form, with_contact=True))
    episode_service.add_episode(db.session, campaign, valid.model_dump())
    db.session.commit()
    flash("Guest added to the season.", "success")
    return redirect(back)


@bp.route("/episodes/<int:episode_id>", methods=["POST"])
def update_episode(episode_id: int) -> Any:
    episode = owned_or_404(Episode, episode_id)
    back = url_for("campaigns.detail", campaign_id=episode.campaign_id) + "#episodes"
    flash_back(back)
    sent = {k: v for k, v in _episode_payload(request.form, False).items() if k in request.form}
    episode_service.update_episode(db.session, episode, validated(EpisodePatch, sent).model_dump(exclude_unset=True))
    db.session.commit()
    flash("Episode updated.", "success")
    return redirect(back)
