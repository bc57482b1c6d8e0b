"""Partners' calendars become busy periods: recurrences, time zones and all-day events; broken files refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from outreach.accounts import service as user_service
from outreach.calendar import service as calendar_feed
from outreach.campaigns import service as campaign_service
from outreach.campaigns.readiness import assess_pair
from outreach.contacts.models import BusyPeriod
from outreach.core.errors import InvalidInput
from outreach.extensions import db
from tests.conftest import csrf_from

TODAY = date(2027, 1, 4)  # a Monday

GOOGLE_EXPORT = """BEGIN:VCALENDAR\r
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r
VERSION:2.0\r
CALSCALE:GREGORIAN\r
METHOD:PUBLISH\r
X-WR-CALNAME:Jane's public calendar\r
X-WR-TIMEZONE:America/Los_Angeles\r
BEGIN:VTIMEZONE\r
TZID:America/Los_Angeles\r
X-LIC-LOCATION:America/Los_Angeles\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:-0800\r
TZOFFSETTO:-0700\r
TZNAME:PDT\r
DTSTART:19700308T020000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:-0700\r
TZOFFSETTO:-0800\r
TZNAME:PST\r
DTSTART:19701101T020000\r
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r
END:STANDARD\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
DTSTART;TZID=America/Los_Angeles:20270105T170000\r
DTEND;TZID=America/Los_Angeles:20270105T180000\r
RRULE:FREQ=WEEKLY;COUNT=4;BYDAY=TU\r
EXDATE;TZID=America/Los_Angeles:20270112T170000\r
DTSTAMP:20261201T000000Z\r
UID:weekly-live@google.com\r
SUMMARY:Weekly live show\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART;VALUE=DATE:20270301\r
DTEND;VALUE=DATE:20270308\r
DTSTAMP:20261201T000000Z\r
UID:launch@google.com\r
SUMMARY:Course launch week — doors open\r
DESCRIPTION:A very long description that goes on and on so that Google folds \r
 it across several lines of the export file\\, exactly as real files do.\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART;VALUE=DATE:20250101\r
DTEND;VALUE=DATE:20250102\r
DTSTAMP:20261201T000000Z\r
UID:old@google.com\r
SUMMARY:Long past\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_google_export_expands_recurrences_exdates_and_all_day_events():
    periods = calendar_feed.parse_busy_periods(GOOGLE_EXPORT.encode(), TODAY)
    weekly = [p for p in periods if p[2] == "Weekly live show"]
    # 4 Tuesdays from 5 Jan, minus the EXDATE on 12 Jan; 17:00 in Los Angeles is 01:00 UTC the next day.
    assert [p[0] for p in weekly] == [date(2027, 1, 6), date(2027, 1, 20), date(2027, 1, 27)]
    assert (date(2027, 3, 1), date(2027, 3, 7), "Course launch week — doors open") in periods
    assert all(p[2] != "Long past" for p in periods)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            GOOGLE_EXPORT.replace(
                "END:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270301", "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270301", 1
            ),
            "could not be read",
        ),
        (GOOGLE_EXPORT.replace("DTSTART;VALUE=DATE:20270301", "DTSTART;VALUE=DATE:2027-99-01"), "could not be read"),
        ("First Name,Last Name\nJane,Doe\n", "not an iCalendar file"),
        ("", "not an iCalendar file"),
        ("\xff\xfe garbage", "not an iCalendar file"),
    ],
    ids=["missing-end-vevent", "bad-date", "csv", "empty", "garbage"],
)
def test_broken_files_are_refused_with_a_message(content, message):
    with pytest.raises(InvalidInput) as raised:
        calendar_feed.parse_busy_periods(content.encode("utf-8"), TODAY)
    assert message in raised.value.fields["file"]


def test_non_utf8_bytes_are_refused_clearly():
    with pytest.raises(InvalidInput) as raised:
        calendar_feed.parse_busy_periods(b"BEGIN:VCALENDAR\r\n\xff\xfe\xfa", TODAY)
    assert "UTF-8" in raised.value.fields["file"]


def test_a_huge_file_is_refused_before_parsing():
    with pytest.raises(InvalidInput) as raised:
        calendar_feed.parse_busy_periods(b"BEGIN:VCALENDAR\r\n" + b"X" * (calendar_feed.MAX_IMPORT_BYTES + 1), TODAY)
    assert "larger than" in raised.value.fields["file"]


def test_import_replaces_the_last_import_and_keeps_manual_entries(client, make_user, make_contact):
    user = make_user("imp@example.com")
    contact = make_contact(user)
    campaign_service.add_busy_period(db.session, contact, date(2027, 2, 1), date(2027, 2, 2), "manual")
    db.session.commit()
    for _ in range(2):
        calendar_feed.import_busy_periods(db.session, contact, GOOGLE_EXPORT.encode(), TODAY)
        db.session.commit()
    sources = sorted(db.session.scalars(db.select(BusyPeriod.source).where(BusyPeriod.contact_id == contact.id)))
    assert sources.count("manual") == 1 and sources.count("imported") == 4


def test_upload_on_the_contact_page_imports_and_timing_fails_during_their_launch(
    client, web_login, make_user, make_contact, make_campaign
):
    user = make_user("up@example.com")
    contact = make_contact(user, "Jane Doe", topics=["podcasting"])
    web_login("up@example.com")
    today = date.today()
    launch = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:l@x\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;VALUE=DATE:{today:%Y%m%d}\r\nDTEND;VALUE=DATE:{today + timedelta(days=7):%Y%m%d}\r\n"
        "SUMMARY:Their launch\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    from io import BytesIO

    token = csrf_from(client, f"/contacts/{contact.id}")
    response = client.post(
        f"/calendar/import/{contact.id}",
        data={"csrf_token": token, "file": (BytesIO(launch.encode()), "jane.ics")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Imported 1 busy period for" in response.get_data(as_text=True)
    campaign = make_campaign(user)
    planner = user_service.user_settings(user).planner(None)
    from outreach.core.types import utcnow

    result = assess_pair(db.session, contact, campaign, planner, utcnow()).result
    assert not result.timing.met and "busy" in result.timing.reason


def test_broken_upload_says_what_is_wrong_and_imports_nothing(client, web_login, make_user, make_contact):
    from io import BytesIO

    user = make_user("bad@example.com")
    contact = make_contact(user)
    web_login("bad@example.com")
    token = csrf_from(client, f"/contacts/{contact.id}")
    response = client.post(
        f"/calendar/import/{contact.id}",
        data={"csrf_token": token, "file": (BytesIO(b"not a calendar"), "x.ics")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Nothing imported" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(BusyPeriod.id))) == 0


def test_a_20_mb_upload_is_refused_with_413(client, web_login, make_user, make_contact):
    user = make_user("big@example.com")
    contact = make_contact(user)
    web_login("big@example.com")
    token = csrf_from(client, f"/contacts/{contact.id}")
    body = (
        b'--b\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' + token.encode() + b"\r\n"
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.ics"\r\n\r\n'
        + b"BEGIN:VCALENDAR\r\n"
        + b"X" * (20 * 1024 * 1024)
        + b"\r\n--b--\r\n"
    )
    response = client.post(f"/calendar/import/{contact.id}", data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 413
