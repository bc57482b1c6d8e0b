"""/reminders: what the planner suggests, and the user's done / snooze / dismiss."""

from __future__ import annotations

from sqlalchemy import func

from outreach.core.api import bp
from outreach.core.api_context import caller
from outreach.core.errors import InvalidInput
from outreach.core.openapi import endpoint
from outreach.core.ownership import get_owned, owned
from outreach.core.schemas import Page
from outreach.domain.vocabulary import ReminderState
from outreach.extensions import db
from outreach.reminders import service
from outreach.reminders.models import Reminder
from outreach.reminders.schemas import ReminderOut, ReminderPatch, ReminderQuery

TAG = "reminders"


@endpoint(
    bp,
    "/reminders",
    "GET",
    "List reminders by due date",
    tag=TAG,
    query=ReminderQuery,
    response=Page[ReminderOut],
    not_found=False,
)
def list_reminders(query: ReminderQuery) -> Page[ReminderOut]:
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
    return Page[ReminderOut].of([ReminderOut.model_validate(r) for r in rows], total, query)


@endpoint(
    bp,
    "/reminders/<int:reminder_id>",
    "PATCH",
    "Mark a reminder done, dismissed, open, or snooze it",
    tag=TAG,
    body=ReminderPatch,
    response=ReminderOut,
)
def patch_reminder(reminder_id: int, body: ReminderPatch) -> ReminderOut:
    me = caller()
    reminder = get_owned(db.session, Reminder, reminder_id, me.id)
    until = body.snoozed_until or (service.snooze_date(me.now.date(), body.snooze) if body.snooze else None)
    state = ReminderState.SNOOZED if until is not None else body.state
    if state is None:  # the schema refuses a patch with no action; this keeps the type checker with it
        raise InvalidInput({"state": "Say what to do: a state, a snooze (1d or 1w) or a day to snooze until."})
    service.act(db.session, reminder, state, me.now, until)
    db.session.commit()
    return ReminderOut.model_validate(reminder)
