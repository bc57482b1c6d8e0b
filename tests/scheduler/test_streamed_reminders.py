"""books.streaming: on PostgreSQL a batched pass's new reminders go to the database as they are made (a
COPY open while the pass drafts); elsewhere they wait for insert_new. Nothing streamed may change again."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from outreach.core.database import streamed_rows
from outreach.extensions import db
from outreach.reminders import books
from outreach.reminders.models import Reminder


def _draft(contact_id: int, day: date, title: str = "Touch them") -> books.Draft:
    return books.Draft("keep_warm", contact_id, None, day, title, "Warmth falls below the bar.")


def test_new_reminders_are_stored_as_they_are_made(make_user, make_contact, now) -> None:
    user = make_user()
    first, second = make_contact(user, "Ada").id, make_contact(user, "Grace").id
    db.session.commit()
    book = books.load_book(db.session, user.id, now.date(), batched=True)
    owner = user.id  # read before the block: no query may go out in it
    assert books.upsert(db.session, owner, book, _draft(first, now.date()), now, move=False) == "created"
    streams = db.engine.dialect.name == "postgresql"
    with books.streaming(db.session, owner, book):
        assert book.new == [] if streams else len(book.new) == 1  # the waiting one went first
        assert books.upsert(db.session, owner, book, _draft(second, now.date()), now, move=False) == "created"
    assert len(book.new) == (0 if streams else 2)
    books.insert_new(db.session, user.id, book)
    db.session.commit()
    stored = db.session.scalars(select(Reminder).order_by(Reminder.contact_id)).all()
    assert [(r.contact_id, r.title, r.due_on, r.state, r.sequence) for r in stored] == [
        (first, "Touch them", now.date(), "open", 0),
        (second, "Touch them", now.date(), "open", 0),
    ]
    assert len({r.uid for r in stored}) == 2


def test_a_streamed_reminder_cannot_change_and_no_query_goes_out(make_user, make_contact, now) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("reminders stream on PostgreSQL only")
    user = make_user()
    owner, contact = user.id, make_contact(user, "Ada").id
    db.session.commit()
    book = books.load_book(db.session, owner, now.date(), batched=True)
    with pytest.raises(RuntimeError, match="stored already"), books.streaming(db.session, owner, book):
        books.upsert(db.session, owner, book, _draft(contact, now.date()), now, move=False)
        books.upsert(db.session, owner, book, _draft(contact, now.date(), "Touch them again"), now, move=False)
    db.session.rollback()
    book = books.load_book(db.session, owner, now.date(), batched=True)
    long_ago = now.date() - timedelta(days=30)  # before the book's first day: only a query could find it
    with pytest.raises(RuntimeError, match="cannot be looked up"), books.streaming(db.session, owner, book):
        books.upsert(db.session, owner, book, _draft(contact, long_ago), now, move=False)
    db.session.rollback()
    # Any other query (here a lazy load of an expired attribute) fails at once instead of waiting for ever.
    book = books.load_book(db.session, owner, now.date(), batched=True)
    db.session.expire(user)
    with pytest.raises(RuntimeError, match="no query can be sent"), books.streaming(db.session, owner, book):
        assert user.email
    db.session.rollback()


def test_rows_stream_on_postgresql_only(app) -> None:
    if db.engine.dialect.name == "postgresql":
        pytest.skip("this is the other databases' answer")
    connection = db.session.connection()
    with pytest.raises(ValueError, match="PostgreSQL only"), streamed_rows(connection, Reminder.__table__, ["title"]):
        pass
