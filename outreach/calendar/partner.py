"""A partner's calendar read as busy days, in a child process with a time and a memory limit.

A calendar is a program: a 174-byte `RRULE:FREQ=SECONDLY` is 31 million events a year, a daily rule
that can never match (`BYMONTH=2;BYMONTHDAY=30`) makes dateutil count days to the year 9999 (7.5 s
for 60 bytes, with no point at which to check a clock), and a VTIMEZONE's rules are expanded too.
So the rules are screened first (nothing more often than daily), each series is expanded on its own
and counted against the cap as it goes, and the whole read runs in a child that is killed when its
time is up. `recurring_ical_events`' lazy `.after()` is no help here: it re-expands each series from
its start for every window, 7 to 40 times slower than `.between()` on ordinary calendars (measured).

This module imports nothing from the app: the child runs it as a plain script (`python -P`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

HORIZON_DAYS = 365
MAX_PERIODS = 2000
# The child's whole life, start-up included (0.3 s of it): icalendar parses about 3,000 events a second
# on a busy 2-core machine, so a 5 MB export of years of meetings still fits.
READ_SECONDS = 20.0
MEMORY_BYTES = 1024 * 1024 * 1024  # address space for the child: a runaway expansion dies, the worker does not
SUB_DAILY = {"SECONDLY": "second", "MINUTELY": "minute", "HOURLY": "hour"}
WITHIN_A_DAY = ("BYHOUR", "BYMINUTE", "BYSECOND")

Period = tuple[date, date, str]


class CalendarRefused(ValueError):
    """The file cannot become busy periods; the message says why, in a sentence for the user."""


def read(data: bytes, today: date) -> list[Period]:
    """Busy periods of the next 12 months, read by a child process; CalendarRefused if it cannot be done."""
    command = [sys.executable, "-P", str(Path(__file__).resolve()), today.isoformat()]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=READ_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise CalendarRefused(
            f"reading it took longer than {READ_SECONDS:g} seconds (a repeating event that never ends or never happens?)"
        ) from None
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        if b"MemoryError" in done.stderr or done.returncode < 0:
            raise CalendarRefused("it describes more events than can be read") from None
        raise CalendarRefused("it could not be read") from None
    if "refused" in answer:
        raise CalendarRefused(answer["refused"])
    return [(date.fromisoformat(first), date.fromisoformat(last), summary) for first, last, summary in answer["periods"]]


def expand(data: bytes, today: date) -> list[Period]:
    """The work itself (in the child): every event of the next 12 months as (first day, last day, summary)."""
    import icalendar
    import recurring_ical_events

    try:
        parsed = icalendar.Calendar.from_ical(data.decode("utf-8-sig"))
    except Exception as exc:  # the parser raises many types on broken real-world files
        raise CalendarRefused(f"the calendar could not be read: {exc}") from None
    end = today + timedelta(days=HORIZON_DAYS)
    periods: list[Period] = []
    for series in _series(parsed):
        _screen(series)
        try:
            occurrences = recurring_ical_events.of(series).between(today, end)
        except Exception as exc:
            raise CalendarRefused(f"the calendar could not be read: {exc}") from None
        periods.extend(_periods(occurrences))
        if len(periods) > MAX_PERIODS:
            raise CalendarRefused(f"more than {MAX_PERIODS} events in the next 12 months")
    return sorted(periods)


def _series(parsed: Any) -> Iterator[Any]:
    """Small calendars with the file's own properties and time zones: one per recurring event (with its
    moved or cancelled instances, which share its UID), each expanded and counted on its own; and one
    for all the single events, which cannot multiply (a Google export holds years of them)."""
    import icalendar

    zones = [c for c in parsed.subcomponents if c.name == "VTIMEZONE"]
    by_uid: dict[str, list[Any]] = {}
    for index, event in enumerate(c for c in parsed.subcomponents if c.name == "VEVENT"):
        by_uid.setdefault(str(event.get("UID") or f"no-uid-{index}"), []).append(event)
    single = [events[0] for events in by_uid.values() if len(events) == 1 and not _repeats(events[0])]
    recurring = [events for events in by_uid.values() if len(events) > 1 or _repeats(events[0])]
    for events in [single, *recurring]:
        series = icalendar.Calendar()
        series.update(parsed)  # the calendar's own properties, X-WR-TIMEZONE among them
        for component in (*zones, *events):
            series.add_component(component)
        yield series


def _repeats(event: Any) -> bool:
    return any(prop in event for prop in ("RRULE", "RDATE", "EXRULE", "RECURRENCE-ID"))


def _screen(series: Any) -> None:
    """Refuse what would run away before anything is expanded: busy periods are whole days."""
    for event in series.walk("VEVENT"):
        summary = str(event.get("SUMMARY", "")).strip()[:80] or "without a title"
        for prop in ("RRULE", "EXRULE"):
            values = event.get(prop)
            for rule in values if isinstance(values, list) else [values] if values is not None else []:
                if not isinstance(rule, dict):
                    raise CalendarRefused(f"the event “{summary}” has a {prop} that cannot be read: {rule}")
                _screen_rule(summary, prop, rule)


def _screen_rule(summary: str, prop: str, rule: dict[str, list[Any]]) -> None:
    frequency = str((rule.get("FREQ") or [""])[0]).upper()
    if frequency in SUB_DAILY:
        raise CalendarRefused(
            f"the event “{summary}” repeats every {SUB_DAILY[frequency]} ({prop} FREQ={frequency}): busy periods are "
            "whole days, so remove that repetition from the calendar and import it again"
        )
    interval = (rule.get("INTERVAL") or [1])[0]
    if not isinstance(interval, int) or interval < 1:
        raise CalendarRefused(f"the event “{summary}” repeats with INTERVAL={interval}: it must be 1 or more")
    for part in WITHIN_A_DAY:
        if len(rule.get(part) or []) > 1:
            raise CalendarRefused(
                f"the event “{summary}” repeats several times a day ({prop} {part}): busy periods are whole days"
            )


def _periods(occurrences: Iterable[Any]) -> Iterator[Period]:
    for event in occurrences:
        if event.name != "VEVENT" or "DTSTART" not in event:
            continue
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue  # a cancelled meeting (or one cancelled instance of a series) keeps nobody busy
        try:
            start_value = event.decoded("DTSTART")
            end_value = event.decoded("DTEND") if "DTEND" in event else None
        except Exception as exc:
            raise CalendarRefused(f"an event has a date that cannot be read: {exc}") from None
        first = _as_date(start_value)
        if end_value is None:
            last = first
        elif isinstance(end_value, datetime):
            last = max(first, _as_date(end_value - timedelta(microseconds=1)))
        else:
            last = max(first, end_value - timedelta(days=1))  # all-day DTEND is exclusive
        yield first, last, str(event.get("SUMMARY", "")).replace("\x00", "")[:500]


def _as_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return value.astimezone(UTC).date() if value.tzinfo else value.date()
    return value


def _child(today: str) -> None:
    """The child's side: the file on stdin, a JSON answer on stdout."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    try:
        periods = expand(sys.stdin.buffer.read(), date.fromisoformat(today))
    except CalendarRefused as exc:
        answer: dict[str, Any] = {"refused": str(exc)}
    else:
        answer = {"periods": [(first.isoformat(), last.isoformat(), summary) for first, last, summary in periods]}
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    _child(sys.argv[1])
