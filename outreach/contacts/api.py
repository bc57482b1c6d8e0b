"""/contacts, their touches, busy periods and readiness."""

from __future__ import annotations

from collections import defaultdict

from outreach.campaigns import service as campaign_service
from outreach.campaigns.models import Campaign
from outreach.campaigns.readiness import assess_pair
from outreach.campaigns.schemas import ReadinessOut, ReadinessQuery
from outreach.contacts import service
from outreach.contacts import touches as touch_service
from outreach.contacts.models import BusyPeriod, Contact, Touch
from outreach.contacts.schemas import (
    BusyPeriodIn,
    BusyPeriodOut,
    ContactIn,
    ContactOut,
    ContactPatch,
    ContactQuery,
    TouchIn,
    TouchOut,
)
from outreach.core.api import bp
from outreach.core.api_context import caller
from outreach.core.openapi import endpoint
from outreach.core.ownership import get_owned, owned
from outreach.core.schemas import Listing, Page, Strict
from outreach.domain import warmth
from outreach.extensions import db

TAG = "contacts"


def _contact(contact_id: int) -> Contact:
    return get_owned(db.session, Contact, contact_id, caller().id)


def _contact_out(contact: Contact) -> ContactOut:
    me = caller()
    points = [touch_service.point(t) for t in touch_service.touches_of(db.session, contact)]
    return ContactOut.of(contact, points, me.now, me.params)


@endpoint(
    bp,
    "/contacts",
    "GET",
    "List contacts, warmest first",
    tag=TAG,
    query=ContactQuery,
    response=Page[ContactOut],
    not_found=False,
)
def list_contacts(query: ContactQuery) -> Page[ContactOut]:
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
    touches: dict[int, list[warmth.TouchPoint]] = defaultdict(list)
    if contacts:
        rows = db.session.scalars(owned(Touch, me.id).where(Touch.contact_id.in_([c.id for c in contacts])))
        for touch in rows:
            touches[touch.contact_id].append(touch_service.point(touch))
    items = [ContactOut.of(c, touches[c.id], me.now, me.params) for c in contacts]
    return Page[ContactOut].of(items, total, query)


@endpoint(bp, "/contacts", "POST", "Create a contact", tag=TAG, body=ContactIn, response=ContactOut, status=201, not_found=False)
def create_contact(body: ContactIn) -> ContactOut:
    contact = service.create_contact(db.session, caller().id, body.model_dump())
    db.session.commit()
    return _contact_out(contact)


@endpoint(bp, "/contacts/<int:contact_id>", "GET", "One contact with warmth and its explanation", tag=TAG, response=ContactOut)
def get_contact(contact_id: int) -> ContactOut:
    return _contact_out(_contact(contact_id))


@endpoint(bp, "/contacts/<int:contact_id>", "PATCH", "Change a contact", tag=TAG, body=ContactPatch, response=ContactOut)
def patch_contact(contact_id: int, body: Strict) -> ContactOut:
    contact = service.update_contact(db.session, _contact(contact_id), body.model_dump(exclude_unset=True))
    db.session.commit()
    return _contact_out(contact)


@endpoint(bp, "/contacts/<int:contact_id>", "DELETE", "Delete a contact (soft: restorable)", tag=TAG, status=204)
def delete_contact(contact_id: int) -> None:
    service.delete_contact(db.session, _contact(contact_id))
    db.session.commit()


@endpoint(
    bp, "/contacts/<int:contact_id>/touches", "GET", "A contact's touches, newest first", tag=TAG, response=Listing[TouchOut]
)
def list_touches(contact_id: int) -> Listing[TouchOut]:
    touches = touch_service.touches_of(db.session, _contact(contact_id))
    return Listing[TouchOut].of([TouchOut.model_validate(t) for t in touches])


@endpoint(bp, "/contacts/<int:contact_id>/touches", "POST", "Log a touch", tag=TAG, body=TouchIn, response=TouchOut, status=201)
def create_touch(contact_id: int, body: TouchIn) -> TouchOut:
    me = caller()
    data = body.model_dump()
    data["occurred_at"] = data["occurred_at"] or me.now
    target = touch_service.contact_to_touch(db.session, me.id, contact_id)
    touch = touch_service.log_touch(db.session, target, data, me.params)
    db.session.commit()
    return TouchOut.model_validate(touch)


@endpoint(bp, "/touches/<int:touch_id>", "DELETE", "Delete a touch", tag=TAG, status=204)
def delete_touch(touch_id: int) -> None:
    touch_service.delete_touch(db.session, caller().id, touch_id, caller().params)
    db.session.commit()


@endpoint(
    bp, "/contacts/<int:contact_id>/busy-periods", "GET", "A contact's busy periods", tag=TAG, response=Listing[BusyPeriodOut]
)
def list_busy_periods(contact_id: int) -> Listing[BusyPeriodOut]:
    contact = _contact(contact_id)
    periods = db.session.scalars(
        owned(BusyPeriod, contact.owner_id).where(BusyPeriod.contact_id == contact.id).order_by(BusyPeriod.start)
    )
    return Listing[BusyPeriodOut].of([BusyPeriodOut.model_validate(p) for p in periods])


@endpoint(
    bp,
    "/contacts/<int:contact_id>/busy-periods",
    "POST",
    "Add a busy period",
    tag=TAG,
    body=BusyPeriodIn,
    response=BusyPeriodOut,
    status=201,
)
def create_busy_period(contact_id: int, body: BusyPeriodIn) -> BusyPeriodOut:
    period = campaign_service.add_busy_period(db.session, _contact(contact_id), body.start, body.end, body.summary)
    db.session.commit()
    return BusyPeriodOut.model_validate(period)


@endpoint(bp, "/busy-periods/<int:period_id>", "DELETE", "Delete a busy period", tag=TAG, status=204)
def delete_busy_period(period_id: int) -> None:
    db.session.delete(get_owned(db.session, BusyPeriod, period_id, caller().id))
    db.session.commit()


@endpoint(
    bp,
    "/contacts/<int:contact_id>/readiness",
    "GET",
    "Fit, trust and timing for one campaign",
    tag=TAG,
    query=ReadinessQuery,
    response=ReadinessOut,
)
def contact_readiness(contact_id: int, query: ReadinessQuery) -> ReadinessOut:
    me = caller()
    campaign = get_owned(db.session, Campaign, query.campaign, me.id)
    return ReadinessOut.of(assess_pair(db.session, _contact(contact_id), campaign, me.planner, me.now))
