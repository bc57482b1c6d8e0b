"""Contacts: the list, the form, soft delete with undo, and the contact page with its quick-log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from pydantic import ValidationError

from outreach.asks.models import Ask
from outreach.campaigns import service as campaign_service
from outreach.campaigns.models import Campaign
from outreach.campaigns.readiness import active_campaigns, assess_campaign, assess_pair
from outreach.contacts import service
from outreach.contacts import touches as touch_service
from outreach.contacts.chart import warmth_chart
from outreach.contacts.models import CONTACT_KINDS, BusyPeriod, Contact, Touch
from outreach.core.errors import InvalidInput
from outreach.core.forms import BusyForm, ContactForm, TouchForm
from outreach.core.ownership import owned
from outreach.core.schemas import BusyPeriodIn, ContactIn, OfferIn, TouchIn
from outreach.core.web import (
    blank_to_none,
    flash_refusal,
    invalid_to_form,
    me,
    owned_or_404,
    parse_id,
    split_labels,
    validate_into,
)
from outreach.domain import warmth
from outreach.episodes import service as episode_service
from outreach.episodes.models import Offer
from outreach.extensions import db

bp = Blueprint("contacts", __name__, url_prefix="/contacts")
PER_PAGE = 50


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


@bp.route("/")
def index() -> Any:
    caller = me()
    args = {key: value.replace("\x00", "") for key, value in request.args.items()}
    page = min(100_000, parse_id(args.get("page")) or 1)
    filters = service.ContactFilter(
        kind=args.get("kind") if args.get("kind") in CONTACT_KINDS else None,
        tag=(args.get("tag") or "").strip().lower() or None,
        topic=(args.get("topic") or "").strip().lower() or None,
        search=(args.get("q") or "").strip() or None,
        min_warmth=_number(args.get("min_warmth")),
        max_warmth=_number(args.get("max_warmth")),
        sort=args.get("sort") if args.get("sort") in ("warmth", "last_touch", "name") else "warmth",
    )
    campaigns = list(db.session.scalars(owned(Campaign, caller.id).order_by(Campaign.date)))
    ready_for = next((c for c in campaigns if str(c.id) == args.get("ready_for")), None)
    if ready_for is not None:
        # Readiness is computed, not stored: filter the assessed board, then page it.
        pairs = [p for p in assess_campaign(db.session, ready_for, caller.planner, caller.now) if p.result.ask_ready]
        total = len(pairs)
        contacts = [p.contact for p in pairs[(page - 1) * PER_PAGE : page * PER_PAGE]]
    else:
        contacts, total = service.list_contacts(db.session, caller.id, filters, caller.params, page, PER_PAGE, caller.now)
    rows = [(c, warmth.warmth(c.warmth_key, caller.now, caller.params)) for c in contacts]
    pages = max(1, -(-total // PER_PAGE))
    return render_template(
        "contacts/list.html",
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        filters=filters,
        kinds=CONTACT_KINDS,
        campaigns=campaigns,
        ready_for=ready_for,
        args=args,
    )


def _payload(form: ContactForm) -> dict[str, Any]:
    addresses = split_labels((form.email.data or "").replace(" ", ","))
    return {
        "name": form.name.data or "",
        "email": addresses[0] if addresses else None,
        "emails": addresses[1:],
        "kind": form.kind.data,
        "topics": split_labels(form.topics.data),
        "audience_size": blank_to_none((form.audience_size.data or "").strip()),
        "promotes_others": {"yes": True, "no": False}.get(form.promotes_others.data or ""),
        "promotion_methods": form.promotion_methods.data or [],
        "fit_override": blank_to_none(form.fit_override.data),
        "links": [line.strip() for line in (form.links.data or "").splitlines() if line.strip()],
        "tags": split_labels(form.tags.data),
        "notes": form.notes.data or "",
        "preferred_contact": (form.preferred_contact.data or "").strip(),
        "promotions_url": blank_to_none((form.promotions_url.data or "").strip()),
        "upcoming_events": form.upcoming_events.data or "",
    }


def _fill(form: ContactForm, contact: Contact) -> None:
    form.name.data, form.email.data, form.kind.data = contact.name, ", ".join(contact.emails), contact.kind
    form.topics.data, form.tags.data = ", ".join(contact.topics), ", ".join(contact.tags)
    form.audience_size.data = "" if contact.audience_size is None else str(contact.audience_size)
    form.promotes_others.data = {True: "yes", False: "no"}.get(contact.promotes_others, "")  # type: ignore[arg-type]
    form.promotion_methods.data = contact.promotion_methods
    form.fit_override.data = "" if contact.fit_override is None else str(contact.fit_override)
    form.links.data, form.notes.data = "\n".join(contact.links), contact.notes
    form.preferred_contact.data, form.promotions_url.data = contact.preferred_contact, contact.promotions_url or ""
    form.upcoming_events.data = contact.upcoming_events


@bp.route("/new", methods=["GET", "POST"])
def new() -> Any:
    form = ContactForm()
    if form.validate_on_submit():
        valid = validate_into(form, ContactIn, _payload(form))
        if valid is not None:
            contact = service.create_contact(db.session, me().id, valid.model_dump())
            db.session.commit()
            flash(f"Added {contact.name}. Log a first touch to start warming.", "success")
            return redirect(url_for("contacts.detail", contact_id=contact.id))
    return render_template("contacts/form.html", form=form, contact=None)


@bp.route("/<int:contact_id>/edit", methods=["GET", "POST"])
def edit(contact_id: int) -> Any:
    contact = owned_or_404(Contact, contact_id)
    form = ContactForm()
    if request.method == "GET":
        _fill(form, contact)
    elif form.validate_on_submit():
        valid = validate_into(form, ContactIn, _payload(form))
        if valid is not None:
            service.update_contact(db.session, contact, valid.model_dump())
            db.session.commit()
            flash("Saved.", "success")
            return redirect(url_for("contacts.detail", contact_id=contact.id))
    return render_template("contacts/form.html", form=form, contact=contact)


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
    touches = touch_service.touches_of(db.session, contact)
    points = [touch_service.point(t) for t in touches]
    checklist = [
        assess_pair(db.session, contact, c, caller.planner, caller.now)
        for c in active_campaigns(db.session, caller.id, caller.now)
    ]
    asks = list(db.session.scalars(owned(Ask, caller.id).where(Ask.contact_id == contact.id).order_by(Ask.asked_at.desc())))
    busy = list(
        db.session.scalars(owned(BusyPeriod, caller.id).where(BusyPeriod.contact_id == contact.id).order_by(BusyPeriod.start))
    )
    timeline = sorted(
        [("touch", t.occurred_at, t) for t in touches]
        + [("ask", a.asked_at, a) for a in asks]
        + [("busy", _midnight(b.start), b) for b in busy],
        key=lambda item: item[1],
        reverse=True,
    )
    touch_form = touch_form or TouchForm(formdata=None, occurred_at=caller.now.replace(second=0, microsecond=0))
    return render_template(
        "contacts/detail.html",
        contact=contact,
        warmth_now=warmth.warmth(contact.warmth_key, caller.now, caller.params),
        explanation=warmth.explain(points, caller.now, caller.params),
        chart=warmth_chart(points, contact.warmth_key, caller.now, caller.params, caller.planner.thresholds.trust_warmth),
        checklist=checklist,
        timeline=timeline,
        touch_form=touch_form,
        busy_form=busy_form or BusyForm(formdata=None),
        offers=episode_service.offers_of(db.session, contact),
        today=caller.now.date(),
    )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())


def _with_article(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.route("/<int:contact_id>/touches", methods=["POST"])
def log_touch(contact_id: int) -> Any:
    caller = me()
    contact = owned_or_404(Contact, contact_id)
    form = TouchForm()
    valid = None
    if form.validate_on_submit():
        occurred = form.occurred_at.data or caller.now
        valid = validate_into(
            form,
            TouchIn,
            {
                "kind": form.kind.data,
                "direction": form.direction.data,
                "occurred_at": occurred,
                "channel": blank_to_none((form.channel.data or "").strip()),
                "url": blank_to_none((form.url.data or "").strip()),
                "note": form.note.data or "",
            },
        )
    if valid is None:
        if _wants_json():
            return jsonify({"error": "invalid input", "fields": {f.name: f.errors[0] for f in form if f.errors}}), 422
        return detail(contact_id, touch_form=form), 422
    touch = touch_service.log_touch(db.session, contact, valid.model_dump(), caller.params)
    db.session.commit()
    now_warmth = warmth.warmth(contact.warmth_key, caller.now, caller.params)
    said = f"Logged {_with_article(touch.kind)}. Warmth is now {now_warmth:.0f}."
    if _wants_json():
        points = [touch_service.point(t) for t in touch_service.touches_of(db.session, contact)]
        return jsonify(
            {
                "warmth": round(now_warmth, 1),
                "message": said,
                "sentence": warmth.explain(points, caller.now, caller.params).sentence(),
                "touch": {
                    "id": touch.id,
                    "kind": touch.kind,
                    "direction": touch.direction,
                    "occurred_at": touch.occurred_at.isoformat(),
                },
                "row": render_template("contacts/_touch_row.html", touch=touch),
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
    flash("Touch deleted; warmth recomputed.", "info")
    return redirect(url_for("contacts.detail", contact_id=touch.contact_id))


@bp.route("/<int:contact_id>/busy", methods=["POST"])
def add_busy(contact_id: int) -> Any:
    contact = owned_or_404(Contact, contact_id)
    form = BusyForm()
    if form.validate_on_submit():
        valid = validate_into(
            form, BusyPeriodIn, {"start": form.start.data, "end": form.end.data, "summary": form.summary.data or ""}
        )
        if valid is not None:
            try:
                campaign_service.add_busy_period(db.session, contact, valid.start, valid.end, valid.summary)
            except InvalidInput as exc:
                invalid_to_form(form, exc)
            else:
                db.session.commit()
                flash("Busy period added: no asks then.", "success")
                return redirect(url_for("contacts.detail", contact_id=contact.id))
    return detail(contact_id, busy_form=form), 422


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
    fields = {name: request.form.get(name) or None for name in ("direction", "kind", "happened_on")}
    fields["note"] = request.form.get("note", "")
    try:
        valid = OfferIn.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        flash_refusal("Not saved", exc)
    else:
        episode_service.add_offer(db.session, contact, valid.model_dump())
        db.session.commit()
        flash("Recorded. The next ask can build on it.", "success")
    return redirect(url_for("contacts.detail", contact_id=contact.id) + "#offers")


@bp.route("/offers/<int:offer_id>/delete", methods=["POST"])
def delete_offer(offer_id: int) -> Any:
    offer = owned_or_404(Offer, offer_id)
    db.session.delete(offer)
    db.session.commit()
    return redirect(url_for("contacts.detail", contact_id=offer.contact_id) + "#offers")
