"""The morning digest: Today's answers by email (plain text and HTML), once a day, only when SMTP is set."""

from __future__ import annotations

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

from outreach.accounts.models import User
from outreach.capture.notices import replies_to_record
from outreach.core.caller import Caller, caller_for
from outreach.reminders import service as reminders
from outreach.today import service as today_service


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
    """What Today would say this morning; None when there is nothing to do (no empty mail)."""
    day = local_time(me.user, me.now).date()
    due = reminders.due(session, me.id, day, limit=20)
    board = today_service.board(session, me)
    cooling = today_service.cooling(session, me, limit=5)
    week = today_service.week_of_asking(session, me)
    replies = replies_to_record(session, me)
    if not (due or board.ask_now or cooling or replies):
        return None
    values: Mapping[str, Any] = {
        "due": due,
        "replies": replies,
        "ask_now": board.ask_now[:5],
        "ask_now_total": board.ask_now_total,
        "cooling": cooling,
        "week": week,
        "base_url": base_url.rstrip("/"),
        "day": day,
    }
    parts = [f"{len(due)} reminder{'' if len(due) == 1 else 's'}"]
    if board.ask_now_total:
        parts.append(f"{board.ask_now_total} ready to ask")
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
    and given back if the mail server refuses, so the next tick tries again."""
    counts: Counter[str] = Counter()
    for user_id in list(session.scalars(select(User.id).order_by(User.id))):
        user = session.get_one(User, user_id)
        me = caller_for(user, now)
        local = local_time(user, now)
        day = local.date()
        if not me.settings.daily_digest or local.hour < int(config["DIGEST_HOUR"]) or user.digest_sent_on == day:
            continue
        before = user.digest_sent_on
        claimed = session.execute(
            update(User)
            .where(User.id == user_id, or_(User.digest_sent_on.is_(None), User.digest_sent_on < day))
            .values(digest_sent_on=day)
        ).rowcount
        session.commit()
        if not claimed:
            continue
        digest = compose(session, me, config["PUBLIC_URL"])
        if digest is None:
            counts["nothing to say"] += 1
            continue
        try:
            deliver(config, message(config, user.email, digest))
            counts["sent"] += 1
        except (OSError, smtplib.SMTPException):
            session.execute(update(User).where(User.id == user_id).values(digest_sent_on=before))
            session.commit()
            counts["failed"] += 1
    return counts
