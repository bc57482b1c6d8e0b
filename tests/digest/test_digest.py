"""The morning digest: what it says, sent once a day by SMTP, never when turned off or too early."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from email.message import EmailMessage
from typing import ClassVar

import pytest

from outreach.accounts.models import User
from outreach.accounts.service import find_user
from outreach.extensions import db
from outreach.reminders import digest
from outreach.reminders import tick as jobs
from outreach.transfer.demo import load_demo

SMTP = {
    "SMTP_HOST": "mail.example",
    "SMTP_PORT": 587,
    "SMTP_USER": "me",
    "SMTP_PASSWORD": "pw",
    "SMTP_STARTTLS": True,
    "SMTP_FROM": "outreach@example.com",
    "DIGEST_HOUR": 7,
    "PUBLIC_URL": "https://outreach.example",
}


class FakeSMTP:
    """Records what would have gone out; ``refuse`` makes the server say no."""

    sent: ClassVar[list[EmailMessage]] = []
    refuse = False

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port = host, port

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def starttls(self) -> None:
        pass

    def login(self, user: str, password: str) -> None:
        pass

    def send_message(self, mail: EmailMessage) -> None:
        if FakeSMTP.refuse:
            raise smtplib.SMTPRecipientsRefused({mail["To"]: (550, b"no such user")})
        FakeSMTP.sent.append(mail)


@pytest.fixture
def mailbox(monkeypatch):
    FakeSMTP.sent, FakeSMTP.refuse = [], False
    monkeypatch.setattr(digest.smtplib, "SMTP", FakeSMTP)
    return FakeSMTP


@pytest.fixture
def demo(app, now):
    load_demo(db.session, "demo@example.com", "demo-password", now)
    db.session.commit()
    jobs.tick(db.session, now)
    return find_user(db.session, "demo@example.com")


def test_the_digest_says_what_today_says_in_text_and_html(demo, mailbox, now):
    assert digest.send_digests(db.session, now, SMTP) == {"sent": 1}
    mail = mailbox.sent[0]
    assert mail["To"] == "demo@example.com" and mail["Subject"].startswith("Outreach today: ")
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for part in (text, html):
        assert "Maya Chen" in part and "The Growth Hour — Season 4" in part and "Go for no" in part
    assert "https://outreach.example/contacts/" in text and "Trust: warmth" in text


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_sends_again(demo, mailbox, now):
    digest.send_digests(db.session, now, SMTP)
    assert digest.send_digests(db.session, now + timedelta(hours=3), SMTP) == {}
    assert digest.send_digests(db.session, now + timedelta(days=1), SMTP) == {"sent": 1}
    assert len(mailbox.sent) == 2


def test_a_refusing_server_leaves_the_day_to_try_again(demo, mailbox, now):
    mailbox.refuse = True
    assert digest.send_digests(db.session, now, SMTP) == {"failed": 1}
    mailbox.refuse = False
    assert digest.send_digests(db.session, now, SMTP) == {"sent": 1}


def test_turned_off_or_before_the_morning_hour_sends_nothing(demo, mailbox, now):
    early = now.replace(hour=5)
    assert digest.send_digests(db.session, early, SMTP) == {}
    user = db.session.get_one(User, demo.id)
    user.settings = {**user.settings, "daily_digest": False}
    db.session.commit()
    assert digest.send_digests(db.session, now, SMTP) == {}
    assert mailbox.sent == []


def test_the_morning_is_the_users_own(demo, mailbox, now):
    user = db.session.get_one(User, demo.id)
    user.timezone = "Pacific/Auckland"  # UTC+13 in November: 05:00 UTC is 18:00 there
    db.session.commit()
    assert digest.send_digests(db.session, now.replace(hour=5), SMTP) == {"sent": 1}


def test_nobody_with_nothing_to_do_gets_mail(make_user, mailbox, now):
    make_user("quiet@example.com")
    assert digest.send_digests(db.session, now, SMTP) == {"nothing to say": 1}
    assert mailbox.sent == []


def test_the_cli_prints_it_or_says_how_to_send_it(runner, demo, now):
    shown = runner.invoke(args=["digest", "--print", "--email", "demo@example.com", "--date", now.date().isoformat()])
    assert shown.exit_code == 0 and "Subject: Outreach today" in shown.output and "Maya Chen" in shown.output
    refused = runner.invoke(args=["digest"])
    assert refused.exit_code != 0 and "OUTREACH_SMTP_HOST" in refused.output
