"""Issue 15, item 2: no partner calendar runs away — by upload or by URL, each is answered in a sentence, fast."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import BytesIO

import pytest

from outreach.calendar import partner
from outreach.calendar import service as calendar_service
from outreach.contacts.models import BusyPeriod
from outreach.core import fetch
from outreach.core.errors import InvalidInput
from outreach.extensions import db
from tests.conftest import csrf_from

TODAY = date(2027, 1, 4)
# Generous: each of these answers in a fraction of it. Measured as this process's CPU time, not the wall
# clock, so a loaded machine (a suite beside a benchmark) cannot fail it: a parser that expanded a runaway
# rule would spend the CPU itself.
BOUND_SECONDS = 2.0


def calendar(*events: str) -> bytes:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n" + "".join(events) + "END:VCALENDAR\r\n").encode()


def event(uid: str, start: str, *lines: str, summary: str = "Busy") -> str:
    body = "".join(line + "\r\n" for line in (f"UID:{uid}", "DTSTAMP:20260101T000000Z", f"DTSTART:{start}", *lines))
    return f"BEGIN:VEVENT\r\n{body}SUMMARY:{summary}\r\nEND:VEVENT\r\n"


# The 174-byte file: 31 million events a year.
SECONDLY = calendar(event("s@x", "20270104T090000Z", "RRULE:FREQ=SECONDLY", summary="Tick"))
RUNAWAYS = {
    "secondly": (SECONDLY, "repeats every second"),
    "minutely": (calendar(event("m@x", "20270104T090000Z", "RRULE:FREQ=MINUTELY")), "repeats every minute"),
    "hourly": (calendar(event("h@x", "20270104T090000Z", "RRULE:FREQ=HOURLY;COUNT=5")), "repeats every hour"),
    "interval-0": (calendar(event("i@x", "20270104T090000Z", "RRULE:FREQ=DAILY;INTERVAL=0")), "INTERVAL=0"),
    "by-minute": (
        calendar(event("b@x", "20270104T090000Z", "RRULE:FREQ=DAILY;BYHOUR=9;BYMINUTE=" + ",".join(map(str, range(60))))),
        "several times a day",
    ),
    "exrule": (calendar(event("e@x", "20270104T090000Z", "RRULE:FREQ=DAILY", "EXRULE:FREQ=SECONDLY")), "repeats every second"),
    # 200 daily series are 73,000 events in a year: the cap is reached after the sixth, not after all of them.
    "over-the-cap": (
        calendar(*(event(f"d{i}@x", "20270104T090000Z", "RRULE:FREQ=DAILY") for i in range(200))),
        "More than 2000 events",
    ),
}


@pytest.mark.parametrize(("data", "message"), RUNAWAYS.values(), ids=RUNAWAYS.keys())
def test_a_runaway_calendar_is_refused_in_a_sentence_within_seconds(data, message):
    started = time.process_time()
    with pytest.raises(InvalidInput) as raised:
        calendar_service.parse_busy_periods(data, TODAY)
    assert time.process_time() - started < BOUND_SECONDS
    assert message in raised.value.fields["file"]


def test_the_174_byte_file_really_is_that_small():
    assert len(SECONDLY) < 200


def test_a_rule_that_never_happens_is_stopped_by_the_time_budget(monkeypatch):
    # dateutil counts the days to the year 9999 looking for a 30 February, with no point to check a clock.
    never = calendar(*(event(f"n{i}@x", "20270104T090000Z", "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30") for i in range(50)))
    monkeypatch.setattr(partner, "READ_SECONDS", 1.0)
    started = time.monotonic()
    with pytest.raises(InvalidInput) as raised:
        calendar_service.parse_busy_periods(never, TODAY)
    assert time.monotonic() - started < 1.0 + BOUND_SECONDS
    assert "took longer than 1 seconds" in raised.value.fields["file"]


def test_cancelled_events_and_cancelled_instances_keep_nobody_busy():
    data = calendar(
        event("c@x", "20270110T090000Z", "DTEND:20270110T100000Z", "STATUS:CANCELLED", summary="Called off"),
        event("w@x", "20270105T090000Z", "DTEND:20270105T100000Z", "RRULE:FREQ=WEEKLY;COUNT=3", summary="Weekly"),
        event("w@x", "20270112T090000Z", "DTEND:20270112T100000Z", "RECURRENCE-ID:20270112T090000Z", "STATUS:CANCELLED"),
        event("k@x", "20270120T090000Z", "DTEND:20270120T100000Z", "STATUS:CONFIRMED", summary="Kept"),
    )
    periods = calendar_service.parse_busy_periods(data, TODAY)
    expected = [(date(2027, 1, 5), "Weekly"), (date(2027, 1, 19), "Weekly"), (date(2027, 1, 20), "Kept")]
    assert [(p[0], p[2]) for p in periods] == expected


def test_an_ordinary_calendar_still_imports_all_its_events():
    data = calendar(*(event(f"d{i}@x", "20270104T090000Z", "RRULE:FREQ=DAILY;COUNT=300") for i in range(6)))
    periods = calendar_service.parse_busy_periods(data, TODAY)
    assert len(periods) == 1800 and periods[0][0] == TODAY and periods[-1][0] == TODAY + timedelta(days=299)


@pytest.fixture
def calendar_server() -> Iterator[str]:
    """Serves the runaway file, and one that arrives a few bytes at a time."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.end_headers()
            if self.path == "/slow.ics":
                for line in SECONDLY.splitlines(keepends=True):
                    self.wfile.write(line)
                    self.wfile.flush()
                    time.sleep(0.3)
            else:
                self.wfile.write(SECONDLY)

        def log_message(self, *args: object) -> None:
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def contact_page(app, client, make_user, make_contact, web_login):
    user = make_user("cal@example.com")
    contact = make_contact(user, "Jane Doe")
    web_login(user.email)
    app.config["ALLOW_PRIVATE_CALENDAR_URLS"] = True  # the test server is on loopback
    return contact, csrf_from(client, f"/contacts/{contact.id}")


def test_the_runaway_file_uploaded_on_the_contact_page_gets_a_message_within_seconds(client, contact_page):
    contact, token = contact_page
    started = time.process_time()
    response = client.post(
        f"/calendar/import/{contact.id}",
        data={"csrf_token": token, "file": (BytesIO(SECONDLY), "tick.ics")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert time.process_time() - started < BOUND_SECONDS
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nothing imported. The event “Tick” repeats every second" in page
    assert db.session.scalar(db.select(db.func.count(BusyPeriod.id))) == 0


def test_the_runaway_file_by_url_gets_the_same_message_within_seconds(client, contact_page, calendar_server):
    contact, token = contact_page
    started = time.monotonic()
    response = client.post(
        f"/calendar/import/{contact.id}",
        data={"csrf_token": token, "url": calendar_server + "/tick.ics"},
        follow_redirects=True,
    )
    assert time.monotonic() - started < BOUND_SECONDS
    assert "Nothing imported. The event “Tick” repeats every second" in response.get_data(as_text=True)


def test_a_server_that_dribbles_is_given_up_on(client, contact_page, calendar_server, monkeypatch):
    monkeypatch.setattr(fetch, "TOTAL_SECONDS", 0.5)
    contact, token = contact_page
    started = time.monotonic()
    response = client.post(
        f"/calendar/import/{contact.id}",
        data={"csrf_token": token, "url": calendar_server + "/slow.ics"},
        follow_redirects=True,
    )
    assert time.monotonic() - started < 0.5 + BOUND_SECONDS
    assert "took longer than 0.5 seconds to send the calendar" in response.get_data(as_text=True)
