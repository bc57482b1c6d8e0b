"""/reminders: what the planner suggests, and the user's done / snooze / dismiss."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from sqlalchemy import func

from outreach.core.api import bp
from outreach.core.api_context import caller
from outreach.core.openapi import endpoint
from outreach.core.ownership import get_owned, owned
from outreach.core.schemas import ReminderPatch, ReminderQuery
from outreach.core.serialize import iso, page_json
from outreach.extensions import db
from outreach.reminders import service
from outreach.reminders.models import Reminder

TAG = "reminders"


def reminder_json(reminder: Reminder) -> dict[str, Any]:
    return {
        "id": reminder.id,
        "kind": reminder.kind,
        "contact_id": reminder.contact_id,
        "campaign_id": reminder.campaign_id,
        "due_on": iso(reminder.due_on),
        "due_at": iso(reminder.due_at),
        "title": reminder.title,
        "body": reminder.body,
        "state": reminder.state,
        "snoozed_until": iso(reminder.snoozed_until),
        "uid": reminder.uid,
        "sequence": reminder.sequence,
        "updated_at": iso(reminder.updated_at),
    }


@endpoint(bp, "/reminders", "GET", "List reminders by due date", tag=TAG, query=ReminderQuery, not_found=False)
def list_reminders(query: ReminderQuery) -> Any:
    selection = owned(Reminder, caller().id)
    if query.state:
        selection = selection.where(Reminder.state == query.state)
    if query.kind:
        selection = selection.where(Reminder.kind == query.kind)
    if query.due_before:
        selection = selection.where(Reminder.due_on <= query.due_before)
    if query.due_after:
        selection = selection.where(Reminder.due_on >= query.due_after)
    total = db.session.scalar(selection.with_only_columns(func.count()).order_by(None)) or 0
    rows = db.session.scalars(
        selection.order_by(Reminder.due_on, Reminder.id).limit(query.per_page).offset((query.page - 1) * query.per_page)
    )
    return jsonify(page_json([reminder_json(r) for r in rows], total, query.page, query.per_page))


@endpoint(
    bp,
    "/reminders/<int:reminder_id>",
    "PATCH",
    "Mark a reminder done, dismissed, open, or snooze it",
    tag=TAG,
    body=ReminderPatch,
)
def patch_reminder(reminder_id: int, body: ReminderPatch) -> Any:
    me = caller()
    reminder = get_owned(db.session, Reminder, reminder_id, me.id)
    until = body.snoozed_until or (service.snooze_date(me.now.date(), body.snooze) if body.snooze else None)
    state = "snoozed" if until is not None else body.state
    service.act(db.session, reminder, state, me.now, until)
    db.session.commit()
    return jsonify(reminder_json(reminder))
