"""A first day that guides: the getting-started steps, each ticked from the user's own data (never a
stored click), shown on Today until every one is done."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from outreach.campaigns.models import Campaign
from outreach.contacts.models import Contact, Touch
from outreach.core.caller import Caller
from outreach.core.ownership import owned


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    why: str
    endpoint: str  # where the step is done, for url_for
    anchor: str
    done: bool


def _any(session: Session, query: Select[Any]) -> bool:
    return bool(session.scalar(select(query.exists())))


def getting_started(session: Session, me: Caller) -> list[Step]:
    """The six steps, in the order a new user takes them; one EXISTS query each."""
    contacts = owned(Contact, me.id, include_deleted=True)
    return [
        Step(
            "import",
            "Import your LinkedIn or Google contacts",
            "Your connections are the people you will warm up: a CSV export brings them all at once.",
            "transfer.index",
            "",
            _any(session, contacts.where(Contact.source == "import")),
        ),
        Step(
            "contact",
            "Add a contact by hand",
            "Someone you want to work with: their topics and audience tell whether they fit.",
            "contacts.new",
            "",
            _any(session, contacts.where(Contact.source == "manual")),
        ),
        Step(
            "campaign",
            "Create a campaign: a podcast season or a launch",
            "What you will ask for, and when: its date sets the ask window.",
            "campaigns.new",
            "",
            _any(session, owned(Campaign, me.id)),
        ),
        Step(
            "touch",
            "Log a first touch",
            "A comment, a share, an email: warmth starts with the first one.",
            "contacts.index",
            "",
            _any(session, owned(Touch, me.id)),
        ),
        Step(
            "calendar",
            "Subscribe to the calendar feed",
            "Reminders land in the calendar you already look at.",
            "settings.index",
            "calendar",
            me.user.calendar_token_hash is not None,
        ),
        Step(
            "audience",
            "Set your audience size",
            "Partners with audiences over ten times yours are moonshots: start small.",
            "settings.index",
            "audience_size",
            me.user.audience_size is not None,
        ),
    ]


def checklist(session: Session, me: Caller) -> list[Step]:
    """The steps while any is left to do; nothing once all are done."""
    steps = getting_started(session, me)
    return [] if all(step.done for step in steps) else steps
