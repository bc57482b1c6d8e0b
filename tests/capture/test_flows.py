"""What capture does with the mail it read: replies to asks, people to add, who is away, archives, keys, exports."""

from __future__ import annotations

import json
import mailbox
from datetime import timedelta

from cryptography.fernet import Fernet

from outreach.asks.models import Ask
from outreach.capture import people, secrets
from outreach.capture.classify import classify, return_date
from outreach.capture.mbox import import_mbox
from outreach.capture.models import MailAccount
from outreach.capture.parse import envelope
from outreach.capture.store import Mail, address_book, store_mail
from outreach.contacts.models import BusyPeriod, Contact, Touch
from outreach.core.caller import caller_for
from outreach.extensions import db
from outreach.reminders.digest import compose
from outreach.reminders.tick import tick
from outreach.transfer.archive import export_account
from tests.conftest import Api, csrf_from


def mail_from(sender, to, subject, when, message_id=None, **extra):
    fields = {"From": sender, "To": ", ".join(to), "Subject": subject, "Date": when.strftime("%a, %d %b %Y %H:%M:%S +0000")}
    if message_id:
        fields["Message-ID"] = f"<{message_id}>"
    fields.update({k.replace("_", "-"): v for k, v in extra.items()})
    return "".join(f"{k}: {v}\r\n" for k, v in fields.items()).encode() + b"\r\n"


def store(user, *headers, sent=False):
    me = caller_for(user)
    mails = []
    for raw in headers:
        found = envelope(raw, me.now)
        mails.append(Mail(found, classify(found), sent_by_user=sent, returns_on=return_date(found.subject, found.sent_at)))
    counts = store_mail(db.session, me, None, mails, {user.email.lower()}, address_book(db.session, user.id))
    db.session.commit()
    return counts


def touches(contact):
    db.session.expire_all()
    return db.session.scalars(db.select(Touch).where(Touch.contact_id == contact.id).order_by(Touch.occurred_at)).all()


def test_a_reply_to_an_open_ask_shows_on_today_and_in_the_digest_and_stops_the_implicit_no(
    make_user, make_contact, make_campaign, client, web_login, token_for, now
):
    user = make_user("host@example.com")
    maya = make_contact(user, "Maya Chen", emails=["maya@guest.example", "maya.chen@work.example"])
    campaign = make_campaign(user, "Season 4")
    ask = Ask(owner_id=user.id, contact_id=maya.id, campaign_id=campaign.id, asked_at=now - timedelta(days=20), request="Guest?")
    db.session.add(ask)
    db.session.commit()
    replied = now - timedelta(days=18)
    store(user, mail_from("MAYA.CHEN@work.example", [user.email], "Re: Guest?", replied, "r1@work.example"))
    db.session.refresh(ask)
    assert (ask.replied_at, ask.reply_subject, ask.outcome) == (replied, "Re: Guest?", "pending")
    sentence = f"Maya replied on {replied.day} {replied:%b} to your Season 4 ask — record the outcome"
    web_login(user.email)
    assert sentence in client.get("/").get_data(as_text=True)
    digest = compose(db.session, caller_for(user, now), "http://outreach.example")
    assert digest is not None and sentence in digest.text and sentence in digest.html
    assert "1 reply to your asks" in digest.subject
    replies = Api(client, token_for(user))("GET", "/today").json["replies"]
    assert [(r["ask_id"], r["contact_name"], r["campaign_name"], r["sentence"], r["subject"]) for r in replies] == [
        (ask.id, "Maya Chen", "Season 4", sentence, "Re: Guest?")
    ]
    tick(db.session, now)  # 20 days > the 14 implicit-no days: a silent ask would become a no
    db.session.refresh(ask)
    assert ask.outcome == "pending"


def test_a_reply_from_an_unknown_address_is_found_by_its_thread(make_user, make_contact, now):
    user = make_user()
    maya = make_contact(user, "Maya Chen", email="maya@guest.example")
    ask = Ask(owner_id=user.id, contact_id=maya.id, asked_at=now - timedelta(days=5))
    db.session.add(ask)
    db.session.commit()
    store(user, mail_from(user.email, ["maya@guest.example"], "Season 4?", now - timedelta(days=5), "ask@me.example"), sent=True)
    store(
        user,
        mail_from(
            "assistant@agency.example", [user.email], "Re: Season 4?", now - timedelta(days=1), In_Reply_To="<ask@me.example>"
        ),
    )
    db.session.refresh(ask)
    assert ask.replied_at == now - timedelta(days=1)


def test_people_you_write_with_are_suggested_and_adding_one_brings_their_history(make_user, now):
    user = make_user()
    days = [30, 20, 10]
    store(user, *[mail_from("Priya Nair <priya@b.example>", [user.email], f"Idea {d}", now - timedelta(days=d)) for d in days])
    store(user, mail_from(user.email, ["priya@b.example"], "Re: Idea", now - timedelta(days=5)), sent=True)
    store(user, *[mail_from("one.way@c.example", [user.email], f"Pitch {d}", now - timedelta(days=d)) for d in days])
    found = people.suggestions(db.session, caller_for(user))
    assert [(s.email, s.name, s.messages, s.last_at) for s in found] == [
        ("priya@b.example", "Priya Nair", 4, now - timedelta(days=5))
    ]
    contact, added = people.add_suggested(db.session, caller_for(user), "priya@b.example", "Priya Nair")
    db.session.commit()
    assert added == 4 and [t.direction for t in touches(contact)] == ["inbound", "inbound", "inbound", "outbound"]
    assert contact.warmth_key is not None
    assert people.suggestions(db.session, caller_for(user)) == []


def test_an_out_of_office_with_a_return_date_offers_a_busy_period(make_user, make_contact, client, web_login, now):
    user = make_user("host@example.com")
    tom = make_contact(user, "Tom Becker", email="tom@becker.example")
    back = (now + timedelta(days=12)).date()
    subject = f"Automatic reply: back on {back:%d %B %Y}"
    store(user, mail_from("tom@becker.example", [user.email], subject, now - timedelta(hours=2), Auto_Submitted="auto-replied"))
    assert touches(tom) == []
    offers = people.away_offers(db.session, caller_for(user))
    assert [(o.contact.id, o.until) for o in offers] == [(tom.id, back)]
    web_login(user.email)
    page = client.get("/settings/mail/").get_data(as_text=True)
    assert "Tom Becker</a> is back on" in page
    token = csrf_from(client, "/settings/mail/")
    assert client.post(f"/settings/mail/away/{offers[0].message_id}", data={"csrf_token": token}).status_code == 302
    period = db.session.scalars(db.select(BusyPeriod).where(BusyPeriod.contact_id == tom.id)).one()
    assert period.end == back - timedelta(days=1)
    assert people.away_offers(db.session, caller_for(user)) == []


def test_an_mbox_archive_is_classified_and_never_counted_twice(make_user, make_contact, tmp_path, runner, now):
    user = make_user("host@example.com")
    maya = make_contact(user, "Maya Chen", email="maya@guest.example")
    path = tmp_path / "takeout.mbox"
    box = mailbox.mbox(path)
    box.add(mail_from(user.email, ["maya@guest.example"], "Hello", now - timedelta(days=40), "m1@x", X_Gmail_Labels="Sent"))
    box.add(mail_from("maya@guest.example", [user.email], "Re: Hello", now - timedelta(days=39), "m2@x") + b"Hi!\r\n")
    box.add(mail_from("news@letters.example", [user.email], "News", now - timedelta(days=38), "m3@x", List_Id="<l.example>"))
    box.add(mail_from("maya@guest.example", [user.email], "Automatic reply: Hello", now - timedelta(days=38), "m4@x"))
    box.close()
    result = runner.invoke(args=["import", "mbox", str(path), "--email", user.email])
    assert result.exit_code == 0, result.output
    assert "4 messages read: auto-reply 1, bulk 1, person 2; 0 already known; 2 touches added" in result.output
    assert [(t.direction, t.note) for t in touches(maya)] == [("outbound", "Hello"), ("inbound", "Re: Hello")]
    counts = import_mbox(db.session, caller_for(user), path)
    assert (counts.read, counts.duplicates, counts.touches) == (4, 4, 0)


def test_keys_rotate_re_encrypts_under_the_new_key(app, make_user, runner):
    user = make_user()
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app.config["ENCRYPTION_KEY"] = old
    account = MailAccount(owner_id=user.id, host="imap.example.com", port=993, security="tls", username="u")
    account.secret = secrets.encrypt(app.config, "app password")
    db.session.add(account)
    db.session.commit()
    app.config.update(ENCRYPTION_KEY=new, OLD_ENCRYPTION_KEYS=[old])
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0 and "1 stored credentials re-encrypted" in result.output
    db.session.refresh(account)
    app.config["OLD_ENCRYPTION_KEYS"] = []
    assert secrets.decrypt(app.config, account.secret) == "app password"
    app.config["ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    try:
        secrets.decrypt(app.config, account.secret)
    except secrets.CredentialsUnreadable as exc:
        assert "enter it again" in str(exc)
    else:
        raise AssertionError("a foreign key decrypted the password")


def test_the_json_export_has_captured_touches_and_never_credentials(app, make_user, make_contact, now):
    user = make_user()
    make_contact(user, "Maya Chen", email="maya@guest.example")
    db.session.add(
        MailAccount(
            owner_id=user.id,
            host="imap.example.com",
            port=993,
            security="tls",
            username="u",
            secret=secrets.encrypt(app.config, "pw1"),
        )
    )
    store(user, mail_from("maya@guest.example", [user.email], "Hi", now - timedelta(days=1), "x1@y"))
    document = export_account(db.session, db.session.get_one(type(user), user.id))
    assert [t["source"] for t in document["touches"]] == ["mail"]
    text = json.dumps(document)
    assert "imap.example.com" not in text and "gAAAA" not in text and "pw1" not in text
    assert db.session.scalar(db.select(Contact.warmth_key).where(Contact.owner_id == user.id)) is not None
