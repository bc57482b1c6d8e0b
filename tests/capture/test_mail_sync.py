"""Mail capture against a real Dovecot: the right touches, nothing from bulk or auto-replies, nothing twice,
nothing marked read, and a reply to an open ask noticed."""

from __future__ import annotations

import time
from datetime import UTC, timedelta

import pytest

from outreach.asks.models import Ask
from outreach.capture.models import CapturedMessage, MailAccount
from outreach.capture.sync import sync_account
from outreach.contacts.models import Contact, Touch
from outreach.core.types import utcnow
from outreach.extensions import db
from tests.capture.conftest import free_port, mail

NOW = utcnow().replace(tzinfo=UTC)


def days_ago(days: float):
    return NOW - timedelta(days=days)


@pytest.fixture
def mailbox(dovecot):
    """A fresh Dovecot user and an IMAP client logged in as them."""
    user, password = dovecot.new_user()
    client = dovecot.client(user, password)
    yield user, password, client
    client.logout()


def connect(api, dovecot, user, secret, **extra):
    body = {"host": "127.0.0.1", "port": dovecot.port, "security": "plain", "username": user, "password": secret, **extra}
    return api("POST", "/mail-accounts", body)


def touches_of(contact):
    db.session.expire_all()
    return db.session.scalars(
        db.select(Touch).where(Touch.contact_id == contact.id, Touch.deleted_at.is_(None)).order_by(Touch.occurred_at)
    ).all()


def test_a_gmail_like_mailbox_gives_the_right_touches(api, dovecot, mailbox, make_contact, now):
    user, password, imap = mailbox
    maya = make_contact(api.user, "Maya Chen", emails=["maya@guest.example", "maya.chen@work.example"])
    tom = make_contact(api.user, "Tom Becker", email="tom@becker.example")
    asked = Ask(owner_id=api.user.id, contact_id=maya.id, asked_at=now - timedelta(days=6), request="Season 4 guest?")
    db.session.add(asked)
    db.session.commit()
    ask_mail = mail(
        user, ["Maya Chen <maya@guest.example>"], "Guest on Season 4?", days_ago(6), message_id="<ask-1@mail.example>"
    )
    reply = mail(
        "=?iso-8859-1?Q?Maya_Ch=E9n?= <MAYA.CHEN@work.example>",
        [user],
        "=?iso-8859-1?Q?R=E9ponse?=: Guest on Season 4?",
        days_ago(2),
        In_Reply_To="<ask-1@mail.example>",
    )
    newsletter = mail("news@letters.example", [user], "Weekly digest", days_ago(3), List_Unsubscribe="<mailto:u@letters.example>")
    out_of_office = mail(
        "tom@becker.example",
        [user],
        "Re: Lunch",
        days_ago(1),
        Auto_Submitted="auto-replied",
        body=f"I am out of the office until {(NOW + timedelta(days=10)):%d %B %Y}.",
    )
    automatic = mail("maya@guest.example", [user], "Automatic reply: Guest on Season 4?", days_ago(5))
    crowd = mail("tom@becker.example", [user] + [f"p{i}@crowd.example" for i in range(24)], "Party!", days_ago(4))
    no_id = mail("Tom Becker <tom@becker.example>", [user], "No id here", days_ago(8), message_id=None)
    for folder, raw in [
        ("Sent", ask_mail),
        ("INBOX", reply),
        ("INBOX", newsletter),
        ("INBOX", out_of_office),
        ("INBOX", automatic),
        ("INBOX", crowd),
        ("INBOX", no_id),
    ]:
        imap.append(folder, raw)
        imap.append("All Mail", raw)  # Gmail keeps a copy of everything here

    warmth = lambda contact: api("GET", f"/contacts/{contact.id}").json["warmth"]  # noqa: E731
    before = {"Maya": warmth(maya), "Tom": warmth(tom)}
    created = connect(api, dovecot, user, password, folders=["All Mail"])
    assert created.status_code == 201, created.json
    assert "password" not in created.json and password not in created.get_data(as_text=True)
    synced = api("POST", f"/mail-accounts/{created.json['id']}/sync")
    assert synced.status_code == 200, synced.json
    after = {"Maya": warmth(maya), "Tom": warmth(tom)}
    print(f"by class {synced.json['sync']['by_class']}; warmth before {before}, after {after}")
    assert before == {"Maya": 0, "Tom": 0} and after["Maya"] > after["Tom"] > 0  # two emails (one each way) beat one
    counts = synced.json["sync"]
    assert counts["by_class"] == {"person": 3, "bulk": 2, "auto_reply": 2}
    assert counts["duplicates"] == 7  # every All Mail copy counted once
    assert [(t.direction, t.kind, t.source) for t in touches_of(maya)] == [
        ("outbound", "email", "mail"),
        ("inbound", "email", "mail"),
    ]
    assert touches_of(maya)[1].note == "Réponse: Guest on Season 4?"
    assert [(t.direction, t.note) for t in touches_of(tom)] == [("inbound", "No id here")]
    db.session.refresh(asked)
    assert asked.replied_at is not None and asked.outcome == "pending"
    assert api("GET", "/asks").json["items"][0]["replied_at"] == asked.replied_at.isoformat()
    imap.select_folder("INBOX", readonly=True)
    assert all(b"\\Seen" not in flags for flags in imap.get_flags(imap.search()).values())  # never marked read


def test_after_a_uidvalidity_reset_nothing_counts_twice_and_a_deleted_touch_stays_deleted(api, dovecot, mailbox, make_contact):
    user, password, imap = mailbox
    maya = make_contact(api.user, "Maya Chen", email="maya@guest.example")
    imap.create_folder("Projects")
    messages = [mail("maya@guest.example", [user], f"Idea {i}", days_ago(10 - i), message_id=None) for i in range(3)]
    for raw in messages:
        imap.append("Projects", raw)
    account_id = connect(api, dovecot, user, password, folders=["Projects"]).json["id"]
    assert api("POST", f"/mail-accounts/{account_id}/sync").json["sync"]["touches"] == 3
    deleted = touches_of(maya)[0]
    assert api("DELETE", f"/touches/{deleted.id}").status_code == 204
    imap.delete_folder("Projects")
    imap.create_folder("Projects")
    for raw in messages:
        imap.append("Projects", raw)
    again = api("POST", f"/mail-accounts/{account_id}/sync").json["sync"]
    assert (again["read"], again["duplicates"], again["touches"]) == (3, 3, 0)
    assert [t.note for t in touches_of(maya)] == ["Idea 1", "Idea 2"]  # the deleted one stays deleted


def test_an_unchanged_mailbox_syncs_in_one_status_per_folder(api, dovecot, mailbox, make_contact):
    user, password, imap = mailbox
    make_contact(api.user, "Maya Chen", email="maya@guest.example")
    imap.append("INBOX", mail("maya@guest.example", [user], "Hi", days_ago(1)))
    account_id = connect(api, dovecot, user, password).json["id"]
    assert api("POST", f"/mail-accounts/{account_id}/sync").json["sync"]["new"] == 1
    start = time.perf_counter()
    again = api("POST", f"/mail-accounts/{account_id}/sync").json
    assert time.perf_counter() - start < 0.5
    assert again["sync"]["new"] == 0 and again["sync"]["folders"] == {}
    assert again["last_synced_at"] is not None and again["status"] == "active"


def test_a_30_mb_message_is_read_by_its_header_alone(api, dovecot, mailbox, make_contact):
    user, password, imap = mailbox
    maya = make_contact(api.user, "Maya Chen", email="maya@guest.example")
    imap.append("INBOX", mail("maya@guest.example", [user], "The raw audio", days_ago(1), body="x" * (30 * 1024 * 1024)))
    account_id = connect(api, dovecot, user, password).json["id"]
    before = len(dovecot.bytes_sent_to(user))
    assert api("POST", f"/mail-accounts/{account_id}/sync").json["sync"]["touches"] == 1
    assert [t.note for t in touches_of(maya)] == ["The raw audio"]
    deadline = time.monotonic() + 5
    while len(dovecot.bytes_sent_to(user)) <= before and time.monotonic() < deadline:
        time.sleep(0.05)  # Dovecot logs a session's bytes when it ends
    assert max(dovecot.bytes_sent_to(user)[before:]) < 100_000


@pytest.mark.parametrize(
    ("change", "field", "sentence"),
    [
        ({"password": "wrong"}, "password", "The server refused the user name or password."),
        ({"security": "tls"}, "security", "TLS failed with 127.0.0.1"),
        ({"security": "starttls"}, "security", "does not offer STARTTLS"),
        ({"host": "no-such-host.invalid"}, "host", "The server name no-such-host.invalid was not found."),
        ({"port": "closed"}, "port", "refused the connection"),
        ({"folders": ["Nope"]}, "folders", "The mailbox has no folder named 'Nope'."),
    ],
)
def test_a_connection_that_fails_says_plainly_why(api, dovecot, mailbox, change, field, sentence):
    user, password, _ = mailbox
    if change.get("port") == "closed":
        change = {"port": free_port()}
    response = connect(api, dovecot, user, password, **change)
    assert response.status_code == 422
    assert sentence in response.json["fields"][field]
    assert password not in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(MailAccount.id))) == 0


def test_plaintext_is_refused_unless_the_install_allows_it_on_loopback(app, api, dovecot, mailbox):
    user, password, _ = mailbox
    app.config["ALLOW_PLAINTEXT_IMAP"] = False
    response = connect(api, dovecot, user, password)
    assert response.status_code == 422
    assert response.json["fields"]["security"] == "Mail passwords are only sent over TLS: choose TLS or STARTTLS."


def test_credentials_are_encrypted_and_never_shown(api, dovecot, mailbox, app):
    user, password, _ = mailbox
    account_id = connect(api, dovecot, user, password).json["id"]
    stored = db.session.get(MailAccount, account_id)
    assert stored.secret and password not in stored.secret
    listing = api("GET", "/mail-accounts")
    assert listing.json["items"][0]["username"] == user and password not in listing.get_data(as_text=True)
    assert "secret" not in listing.json["items"][0]


def test_disconnecting_deletes_the_credentials_and_on_request_the_touches(api, dovecot, mailbox, make_contact):
    user, password, imap = mailbox
    maya = make_contact(api.user, "Maya Chen", email="maya@guest.example")
    imap.append("INBOX", mail("maya@guest.example", [user], "Hi", days_ago(1)))
    account_id = connect(api, dovecot, user, password).json["id"]
    api("POST", f"/mail-accounts/{account_id}/sync")
    assert len(touches_of(maya)) == 1 and db.session.get(Contact, maya.id).warmth_key is not None
    assert api("DELETE", f"/mail-accounts/{account_id}?delete_touches=true").status_code == 204
    assert db.session.scalar(db.select(db.func.count(MailAccount.id))) == 0
    assert touches_of(maya) == [] and db.session.get(Contact, maya.id).warmth_key is None
    assert db.session.scalar(db.select(db.func.count(CapturedMessage.id))) == 0


def test_a_paused_account_is_not_claimed_by_the_scheduler(api, dovecot, mailbox):
    from outreach.capture.sync import claim

    user, password, _ = mailbox
    account_id = connect(api, dovecot, user, password).json["id"]
    assert api("PATCH", f"/mail-accounts/{account_id}", {"status": "paused"}).json["status"] == "paused"
    assert claim(db.session, MailAccount, utcnow() + timedelta(days=1), timedelta(minutes=15)) is None


def test_the_scheduler_job_syncs_due_accounts_once(app, api, dovecot, mailbox, make_contact):
    from outreach.capture.jobs import sync_due

    user, password, imap = mailbox
    maya = make_contact(api.user, "Maya Chen", email="maya@guest.example")
    imap.append("INBOX", mail("maya@guest.example", [user], "Hi", days_ago(1)))
    connect(api, dovecot, user, password)
    assert sync_due(db.session, app.config)["mail synced"] == 1
    assert sync_due(db.session, app.config).get("mail synced", 0) == 0  # claimed ahead: not due again yet
    assert len(touches_of(maya)) == 1


def test_sync_account_records_a_failure_on_the_account(app, api, dovecot, mailbox):
    user, password, _ = mailbox
    account_id = connect(api, dovecot, user, password).json["id"]
    account = db.session.get(MailAccount, account_id)
    account.port = 1  # nothing listens there
    result = sync_account(db.session, account, app.config)
    assert result.error and "refused the connection" in result.error
    assert db.session.get(MailAccount, account_id).status == "failing"
    response = api("POST", f"/mail-accounts/{account_id}/sync")
    assert response.status_code == 502 and response.json["error"] == "127.0.0.1 refused the connection on port 1."
    assert api("GET", "/mail-accounts").json["items"][0]["last_error"] == response.json["error"]


def test_a_contact_added_after_a_sync_gets_its_history_at_the_next(api, dovecot, mailbox, make_contact):
    user, password, imap = mailbox
    imap.append("INBOX", mail("lena@vogel.example", [user], "Hello from Lena", days_ago(3)))
    account_id = connect(api, dovecot, user, password).json["id"]
    assert api("POST", f"/mail-accounts/{account_id}/sync").json["sync"]["touches"] == 0
    lena = make_contact(api.user, "Lena Vogel", email="lena@vogel.example")
    assert api("POST", f"/mail-accounts/{account_id}/sync").json["sync"]["touches"] == 1
    assert [t.note for t in touches_of(lena)] == ["Hello from Lena"]


def test_settings_mail_connects_syncs_and_says_what_is_missing(client, make_user, web_login, dovecot, mailbox, make_contact):
    from tests.conftest import csrf_from

    user, password, imap = mailbox
    owner = make_user("host@example.com")
    maya = make_contact(owner, "Maya Chen", email="maya@guest.example")
    imap.append("INBOX", mail("maya@guest.example", [user], "Hi", days_ago(1)))
    web_login(owner.email)
    assert "Mail and calendar" in client.get("/settings/").get_data(as_text=True)
    token = csrf_from(client, "/settings/mail/")
    empty = client.post("/settings/mail/accounts", data={"csrf_token": token, "security": "tls", "port": "993"})
    text = empty.get_data(as_text=True)
    assert empty.status_code == 422 and "Give the name of your mail server" in text
    assert "Give the password, or an app password for Gmail and iCloud." in text
    form = {
        "csrf_token": token,
        "host": "127.0.0.1",
        "port": dovecot.port,
        "security": "plain",
        "username": user,
        "password": password,
    }
    assert client.post("/settings/mail/accounts", data=form).status_code == 302
    account = db.session.scalars(db.select(MailAccount)).one()
    page = client.post(f"/settings/mail/accounts/{account.id}/sync", data={"csrf_token": token}, follow_redirects=True)
    assert "Synced " + user + ": 1 person; 1 touches, 0 replies to asks." in page.get_data(as_text=True)
    assert password not in page.get_data(as_text=True)
    assert [t.note for t in touches_of(maya)] == ["Hi"]
