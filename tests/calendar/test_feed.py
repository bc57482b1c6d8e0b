"""The subscription feed: valid for strict parsers, byte-stable, cheap to poll, private by token."""

from __future__ import annotations

from datetime import UTC, date, timedelta

import icalendar
import pytest
import vobject

from outreach.accounts.models import User
from outreach.domain import ics as calendar
from outreach.extensions import db
from outreach.reminders import tick as jobs
from outreach.reminders.models import Reminder
from tests.conftest import Api


@pytest.fixture
def feed(ready_pair, client, token_for, now):
    """A user with two reminders (ask and a follow-up) and a published feed URL."""
    user, _contact, _campaign = ready_pair()
    jobs.tick(db.session, now)
    api = Api(client, token_for(user))
    created = api("POST", "/calendar/token")
    assert created.status_code == 201
    path = "/calendar/" + created.json["url"].rsplit("/calendar/", 1)[1]
    return client, path, api


def test_feed_parses_with_icalendar_and_strict_vobject(feed):
    client, path, _ = feed
    body = client.get(path).data
    parsed = icalendar.Calendar.from_ical(body)
    events = list(parsed.walk("VEVENT"))
    assert events and all("UID" in e and "DTSTAMP" in e for e in events)
    strict = vobject.readOne(body.decode("utf-8"), validate=True)
    assert strict.vevent.uid.value == str(events[0]["UID"])
    assert str(parsed["X-WR-CALNAME"]) == "Outreach reminders"
    assert "REFRESH-INTERVAL" in parsed and "X-PUBLISHED-TTL" in parsed


def test_every_line_ends_in_crlf_and_fits_75_octets(feed):
    client, path, _ = feed
    body = client.get(path).data
    assert body.endswith(b"\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75


def test_event_says_who_and_what_with_the_three_sentences_and_a_link_back(feed):
    client, path, _ = feed
    event = next(iter(icalendar.Calendar.from_ical(client.get(path).data).walk("VEVENT")))
    assert str(event["SUMMARY"]).startswith("Ask Maya Chen for ")
    description = str(event["DESCRIPTION"])
    assert "Fit" in description and "Trust" in description and "Timing" in description
    assert "/contacts/" in str(event["URL"])
    assert event["CATEGORIES"].cats == ["ASK"]


def test_unchanged_feed_is_byte_identical_and_answers_304(feed):
    client, path, _ = feed
    first = client.get(path)
    second = client.get(path)
    assert first.data == second.data
    assert first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_changed_reminder_keeps_its_uid_with_a_higher_sequence(feed):
    client, path, api = feed
    before = {str(e["UID"]): int(e["SEQUENCE"]) for e in icalendar.Calendar.from_ical(client.get(path).data).walk("VEVENT")}
    reminder = db.session.scalars(db.select(Reminder).where(Reminder.kind == "ask")).one()
    api("PATCH", f"/reminders/{reminder.id}", {"snooze": "1w"})
    after = {str(e["UID"]): int(e["SEQUENCE"]) for e in icalendar.Calendar.from_ical(client.get(path).data).walk("VEVENT")}
    assert set(after) == set(before)
    assert after[reminder.uid] > before[reminder.uid]


def test_done_reminder_is_sent_as_cancelled(feed):
    client, path, api = feed
    reminder = db.session.scalars(db.select(Reminder).where(Reminder.kind == "ask")).one()
    api("PATCH", f"/reminders/{reminder.id}", {"state": "done"})
    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(client.get(path).data).walk("VEVENT")}
    assert str(events[reminder.uid]["STATUS"]) == "CANCELLED"


@pytest.mark.parametrize("token", ["wrong", "x" * 300, ""])
def test_wrong_token_is_a_bare_404(client, token):
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 404
    assert b"revoked" not in response.data.lower()


def test_revoked_and_rotated_tokens_stop_working(feed):
    client, path, api = feed
    rotated = api("POST", "/calendar/token").json["url"]
    assert client.get(path).status_code == 404
    new_path = "/calendar/" + rotated.rsplit("/calendar/", 1)[1]
    assert client.get(new_path).status_code == 200
    assert api("DELETE", "/calendar/token").status_code == 204
    revoked = client.get(new_path)
    assert revoked.status_code == 404 and revoked.data == client.get("/calendar/wrong.ics").data


def test_tokens_carry_at_least_128_bits_and_are_stored_hashed(feed):
    _client, path, _api = feed
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 22  # url-safe base64: 6 bits a character
    stored = db.session.scalars(db.select(User.calendar_token_hash)).all()
    assert token not in stored and any(stored)


@pytest.mark.parametrize(
    "text",
    ["plain", "comma, semicolon; backslash \\ and\nnewline", "ünïcödé " * 30, "😀" * 40, "x" * 300],
)
def test_text_is_escaped_and_folded_so_parsers_read_it_back_exactly(text):
    from datetime import date, datetime

    event = calendar.Event("uid-1@test", date(2026, 1, 5), text, text, datetime(2026, 1, 1), 0, "ASK")
    body = calendar.calendar("Test", [event])
    assert max(len(line) for line in body.split(b"\r\n")) <= 75
    parsed = next(iter(icalendar.Calendar.from_ical(body).walk("VEVENT")))
    assert str(parsed["SUMMARY"]) == text
    assert vobject.readOne(body.decode("utf-8"), validate=True).vevent.summary.value == text


def test_download_requires_login_and_filters_by_kind(client, feed):
    anonymous = client.application.test_client()
    assert anonymous.get("/calendar/export.ics").status_code == 302


def test_an_interview_is_a_timed_event_and_the_rest_are_all_day(feed, make_contact, now):
    client, path, api = feed
    user = db.session.scalars(db.select(User)).one()
    season = api("GET", "/campaigns").json["items"][0]
    guest = make_contact(user, "Tom Becker")
    when = (now + timedelta(days=5)).replace(hour=15, minute=30)
    episode = api(
        "POST", f"/campaigns/{season['id']}/episodes", {"contact_id": guest.id, "title": "Ep 7", "stage": "invited"}
    ).json
    api("PATCH", f"/episodes/{episode['id']}", {"stage": "booked", "recording_at": when.isoformat()})
    jobs.tick(db.session, now)
    body = client.get(path).data
    vobject.readOne(body.decode("utf-8"), validate=True)
    events = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    interview = next(e for s, e in events.items() if s.startswith("Prepare for the interview with Tom Becker"))
    assert interview.decoded("DTSTART") == when.replace(tzinfo=UTC)
    assert interview.decoded("DTEND") - interview.decoded("DTSTART") == timedelta(hours=1)
    others = [e for s, e in events.items() if not s.startswith("Prepare")]
    assert others and all(type(e.decoded("DTSTART")) is date for e in others)
    listed = [r for r in api("GET", "/reminders").json["items"] if r["kind"] == "interview"]
    assert listed[0]["due_at"] == when.isoformat()
