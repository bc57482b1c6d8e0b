"""/campaigns/<id>/plan, /messages and /wins: learning from the numbers."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from outreach.campaigns import plans as plan_service
from outreach.campaigns.models import Campaign
from outreach.core.api import bp
from outreach.core.api_context import caller
from outreach.core.openapi import endpoint
from outreach.core.ownership import get_owned
from outreach.core.schemas import MessageIn, MessagePatch, WinIn
from outreach.core.serialize import iso
from outreach.domain import plan as plans
from outreach.extensions import db
from outreach.learning import service as learning
from outreach.learning.models import Message, Win


def plan_json(campaign: Campaign, found: plans.Plan, cadence: float) -> dict[str, Any]:
    return {
        "campaign_id": campaign.id,
        "summary": found.sentence(campaign.name, campaign.date, cadence),
        "yes_target": found.yes_target,
        "yeses": found.yeses,
        "yes_rate": found.rate.rate,
        "yes_rate_from_prior": found.rate.from_prior,
        "yes_rate_note": found.rate.sentence(),
        "asks_needed": found.asks_needed,
        "window": {"opens": iso(found.window_opens), "closes": iso(found.window_closes)},
        "ready_by_opening": found.ready_by_opening,
        "ready_in_window": found.ready_in_window,
        "shortfall": found.shortfall,
        "late": found.late,
        "find_more": found.find_more,
        "lead_time_warning": found.lead_time_warning,
        "moonshot_share": round(found.moonshot_share, 3),
        "balance_warning": plans.balance_warning(found),
        "warm_up_first": [
            {
                "contact_id": c.contact_id,
                "name": c.name,
                "fit": c.fit_score,
                "moonshot": c.moonshot,
                "forecast_ready_on": iso(c.forecast_ready_on),
            }
            for c in found.warm_up_first
        ],
    }


@endpoint(
    bp, "/campaigns/<int:campaign_id>/plan", "GET", "How many asks the campaign needs and whom to warm up first", tag="campaigns"
)
def campaign_plan(campaign_id: int) -> Any:
    me = caller()
    campaign = get_owned(db.session, Campaign, campaign_id, me.id)
    return jsonify(plan_json(campaign, plan_service.campaign_plan(db.session, me, campaign), me.settings.cadence_per_week))


def message_json(message: Message, result: plans.MessageResult | None) -> dict[str, Any]:
    body: dict[str, Any] = {"id": message.id, "name": message.name, "body": message.body}
    if result is not None:
        low, high = result.interval
        body.update(
            sends=result.sends,
            replies=result.replies,
            yeses=result.yeses,
            yes_rate=result.yes_rate,
            interval=[round(low, 4), round(high, 4)],
            verdict=result.verdict(),
        )
    return body


@endpoint(
    bp, "/messages", "GET", "Message templates with sends, replies, yeses and an honest verdict", tag="asks", not_found=False
)
def list_messages() -> Any:
    me = caller()
    results = {r.message_id: r for r in learning.message_results(db.session, me.id)}
    messages = learning.messages_of(db.session, me.id)
    return jsonify(
        {
            "items": [message_json(m, results.get(m.id)) for m in messages],
            "comparison": plans.compare(list(results.values())),
            "total": len(messages),
        }
    )


@endpoint(
    bp,
    "/messages",
    "POST",
    "Create a message template ({name}, {recent_work}, {campaign} placeholders)",
    tag="asks",
    body=MessageIn,
    status=201,
    not_found=False,
)
def create_message(body: MessageIn) -> Any:
    message = learning.create_message(db.session, caller().id, body.model_dump())
    db.session.commit()
    return jsonify(message_json(message, None)), 201


@endpoint(bp, "/messages/<int:message_id>", "PATCH", "Edit a message template", tag="asks", body=MessagePatch)
def patch_message(message_id: int, body: MessagePatch) -> Any:
    message = get_owned(db.session, Message, message_id, caller().id)
    learning.update_message(db.session, message, body.model_dump(exclude_unset=True))
    db.session.commit()
    return jsonify(message_json(message, None))


@endpoint(
    bp, "/messages/<int:message_id>", "DELETE", "Delete a message template (asks keep their numbers)", tag="asks", status=204
)
def delete_message(message_id: int) -> Any:
    learning.delete_message(db.session, get_owned(db.session, Message, message_id, caller().id))
    db.session.commit()
    return "", 204


def win_json(win: Win) -> dict[str, Any]:
    return {
        "id": win.id,
        "kind": win.kind,
        "text": win.text,
        "contact_id": win.contact_id,
        "ask_id": win.ask_id,
        "created_at": iso(win.created_at),
    }


@endpoint(bp, "/wins", "GET", "The bank of wins, newest first", tag="asks", not_found=False)
def list_wins() -> Any:
    wins = learning.wins_of(db.session, caller().id)
    return jsonify({"items": [win_json(w) for w in wins], "total": len(wins)})


@endpoint(bp, "/wins", "POST", "Bank a win: a yes, a kind reply, a testimonial, a result", tag="asks", body=WinIn, status=201)
def create_win(body: WinIn) -> Any:
    win = learning.create_win(db.session, caller().id, body.model_dump())
    db.session.commit()
    return jsonify(win_json(win)), 201


@endpoint(bp, "/wins/<int:win_id>", "DELETE", "Delete a win", tag="asks", status=204)
def delete_win(win_id: int) -> Any:
    learning.delete_win(db.session, get_owned(db.session, Win, win_id, caller().id))
    db.session.commit()
    return "", 204
