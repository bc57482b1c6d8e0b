"""Issue 15, item 6: one set of bounds for every date and number, on every way in; the calendar survives any stored date."""

from __future__ import annotations

import io
import types
from datetime import date, datetime, timedelta
from importlib import import_module
from typing import Annotated, Union, get_args, get_origin

import icalendar
import pytest
from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel, ValidationError

from outreach.calendar import service as calendar_service
from outreach.contacts.models import Touch
from outreach.core.openapi import OPERATIONS
from outreach.core.types import MAX_INT
from outreach.domain import ics
from outreach.episodes.models import Episode
from outreach.extensions import db
from outreach.reminders import tick as jobs
from outreach.reminders.models import Reminder
from outreach.setup import API_MODULES
from tests.conftest import csrf_from

for _module in API_MODULES:
    import_module(_module)
BOUNDS = "must be a date from 1970 to 2200"


def _input_schemas() -> list[type[BaseModel]]:
    """Every model the API accepts as a body or a query, and the web forms' and imports' schemas with them."""
    found = {op.body for op in OPERATIONS} | {op.query for op in OPERATIONS}
    return sorted((m for m in found if m is not None), key=lambda m: m.__name__)


def _base(annotation):
    while True:
        if get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
        elif get_origin(annotation) in (Union, types.UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation


def _fields_of(kind):
    return [(m, n) for m in _input_schemas() for n, info in m.model_fields.items() if _base(info.annotation) is kind]


def _refusal(model, name, value):
    try:
        model.model_validate({name: value})
    except ValidationError as exc:
        return next((e for e in exc.errors() if e["loc"][:1] == (name,)), None)
    return None


def test_there_are_dated_and_counted_fields_to_check():
    assert len(_fields_of(date)) >= 8 and len(_fields_of(datetime)) >= 4 and len(_fields_of(int)) >= 15


@pytest.mark.parametrize("kind", [date, datetime])
def test_every_date_and_moment_of_every_input_shares_the_same_bounds(kind):
    outside = ["1969-12-31", "2201-01-01", "0001-01-01", "9999-12-31"]
    suffix = "T23:30:00Z" if kind is datetime else ""
    for model, name in _fields_of(kind):
        for day in outside:
            refused = _refusal(model, name, day + suffix)
            assert refused is not None and refused["type"] == "bounds", (model.__name__, name, day, refused)
        inside = _refusal(model, name, "1970-01-01" + suffix)  # another rule may still refuse it (a follow-up on a pending ask)
        assert inside is None or inside["type"] != "bounds", (model.__name__, name)


def test_every_whole_number_of_every_input_fits_a_32_bit_column():
    for model, name in _fields_of(int):
        metadata = _flat_metadata(model.model_fields[name])
        highs = [m.le if isinstance(m, Le) else m.lt for m in metadata if isinstance(m, (Le, Lt))]
        lows = [m.ge if isinstance(m, Ge) else m.gt for m in metadata if isinstance(m, (Ge, Gt))]
        assert highs and max(highs) <= MAX_INT and lows and min(lows) >= -MAX_INT, (model.__name__, name)
        assert _refusal(model, name, 2**31) is not None, (model.__name__, name)


def _flat_metadata(info):
    found = list(info.metadata)

    def walk(annotation):
        if get_origin(annotation) is Annotated:
            base, *more = get_args(annotation)
            for item in more:
                found.extend(getattr(item, "metadata", [item]))
            walk(base)
        for arg in get_args(annotation) if get_origin(annotation) in (Union, types.UnionType) else []:
            walk(arg)

    walk(info.annotation)
    return found


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_an_episode_recorded_in_9999_is_refused_by_the_api_its_patch_and_the_page(
    api, client, make_contact, make_campaign, web_login
):
    guest, season = make_contact(api.user, "Far Future"), make_campaign(api.user)
    body = {"contact_id": guest.id, "stage": "booked", "recording_at": "9999-12-31T23:30:00Z"}
    created = api("POST", f"/campaigns/{season.id}/episodes", body)
    assert created.status_code == 422 and created.json["fields"] == {"recording_at": f"“Recording” {BOUNDS}."}
    aware = api("POST", f"/campaigns/{season.id}/episodes", body | {"recording_at": "9999-12-31T23:30:00-05:00"})
    assert aware.status_code == 422 and "recording_at" in aware.json["fields"]
    episode = api("POST", f"/campaigns/{season.id}/episodes", {"contact_id": guest.id}).json
    patched = api("PATCH", f"/episodes/{episode['id']}", {"stage": "booked", "recording_at": "9999-12-31T23:30:00Z"})
    assert patched.status_code == 422 and "recording_at" in patched.json["fields"]
    web_login(api.user.email)
    data = {"csrf_token": csrf_from(client, f"/campaigns/{season.id}"), "contact_id": str(guest.id), "stage": "booked"}
    shown = client.post(
        f"/campaigns/{season.id}/episodes", data=data | {"recording_at": "9999-12-31T23:30"}, follow_redirects=True
    )
    assert f"Guest not added. “Recording” {BOUNDS}." in shown.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Episode.id))) == 1


def _stored_beyond_bounds(user, contact, campaign, now):
    """What an install held before dates were bounded: an interview at the very end of year 9999."""
    db.session.add(
        Episode(
            owner_id=user.id,
            campaign_id=campaign.id,
            contact_id=contact.id,
            stage="booked",
            recording_at=datetime(9999, 12, 31, 23, 30),
        )
    )
    db.session.commit()
    jobs.tick(db.session, now)


def test_the_feed_and_downloads_survive_a_date_stored_before_the_bounds(
    client, make_user, make_contact, make_campaign, web_login, now
):
    user = make_user("old@example.com")
    contact, campaign = make_contact(user, "Stored Long Ago"), make_campaign(user)
    _stored_beyond_bounds(user, contact, campaign, now)
    reminder = db.session.scalars(db.select(Reminder).where(Reminder.kind == "interview")).one()
    assert reminder.due_on == date(9999, 12, 31)
    token = calendar_service.create_token(user)
    db.session.commit()
    web_login(user.email)
    for done in (False, True):  # open, then done: a closed reminder is still sent (cancelled) for 14 days
        if done:
            db.session.get(Reminder, reminder.id).state = "done"
            db.session.commit()
        for path in (f"/calendar/{token}.ics", "/calendar/export.ics", f"/calendar/reminders/{reminder.id}.ics"):
            response = client.get(path)
            assert response.status_code == 200, (path, done)
            events = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
            starts = [e.decoded("DTSTART") for e in events if str(e["UID"]) == reminder.uid]
            assert starts and starts[0].replace(tzinfo=None) == datetime(9999, 12, 31, 23, 30)


@pytest.mark.parametrize(
    ("day", "at"),
    [(date(9999, 12, 31), None), (date(9999, 12, 31), datetime(9999, 12, 31, 23, 30)), (date(1, 1, 1), datetime(1, 1, 1, 0, 0))],
)
def test_the_ics_writer_writes_any_date_python_holds_as_a_readable_event(day, at):
    event = ics.Event("u@x", day, "Edge", "", datetime(2026, 1, 1), 0, "KEEP-WARM", at=at)
    body = ics.calendar("Edges", [event])
    parsed = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    start = parsed.decoded("DTSTART")
    assert (start.date() if isinstance(start, datetime) else start) == day


def test_a_touch_dated_year_1_is_refused_by_the_api_the_page_and_the_csv_import(api, client, make_contact, web_login):
    contact = make_contact(api.user, "Year One", email="one@example.com")
    refused = api("POST", f"/contacts/{contact.id}/touches", {"kind": "email", "occurred_at": "0001-01-01T00:00:00"})
    assert refused.status_code == 422 and refused.json["fields"] == {"occurred_at": f"“When” {BOUNDS}."}
    web_login(api.user.email)
    data = {"csrf_token": csrf_from(client, f"/contacts/{contact.id}"), "kind": "email", "direction": "outbound"}
    page = client.post(f"/contacts/{contact.id}/touches", data=data | {"occurred_at": "0001-01-01T00:00"})
    assert page.status_code == 422 and f"“When” {BOUNDS}." in page.get_data(as_text=True)
    csv = b"contact,kind,date\none@example.com,email,0001-01-01\none@example.com,email,2026-01-05\n"
    shown = client.post(
        "/data/import/touches",
        data={"csrf_token": csrf_from(client, "/data/"), "file": (io.BytesIO(csv), "t.csv"), "action": "import"},
        content_type="multipart/form-data",
    )
    assert f"line 2: “When” {BOUNDS}." in shown.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Touch.id))) == 1


@pytest.mark.parametrize("value", ["99999999999999999999", "1e309", "nan", "-1e400"])
def test_settings_refuse_numbers_beyond_their_bounds_in_sentences(client, make_user, web_login, value):
    web_login(make_user("nums@example.com").email)
    form = {"csrf_token": csrf_from(client, "/settings/"), "audience_size": value, "half_life_days": value, "k": value}
    response = client.post("/settings/", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "“Your audience size” takes" in page and "“Half-life (days)” takes a number" in page


def test_the_cli_refuses_a_day_out_of_bounds_without_a_traceback(runner):
    for command in (["tick", "--date", "0001-01-01"], ["digest", "--print", "--date", "9999-12-31"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 2 and "is not a day from 1970 to 2200" in result.output
        assert "Traceback" not in result.output


@pytest.mark.parametrize("query", ["from=0001-01-01", "to=9999-12-31", "from=2027-02-30"])
def test_the_calendar_download_refuses_days_out_of_bounds(client, make_user, web_login, query):
    web_login(make_user("range@example.com").email)
    response = client.get(f"/calendar/export.ics?{query}")
    assert response.status_code == 400 and "takes a date from 1970 to 2200" in response.get_data(as_text=True)


def test_a_reminder_snoozed_past_the_bounds_is_refused(api, make_contact, now):
    reminder_id = _a_reminder(api.user, make_contact(api.user), now)
    response = api("PATCH", f"/reminders/{reminder_id}", {"snoozed_until": "9999-12-31"})
    assert response.status_code == 422 and response.json["fields"] == {"snoozed_until": f"“Snoozed until” {BOUNDS}."}


def _a_reminder(user, contact, now) -> int:
    from outreach.reminders import books

    book = books.load_book(db.session, user.id, now.date())
    draft = books.Draft("keep_warm", contact.id, None, now.date() + timedelta(days=1), "Touch", "")
    books.upsert(db.session, user.id, book, draft, now, move=False)
    db.session.commit()
    return db.session.scalars(db.select(Reminder.id)).one()
