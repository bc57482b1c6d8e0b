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
    for model, label in ((MailAccount, "mail"), (CalendarAccount, "calendar")):
        for _ in range(MAX_ACCOUNTS_PER_RUN):
            account_id = claim(session, model, utcnow(), every)
            if account_id is None:
                break
            account = session.get_one(model, account_id)
            result = sync_account(session, account, config) if model is MailAccount else sync_calendar(session, account, config)
            counts[f"{label} {'failed' if result.error else 'synced'}"] += 1
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
