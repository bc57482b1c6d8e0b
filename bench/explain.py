"""python -m bench.explain --database-url URL [--schema S]: plans of the main queries, on data a `python -m bench --keep` left.

The statements are the product's own, captured as its services run them (in a transaction that is
rolled back), then explained: EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.engine import Connection, Engine

from bench.database import is_postgres, postgres_url, schema_url

Statement = tuple[str, Any]


@contextmanager
def captured(engine: Engine) -> Iterator[list[Statement]]:
    """Every SELECT and UPDATE the engine sends while the block runs, with its parameters (an UPDATE
    explained with ANALYZE runs: explain() rolls everything back)."""
    statements: list[Statement] = []

    def grab(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "WITH")) and not executemany:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", grab)


def plan(conn: Connection, statement: str, parameters: Any) -> list[str]:
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if conn.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    rows = conn.exec_driver_sql(prefix + statement, parameters).all()
    return [str(row[0]) if conn.dialect.name == "postgresql" else str(row[-1]) for row in rows]


def main_queries(owner_id: int) -> dict[str, Callable[[], object]]:
    """What each query is, and the call that runs it (its statements are captured and explained)."""
    from bench.figures import trust_ready
    from outreach.accounts.models import User
    from outreach.accounts.service import user_settings
    from outreach.calendar.service import reminder_events
    from outreach.contacts.listing import read_page
    from outreach.contacts.rescore import rescore_owner
    from outreach.contacts.service import ContactFilter, list_contacts
    from outreach.core import changes
    from outreach.core.caller import caller_for
    from outreach.core.types import utcnow
    from outreach.extensions import db
    from outreach.today.board import board

    user = db.session.get_one(User, owner_id)
    params = user_settings(user).warmth_params()
    now = utcnow()
    board(db.session, caller_for(db.session.get_one(User, owner_id), now))  # stored, so the plan is of a view

    def cursor() -> str | None:
        """The Next link's cursor at the end of page 19."""
        return read_page(db.session, owner_id, ContactFilter(sort="last_touch"), params, now, page=19, per_page=50).after

    return {
        "trust-ready: count and first page, warmest first (ranges on warmth_key)": lambda: trust_ready(caller_for(user), now),
        "contacts list sorted by last touch, page 20 (count, then the page)": lambda: list_contacts(
            db.session, owner_id, ContactFilter(sort="last_touch"), params, page=20
        ),
        "contacts list page, by last touch, ?page=20 (the page, then the count up to 1,000 past it)": lambda: read_page(
            db.session, owner_id, ContactFilter(sort="last_touch"), params, now, page=20, per_page=50
        ),
        "contacts list page, by last touch, page 20 by its Next link (a cursor)": lambda: read_page(
            db.session, owner_id, ContactFilter(sort="last_touch"), params, now, page=20, per_page=50, after=cursor()
        ),
        "Today's board: the fingerprint, then the stored board": lambda: board(
            db.session, caller_for(db.session.get_one(User, owner_id), now)
        ),
        "reminder feed (calendar subscription)": lambda: reminder_events(
            db.session, owner_id, now, lambda cid: f"/contacts/{cid}"
        ),
        # The full rescore's statements (outreach/contacts/rescore.py): one UPDATE … FROM (aggregate); rolled back.
        "full rescore (one UPDATE from the per-contact aggregate)": lambda: rescore_owner(db.session, owner_id, params),
        "the owner's change mark (what a repeat view of a page reads)": lambda: changes.mark(db.session, owner_id),
    }


def explain(url: str) -> None:
    from outreach import create_app
    from outreach.accounts.models import User
    from outreach.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        owner_id = db.session.scalar(select(User.id).order_by(User.id))  # the measured user is the first
        assert owner_id is not None, "no users: run `python -m bench --keep` first"
        for title, query in main_queries(owner_id).items():
            with captured(db.engine) as statements:
                query()
            for statement, parameters in statements:
                print(f"== {title}\n{' '.join(statement.split())}\n  params: {parameters}")
                for line in plan(db.session.connection(), statement, parameters):
                    print("  " + line)
                print()
        db.session.rollback()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.explain", description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--schema", default=None, help="PostgreSQL: the schema a `python -m bench --keep` run left")
    args = parser.parse_args()
    url = args.database_url
    if is_postgres(url):
        url = schema_url(url, args.schema) if args.schema else postgres_url(url)
    explain(url)


if __name__ == "__main__":
    main()
