"""/contacts/{id}/feeds, /feeds/{id} and /openings."""

from __future__ import annotations

from sqlalchemy import func

from outreach.contacts.models import Contact
from outreach.core.api import bp
from outreach.core.api_context import caller
from outreach.core.openapi import endpoint
from outreach.core.ownership import get_owned
from outreach.core.schemas import Listing, Page
from outreach.extensions import db
from outreach.feeds import openings, service
from outreach.feeds.models import Opening
from outreach.feeds.schemas import FeedIn, FeedOut, OpeningOut, OpeningPatch, OpeningQuery

TAG = "feeds"


@endpoint(
    bp,
    "/contacts/<int:contact_id>/feeds",
    "POST",
    "Add a feed (or a page that names one) to a contact",
    tag=TAG,
    body=FeedIn,
    response=FeedOut,
    status=201,
)
def add_feed(contact_id: int, body: FeedIn) -> FeedOut:
    me = caller()
    contact = get_owned(db.session, Contact, contact_id, me.id)
    feed = service.add_feed(db.session, contact, body.url, me.now)
    db.session.commit()
    return FeedOut.model_validate(feed)


@endpoint(
    bp,
    "/contacts/<int:contact_id>/feeds",
    "GET",
    "A contact's feeds, with why any is failing",
    tag=TAG,
    response=Listing[FeedOut],
)
def list_feeds(contact_id: int) -> Listing[FeedOut]:
    me = caller()
    contact = get_owned(db.session, Contact, contact_id, me.id)
    return Listing[FeedOut].of([FeedOut.model_validate(feed) for feed in service.feeds_of(db.session, me.id, contact.id)])


@endpoint(bp, "/feeds/<int:feed_id>", "DELETE", "Remove a feed with its posts and openings", tag=TAG, status=204)
def delete_feed(feed_id: int) -> None:
    service.delete_feed(db.session, service.get_feed(db.session, caller().id, feed_id))
    db.session.commit()


@endpoint(
    bp,
    "/openings",
    "GET",
    "Fresh posts by people you are warming (open), or those acted on or dismissed",
    tag=TAG,
    query=OpeningQuery,
    response=Page[OpeningOut],
    not_found=False,
)
def list_openings(query: OpeningQuery) -> Page[OpeningOut]:
    me = caller()
    selection = openings.openings_query(me.id, query.state, me.now)
    total = db.session.scalar(selection.with_only_columns(func.count(Opening.id)).order_by(None)) or 0
    rows = db.session.scalars(selection.limit(query.per_page).offset((query.page - 1) * query.per_page)).unique()
    return Page[OpeningOut].of([OpeningOut.model_validate(o) for o in rows], total, query)


@endpoint(
    bp,
    "/openings/<int:opening_id>",
    "PATCH",
    "Act on an opening (logs the touch with the post's URL) or dismiss it",
    tag=TAG,
    body=OpeningPatch,
    response=OpeningOut,
)
def patch_opening(opening_id: int, body: OpeningPatch) -> OpeningOut:
    me = caller()
    opening = get_owned(db.session, Opening, opening_id, me.id)
    openings.act(db.session, opening, me, body.state, body.touch_kind)
    db.session.commit()
    return OpeningOut.model_validate(opening)
