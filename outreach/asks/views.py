"""Recording asks and their outcomes from the web."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from outreach.asks import service
from outreach.asks.models import Ask
from outreach.campaigns.models import Campaign
from outreach.contacts.models import Contact
from outreach.core.errors import InvalidInput
from outreach.core.forms import AskForm, pairs
from outreach.core.ownership import owned
from outreach.core.schemas import AskIn, AskPatch
from outreach.core.web import (
    blank_to_none,
    invalid_to_form,
    me,
    owned_or_404,
    parse_id,
    validate_into,
)
from outreach.domain.words import plural
from outreach.extensions import db
from outreach.learning.models import Message

bp = Blueprint("asks", __name__, url_prefix="/asks")


def _choices(form: AskForm) -> None:
    caller = me()
    contacts = db.session.scalars(owned(Contact, caller.id).order_by(Contact.name))
    campaigns = db.session.scalars(owned(Campaign, caller.id).order_by(Campaign.date.desc()))
    form.contact_id.choices = pairs(("", "— a bulk send, no one contact —"), *[(str(c.id), c.name) for c in contacts])
    form.campaign_id.choices = pairs(("", "— none —"), *[(str(c.id), c.name) for c in campaigns])
    messages = list(db.session.scalars(owned(Message, caller.id).order_by(Message.name)))
    form.message_id.choices = pairs(("", "— none named —"), *[(str(m.id), m.name) for m in messages])
    bulk = db.session.scalars(owned(Ask, caller.id).where(Ask.recipients > 1).order_by(Ask.asked_at.desc()).limit(50))
    form.parent_id.choices = pairs(
        ("", "— not a reply —"),
        *[
            (str(a.id), f"{a.asked_at:%d %b %Y}: {a.request[:60] or a.channel or 'bulk send'} ({a.recipients} people)")
            for a in bulk
        ],
    )


def _payload(form: AskForm, with_people: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "asked_at": form.asked_at.data or me().now,
        "channel": blank_to_none((form.channel.data or "").strip()),
        "request": form.request.data or "",
        "recipients": form.recipients.data or 1,
        "outcome": form.outcome.data,
        "reason": blank_to_none(form.reason.data),
        "reason_detail": form.reason_detail.data or "",
        "lesson": form.lesson.data or "",
        "follow_up_on": form.follow_up_on.data,
    }
    if with_people:
        data["contact_id"] = blank_to_none(form.contact_id.data)
        data["campaign_id"] = blank_to_none(form.campaign_id.data)
        data["parent_id"] = blank_to_none(form.parent_id.data)
        data["message_id"] = blank_to_none(form.message_id.data)
    return data


def _drafts(form: AskForm) -> list[tuple[Message, str]]:
    """Each message template filled in for the chosen contact and campaign, ready to copy."""
    caller = me()
    contact = db.session.scalars(owned(Contact, caller.id).where(Contact.id == (parse_id(form.contact_id.data) or 0))).first()
    campaign = db.session.scalars(owned(Campaign, caller.id).where(Campaign.id == (parse_id(form.campaign_id.data) or 0))).first()
    values = {
        "name": contact.name.split()[0] if contact else "{name}",
        "recent_work": "{recent_work}",
        "campaign": campaign.name if campaign else "{campaign}",
    }
    drafts = []
    for message in db.session.scalars(owned(Message, caller.id).order_by(Message.name)):
        text = message.body
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
        drafts.append((message, text))
    return drafts


@bp.route("/new", methods=["GET", "POST"])
def new() -> Any:
    caller = me()
    form = AskForm()
    _choices(form)
    if request.method == "GET":
        form.contact_id.data = request.args.get("contact", "")
        form.campaign_id.data = request.args.get("campaign", "")
        form.asked_at.data = caller.now.replace(second=0, microsecond=0)
    elif form.validate_on_submit():
        valid = validate_into(form, AskIn, _payload(form, with_people=True))
        if valid is not None:
            try:
                ask = service.create_ask(db.session, caller.id, valid.model_dump(), caller.planner, caller.now)
            except InvalidInput as exc:
                invalid_to_form(form, exc)
            else:
                db.session.commit()
                flash("Ask recorded. Whatever the answer, it counts.", "success")
                target = url_for("contacts.detail", contact_id=ask.contact_id) if ask.contact_id else url_for("today.index")
                return redirect(target)
    return render_template("asks/form.html", form=form, ask=None, history=[], drafts=_drafts(form))


@bp.route("/<int:ask_id>/edit", methods=["GET", "POST"])
def edit(ask_id: int) -> Any:
    ask = owned_or_404(Ask, ask_id)
    form = AskForm(obj=ask) if request.method == "GET" else AskForm()
    _choices(form)
    # Who and what for are fixed once asked: the fields are disabled, so a browser never sends them
    # and the form shows them from the ask itself, on the first view and after an error alike.
    _show_fixed(form.contact_id, Contact, ask.contact_id)
    _show_fixed(form.campaign_id, Campaign, ask.campaign_id)
    if request.method == "GET":
        form.reason.data = ask.reason or ""
    elif form.validate_on_submit():
        valid = validate_into(form, AskPatch, _payload(form, with_people=False))
        if valid is not None:
            try:
                was = ask.outcome
                service.update_ask(db.session, ask, valid.model_dump())
            except InvalidInput as exc:
                invalid_to_form(form, exc)
            else:
                db.session.commit()
                flash("Ask updated.", "success")
                if ask.outcome == "yes" and was != "yes":
                    flash("A yes! Bank it for the weeks of nos.", "bank:" + url_for("learning.wins", ask=ask.id))
                return redirect(_back(ask))
    return render_template("asks/form.html", form=form, ask=ask, history=service.history(db.session, ask), drafts=[])


def _show_fixed(select: Any, model: type[Contact] | type[Campaign], record_id: int | None) -> None:
    """Select the ask's contact or campaign, naming it even once it is deleted (the ask outlives it)."""
    select.data = str(record_id or "")
    if record_id and all(choice.value != select.data for choice in select.choices):
        record = db.session.scalars(owned(model, me().id, include_deleted=True).where(model.id == record_id)).first()
        if record is not None:
            select.choices = [*select.choices, *pairs((select.data, f"{record.name} (deleted)"))]


def _back(ask: Ask) -> str:
    """Where an ask leads back to: its contact's page while that contact is there, else Today."""
    if ask.contact_id and db.session.scalars(owned(Contact, me().id).where(Contact.id == ask.contact_id)).first():
        return url_for("contacts.detail", contact_id=ask.contact_id)
    return url_for("today.index")


@bp.route("/<int:ask_id>/delete", methods=["POST"])
def delete(ask_id: int) -> Any:
    ask = owned_or_404(Ask, ask_id)
    count = service.delete_ask(db.session, ask)
    db.session.commit()
    said = "Ask deleted" if count == 1 else f"Ask and its {plural(count - 1, 'reply')} deleted"
    flash(f"{said}: it no longer counts in your ledger.", "undo:" + url_for("asks.restore", ask_id=ask.id))
    return redirect(_back(ask))


@bp.route("/<int:ask_id>/restore", methods=["POST"])
def restore(ask_id: int) -> Any:
    ask = owned_or_404(Ask, ask_id, include_deleted=True)
    service.restore_ask(db.session, me().id, ask.id)
    db.session.commit()
    flash("Ask restored.", "success")
    return redirect(_back(ask))
