"""/campaigns/<id>/plan, /messages and /wins: learning from the numbers."""

from __future__ import annotations

from outreach.campaigns import plans as plan_service
from outreach.campaigns.models import Campaign
from outreach.campaigns.schemas import PlanOut
from outreach.core.api import bp
from outreach.core.api_context import caller
from outreach.core.openapi import endpoint
from outreach.core.ownership import get_owned
from outreach.core.schemas import Listing, Strict
from outreach.domain import plan as plans
from outreach.extensions import db
from outreach.learning import service as learning
from outreach.learning.models import Message, Win
from outreach.learning.schemas import MessageIn, MessageList, MessageOut, MessagePatch, WinIn, WinOut


@endpoint(
    bp,
    "/campaigns/<int:campaign_id>/plan",
    "GET",
    "How many asks the campaign needs and whom to warm up first",
    tag="campaigns",
    response=PlanOut,
)
def campaign_plan(campaign_id: int) -> PlanOut:
    me = caller()
    campaign = get_owned(db.session, Campaign, campaign_id, me.id)
    return PlanOut.of(campaign, plan_service.campaign_plan(db.session, me, campaign), me.settings.cadence_per_week)


@endpoint(
    bp,
    "/messages",
    "GET",
    "Message templates with sends, replies, yeses and an honest verdict",
    tag="asks",
    response=MessageList,
    not_found=False,
)
def list_messages() -> MessageList:
    me = caller()
    results = {r.message_id: r for r in learning.message_results(db.session, me.id)}
    messages = learning.messages_of(db.session, me.id)
    return MessageList(
        items=[MessageOut.of(m, results.get(m.id)) for m in messages],
        comparison=plans.compare(list(results.values())),
        total=len(messages),
    )


@endpoint(
    bp,
    "/messages",
    "POST",
    "Create a message template ({name}, {recent_work}, {campaign} placeholders)",
    tag="asks",
    body=MessageIn,
    response=MessageOut,
    status=201,
    not_found=False,
)
def create_message(body: MessageIn) -> MessageOut:
    message = learning.create_message(db.session, caller().id, body.model_dump())
    db.session.commit()
    return MessageOut.of(message)


@endpoint(
    bp, "/messages/<int:message_id>", "PATCH", "Edit a message template", tag="asks", body=MessagePatch, response=MessageOut
)
def patch_message(message_id: int, body: Strict) -> MessageOut:
    message = get_owned(db.session, Message, message_id, caller().id)
    learning.update_message(db.session, message, body.model_dump(exclude_unset=True))
    db.session.commit()
    return MessageOut.of(message)


@endpoint(
    bp, "/messages/<int:message_id>", "DELETE", "Delete a message template (asks keep their numbers)", tag="asks", status=204
)
def delete_message(message_id: int) -> None:
    learning.delete_message(db.session, get_owned(db.session, Message, message_id, caller().id))
    db.session.commit()


@endpoint(bp, "/wins", "GET", "The bank of wins, newest first", tag="asks", response=Listing[WinOut], not_found=False)
def list_wins() -> Listing[WinOut]:
    return Listing[WinOut].of([WinOut.model_validate(w) for w in learning.wins_of(db.session, caller().id)])


@endpoint(
    bp,
    "/wins",
    "POST",
    "Bank a win: a yes, a kind reply, a testimonial, a result",
    tag="asks",
    body=WinIn,
    response=WinOut,
    status=201,
)
def create_win(body: WinIn) -> WinOut:
    win = learning.create_win(db.session, caller().id, body.model_dump())
    db.session.commit()
    return WinOut.model_validate(win)


@endpoint(bp, "/wins/<int:win_id>", "DELETE", "Delete a win", tag="asks", status=204)
def delete_win(win_id: int) -> None:
    learning.delete_win(db.session, get_owned(db.session, Win, win_id, caller().id))
    db.session.commit()
