"""Contacts: the list, the form, soft delete with undo, and the contact page with its quick-log."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from outreach.campaigns import service as campaign_service
from outreach.campaigns.models import Campaign
from outreach.campaigns.readiness import assess_campaign
from outreach.contacts import listing, service
from outreach.contacts import page as contact_page
from outreach.contacts import touches as touch_service
from outreach.contacts.models import BusyPeriod, Contact, Touch
from outreach.contacts.schemas import BusyPeriodIn, ContactIn, TouchIn, TouchOut
from outreach.core.errors import InvalidInput, validated
from outreach.core.forms import BusyForm, ContactForm, TouchForm, fill_form, form_input, form_payload
from outreach.core.ownership import owned
from outreach.core.page_cache import cached_page
from outreach.core.web import (
    flash_back,
    me,
    owned_or_404,
    parse_id,
    show_again,
)
from outreach.domain import warmth
from outreach.domain.vocabulary import ContactKind, ContactSort, label
from outreach.episodes import service as episode_service
from outreach.episodes.models import Offer
from outreach.episodes.schemas import OfferIn
from outreach.extensions import db

bp = Blueprint("contacts", __name__, url_prefix="/contacts")
PER_PAGE = 50


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


@bp.route("/")
@cached_page
def index() -> Any:
    caller = me()
    args = {key: value.replace("\x00", "") for key, value in request.args.items()}
    page = min(100_000, parse_id(args.get("page")) or 1)
    filters = service.ContactFilter(
        kind=args.get("kind") if args.get("kind") in ContactKind.values() else None,
        tag=(args.get("tag") or "").strip().lower() or None,
        topic=(args.get("topic") or "").strip().lower() or None,
        search=(args.get("q") or "").strip() or None,
        min_warmth=_number(args.get("min_warmth")),
        max_warmth=_number(args.get("max_warmth")),
        sort=ContactSort(sort) if (sort := args.get("sort", "")) in ContactSort.values() else ContactSort.WARMTH,
    )
    campaigns = list(db.session.scalars(owned(Campaign, caller.id).order_by(Campaign.date)))
    ready_for = next((c for c in campaigns if str(c.id) == args.get("ready_for")), None)
    if ready_for is not None:
        # Readiness is computed, not stored: filter the assessed board, then page it.
        pairs = [p for p in assess_campaign(db.session, ready_for, caller.planner, caller.now) if p.result.ask_ready]
        contacts = [p.contact for p in pairs[(page - 1) * PER_PAGE : page * PER_PAGE]]
        found = listing.ListPage(contacts, len(pairs), True, None)
    else:
        found = listing.read_page(
            db.session,
            caller.id,
            filters,
            caller.params,
            caller.now,
            page=page,
            per_page=PER_PAGE,
            after=args.get("after"),
            count_all=args.get("count") == "all",
        )
    rows = [(c, warmth.warmth(c.warmth_key, caller.now, caller.params)) for c in found.contacts]
    pages = max(1, -(-found.counted // PER_PAGE))
    return render_template(
        "contacts/list.html",
        rows=rows,
        total=found.counted,
        exact=found.exact,
        has_next=found.after is not None or (found.exact and page < pages),
        after=found.after,
        page=page,
        pages=pages,
        filters=filters,
        campaigns=campaigns,
        ready_for=ready_for,
        args=args,
    )


ADDRESS_SEPARATORS = re.compile(r"[\s,;]+")


def _contact_in(form: FlaskForm) -> ContactIn:
    """The form as ContactIn: its one Email input holds every address, the first the main one, and a bad
    address is named beside that input."""
    payload = form_payload(form, ContactIn)
    payload["emails"] = [a for a in ADDRESS_SEPARATORS.split(payload.pop("email", None) or "") if a]
    try:
        return form_input(form, ContactIn, payload)
    except InvalidInput as exc:
        fields = {("email" if name.startswith("emails") else name): message for name, message in exc.fields.items()}
        raise InvalidInput(fields) from None


@bp.route("/new", methods=["GET", "POST"])
def new() -> Any:
    form = ContactForm()
    page = show_again(form, lambda: render_template("contacts/form.html", form=form, contact=None))
    if request.method == "POST":
        contact = service.create_contact(db.session, me().id, _contact_in(form).model_dump())
        db.session.commit()
        flash(f"Added {contact.name}. Log a first touch to start warming.", "success")
        return redirect(url_for("contacts.detail", contact_id=contact.id))
    return page()


@bp.route("/<int:contact_id>/edit", methods=["GET", "POST"])
def edit(contact_id: int) -> Any:
    contact = owned_or_404(Contact, contact_id)
    form = ContactForm()
    page = show_again(form, lambda: render_template("contacts/form.html", form=form, contact=contact))
    if request.method == "GET":
        fill_form(form, contact, ContactIn)
        form["email"].data = ", ".join(contact.emails)
    else:
        service.update_contact(db.session, contact, _contact_in(form).model_dump())
        db.session.commit()
        flash("Saved.", "success")
        return redirect(url_for("contacts.detail", contact_id=contact.id))
    return page()


@bp.route("/<int:contact_id>/delete", methods=["POST"])
def delete(contact_id: int) -> Any:
    contact = owned_or_404(Contact, contact_id)
    service.delete_contact(db.session, contact)
    db.session.commit()
    flash(f"Deleted {contact.name}.", "undo:" + url_for("contacts.restore", contact_id=contact.id))
    return redirect(url_for("contacts.index"))


@bp.route("/<int:contact_id>/restore", methods=["POST"])
def restore(contact_id: int) -> Any:
    contact = owned_or_404(Contact, contact_id, include_deleted=True)
    service.restore_contact(db.session, me().id, contact.id)
    db.session.commit()
    flash(f"Restored {contact.name}.", "success")
    return redirect(url_for("contacts.detail", contact_id=contact.id))


@bp.route("/<int:contact_id>")
def detail(contact_id: int, touch_form: TouchForm | None = None, busy_form: BusyForm | None = None) -> Any:
    caller = me()
    contact = owned_or_404(Contact, contact_id)
    touch_form = touch_form or TouchForm(formdata=None, occurred_at=caller.now.replace(second=0, microsecond=0))
    return render_template(
        "contacts/detail.html",
        **contact_page.page_parts(caller, contact),
        touch_form=touch_form,
        busy_form=busy_form or BusyForm(formdata=None),
        offers=episode_service.offers_of(db.session, contact),
    )


def _with_article(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.route("/<int:contact_id>/touches", methods=["POST"])
def log_touch(contact_id: int) -> Any:
    caller = me()
    target = touch_service.contact_to_touch(db.session, caller.id, contact_id)  # locked: this request writes its key
    contact = target.contact
    form = TouchForm()

    def refused() -> Any:
        if _wants_json():
            return jsonify({"error": "invalid input", "fields": {f.name: f.errors[0] for f in form if f.errors}}), 422
        return detail(contact_id, touch_form=form), 422

    show_again(form, refused)
    data = form_payload(form, TouchIn)
    valid = form_input(form, TouchIn, data | {"occurred_at": data.get("occurred_at") or caller.now})
    touch = touch_service.log_touch(db.session, target, valid.model_dump(), caller.params)
    db.session.commit()
    now_warmth = warmth.warmth(contact.warmth_key, caller.now, caller.params)
    said = f"Logged {_with_article(label(touch.kind, 'TouchKind'))}. Warmth is now {now_warmth:.0f}."
    if _wants_json():
        # The page swaps in what the touch changed: the badge, the sentence and chart, the readiness list.
        part = contact_page.warmth_part(caller, contact, touch_service.touches_of(db.session, contact))
        return jsonify(
            {
                "warmth": round(now_warmth, 1),
                "message": said,
                "sentence": part["explanation"].sentence(labelled=True),
                "touch": TouchOut.model_validate(touch).model_dump(
                    mode="json", include={"id", "kind", "direction", "occurred_at"}
                ),
                "row": render_template("contacts/_touch_row.html", touch=touch),
                "warmth_html": render_template("contacts/_warmth.html", contact=contact, **part),
                "readiness_html": render_template(
                    "contacts/_readiness.html", contact=contact, checklist=contact_page.readiness_part(caller, contact)
                ),
            }
        )
    flash(said, "success")
    return redirect(url_for("contacts.detail", contact_id=contact.id))


@bp.route("/touches/<int:touch_id>/delete", methods=["POST"])
def delete_touch(touch_id: int) -> Any:
    caller = me()
    touch = owned_or_404(Touch, touch_id)
    touch_service.delete_touch(db.session, caller.id, touch.id, caller.params)
    db.session.commit()
    flash("Touch deleted; warmth recomputed.", "undo:" + url_for("contacts.restore_touch", touch_id=touch.id))
    return redirect(url_for("contacts.detail", contact_id=touch.contact_id))


@bp.route("/touches/<int:touch_id>/restore", methods=["POST"])
def restore_touch(touch_id: int) -> Any:
    caller = me()
    touch = owned_or_404(Touch, touch_id, include_deleted=True)
    touch_service.restore_touch(db.session, caller.id, touch.id, caller.params)
    db.session.commit()
    flash("Touch restored; warmth recomputed.", "success")
    return redirect(url_for("contacts.detail", contact_id=touch.contact_id))


@bp.route("/<int:contact_id>/busy", methods=["POST"])
def add_busy(contact_id: int) -> Any:
    contact = owned_or_404(Contact, contact_id)
    form = BusyForm()
    show_again(form, lambda: (detail(contact_id, busy_form=form), 422))
    valid = form_input(form, BusyPeriodIn)
    campaign_service.add_busy_period(db.session, contact, valid.start, valid.end, valid.summary)
    db.session.commit()
    flash("Busy period added: no asks then.", "success")
    return redirect(url_for("contacts.detail", contact_id=contact.id))


@bp.route("/busy/<int:period_id>/delete", methods=["POST"])
def delete_busy(period_id: int) -> Any:
    period = owned_or_404(BusyPeriod, period_id)
    db.session.delete(period)
    db.session.commit()
    flash("Busy period removed.", "info")
    return redirect(url_for("contacts.detail", contact_id=period.contact_id))


@bp.route("/<int:contact_id>/offers", methods=["POST"])
def add_offer(contact_id: int) -> Any:
    contact = owned_or_404(Contact, contact_id)
    back = url_for("contacts.detail", contact_id=contact.id) + "#offers"
    flash_back(back)
    fields = {name: request.form.get(name) or None for name in ("direction", "kind", "happened_on")}
    fields["note"] = request.form.get("note", "")
    valid = validated(OfferIn, {k: v for k, v in fields.items() if v is not None})
    episode_service.add_offer(db.session, contact, valid.model_dump())
    db.session.commit()
    flash("Recorded. The next ask can build on it.", "success")
    return redirect(back)


@bp.route("/offers/<int:offer_id>/delete", methods=["POST"])
def delete_offer(offer_id: int) -> Any:
    offer = owned_or_404(Offer, offer_id)
    db.session.delete(offer)
    db.session.commit()
    return redirect(url_for("contacts.detail", contact_id=offer.contact_id) + "#offers")
