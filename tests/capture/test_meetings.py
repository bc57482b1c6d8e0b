"""Meetings from a real CalDAV server (Radicale): past meetings with contacts become touches, each once."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from caldav import DAVClient

from outreach.capture.models import CalendarAccount
from outreach.contacts.models import Touch
from outreach.core.types import utcnow
from outreach.extensions import db

NOW = utcnow().replace(tzinfo=UTC, microsecond=0)


def event(uid, start, organizer, attendees, summary="Call", extra=""):
    people = "".join(f"ATTENDEE:mailto:{a}\r\n" for a in attendees)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:{NOW:%Y%m%dT%H%M%SZ}\r\nDTSTART:{start:%Y%m%dT%H%M%SZ}\r\n"
        f"DTEND:{start + timedelta(hours=1):%Y%m%dT%H%M%SZ}\r\nSUMMARY:{summary}\r\n"
        f"ORGANIZER:mailto:{organizer}\r\n{people}{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


@pytest.fixture
def calendar(radicale, app):
    app.config["ALLOW_PRIVATE_MAIL_HOSTS"] = True  # Radicale listens on loopback
    client = DAVClient(url=radicale.url, username="maya", password="calendar secret")
    made = client.principal().make_calendar(name=f"Work {utcnow().timestamp()}")
    yield made
    made.delete()


def touches(contact):
    db.session.expire_all()
    return db.session.scalars(db.select(Touch).where(Touch.contact_id == contact.id).order_by(Touch.occurred_at)).all()


def connect(api, radicale, password="calendar secret"):
    return api("POST", "/calendar-accounts", {"kind": "caldav", "url": radicale.url, "username": "maya", "password": password})


def test_past_meetings_with_contacts_become_touches_once(api, radicale, calendar, make_contact):
    me = api.user.email
    maya = make_contact(api.user, "Maya Chen", email="maya@guest.example")
    tom = make_contact(api.user, "Tom Becker", email="tom@becker.example")
    calendar.save_event(event("one@test", NOW - timedelta(days=3), me, ["maya@guest.example"], "Season 4 prep"))
    weekly = "RRULE:FREQ=WEEKLY;COUNT=4\r\n"
    calendar.save_event(event("weekly@test", NOW - timedelta(days=29), "tom@becker.example", [me], "Weekly", weekly))
    calendar.save_event(event("off@test", NOW - timedelta(days=2), me, ["maya@guest.example"], "Off", "STATUS:CANCELLED\r\n"))
    crowd = ["maya@guest.example"] + [f"p{i}@crowd.example" for i in range(24)]
    calendar.save_event(event("webinar@test", NOW - timedelta(days=4), me, crowd, "Webinar"))
    calendar.save_event(event("later@test", NOW + timedelta(days=5), me, ["maya@guest.example"], "Later"))

    created = connect(api, radicale)
    assert created.status_code == 201, created.json
    assert "calendar secret" not in created.get_data(as_text=True)
    synced = api("POST", f"/calendar-accounts/{created.json['id']}/sync")
    assert synced.status_code == 200, synced.json
    assert [(t.kind, t.direction, t.note, t.source) for t in touches(maya)] == [
        ("meeting", "outbound", "Season 4 prep", "calendar")
    ]
    assert [(t.direction, t.note) for t in touches(tom)] == [("inbound", "Weekly")] * 4  # each past occurrence

    again = api("POST", f"/calendar-accounts/{created.json['id']}/sync").json["sync"]
    assert again == {"meetings": 0, "touches": 0}
    # An event added afterwards, already in the past: the sync token brings it.
    calendar.save_event(event("late@test", NOW - timedelta(days=1), "maya@guest.example", [me], "Debrief"))
    third = api("POST", f"/calendar-accounts/{created.json['id']}/sync").json["sync"]
    assert third == {"meetings": 1, "touches": 1}
    assert [t.note for t in touches(maya)] == ["Season 4 prep", "Debrief"]


def test_a_wrong_calendar_password_is_said_plainly(api, radicale, calendar):
    response = connect(api, radicale, password="wrong")
    assert response.status_code == 422
    assert response.json["fields"]["password"] == "The calendar server refused the user name or password."
    assert db.session.scalar(db.select(db.func.count(CalendarAccount.id))) == 0


def test_disconnecting_a_calendar_can_take_its_touches_along(api, radicale, calendar, make_contact):
    maya = make_contact(api.user, "Maya Chen", email="maya@guest.example")
    calendar.save_event(event("one@test", NOW - timedelta(days=3), api.user.email, ["maya@guest.example"]))
    account_id = connect(api, radicale).json["id"]
    api("POST", f"/calendar-accounts/{account_id}/sync")
    assert len(touches(maya)) == 1
    assert api("DELETE", f"/calendar-accounts/{account_id}?delete_touches=true").status_code == 204
    assert touches(maya) == []
