"""The scheduler's capture job: every due mail and calendar account, each claimed before it is synced."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from outreach.capture.meetings import sync_calendar
from outreach.capture.models import CalendarAccount, MailAccount
from outreach.capture.sync import claim, sync_account
from outreach.core.types import utcnow

MAX_ACCOUNTS_PER_RUN = 500  # a bound, so one run ends; the rest are due at the next


def sync_due(session: Session, config: Mapping[str, Any]) -> Counter[str]:
    """Claim and sync accounts until none is due; another scheduler claims others meanwhile."""
    every = timedelta(minutes=int(config.get("MAIL_SYNC_MINUTES") or 15))
    counts: Counter[str] = Counter()
    for _ in range(MAX_ACCOUNTS_PER_RUN):
        mailbox_id = claim(session, MailAccount, utcnow(), every)
        if mailbox_id is None:
            break
        synced = sync_account(session, session.get_one(MailAccount, mailbox_id), config)
        counts[f"mail {'failed' if synced.error else 'synced'}"] += 1
    for _ in range(MAX_ACCOUNTS_PER_RUN):
        calendar_id = claim(session, CalendarAccount, utcnow(), every)
        if calendar_id is None:
            break
        read = sync_calendar(session, session.get_one(CalendarAccount, calendar_id), config)
        counts[f"calendar {'failed' if read.error else 'synced'}"] += 1
    return counts


def scheduled_sync() -> None:
    """The scheduler's job, referenced as text ("outreach.capture.jobs:scheduled_sync")."""
    from outreach import create_app
    from outreach.extensions import db

    app = create_app()
    with app.app_context():
        counts = sync_due(db.session, app.config)
        app.logger.info("capture: %s", dict(counts) or "nothing due")
        db.session.remove()
        db.engine.dispose()
