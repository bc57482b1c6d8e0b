"""Campaigns: list, form, and the campaign page with its pipeline board and ask window."""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from pydantic import ValidationError

from outreach.asks.models import Ask
from outreach.campaigns import plans as plan_service
from outreach.campaigns import service
from outreach.campaigns.models import Campaign
from outreach.campaigns.readiness import assess_campaign, campaign_facts
from outreach.contacts.models import Contact
from outreach.core.errors import InvalidInput, NotFoundError
from outreach.core.forms import CampaignForm
from outreach.core.ownership import owned
from outreach.core.schemas import CampaignIn, EpisodeIn, EpisodePatch
from outreach.core.web import (
    flash_refusal,
    invalid_to_form,
    me,
    owned_or_404,
    split_labels,
    validate_into,
)
from outreach.domain import plan
from outreach.episodes import service as episode_service
from outreach.episodes.models import Episode
from outreach.extensions import db

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")
STAGES = ("not_ready", "warming", "ask_ready", "asked", "yes", "no", "not_now")
STAGE_TITLES = {
    "not_ready": "Not a fit",
    "warming": "Warming",
    "ask_ready": "Ask-ready",
    "asked": "Asked",
    "yes": "Yes",
    "no": "No",
    "not_now": "Not now",
}
OUTCOME_STAGE = {"pending": "asked", "yes": "yes", "no": "no", "no_response": "no", "not_now": "not_now"}


@bp.route("/")
def index() -> Any:
    campaigns = list(db.session.scalars(owned(Campaign, me().id).order_by(Campaign.date)))
    return render_template("campaigns/list.html", campaigns=campaigns, now=me().now)


def _payload(form: CampaignForm) -> dict[str, Any]:
    return {
        "name": form.name.data or "",
        "kind": form.kind.data,
        "date": form.date.data,
        "topics": split_labels(form.topics.data),
        "yes_target": form.yes_target.data,
        "window_start_weeks": form.window_start_weeks.data,
        "window_end_weeks": form.window_end_weeks.data,
        "description": form.description.data or "",
    }


def _save(form: CampaignForm, campaign: Campaign | None) -> Campaign | None:
    valid = validate_into(form, CampaignIn, _payload(form))
    if valid is None:
        return None
    try:
        if campaign is None:
            return service.create_campaign(db.session, me().id, valid.model_dump())
        return service.update_campaign(db.session, campaign, valid.model_dump())
    except InvalidInput as exc:
        invalid_to_form(form, exc)
        return None


@bp.route("/new", methods=["GET", "POST"])
def new() -> Any:
    form = CampaignForm()
    if form.validate_on_submit():
        campaign = _save(form, None)
        if campaign is not None:
            db.session.commit()
            # The campaign page shows the plan and its lead-time warning: flashing it too said it twice.
            flash(f"Created {campaign.name}.", "success")
            return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, campaign=None)


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
def edit(campaign_id: int) -> Any:
    campaign = owned_or_404(Campaign, campaign_id)
    form = CampaignForm(obj=campaign) if request.method == "GET" else CampaignForm()
    if request.method == "GET":
        form.topics.data = ", ".join(campaign.topics)
    elif form.validate_on_submit() and _save(form, campaign) is not None:
        db.session.commit()
        flash("Saved.", "success")
        return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, campaign=campaign)


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
    pairs = assess_campaign(db.session, campaign, caller.planner, caller.now)
    latest_ask: dict[int, Ask] = {}
    for asked in db.session.scalars(owned(Ask, caller.id).where(Ask.campaign_id == campaign.id).order_by(Ask.asked_at)):
        if asked.contact_id is not None:
            latest_ask[asked.contact_id] = asked
    board: dict[str, list[Any]] = {stage: [] for stage in STAGES}
    for pair in pairs:
        ask = latest_ask.get(pair.contact.id)
        if ask is not None:
            stage = OUTCOME_STAGE[ask.outcome]
        elif pair.result.ask_ready:
            stage = "ask_ready"
        elif pair.result.fit.met:
            stage = "warming"
        else:
            stage = "not_ready"
        board[stage].append(pair)
    counts = Counter({stage: len(items) for stage, items in board.items()})
    opens, closes = campaign_facts(campaign).window
    today = caller.now.date()
    found_plan = plan_service.campaign_plan(db.session, caller, campaign, pairs)
    span = max(1, (campaign.date - opens).days)
    return render_template(
        "campaigns/detail.html",
        campaign=campaign,
        board=board,
        stages=STAGES,
        titles=STAGE_TITLES,
        counts=counts,
        opens=opens,
        closes=closes,
        today=today,
        today_pos=min(100, max(0, 100 * (today - opens).days / span)),
        closes_pos=100 * (closes - opens).days / span,
        episodes=episode_service.episodes_of(db.session, campaign) if campaign.kind == "podcast_season" else [],
        plan=found_plan,
        plan_summary=found_plan.sentence(campaign.name, campaign.date, caller.settings.cadence_per_week),
        balance=plan.balance_warning(found_plan),
        names={c.id: c.name for c in db.session.scalars(owned(Contact, caller.id))},
    )


def _episode_payload(form: Any, with_contact: bool) -> dict[str, Any]:
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
    try:
        valid = EpisodeIn.model_validate(_episode_payload(request.form, with_contact=True))
        episode_service.add_episode(db.session, campaign, valid.model_dump())
    except ValidationError as exc:
        flash_refusal("Guest not added", exc)
    except (InvalidInput, NotFoundError) as exc:
        flash(f"Guest not added: {exc}", "error")
    else:
        db.session.commit()
        flash("Guest added to the season.", "success")
    return redirect(url_for("campaigns.detail", campaign_id=campaign.id) + "#episodes")


@bp.route("/episodes/<int:episode_id>", methods=["POST"])
def update_episode(episode_id: int) -> Any:
    episode = owned_or_404(Episode, episode_id)
    try:
        valid = EpisodePatch.model_validate({k: v for k, v in _episode_payload(request.form, False).items() if k in request.form})
        episode_service.update_episode(db.session, episode, valid.model_dump(exclude_unset=True))
    except ValidationError as exc:
        flash_refusal("Not saved", exc)
    except InvalidInput as exc:
        db.session.rollback()
        flash(f"Not saved: {exc}", "error")
    else:
        db.session.commit()
        flash("Episode updated.", "success")
    return redirect(url_for("campaigns.detail", campaign_id=episode.campaign_id) + "#episodes")
