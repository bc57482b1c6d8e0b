"""/contacts, their touches, busy periods and readiness."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import jsonify

from outreach.campaigns import service as campaign_service
from outreach.campaigns.models import Campaign
from outreach.campaigns.readiness import assess_pair
from outreach.contacts import service
from outreach.contacts import touches as touch_service
from outreach.contacts.models import BusyPeriod, Contact, Touch
from outreach.core.api import bp
from outreach.core.api_context import caller
from outreach.core.openapi import endpoint
from outreach.core.ownership import get_owned, owned
from outreach.core.schemas import (
    BusyPeriodIn,
    ContactIn,
    ContactPatch,
    ContactQuery,
    ReadinessQuery,
    TouchIn,
)
from outreach.core.serialize import busy_json, contact_json, page_json, touch_json
from outreach.extensions import db

TAG = "contacts"


def _contact(contact_id: int) -> Contact:
    return get_owned(db.session, Contact, contact_id, caller().id)


def _contact_body(contact: Contact) -> dict[str, Any]:
    me = caller()
    return contact_json(contact, touch_service.touches_of(db.session, contact), me.now, me.params)


@endpoint(bp, "/contacts", "GET", "List contacts, warmest first", tag=TAG, query=ContactQuery, not_found=False)
def list_contacts(query: ContactQuery) -> Any:
    me = caller()
    filters = service.ContactFilter(
        kind=query.kind,
        tag=query.tag,
        topic=query.topic,
        search=query.q,
        min_warmth=query.min_warmth,
        max_warmth=query.max_warmth,
        sort=query.sort,
    )
    contacts, total = service.list_contacts(db.session, me.id, filters, me.params, query.page, query.per_page, me.now)
    touches: dict[int, list[Touch]] = defaultdict(list)
    if contacts:
        rows = db.session.scalars(owned(Touch, me.id).where(Touch.contact_id.in_([c.id for c in contacts])))
        for touch in rows:
            touches[touch.contact_id].append(touch)
    items = [contact_json(c, touches[c.id], me.now, me.params) for c in contacts]
    return jsonify(page_json(items, total, query.page, query.per_page))


@endpoint(bp, "/contacts", "POST", "Create a contact", tag=TAG, body=ContactIn, status=201, not_found=False)
def create_contact(body: ContactIn) -> Any:
    contact = service.create_contact(db.session, caller().id, body.model_dump())
    db.session.commit()
    return jsonify(_contact_body(contact)), 201


@endpoint(bp, "/contacts/<int:contact_id>", "GET", "One contact with warmth and its explanation", tag=TAG)
def get_contact(contact_id: int) -> Any:
    return jsonify(_contact_body(_contact(contact_id)))


@endpoint(bp, "/contacts/<int:contact_id>", "PATCH", "Change a contact", tag=TAG, body=ContactPatch)
def patch_contact(contact_id: int, body: ContactPatch) -> Any:
    contact = service.update_contact(db.session, _contact(contact_id), body.model_dump(exclude_unset=True))
    db.session.commit()
    return jsonify(_contact_body(contact))


@endpoint(bp, "/contacts/<int:contact_id>", "DELETE", "Delete a contact (soft: restorable)", tag=TAG, status=204)
def delete_contact(contact_id: int) -> Any:
    service.delete_contact(db.session, _contact(contact_id))
    db.session.commit()
    return "", 204


@endpoint(bp, "/contacts/<int:contact_id>/touches", "GET", "A contact's touches, newest first", tag=TAG)
def list_touches(contact_id: int) -> Any:
    touches = touch_service.touches_of(db.session, _contact(contact_id))
    return jsonify({"items": [touch_json(t) for t in touches], "total": len(touches)})


@endpoint(bp, "/contacts/<int:contact_id>/touches", "POST", "Log a touch", tag=TAG, body=TouchIn, status=201)
def create_touch(contact_id: int, body: TouchIn) -> Any:
    me = caller()
    data = body.model_dump()
    data["occurred_at"] = data["occurred_at"] or me.now
    touch = touch_service.log_touch(db.session, _contact(contact_id), data, me.params)
    db.session.commit()
    return jsonify(touch_json(touch)), 201


@endpoint(bp, "/touches/<int:touch_id>", "DELETE", "Delete a touch", tag=TAG, status=204)
def delete_touch(touch_id: int) -> Any:
    touch_service.delete_touch(db.session, caller().id, touch_id, caller().params)
    db.session.commit()
    return "", 204


@endpoint(bp, "/contacts/<int:contact_id>/busy-periods", "GET", "A contact's busy periods", tag=TAG)
def list_busy_periods(contact_id: int) -> Any:
    contact = _contact(contact_id)
    periods = db.session.scalars(
        owned(BusyPeriod, contact.owner_id).where(BusyPeriod.contact_id == contact.id).order_by(BusyPeriod.start)
    )
    items = [busy_json(p) for p in periods]
    return jsonify({"items": items, "total": len(items)})


@endpoint(bp, "/contacts/<int:contact_id>/busy-periods", "POST", "Add a busy period", tag=TAG, body=BusyPeriodIn, status=201)
def create_busy_period(contact_id: int, body: BusyPeriodIn) -> Any:
    period = campaign_service.add_busy_period(db.session, _contact(contact_id), body.start, body.end, body.summary)
    db.session.commit()
    return jsonify(busy_json(period)), 201


@endpoint(bp, "/busy-periods/<int:period_id>", "DELETE", "Delete a busy period", tag=TAG, status=204)
def delete_busy_period(period_id: int) -> Any:
    db.session.delete(get_owned(db.session, BusyPeriod, period_id, caller().id))
    db.session.commit()
    return "", 204


@endpoint(
    bp, "/contacts/<int:contact_id>/readiness", "GET", "Fit, trust and timing for one campaign", tag=TAG, query=ReadinessQuery
)
def contact_readiness(contact_id: int, query: ReadinessQuery) -> Any:
    me = caller()
    campaign = get_owned(db.session, Campaign, query.campaign, me.id)
    return jsonify(assess_pair(db.session, _contact(contact_id), campaign, me.planner, me.now).as_dict())
