"""Rules that span fields or callers, each written once.

A schema's validator calls them on what was sent; a service calls them on the stored record merged
with a patch (which no schema can see). Either way the rule raises InvalidInput naming its field,
and pydantic passes that through (core.errors.field_errors), so the API, the web forms and the CLI
all say the same sentence.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from outreach.core.errors import InvalidInput, sentence

MIN_PASSWORD = 8
MAX_PASSWORD = 200  # hashing a megabyte "password" on every login attempt is a cheap way to load the server


def password(value: str) -> str:
    if len(value) < MIN_PASSWORD:
        raise InvalidInput({"password": f"Use at least {MIN_PASSWORD} characters for the password."})
    if len(value) > MAX_PASSWORD:
        raise InvalidInput({"password": f"Use at most {MAX_PASSWORD} characters for the password."})
    return value


def ask_window(start_weeks: int, end_weeks: int) -> None:
    """The window opens ``start_weeks`` before the campaign's date and closes ``end_weeks`` before it."""
    if start_weeks <= end_weeks:
        said = "The ask window must close after it opens: make it close fewer weeks before the date than it opens."
        raise InvalidInput({"window_end_weeks": said})


def busy_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput({"end": "A busy period ends on or after its first day."})


REASONED_OUTCOMES = ("no", "no_response", "not_now")


def ask_reason(outcome: str | None, reason: str | None) -> None:
    if reason and (outcome or "pending") not in REASONED_OUTCOMES:
        said = "Only a no, a not-now or a no-response has a reason: clear “Reason for a no” or change the outcome."
        raise InvalidInput({"reason": said})


def ask_follow_up(outcome: str | None, follow_up_on: date | None) -> None:
    if follow_up_on and outcome != "not_now":
        said = "Only a “not now” answer has a follow-up date: clear “Follow up on” or change the outcome."
        raise InvalidInput({"follow_up_on": said})


def episode_booking(stage: str | None, recording_at: datetime | None) -> None:
    if stage == "booked" and recording_at is None:
        raise InvalidInput({"recording_at": "A booked episode needs its recording date."})


MAX_AUDIENCE = 2_147_483_647  # the columns are 32-bit INTEGERs; PostgreSQL refuses more with an error


def audience_size(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= MAX_AUDIENCE:
        raise InvalidInput({"audience_size": sentence("range", "Your audience size", limits=f"from 0 to {MAX_AUDIENCE:,}")})
    return value


def addresses(primary: str | None, others: Iterable[str | None]) -> list[str]:
    """A contact's e-mail addresses: the primary first (when given), then the others, each once whatever
    its case (mail does not care either)."""
    seen: set[str] = set()
    kept: list[str] = []
    for address in [primary, *others]:
        if address and address.lower() not in seen:
            seen.add(address.lower())
            kept.append(address)
    return kept


# An answer's details belong to some answers only (the ledger, its API and the JSON restore).
REASONED = frozenset({"no", "no_response", "not_now"})


def ask_answer(outcome: str | None, reason: str | None, follow_up_on: date | None) -> None:
    if reason and (outcome or "pending") not in REASONED:
        raise InvalidInput({"reason": "a reason belongs to a no, a not-now or a no-response"})
    if follow_up_on and outcome != "not_now":
        raise InvalidInput({"follow_up_on": "a follow-up date belongs to a 'not now' answer"})


def bulk_reply(parent_recipients: int, parent_is_reply: bool, replies_before: int) -> None:
    """A reply attaches to a bulk send (more than one recipient, itself no reply), at most one per recipient."""
    if parent_recipients <= 1 or parent_is_reply:
        raise InvalidInput({"parent_id": "replies attach to a bulk send (an ask with more than one recipient)"})
    if replies_before >= parent_recipients:
        raise InvalidInput({"parent_id": f"that send went to {parent_recipients} people and has that many replies"})
