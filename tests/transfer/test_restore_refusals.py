"""A restore refuses the first bad value by its path, in one sentence, and keeps nothing of a refused file."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from outreach.accounts import service as user_service
from outreach.core.errors import InvalidInput
from outreach.extensions import db
from outreach.transfer import archive, restore
from tests.transfer.conftest import counts_of

LINK = "a link starts with http:// or https://"

# One record in every section, pointing at each other the way an export does.
VALID: dict[str, Any] = {
    "schema_version": 2,
    "user": {"email": "old@example.com", "audience_size": 500, "timezone": "Europe/Berlin", "settings": {"half_life_days": 60}},
    "contacts": [{"ref": 7, "name": "Maya Chen", "kind": "podcast_guest", "links": ["https://example.com/maya"]}],
    "campaigns": [{"ref": 3, "name": "Season 4", "kind": "podcast_season", "date": "2030-01-07"}],
    "messages": [{"ref": 5, "name": "Invite", "body": "Hi {name}"}],
    "touches": [{"ref": 11, "contact_id": 7, "kind": "email", "direction": "inbound", "occurred_at": "2025-01-02T09:00:00"}],
    "busy_periods": [{"ref": 1, "contact_id": 7, "start": "2029-12-01", "end": "2029-12-09", "source": "imported"}],
    "asks": [
        {"ref": 2, "contact_id": 7, "campaign_id": 3, "message_id": 5, "asked_at": "2025-02-01T09:00:00", "outcome": "yes"},
        {"ref": 4, "asked_at": "2025-03-01T09:00:00", "recipients": 50, "message_id": 5},
    ],
    "ask_changes": [{"ref": 9, "ask_id": 2, "changed_at": "2025-02-03T10:00:00", "changes": {"outcome": ["pending", "yes"]}}],
    "episodes": [{"ref": 6, "campaign_id": 3, "contact_id": 7, "stage": "booked", "recording_at": "2029-11-02T15:00:00"}],
    "offers": [{"ref": 8, "contact_id": 7, "kind": "free_call", "happened_on": "2024-12-01"}],
    "wins": [{"ref": 10, "kind": "yes", "text": "Maya said yes", "contact_id": 7, "ask_id": 2}],
    "reminders": [{"ref": 12, "kind": "keep_warm", "contact_id": 7, "due_on": "2029-10-01", "title": "Keep Maya warm"}],
    "feeds": [{"ref": 13, "contact_id": 7, "url": "https://maya.example.com/", "feed_url": "https://maya.example.com/feed"}],
    "posts": [{"ref": 14, "feed_id": 13, "contact_id": 7, "uid": "abc", "title": "Ep. 1", "kind": "episode"}],
    "openings": [{"ref": 15, "contact_id": 7, "post_id": 14, "touch_id": 11, "state": "acted"}],
    "captured_messages": [
        {
            "ref": 17,
            "message_key": "hello@maya.example",
            "sent_at": "2025-01-02T09:00:00",
            "direction": "inbound",
            "classification": "person",
            "from_address": "maya@example.com",
            "counterparts": [["maya@example.com", "Maya Chen"]],
        }
    ],
    "captured_events": [{"ref": 18, "uid": "call@maya", "starts_at": "2025-01-05T15:00:00", "direction": "outbound"}],
    "capture_links": [
        {"ref": 19, "contact_id": 7, "message_id": 17, "touch_id": 11},
        {"ref": 20, "contact_id": 7, "event_id": 18},
    ],
}


def changed(path: str, value: Any) -> dict[str, Any]:
    """VALID with one value replaced: ``asks.0.outcome`` names it."""
    document = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    here: Any = document
    for part in parents:
        here = here[int(part)] if part.isdigit() else here[part]
    if isinstance(here, list) and int(last) == len(here):
        here.append(value)  # a record more
    else:
        here[int(last) if last.isdigit() else last] = value
    return document


DEVELOPER_PHRASES = ("Input should", "String should", "Value error", "valid integer", "pattern")


def says(said: str, expected: str) -> bool:
    """The refusal names the same place (a backup's path), in a sentence of ours: since issue 16 section 3
    the words are the field's own sentences, so past the path only pydantic's phrases are ruled out."""
    if expected.lower() in said.lower():
        return True
    place, _, _ = expected.partition(": ")
    return said.startswith(place + ": ") and not any(phrase in said for phrase in DEVELOPER_PHRASES)


def refusal(make_user: Any, document: Any) -> str:
    user = make_user()
    with pytest.raises(InvalidInput) as raised:
        restore.import_account(db.session, user, document)
    db.session.rollback()
    assert counts_of(db.session, user.id) == dict.fromkeys(counts_of(db.session, user.id), 0)
    return "; ".join(raised.value.fields.values())


def test_the_valid_document_restores(make_user):
    user = make_user()
    counts = restore.import_account(db.session, user, copy.deepcopy(VALID))
    db.session.commit()
    assert counts == {name: len(VALID[name]) for name in archive.SECTIONS}
    assert (user.timezone, user.audience_size, user.settings["half_life_days"]) == ("Europe/Berlin", 500, 60)


@pytest.mark.parametrize(
    ("path", "value", "sentence"),
    [
        ("contacts.0.links.0", "javascript:alert(1)", f"contacts[0].links[0]: {LINK}"),
        ("contacts.0.kind", "admin", "contacts[0].kind: Input should be 'influencer', 'alliance_partner'"),
        ("asks.0.outcome", "bogus", "asks[0].outcome: Input should be 'pending', 'yes'"),
        ("asks.1.recipients", -3, "asks[1].recipients: Input should be greater than or equal to 1"),
        ("touches.0.occurred_at", "9999-12-31T23:30:00", "touches[0].occurred_at: cannot be in the future"),
        ("touches.0.occurred_at", "0001-01-01T00:00:00", "touches[0].occurred_at: must be between 1970 and 2200"),
        ("user.timezone", "Mars/Phobos", "user.timezone: 'Mars/Phobos' is not a time zone"),
        ("user.settings.half_life_days", 0, "user.settings.half_life_days: Input should be greater than or equal to 1"),
        ("user.audience_size", 99999999999999999999, "user.audience_size: Input should be less than or equal to"),
        ("contacts.0.name", "Maya\x00", "contacts[0].name: must not contain NUL characters"),
        ("contacts.0.tags", ["x" * 60] * 40, "contacts[0].tags: together the labels must stay under 2,000 characters"),
        ("asks.0.reason", "timing", "asks[0].reason: a reason belongs to a no, a not-now or a no-response"),
        ("asks.0.warmth_at_ask", 250.0, "asks[0].warmth_at_ask: Input should be less than or equal to 100"),
        ("ask_changes.0.changes", {"outcome": ["pending", "bogus"]}, "ask_changes[0].changes: outcome: 'bogus' is not one of"),
        ("ask_changes.0.changes", {"owner_id": [1, 2]}, "ask_changes[0].changes: an ask has no field 'owner_id'"),
        ("episodes.0.recording_at", None, "episodes[0].recording_at: a booked episode needs its recording date"),
        ("episodes.0.recording_at", "9999-12-31T23:30:00Z", "episodes[0].recording_at: must be between 1970 and 2200"),
        ("reminders.0.due_on", "9999-01-01", "reminders[0].due_on: must be between 1970 and 2200"),
        ("reminders.0.state", "deleted", "reminders[0].state: Input should be"),
        ("feeds.0.failures", 2**40, "feeds[0].failures: Input should be less than or equal to 2147483647"),
        ("posts.0.url", "javascript:alert(1)", f"posts[0].url: {LINK}"),
        ("openings.0.state", "open", "openings[0]: only an opening acted on has a touch"),
        ("busy_periods.0.end", "2029-11-01", "busy_periods[0].end: end must be on or after start"),
        ("captured_messages.0.classification", "spam", "captured_messages[0].classification: Input should be"),
        ("captured_messages.0.references", ["x"] * 101, "captured_messages[0].references: "),
        ("capture_links.1.message_id", 17, "capture_links[1]: a capture link names either a message or an event"),
    ],
)
def test_a_bad_value_is_refused_by_its_path(make_user, path, value, sentence):
    assert says(refusal(make_user, changed(path, value)), sentence)


@pytest.mark.parametrize(
    ("path", "value", "sentence"),
    [
        ("asks.0.message_id", 99, "asks[0].message_id: no record in messages has ref 99"),
        ("asks.0.parent_id", 2, "asks[0].parent_id: replies attach to a bulk send"),
        ("wins.0.ask_id", 4000, "wins[0].ask_id: no record in asks has ref 4000"),
        ("contacts.1", {"ref": 7, "name": "Maya again"}, "contacts[1].ref: contacts[0] has ref 7 too"),
        ("campaigns.0.kind", "launch", "episodes[0].campaign_id: episodes belong to a podcast season"),
        ("reminders.1", dict(VALID["reminders"][0], ref=16), "reminders[1]: a second reminder of the same kind, contact"),
        ("posts.0.contact_id", 70, "posts[0].contact_id: no record in contacts has ref 70"),
        ("openings.1", dict(VALID["openings"][0], ref=16), "openings[1].post_id: a second opening for this post"),
        (
            "captured_messages.1",
            dict(VALID["captured_messages"][0], ref=21),
            "captured_messages[1].message_key: a second captured message with this Message-ID",
        ),
    ],
)
def test_records_that_do_not_fit_together_are_refused(make_user, path, value, sentence):
    if path == "posts.0.contact_id":  # a second contact, so the post can name one that is not its feed's
        document = changed("contacts.1", {"ref": 70, "name": "Tom"})
        document["posts"][0]["contact_id"] = 70
        assert says(refusal(make_user, document), "posts[0].contact_id: a post belongs to its feed's contact")
        return
    assert says(refusal(make_user, changed(path, value)), sentence)


def test_a_capture_link_to_someone_elses_touch_is_refused(make_user):
    document = changed("contacts.1", {"ref": 70, "name": "Tom"})
    document["capture_links"][0]["contact_id"] = 70
    assert says(refusal(make_user, document), "capture_links[0].touch_id: the touch a capture made is with its contact")


def test_a_file_written_before_mail_capture_restores(make_user):
    document = copy.deepcopy(VALID)
    for name in archive.LATER_SECTIONS:
        del document[name]
    counts = restore.import_account(db.session, make_user(), document)
    assert {name: counts[name] for name in archive.LATER_SECTIONS} == dict.fromkeys(archive.LATER_SECTIONS, 0)


def without(section: str) -> dict[str, Any]:
    document = copy.deepcopy(VALID)
    del document[section]
    return document


MALFORMED = [
    (b"{not json", "the file is not JSON: Expecting property name"),
    (b"\xff\xfe{\x00}\x00", "the file is not UTF-8 text"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"schema_version": NaN}', "NaN is not a number JSON allows"),
    (b'{"schema_version": 2, "x": 1e999}', "the number 1e999 is too large"),
    (b"[]", "the file holds a list, not an Outreach export"),
    (b'"outreach"', "the file holds text, not an Outreach export"),
    (b"{}", "schema_version: expected 2 (an export of this Outreach), found None"),
    (b'{"schema_version": "2"}', "schema_version: expected 2 (an export of this Outreach), found '2'"),
    (b'{"schema_version": 99}', "schema_version: expected 2"),
    (json.dumps(without("touches")).encode(), "touches: the file has no such section"),
    (json.dumps(without("user")).encode(), "user: the file has no such section"),
    (json.dumps({**VALID, "passwords": []}).encode(), "passwords: an Outreach export has no such section"),
    (json.dumps({**VALID, "contacts": "Maya"}).encode(), "contacts: expected a list of records, found text"),
    (json.dumps({**VALID, "user": []}).encode(), "user: expected a record (a JSON object), found a list"),
    (json.dumps(changed("contacts.0", "Maya")).encode(), "contacts[0]: expected a record (a JSON object), found text"),
    (json.dumps(changed("contacts.0.name", 5)).encode(), "contacts[0].name: Input should be a valid string"),
    (
        json.dumps(changed("contacts.0.created_at", "yesterday")).encode(),
        "contacts[0].created_at: Input should be a valid datetime",
    ),
    (json.dumps(changed("contacts.0.colour", "red")).encode(), "contacts[0].colour: Extra inputs are not permitted"),
    (json.dumps(changed("asks.0.ref", "two")).encode(), "asks[0].ref: Input should be a valid integer"),
    (json.dumps(changed("contacts.0.name", "\ud800")).encode(), "not valid Unicode"),
]


@pytest.mark.parametrize(("data", "sentence"), MALFORMED)
def test_a_malformed_document_is_refused_in_a_sentence(make_user, data, sentence):
    with pytest.raises(InvalidInput) as raised:
        restore.import_account(db.session, make_user(), archive.read_document(data))
    assert says("; ".join(raised.value.fields.values()), sentence)


@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        (b"{not json", "the file is not JSON"),
        (b"[]", "the file holds a list"),
        (json.dumps(changed("contacts.0.links.0", "javascript:alert(1)")).encode(), f"contacts[0].links[0]: {LINK}"),
        (json.dumps(changed("asks.0.message_id", 99)).encode(), "asks[0].message_id: no record in messages has ref 99"),
        (json.dumps(changed("user.timezone", "Mars/Phobos")).encode(), "user.timezone: 'Mars/Phobos' is not a time zone"),
    ],
)
def test_the_command_prints_one_line_and_exits_1(runner, make_user, tmp_path: Path, data, sentence):
    make_user("me@example.com")
    backup = tmp_path / "backup.json"
    backup.write_bytes(data)
    result = runner.invoke(args=["import", "json", str(backup), "--email", "me@example.com"])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith("Error: backup.json refused: ") and says(
        lines[0].removeprefix("Error: backup.json refused: "), sentence
    )


def test_a_refused_restore_keeps_nothing_and_the_account_can_try_again(runner, make_user, tmp_path: Path):
    user = make_user("me@example.com")
    backup = tmp_path / "backup.json"
    backup.write_text(json.dumps(changed("openings.0.post_id", 99)))  # the very last section
    assert runner.invoke(args=["import", "json", str(backup), "--email", "me@example.com"]).exit_code == 1
    assert set(counts_of(db.session, user.id).values()) == {0}
    assert user_service.find_user(db.session, "me@example.com").timezone == "UTC"  # type: ignore[union-attr]
    backup.write_text(json.dumps(VALID))
    assert runner.invoke(args=["import", "json", str(backup), "--email", "me@example.com"]).exit_code == 0
    assert counts_of(db.session, user.id)["openings"] == 1


def test_a_version_1_export_still_restores_without_the_messages_it_never_held(make_user):
    old = {name: copy.deepcopy(VALID[name]) for name in ("user", *archive.FIRST_SECTIONS)}
    old["schema_version"] = 1
    counts = restore.import_account(db.session, make_user(), old)
    assert counts["asks"] == 2 and counts["messages"] == 0


def test_a_reply_listed_before_the_send_it_answers_still_restores(make_user):
    document = copy.deepcopy(VALID)
    reply = {"ref": 1, "parent_id": 4, "contact_id": 7, "asked_at": "2025-03-02T09:00:00", "outcome": "yes"}
    document["asks"].insert(0, reply)
    user = make_user()
    restore.import_account(db.session, user, document)
    db.session.commit()
    exported = archive.export_account(db.session, user)
    bulk = next(ask for ask in exported["asks"] if ask["recipients"] == 50)
    assert [ask["ref"] for ask in exported["asks"] if ask["parent_id"] == bulk["ref"]] != []
