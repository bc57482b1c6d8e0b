"""Today's board kept as rows: a change to a few contacts reassesses those contacts alone, and the board it
gives is the one a full assessment gives, over random histories, edits and clocks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import OperationalError

from outreach.accounts import service as user_service
from outreach.accounts.models import User
from outreach.asks import service as ask_service
from outreach.asks.models import Ask
from outreach.campaigns import service as campaign_service
from outreach.campaigns.models import Campaign
from outreach.campaigns.readiness import assess_fits
from outreach.contacts import service as contact_service
from outreach.contacts import touches as touch_service
from outreach.contacts.models import Contact, Touch
from outreach.contacts.rescore import rescore_owner
from outreach.core.caller import caller_for
from outreach.core.ownership import owned
from outreach.core.types import utcnow
from outreach.domain import warmth
from outreach.extensions import db
from outreach.today import board as board_module
from outreach.today import rows
from outreach.today.models import BoardRow, StoredBoard
from tests import histories
from tests.conftest import READY_TOUCHES, _empty_tables

EXAMPLES = 25
KINDS = ("comment", "share", "email", "call", "collaboration")
TOPICS = (["podcasting"], ["podcasting"], ["podcasting", "marketing"], ["cooking"])


# -- the place of a pair: bytes that sort as its tuple ------------------------------------------------------

place = st.tuples(
    st.dates(),
    st.integers(-(2**62), 2**62),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.one_of(st.none(), st.dates()),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=6),
    st.integers(0, 2**40),
)


@given(st.lists(place, max_size=30))
def test_a_place_sorts_as_its_tuple(places: list[tuple[Any, ...]]) -> None:
    none_first = [(*p[:4], (p[4] is not None, p[4] or date.min), *p[5:]) for p in places]  # None before any date
    by_bytes = sorted(range(len(places)), key=lambda i: rows.order_key(*places[i]))
    by_tuple = sorted(range(len(places)), key=lambda i: none_first[i])
    assert [none_first[i] for i in by_bytes] == [none_first[i] for i in by_tuple]


def test_a_place_refuses_what_it_cannot_order() -> None:
    with pytest.raises(TypeError):
        rows.order_key(datetime(2026, 1, 1))
    with pytest.raises(TypeError):
        rows.order_key([1])
    assert rows.order_key("a") < rows.order_key("a\x00") < rows.order_key("ab") < rows.order_key("b")


# -- incremental equals full --------------------------------------------------------------------------------

touch = st.tuples(st.sampled_from(KINDS), st.sampled_from(("inbound", "outbound")), st.floats(0, 120))
contact = st.tuples(st.sampled_from(TOPICS), st.lists(touch, max_size=6))
edit = st.one_of(
    st.tuples(st.just("touch"), st.integers(0, 5), st.sampled_from(KINDS), st.sampled_from(("inbound", "outbound"))),
    st.tuples(st.just("untouch"), st.integers(0, 5)),
    st.tuples(st.just("topics"), st.integers(0, 5), st.sampled_from(TOPICS)),
    st.tuples(st.just("rate"), st.integers(0, 5), st.sampled_from((None, 1, 5))),
    st.tuples(st.just("delete"), st.integers(0, 5)),
    st.tuples(st.just("restore"), st.integers(0, 5)),
    st.tuples(st.just("ask"), st.integers(0, 5), st.integers(0, 1), st.sampled_from(("pending", "no", "not_now", "yes"))),
    st.tuples(st.just("unask"), st.integers(0, 5)),
    st.tuples(st.just("new"), st.sampled_from(TOPICS)),
    st.tuples(st.just("busy"), st.integers(0, 5), st.integers(-3, 20)),
    st.tuples(st.just("campaign"), st.integers(0, 1), st.integers(20, 100)),
)
# Mostly views minutes or hours apart on one day (the rows kept), now and then the next day (in full).
step = st.tuples(st.sampled_from((0, 0.1, 1, 2, 3, 5, 26)), st.lists(edit, max_size=3))
world = st.fixed_dictionaries(
    {
        # A short half-life and relationship make warmth and age cross their bars within hours.
        "half_life_days": st.sampled_from((1.0, 7.0, 90.0)),
        "relationship_days": st.sampled_from((0, 1, 60)),
        "trust_warmth": st.sampled_from((20.0, 60.0)),
        "contacts": st.lists(contact, min_size=1, max_size=5),
        "campaigns": st.lists(st.tuples(st.integers(5, 100), st.sampled_from(TOPICS)), min_size=1, max_size=2),
        "steps": st.lists(step, min_size=2, max_size=6),
        "frozen": st.booleans(),  # every view at one moment: the board must be the full one to the letter
    }
)


def build(data: dict[str, Any], start: datetime) -> tuple[User, list[int], list[Campaign]]:
    user = user_service.create_user(db.session, "rows@example.com", "correct horse")
    user.settings = {name: data[name] for name in ("half_life_days", "relationship_days", "trust_warmth")}
    params = user_service.user_settings(user).warmth_params()
    ids = [person.id for person in histories.people(user.id, data["contacts"], start, params, names=3)]
    made = histories.campaigns(user.id, data["campaigns"], start)
    db.session.commit()
    return user, ids, made


def apply(change: tuple[Any, ...], user: User, ids: list[int], campaigns: list[Campaign], at: datetime) -> None:
    kind, *args = change
    params = user_service.user_settings(user).warmth_params()
    if kind == "new":
        ids.append(contact_service.create_contact(db.session, user.id, {"name": "Newcomer", "topics": args[0]}).id)
        arrived = {"kind": "email", "direction": "inbound", "occurred_at": at}
        touch_service.log_touch(db.session, db.session.get_one(Contact, ids[-1]), arrived, params)
    elif kind == "campaign":
        campaign_service.update_campaign(
            db.session, campaigns[args[0] % len(campaigns)], {"date": at.date() + timedelta(days=args[1])}
        )
    elif kind == "ask":
        make_ask(user, db.session.get_one(Contact, ids[args[0] % len(ids)]), campaigns, args, at)
    else:
        edit_contact(kind, args, user.id, db.session.get_one(Contact, ids[args[0] % len(ids)]), at, params)
    db.session.commit()


def make_ask(user: User, person: Contact, campaigns: list[Campaign], args: list[Any], at: datetime) -> None:
    """Mostly on a pair the board shows, whose place it must give up."""
    on_board = db.session.execute(select(BoardRow.contact_id, BoardRow.campaign_id).order_by(BoardRow.sort_key)).all()
    contact_id, campaign_id = on_board[args[0] % len(on_board)] if on_board and args[1] else (person.id, campaigns[0].id)
    made = {
        "contact_id": contact_id,
        "campaign_id": campaign_id,
        "asked_at": at,
        "outcome": args[2],
        "follow_up_on": at.date() + timedelta(days=5) if args[2] == "not_now" else None,
    }
    if db.session.get_one(Contact, contact_id).deleted_at is None:
        ask_service.create_ask(db.session, user.id, made, user_service.user_settings(user).planner(user.audience_size), at)


def edit_contact(kind: str, args: list[Any], owner_id: int, person: Contact, at: datetime, params: Any) -> None:
    if kind == "touch":
        touch_service.log_touch(db.session, person, {"kind": args[1], "direction": args[2], "occurred_at": at}, params)
    elif kind == "untouch":
        latest = db.session.scalar(owned(Touch, owner_id).where(Touch.contact_id == person.id).order_by(Touch.id.desc()))
        if latest is not None:
            touch_service.delete_touch(db.session, owner_id, latest.id, params)
    elif kind in ("topics", "rate"):
        contact_service.update_contact(db.session, person, {"topics" if kind == "topics" else "fit_override": args[1]})
    elif kind == "delete" and person.deleted_at is None:
        contact_service.delete_contact(db.session, person)
    elif kind == "restore" and person.deleted_at is not None:
        contact_service.restore_contact(db.session, owner_id, person.id)
    elif kind == "unask":
        last = db.session.scalar(owned(Ask, owner_id).where(Ask.contact_id == person.id).order_by(Ask.id.desc()))
        if last is not None:
            ask_service.delete_ask(db.session, last, at)
    elif kind == "busy":
        campaign_service.add_busy_period(db.session, person, at.date(), at.date() + timedelta(days=args[1] % 20 + 1))


def shown(found: board_module.Board) -> tuple[Any, ...]:
    return found.ask_now_total, found.ask_now, found.warm_up_total, found.warm_up


def members(found: board_module.Board) -> tuple[Any, ...]:
    """Which pairs are on each list, and how many: what the clock moves only across a bar (the board's
    sentences, and the order of pairs nothing changed for, are as of their last assessment, within the hour)."""

    def pairs(found: list[Any]) -> list[tuple[int, int]]:
        return sorted((pair.contact.id, pair.campaign.id) for pair in found)

    return found.ask_now_total, pairs(found.ask_now), found.warm_up_total, pairs(found.warm_up)


def full_board(owner_id: int, at: datetime) -> board_module.Board:
    """The board assessed in full from the same records (in a savepoint, rolled back)."""
    savepoint = db.session.begin_nested()
    db.session.execute(delete(StoredBoard).where(StoredBoard.owner_id == owner_id))
    found = board_module.board(db.session, caller_for(db.session.get_one(User, owner_id), at))
    savepoint.rollback()
    return found


def test_the_rows_kept_give_the_board_a_full_assessment_gives(app, now, monkeypatch, caplog):
    start = now.replace(hour=1)
    seen = {"kept": 0, "contacts": 0}
    real = board_module._changed

    def counted(*args: Any) -> set[int] | None:
        changed = real(*args)
        if changed is not None:
            seen["kept"] += 1
            seen["contacts"] += len(changed)
        return changed

    monkeypatch.setattr(board_module, "_changed", counted)
    # No transaction here outlives a view: look back to the last read only, so what the rows follow is tested.
    monkeypatch.setattr(board_module, "LOOK_BACK", timedelta(0))
    monkeypatch.setattr(board_module, "BOARD_HOURS", 24)  # rows kept all day: the clock's crossings are theirs to follow

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
    @given(data=world)
    def check(data: dict[str, Any]) -> None:
        db.session.remove()
        _empty_tables()
        board_module._decoded.clear()
        user, ids, campaigns = build(data, start)
        at = start
        board_module.board(db.session, caller_for(db.session.get_one(User, user.id), at))
        db.session.commit()
        for hours, changes in data["steps"]:
            at += timedelta(hours=0 if data["frozen"] else hours)
            for change in changes:
                apply(change, db.session.get_one(User, user.id), ids, campaigns, at)
            expected = full_board(user.id, at)
            found = board_module.board(db.session, caller_for(db.session.get_one(User, user.id), at))
            db.session.commit()
            if data["frozen"]:
                assert shown(found) == shown(expected)
            else:
                assert members(found) == members(expected)

    check()
    assert seen["kept"] > 0 and seen["contacts"] > 0  # the rows were kept and brought up to date, not replaced
    # Right by themselves, not by the net: a page of rows that reads otherwise is assessed in full.
    assert not net_fired(caplog)


# -- what each change reassesses --------------------------------------------------------------------------


@pytest.fixture
def pipeline(pipeline, make_contact):
    """Today's pipeline (Maya ready, Hannah warming up), and Sam not yet touched."""
    user, maya, hannah, season = pipeline
    sam = make_contact(user, "Sam Ortiz", topics=["podcasting"])
    # Written an hour ago: only what changes from here on is within the margin the board looks back.
    db.session.execute(update(Contact).values(updated_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    return user, maya, hannah, sam, season


def net_fired(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The warnings of a board whose rows missed a change (assessed in full instead)."""
    return [record.getMessage() for record in caplog.records if "missed a change" in record.getMessage()]


def view(user: User, now: datetime) -> board_module.Board:
    db.session.expire_all()
    found = board_module.board(db.session, caller_for(db.session.get_one(User, user.id), now))
    db.session.commit()
    return found


@pytest.fixture
def reassessed(monkeypatch) -> list[set[int] | None]:
    """The contacts each assessment read (None: all of them)."""
    calls: list[set[int] | None] = []
    real = assess_fits

    def spy(*args: Any, **kwargs: Any) -> Any:
        chosen = kwargs.get("contact_ids")
        calls.append(None if chosen is None else set(chosen))
        return real(*args, **kwargs)

    monkeypatch.setattr(board_module, "assess_fits", spy)
    return calls


def test_a_logged_touch_reassesses_that_contact_alone(pipeline, log_touches, reassessed, now):
    user, _, _, sam, _ = pipeline
    before = view(user, now)
    assert [p.contact.name for p in before.ask_now] == ["Maya Chen"]
    reassessed.clear()
    log_touches(sam, *READY_TOUCHES, now=now)
    after = view(user, now)
    assert reassessed[0] == {sam.id}  # then the pages' pairs not assessed just now, a few contacts' worth
    assert {p.contact.name for p in after.ask_now} == {"Maya Chen", "Sam Ortiz"} and after.ask_now_total == 2
    assert after == full_board(user.id, now)


def test_an_ask_moves_its_contact_off_the_board_and_its_delete_back(pipeline, record_ask, reassessed, now):
    user, maya, _, _, season = pipeline
    view(user, now)
    reassessed.clear()
    made = record_ask(user, maya, season, "pending", days_ago=0)
    assert "Maya Chen" not in [p.contact.name for p in view(user, now).ask_now]
    assert reassessed[0] == {maya.id}
    ask_service.delete_ask(db.session, db.session.get_one(Ask, made.id), now)
    db.session.commit()
    assert [p.contact.name for p in view(user, now).ask_now] == ["Maya Chen"]


def test_a_deleted_contact_leaves_its_rows(pipeline, now):
    user, _, hannah, _, _ = pipeline
    assert view(user, now).warm_up_total == 1
    contact_service.delete_contact(db.session, db.session.get_one(Contact, hannah.id))
    db.session.commit()
    found = view(user, now)
    assert found.warm_up_total == 0 and not found.warm_up
    assert db.session.scalar(select(func.count()).select_from(BoardRow).where(BoardRow.contact_id == hannah.id)) == 0


def test_a_contact_the_clock_moves_across_a_bar_is_reassessed_alone(pipeline, reassessed, caplog, now):
    user, maya, *_ = pipeline
    owner = db.session.get_one(User, user.id)
    db.session.refresh(maya)
    # The bar Maya's warmth falls through twenty minutes from now, as it decays.
    bar = warmth.warmth(maya.warmth_key, now + timedelta(minutes=20), caller_for(owner, now).params)
    owner.settings = {**owner.settings, "trust_warmth": bar}
    db.session.commit()
    assert [p.contact.name for p in view(user, now).ask_now] == ["Maya Chen"]
    reassessed.clear()
    later = view(user, now + timedelta(minutes=40))
    assert reassessed[0] == {maya.id}
    assert "Maya Chen" not in [p.contact.name for p in later.ask_now]
    assert later == full_board(user.id, now + timedelta(minutes=40))
    assert not net_fired(caplog)


@pytest.mark.parametrize("change", ["rescore", "settings", "busy period", "campaign"])
def test_what_no_contact_carries_assesses_the_board_in_full(change, pipeline, reassessed, now):
    user, maya, _, _, season = pipeline
    view(user, now)
    reassessed.clear()
    owner = db.session.get_one(User, user.id)
    if change == "rescore":  # an import of touches, a restore: every contact's warmth at once
        rescore_owner(db.session, user.id, user_service.user_settings(owner).warmth_params())
    elif change == "settings":
        owner.settings = {**owner.settings, "trust_warmth": 99}
    elif change == "busy period":
        campaign_service.add_busy_period(db.session, maya, now.date(), season.date + timedelta(days=1))
    else:
        campaign_service.update_campaign(db.session, season, {"name": "Season 4"})
    db.session.commit()
    view(user, now)
    assert reassessed[0] is None


def test_rows_that_missed_a_change_are_replaced_by_a_full_assessment(pipeline, now):
    user, maya, _, sam, season = pipeline
    good = view(user, now)
    # Sam, not ready, written first on the ask-now list behind the board's back.
    db.session.execute(
        insert(BoardRow).values(owner_id=user.id, contact_id=sam.id, campaign_id=season.id, board_list=rows.ASK_NOW, sort_key=b"")
    )
    contact_service.update_contact(db.session, db.session.get_one(Contact, maya.id), {"notes": "met at the summit"})
    db.session.commit()
    assert view(user, now) == good
    assert db.session.scalar(select(func.count()).select_from(BoardRow).where(BoardRow.contact_id == sam.id)) == 0


def test_a_board_whose_rows_cannot_be_written_is_still_shown(pipeline, monkeypatch, now):
    user, *_ = pipeline
    expected = full_board(user.id, now)

    def locked(*_args: Any) -> None:
        raise OperationalError("DELETE FROM today_pairs", {}, Exception("database is locked"))

    monkeypatch.setattr(rows, "rewrite", locked)
    assert view(user, now) == expected
    assert db.session.scalar(select(func.count()).select_from(StoredBoard)) == 0
