"""Meetings from the user's own calendar: past events with a contact among the attendees become touches.

CalDAV (the ``caldav`` library) syncs by sync-token: the first sync reads the last year, later ones
read only the objects that changed, plus the occurrences that have become past since the last sync.
A secret ICS address is read whole each time. UID + RECURRENCE-ID count each occurrence once.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

import icalendar
import recurring_ical_events
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from outreach.accounts.models import User
from outreach.capture.models import CalendarAccount, CapturedEvent, MailAccount
from outreach.capture.secrets import CredentialsUnreadable, decrypt
from outreach.capture.store import Item, address_book, link
from outreach.capture.sync import AlreadySyncing, exclusive, record_outcome
from outreach.core.caller import Caller, caller_for
from outreach.core.errors import InvalidInput
from outreach.core.fetch import check_url, fetch_calendar
from outreach.core.ownership import owned
from outreach.domain.vocabulary import CalendarKind

HORIZON_DAYS = 365
MAX_ATTENDEES = 20  # more is a webinar or an all-hands, not a meeting with someone
MAX_OCCURRENCES = 5000  # per object and sync: a runaway RRULE stops here
TIMEOUT_SECONDS = 30
CALENDAR_LOCKS = 1_000_000_000  # calendar accounts lock apart from mail accounts


class CalendarError(Exception):
    def __init__(self, field: str, sentence: str) -> None:
        super().__init__(sentence)
        self.field, self.sentence = field, sentence


@dataclass
class CalendarResult:
    meetings: int = 0
    touches: int = 0
    error: str | None = None


@dataclass(frozen=True)
class Occurrence:
    uid: str
    recurrence_id: str
    starts_at: datetime
    organizer: str
    attendees: list[str]
    summary: str


def _utc(value: date | datetime) -> datetime:
    if not isinstance(value, datetime):
        return datetime.combine(value, time(12))  # an all-day meeting: noon, so it keeps its day in any zone
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _address(value: Any) -> str:
    return str(value or "").strip().lower().removeprefix("mailto:")


def occurrences(data: bytes | str, start: datetime, end: datetime) -> Iterable[Occurrence]:
    """Each occurrence that starts in [start, end), recurrences expanded lazily, cancelled ones skipped."""
    try:
        calendar = icalendar.Calendar.from_ical(data)
        found = recurring_ical_events.of(calendar).after(start.replace(tzinfo=UTC))
        for count, event in enumerate(found):
            begins = _utc(event.get("DTSTART").dt)
            if begins >= end or count >= MAX_OCCURRENCES:
                break
            if begins < start or str(event.get("STATUS", "")).upper() == "CANCELLED":
                continue
            attendees = [_address(a) for a in _as_list(event.get("ATTENDEE"))]
            recurrence = event.get("RECURRENCE-ID")
            yield Occurrence(
                uid=str(event.get("UID", ""))[:255],
                recurrence_id=_utc(recurrence.dt).isoformat() if recurrence is not None else "",
                starts_at=begins,
                organizer=_address(event.get("ORGANIZER")),
                attendees=[a for a in attendees if "@" in a],
                summary=str(event.get("SUMMARY", ""))[:300],
            )
    except (ValueError, KeyError, AttributeError, TypeError, recurring_ical_events.InvalidCalendar) as exc:
        raise CalendarError("url", f"The calendar could not be read ({type(exc).__name__}).") from None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _caldav_client(secret: Mapping[str, str]) -> Any:
    from caldav.davclient import DAVClient  # the module itself: the package's lazy re-export is untyped

    return DAVClient(
        url=secret["url"],
        username=secret.get("username") or None,
        password=secret.get("password") or None,
        timeout=TIMEOUT_SECONDS,
    )


def _calendars(secret: Mapping[str, str]) -> list[Any]:
    from caldav.lib import error as dav_error

    try:
        found: list[Any] = _caldav_client(secret).principal().calendars()
    except dav_error.AuthorizationError:
        raise CalendarError("password", "The calendar server refused the user name or password.") from None
    except dav_error.DAVError as exc:
        raise CalendarError("url", f"The calendar server answered with an error ({type(exc).__name__}).") from None
    except OSError as exc:
        raise CalendarError("url", f"The calendar server could not be reached ({type(exc).__name__}).") from None
    if not found:
        raise CalendarError("url", "The server has no calendar for this user.")
    return found


def probe(kind: CalendarKind, secret: Mapping[str, str], config: Mapping[str, Any]) -> None:
    """Reach the calendar once; InvalidInput says what is wrong."""
    try:
        guard(secret["url"], config)
        if kind == CalendarKind.CALDAV:
            _calendars(secret)
        else:
            list(occurrences(fetch_calendar(secret["url"], _private_ok(config)), datetime(2000, 1, 1), datetime(2000, 1, 2)))
    except CalendarError as exc:
        raise InvalidInput({exc.field: exc.sentence}) from None


def guard(url: str, config: Mapping[str, Any]) -> None:
    """The same rules as partner calendars, and loopback only where the install says so (tests)."""
    check_url(url, allow_private=_private_ok(config))
    if config.get("CAPTURE_LOOPBACK_ONLY"):
        host = urlsplit(url).hostname or ""
        try:
            infos = socket.getaddrinfo(host, None)
        except (socket.gaierror, UnicodeError):
            infos = []
        if not infos or not all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos):
            raise CalendarError("url", f"{host} is not on this machine, and this installation reaches only loopback hosts.")


def _private_ok(config: Mapping[str, Any]) -> bool:
    return bool(config.get("ALLOW_PRIVATE_MAIL_HOSTS") or config.get("ALLOW_PRIVATE_CALENDAR_URLS"))


def sync_calendar(session: Session, account: CalendarAccount, config: Mapping[str, Any]) -> CalendarResult:
    """Past meetings since the last sync become touches; failures are recorded on the account."""
    result = CalendarResult()
    me = caller_for(session.get_one(User, account.owner_id))
    try:
        with exclusive(session, CALENDAR_LOCKS + account.id):
            secret = json.loads(decrypt(config, account.secret))
            guard(secret["url"], config)
            texts = _read(account, secret, me.now, config)
            found = [o for text in texts for o in occurrences(text[0], text[1], me.now)]
            mine = identities_of(session, me, secret.get("username", ""))
            result.meetings, result.touches = store_meetings(session, me, account, found, mine)
    except (CalendarError, CredentialsUnreadable) as exc:
        result.error = getattr(exc, "sentence", str(exc))
    except InvalidInput as exc:
        result.error = "; ".join(exc.fields.values())
    except AlreadySyncing:
        result.error = "A sync of this calendar is already running."
        return result
    record_outcome(session, account, result.error, me.now)
    return result


def _read(
    account: CalendarAccount, secret: Mapping[str, str], now: datetime, config: Mapping[str, Any]
) -> list[tuple[Any, datetime]]:
    """Calendar texts with the moment from which their occurrences are new to us."""
    horizon = now - timedelta(days=HORIZON_DAYS)
    if account.kind == CalendarKind.ICS:
        return [(fetch_calendar(secret["url"], _private_ok(config)), horizon)]
    tokens: dict[str, str] = json.loads(account.sync_token or "{}")
    since = account.last_synced_at - timedelta(days=1) if account.last_synced_at else None
    texts: list[tuple[Any, datetime]] = []
    from caldav.lib import error as dav_error

    try:
        for calendar in _calendars(secret):
            key = str(calendar.url)
            changed = calendar.objects_by_sync_token(sync_token=tokens.get(key), load_objects=True)
            texts += [(o.data, horizon) for o in changed if o.data]
            tokens[key] = str(changed.sync_token)
            if since is not None:
                # Unchanged events whose occurrences have become past since the last sync.
                texts += [(o.data, since) for o in calendar.search(start=since, end=now, event=True) if o.data]
    except dav_error.DAVError as exc:
        raise CalendarError("url", f"The calendar server answered with an error ({type(exc).__name__}).") from None
    except OSError as exc:
        raise CalendarError("url", f"The calendar server could not be reached ({type(exc).__name__}).") from None
    account.sync_token = json.dumps(tokens)
    return texts


def identities_of(session: Session, me: Caller, login: str = "") -> set[str]:
    """The user's addresses: their login, every mailbox's, and the calendar login if it is one."""
    found = {me.user.email.lower()} | ({login.lower()} if "@" in login else set())
    for addresses in session.scalars(owned(MailAccount, me.id).with_only_columns(MailAccount.identities)):
        found.update(a.lower() for a in addresses or [])
    return found


def store_meetings(
    session: Session, me: Caller, account: CalendarAccount, found: list[Occurrence], identities: set[str]
) -> tuple[int, int]:
    """New occurrences stored once each (UID + RECURRENCE-ID), then linked to the contacts who attended."""
    unique = {(o.uid, o.recurrence_id): o for o in found if o.uid and len(o.attendees) <= MAX_ATTENDEES}
    if not unique:
        return 0, 0
    known = set(
        session.execute(
            select(CapturedEvent.uid, CapturedEvent.recurrence_id).where(
                CapturedEvent.owner_id == me.id, CapturedEvent.uid.in_({uid for uid, _ in unique})
            )
        ).all()
    )
    rows: list[dict[str, Any]] = []
    for key, o in unique.items():
        if key in known:
            continue
        others = [a for a in dict.fromkeys([o.organizer, *o.attendees]) if a and a not in identities]
        outbound = not o.organizer or o.organizer in identities
        rows.append(
            {
                "owner_id": me.id,
                "account_id": account.id,
                "uid": o.uid,
                "recurrence_id": o.recurrence_id,
                "starts_at": o.starts_at,
                "direction": "outbound" if outbound else "inbound",
                "summary": o.summary,
                "attendees": others,
                "created_at": me.now,
            }
        )
    if not rows:
        return 0, 0
    ids = session.execute(insert(CapturedEvent).returning(CapturedEvent.id, sort_by_parameter_order=True), rows).scalars()
    items = [
        Item(ref, "meeting", r["direction"], r["starts_at"], r["summary"], r["attendees"])
        for ref, r in zip(ids, rows, strict=True)
    ]
    return len(rows), link(session, me, items, address_book(session, me.id), "event_id")
