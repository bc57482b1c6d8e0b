"""Each owner's change mark: a cheap answer to "has anything of theirs changed since I last looked?".

The database keeps it, by triggers on every table of a user's records (migration 0024), so no write path
can forget it: a page, a service, the API, an import, the tick and a restore all move it alike. Reading it is
one index lookup, whatever the owner's size, where reading the records to see if they changed grows with them.

Each row also names the table written, so a reader can ask about the tables it depends on only (Today's
board does not change when a reminder is marked done).

- SQLite runs a row trigger that counts one more version on the owner's row for that table (writers are
  serialized, so the sum of versions only grows).
- PostgreSQL runs a statement trigger that appends a row per owner and table the transaction wrote (once,
  however many statements), with no lock taken, so a long tick never makes a user's click wait: a
  transaction that took its id earlier but commits later still adds one to the count. The tick prunes
  rows older than PRUNE_AFTER but the newest of each owner and table.

The mark is (rows, newest id, sum of versions): on both, any committed write changes it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import BigInteger, Index, Integer, String, bindparam, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from outreach.core.types import utcnow
from outreach.extensions import Model

# The tables whose rows are a user's records (or feed Today, the lists and the planner), each with the
# column naming its owner. Derived rows (today_boards, tick_states), logins and API tokens are not watched:
# the first are written by reads, the others say nothing a page shows. tests/schema checks every table is
# in one list or the other, so a new table cannot be forgotten.
WATCHED = {
    "users": "id",
    "contacts": "owner_id",
    "touches": "owner_id",
    "busy_periods": "owner_id",
    "campaigns": "owner_id",
    "asks": "owner_id",
    "ask_changes": "owner_id",
    "reminders": "owner_id",
    "episodes": "owner_id",
    "offers": "owner_id",
    "messages": "owner_id",
    "wins": "owner_id",
    "feeds": "owner_id",
    "posts": "owner_id",
    "openings": "owner_id",
    "mail_accounts": "owner_id",
    "mail_folders": "owner_id",
    "calendar_accounts": "owner_id",
    "captured_messages": "owner_id",
    "captured_events": "owner_id",
    "capture_links": "owner_id",
}
UNWATCHED = {"owner_changes", "today_boards", "today_pairs", "tick_states", "login_sessions", "api_tokens", "alembic_version"}
PRUNE_AFTER = timedelta(minutes=10)  # far longer than any transaction of the product stays open

Mark = tuple[int, int, int]


class OwnerChange(Model):
    """Derived bookkeeping, never exported: no foreign key, so deleting a user (whose cascade fires the
    triggers one last time) never trips over it."""

    __tablename__ = "owner_changes"
    __table_args__ = (
        # The mark and the trigger's "has this transaction written a row already?" read the index alone.
        Index("ix_owner_changes_owner", "owner_id", "source", "xid", postgresql_include=["id", "version"]),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    owner_id: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(40))  # the table written
    version: Mapped[int] = mapped_column(BigInteger, server_default="1")  # SQLite: writes counted in place
    changed_at: Mapped[datetime] = mapped_column()  # set by the triggers, in UTC like every stored time
    xid: Mapped[int | None] = mapped_column(BigInteger)  # PostgreSQL: the writing transaction, one row each


_MARK = select(func.count(), func.coalesce(func.max(OwnerChange.id), 0), func.coalesce(func.sum(OwnerChange.version), 0)).where(
    OwnerChange.owner_id == bindparam("owner")
)
_MARK_OF = _MARK.where(OwnerChange.source.in_(bindparam("sources", expanding=True)))


def mark(session: Session, owner_id: int, sources: Collection[str] | None = None) -> Mark:
    """The owner's change mark, of every watched table or of ``sources`` only: equal to an earlier reading
    exactly when nothing of theirs (in those tables) changed since."""
    if sources is None:
        count, newest, versions = session.execute(_MARK, {"owner": owner_id}).one()
    else:
        unknown = set(sources) - set(WATCHED)
        if unknown:
            raise ValueError(f"not a watched table: {', '.join(sorted(unknown))}")
        count, newest, versions = session.execute(_MARK_OF, {"owner": owner_id, "sources": sorted(sources)}).one()
    return int(count), int(newest), int(versions)


def prune(session: Session, now: datetime | None = None) -> int:
    """Drop the rows older than PRUNE_AFTER but the newest of each owner and table, so a mark stays one
    short index read."""
    newest = select(func.max(OwnerChange.id)).group_by(OwnerChange.owner_id, OwnerChange.source)
    cutoff = (now or utcnow()) - PRUNE_AFTER
    result = session.execute(delete(OwnerChange).where(OwnerChange.changed_at < cutoff, OwnerChange.id.not_in(newest)))
    return int(getattr(result, "rowcount", 0) or 0)
