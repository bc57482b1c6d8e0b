"""Today's board is stored in the database: it reads back equal, every app on the database (every gunicorn
worker) uses the one stored computation, and any change it reads shows on Today at once."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from outreach import create_app
from outreach.accounts.models import User
from outreach.campaigns import service as campaign_service
from outreach.core.caller import caller_for
from outreach.core.database import write_intent
from outreach.domain import warmth
from outreach.extensions import db
from outreach.today import board as board_module
from outreach.today import stored
from outreach.today.models import StoredBoard
from tests.conftest import READY_TOUCHES


def assessed(user: User, now) -> board_module.Board:
    db.session.expire_all()
    return board_module.board(db.session, caller_for(db.session.get_one(User, user.id), now))


def ask_now_names(user: User, now) -> list[str]:
    return [pair.contact.name for pair in assessed(user, now).ask_now]


def stored_rows() -> list[tuple[int, str]]:
    db.session.expire_all()
    return [
        (owner, fingerprint) for owner, fingerprint in db.session.execute(select(StoredBoard.owner_id, StoredBoard.fingerprint))
    ]


def test_a_board_reads_back_equal_dates_advice_and_all(pipeline, now):
    user, *_ = pipeline
    found = assessed(user, now)
    assert found.ask_now and found.warm_up  # both kinds of pair, nested readiness and advice, dates
    text = stored.dumps(found)
    assert stored.loads(text, board_module.Board) == found
    assert db.session.scalar(select(StoredBoard.board).where(StoredBoard.owner_id == user.id)) == text


def test_a_value_that_does_not_fit_its_type_is_refused_not_guessed(pipeline, now):
    user, *_ = pipeline
    plain = json.loads(stored.dumps(assessed(user, now)))
    wrong_total = {**plain, "ask_now_total": "3"}
    flag_for_number = {**plain, "warm_up_total": True}
    bad_date = {**plain, "ask_now": [{**plain["ask_now"][0], "campaign": {**plain["ask_now"][0]["campaign"], "date": "soon"}}]}
    missing = {key: value for key, value in plain.items() if key != "warm_up"}
    for broken in (wrong_total, flag_for_number, bad_date, missing, []):
        with pytest.raises(stored.StoredBoardError):
            stored.loads(json.dumps(broken), board_module.Board)
    with pytest.raises(stored.StoredBoardError):
        stored.loads("{", board_module.Board)


def test_a_damaged_stored_board_is_assessed_again_and_replaced(pipeline, now):
    user, *_ = pipeline
    good = assessed(user, now)
    db.session.execute(update(StoredBoard).values(board='{"ask_now": 3}', assessed_at=now))
    db.session.commit()
    assert assessed(user, now) == good
    assert stored.loads(db.session.scalar(select(StoredBoard.board)), board_module.Board) == good


def test_every_app_on_the_database_uses_the_one_stored_board(pipeline, database_url, monkeypatch, now):
    user, *_ = pipeline
    user_id = user.id
    first = assessed(user, now)
    [(owner, fingerprint)] = stored_rows()
    assert owner == user_id
    # Marked, so only a read of the stored row can answer it (no worker holds this board in memory).
    marked = dataclasses.replace(first, ask_now_total=first.ask_now_total + 1000)
    db.session.execute(update(StoredBoard).values(board=stored.dumps(marked), assessed_at=now))
    db.session.commit()  # outside a request every transaction may write: the other app's would wait for it

    def never(*_args):
        raise AssertionError("the second worker assessed the board again")

    monkeypatch.setattr(board_module, "_assess_board", never)
    second = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
    with second.app_context():
        assert board_module.board(db.session, caller_for(db.session.get_one(User, user_id), now)) == marked
        db.session.remove()
        db.engine.dispose()
    assert stored_rows() == [(user_id, fingerprint)]


def test_a_change_made_through_another_app_shows_at_once(pipeline, database_url, log_touches, now):
    user, *_ = pipeline
    user_id = user.id
    assert "Maya Chen" in ask_now_names(user, now)
    db.session.commit()
    second = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
    with second.app_context():
        owner = db.session.get_one(User, user_id)
        owner.settings = {**owner.settings, "trust_warmth": 99}
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    assert "Maya Chen" not in ask_now_names(user, now)


@pytest.mark.parametrize("change", ["touch", "ask", "busy period", "settings", "campaign", "delete"])
def test_each_change_the_board_reads_shows_on_today_at_once(
    change, pipeline, make_contact, log_touches, record_ask, today_of, now
):
    user, maya, _, season = pipeline
    sam = make_contact(user, "Sam Ortiz", topics=["podcasting"])
    before = ask_now_names(user, now)
    assert "Maya Chen" in before and "Sam Ortiz" not in before
    fingerprint = stored_rows()[0][1]
    if change == "touch":
        log_touches(sam, *READY_TOUCHES, now=now)
    elif change == "ask":
        record_ask(user, maya, season, "yes", days_ago=1)
    elif change == "busy period":
        campaign_service.add_busy_period(db.session, maya, now.date() - timedelta(days=1), season.date + timedelta(days=60))
    elif change == "settings":
        db.session.get_one(User, user.id).settings = {**user.settings, "trust_warmth": 99}
    elif change == "campaign":
        campaign_service.delete_campaign(db.session, season)
    else:
        maya.deleted_at = now
    db.session.commit()
    after = ask_now_names(user, now)
    expected = "Sam Ortiz" in after if change == "touch" else "Maya Chen" not in after
    assert expected, (change, after)
    assert stored_rows()[0][1] != fingerprint
    names = [item.contact_name for item in today_of(user).ask_now]
    assert names == after  # the page's service reads the same stored board


def test_the_board_holds_past_the_clock_step_while_no_contact_crosses_a_bar(pipeline, monkeypatch, now):
    user, *_ = pipeline
    first = assessed(user, now)

    def never(*_args):
        raise AssertionError("assessed again though only the clock moved, and no contact crossed a bar")

    monkeypatch.setattr(board_module, "_assess_board", never)
    later = now + timedelta(minutes=board_module.BOARD_MINUTES * 8)
    assert assessed(user, later) == first


def test_a_contact_crossing_the_trust_bar_meanwhile_is_assessed_again(pipeline, now):
    user, maya, _, _ = pipeline
    params = caller_for(user, now).params
    db.session.refresh(maya)
    # The bar Maya's warmth falls through twenty minutes from now, as it decays.
    bar = warmth.warmth(maya.warmth_key, now + timedelta(minutes=20), params)
    user.settings = {**user.settings, "trust_warmth": bar}
    db.session.commit()
    assert "Maya Chen" in ask_now_names(user, now)
    assert "Maya Chen" not in ask_now_names(user, now + timedelta(minutes=40))


def test_a_new_day_assesses_the_board_again(pipeline, monkeypatch, now):
    user, *_ = pipeline
    assessed(user, now)
    calls = []
    real = board_module._assess_board
    monkeypatch.setattr(board_module, "_assess_board", lambda *args: calls.append(1) or real(*args))
    assessed(user, now + timedelta(hours=13))
    assert calls == [1]


def test_views_arriving_together_assess_the_board_once(pipeline, app, monkeypatch, now):
    user, *_ = pipeline
    user_id = user.id
    db.session.commit()
    calls: list[int] = []
    real = board_module._assess_board

    def slow(*args):
        calls.append(1)
        time.sleep(0.5)  # long enough for the other view to arrive while this one assesses
        return real(*args)

    monkeypatch.setattr(board_module, "_assess_board", slow)
    found: list[board_module.Board] = []

    def view() -> None:
        write_intent.set(False)  # as a page's GET: a read, which stores the board on a connection of its own
        with app.app_context():
            found.append(board_module.board(db.session, caller_for(db.session.get_one(User, user_id), now)))
            db.session.remove()

    views = [threading.Thread(target=view) for _ in range(2)]
    for thread in views:
        thread.start()
    for thread in views:
        thread.join()
    assert len(found) == 2 and found[0] == found[1]
    assert calls == [1]
