"""/asks: the ask ledger."""

from __future__ import annotations

from sqlalchemy import func

from outreach.asks import service
from outreach.asks.models import Ask
from outreach.asks.schemas import AskIn, AskOut, AskPatch, AskQuery
from outreach.core.api import bp
from outreach.core.api_context import caller
from outreach.core.openapi import endpoint
from outreach.core.ownership import get_owned, owned
from outreach.core.schemas import Page, Strict
from outreach.extensions import db

TAG = "asks"


@endpoint(bp, "/asks", "GET", "List asks, newest first", tag=TAG, query=AskQuery, response=Page[AskOut], not_found=False)
def list_asks(query: AskQuery) -> Page[AskOut]:
    selection = owned(Ask, caller().id)
    if query.outcome:
        selection = selection.where(Ask.outcome == query.outcome)
    if query.contact_id:
        selection = selection.where(Ask.contact_id == query.contact_id)
    if query.campaign_id:
        selection = selection.where(Ask.campaign_id == query.campaign_id)
    total = db.session.scalar(selection.with_only_columns(func.count()).order_by(None)) or 0
    rows = db.session.scalars(
        selection.order_by(Ask.asked_at.desc(), Ask.id.desc()).limit(query.per_page).offset((query.page - 1) * query.per_page)
    )
    return Page[AskOut].of([AskOut.model_validate(a) for a in rows], total, query)


@endpoint(bp, "/asks", "POST", "Record an ask", tag=TAG, body=AskIn, response=AskOut, status=201)
def create_ask(body: AskIn) -> AskOut:
    me = caller()
    ask = service.create_ask(db.session, me.id, body.model_dump(exclude_unset=True), me.planner, me.now)
    db.session.commit()
    return AskOut.model_validate(ask)


@endpoint(
    bp,
    "/asks/<int:ask_id>",
    "PATCH",
    "Record an ask's outcome, reason, lesson or follow-up",
    tag=TAG,
    body=AskPatch,
    response=AskOut,
)
def patch_ask(ask_id: int, body: Strict) -> AskOut:
    ask = service.update_ask(db.session, get_owned(db.session, Ask, ask_id, caller().id), body.model_dump(exclude_unset=True))
    db.session.commit()
    return AskOut.model_validate(ask)
