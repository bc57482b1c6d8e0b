"""The morning digest: Today's answers by email (plain text and HTML), once a day, only when SMTP is set."""

from __future__ import annotations

import logging
import smtplib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from flask import render_template
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from outreach.accounts.emails import CONTROL_CHARACTERS
from outreach.accounts.models import User
from outreach.core.caller import Caller, caller_for
from outreach.core.database import rows_matched
from outreach.domain.words import plural
from outreach.feeds.openings import the_days_openings
from outreach.today import service as today_service

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Digest:
    subject: str
    text: str
    html: str


def local_time(user: User, now: datetime) -> datetime:
    """``now`` (naive UTC) on the user's own clock; an unknown zone counts as UTC."""
    try:
        zone = ZoneInfo(user.timezone or "UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return now.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)


def compose(session: Session, me: Caller, base_url: str) -> Digest | None:
    """What Today says this morning, the same lists (replies to asks first), and the day's fresh posts; None
    when there is nothing to do (no empty mail)."""
    found = today_service.today(session, me)
    fresh = the_days_openings(session, me)
    if not (found.has_advice or fresh):
        return None
    values: Mapping[str, Any] = {"today": found, "openings": fresh, "base_url": base_url.rstrip("/"), "day": me.today}
    due = len(found.reminders_due)
    parts = [plural(due, "reminder")]
    if found.ask_now_total:
        parts.append(f"{found.ask_now_total} ready to ask")
    if found.warm_up_total:
        parts.append(f"{found.warm_up_total} to warm up")
    if found.replies:
        parts.append(f"{len(found.replies)} repl{'y' if len(found.replies) == 1 else 'ies'} to your asks")
    if fresh:
        parts.append(f"{len(fresh)} fresh post{'' if len(fresh) == 1 else 's'}")
    return Digest(
        subject=f"Outreach today: {', '.join(parts)}",
        text=render_template("digest/digest.txt", **values),
        html=render_template("digest/digest.html", **values),
    )


def message(config: Mapping[str, Any], to: str, digest: Digest) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = digest.subject, config["SMTP_FROM"], to
    mail.set_content(digest.text)
    mail.add_alternative(digest.html, subtype="html")
    return mail


def deliver(config: Mapping[str, Any], mail: EmailMessage) -> None:
    with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=30) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USER"]:
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
        smtp.send_message(mail)


def send_digests(session: Session, now: datetime, config: Mapping[str, Any]) -> Counter[str]:
    """Every user who wants one and whose local morning has come gets today's digest, at most once:
    the day is claimed by a conditional UPDATE before sending (a second scheduler finds it taken),
    and given back if the mail server refuses, so the next tick tries again.

    One user's data never stops the others' digests: an error is logged with the user's id, their
    pass is rolled back and the day stays claimed (a broken digest is not retried, nor sent twice)."""
    counts: Counter[str] = Counter()
    for user_id in list(session.scalars(select(User.id).order_by(User.id))):
        try:
            outcome = _send_one(session, user_id, now, config)
        except Exception:
            session.rollback()
            log.exception("digest: the digest of user %s failed; the other users carry on", user_id)
            outcome = "failed"
        if outcome:
            counts[outcome] += 1
    return counts


def _send_one(session: Session, user_id: int, now: datetime, config: Mapping[str, Any]) -> str | None:
    """One user's digest; what became of it ("sent", "failed", ...), or None when it is not their time."""
    user = session.get_one(User, user_id)
    me = caller_for(user, now)
    local = local_time(user, now)
    day = local.date()
    if not me.settings.daily_digest or local.hour < int(config["DIGEST_HOUR"]) or user.digest_sent_on == day:
        return None
    before = user.digest_sent_on
    claimed = rows_matched(
        session.execute(
            update(User)
            .where(User.id == user_id, or_(User.digest_sent_on.is_(None), User.digest_sent_on < day))
            .values(digest_sent_on=day)
        )
    )
    session.commit()
    if not claimed:
        return None
    if CONTROL_CHARACTERS.search(user.email):
        # Accounts made before sign-up refused these: a line break in To: is a header injection.
        log.warning("digest: user %s has an address with control characters: no mail can be sent to it", user_id)
        return "bad address"
    digest = compose(session, me, config["PUBLIC_URL"])
    if digest is None:
        return "nothing to say"
    try:
        deliver(config, message(config, user.email, digest))
    except (OSError, smtplib.SMTPException):
        session.execute(update(User).where(User.id == user_id).values(digest_sent_on=before))
        session.commit()
        return "failed"
    return "sent"
