"""Recording asks and their outcomes from the web."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from outreach.asks import service
from outreach.asks.models import Ask
from outreach.asks.schemas import AskIn, AskPatch
from outreach.campaigns.models import Campaign
from outreach.contacts.models import Contact
from outreach.core.errors import NotFoundError
from outreach.core.forms import AskForm, form_input, form_payload, pairs
from outreach.core.ownership import get_owned, owned
from outreach.core.schemas import Strict
from outreach.core.web import me, owned_or_404, parse_id, question, show_again
from outreach.domain.vocabulary import Outcome
from outreach.domain.words import plural
from outreach.extensions import db
from outreach.learning import service as learning
from outreach.learning.models import Message

bp = Blueprint("asks", __name__, url_prefix="/asks")
SLIP = timedelta(minutes=5)  # a clock a little ahead is not a question worth asking


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


def _checked(form: AskForm, schema: type[Strict], ask: Ask | None) -> Strict:
    """The ask typed (AskIn names who was asked; AskPatch cannot change that), every refusal at once;
    then what looks like a slip is questioned: a date still to come, a no without its reason."""
    data = form_payload(form, schema)
    defaults = {"asked_at": data.get("asked_at") or me().now, "recipients": data.get("recipients") or 1}
    valid = form_input(form, schema, data | defaults)
    typed, questions = valid.model_dump(), {}
    if typed.get("asked_at") is not None and typed["asked_at"] > me().now + SLIP:
        questions["asked_at"] = "This ask is dated later than now (times are in UTC). Is the date right?"
    newly_no = ask is None or ask.outcome != Outcome.NO
    if typed.get("outcome") == Outcome.NO and typed.get("reason") is None and newly_no:
        questions["reason"] = "What was the reason for this no? Choose one: the reasons show what to change next time."
    question(form, questions)
    return valid


def _drafts(form: AskForm) -> list[tuple[Message, str]]:
    return learning.drafts(db.session, me().id, parse_id(form.contact_id.data), parse_id(form.campaign_id.data))


def _after(ask: Ask) -> Any:
    return redirect(url_for("contacts.detail", contact_id=ask.contact_id) if ask.contact_id else url_for("today.index"))


# What each chosen id names, for the message when it is not (or no longer) the user's.
CHOSEN = {"contact_id": (Contact, "contact"), "campaign_id": (Campaign, "campaign"), "message_id": (Message, "message")}
CHOSEN_PARENT = ("parent_id", (Ask, "bulk send"))


def _not_yours(form: AskForm, data: dict[str, Any]) -> None:
    """A stale form (the record deleted since) or a tampered one: say which choice to make again."""
    caller = me()
    for name, (model, label) in [*CHOSEN.items(), CHOSEN_PARENT]:
        record_id = data.get(name)
        if not record_id:
            continue
        try:
            get_owned(db.session, model, record_id, caller.id)
        except NotFoundError:
            getattr(form, name).errors = [f"That {label} is not one of yours (deleted since?): choose again."]


@bp.route("/new", methods=["GET", "POST"])
def new() -> Any:
    caller = me()
    form = AskForm()
    _choices(form)
    page = show_again(form, lambda: render_template("asks/form.html", form=form, ask=None, history=[], drafts=_drafts(form)))
    if request.method == "GET":
        form.contact_id.data = request.args.get("contact", "")
        form.campaign_id.data = request.args.get("campaign", "")
        form.asked_at.data = caller.now.replace(second=0, microsecond=0)
    else:
        valid = _checked(form, AskIn, None)
        try:
            ask = service.create_ask(db.session, caller.id, valid.model_dump(), caller.planner, caller.now)
        except NotFoundError:
            db.session.rollback()
            _not_yours(form, valid.model_dump())
            return page()
        db.session.commit()
        flash("Ask recorded. Whatever the answer, it counts.", "success")
        return _after(ask)
    return page()


@bp.route("/<int:ask_id>/edit", methods=["GET", "POST"])
def edit(ask_id: int) -> Any:
    ask = owned_or_404(Ask, ask_id)
    form = AskForm(obj=ask) if request.method == "GET" else AskForm()
    _choices(form)
    # Who and what for are fixed once asked: the fields are disabled, so a browser never sends them
    # and the form shows them from the ask itself, on the first view and after an error alike.
    _show_fixed(form.contact_id, Contact, ask.contact_id)
    _show_fixed(form.campaign_id, Campaign, ask.campaign_id)
    page = show_again(
        form, lambda: render_template("asks/form.html", form=form, ask=ask, history=service.history(db.session, ask), drafts=[])
    )
    if request.method == "GET":
        form.reason.data = ask.reason or ""
    else:
        valid = _checked(form, AskPatch, ask)
        was = ask.outcome
        service.update_ask(db.session, ask, valid.model_dump())
        db.session.commit()
        flash("Ask updated.", "success")
        if ask.outcome == "yes" and was != "yes":
            flash("A yes! Bank it for the weeks of nos.", "bank:" + url_for("learning.wins", ask=ask.id))
        return redirect(_back(ask))
    return page()


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
