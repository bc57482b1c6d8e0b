"""Owner changes: a mark per user that database triggers move on every write to their records, so a page,
Today's board or the tick can tell in one index read whether anything it reads changed
(outreach/core/changes.py). The index Today's old fingerprint read (every contact's entry) goes.

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

# As outreach.core.changes.WATCHED when this revision was written: a migration never imports the app.
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
EVENTS = {"insert": "NEW", "update": "NEW", "delete": "OLD"}


def upgrade():
    op.create_table(
        "owner_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("version", sa.BigInteger(), server_default="1", nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("xid", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_owner_changes")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_owner_changes_owner",
        "owner_changes",
        ["owner_id", "source", "xid"],
        unique=False,
        postgresql_include=["id", "version"],
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_owner_changes")


def _postgresql_triggers():
    # Statement triggers: one row per owner and transaction (xid), read from the statement's transition table,
    # so a rescore of 100,000 contacts or a feed poll of a thousand statements appends one row; appending
    # takes no lock that another writer of the owner waits on.
    for rows in ("new_rows", "old_rows"):
        for column in sorted(set(WATCHED.values())):
            op.execute(
                f"""
                CREATE FUNCTION outreach_changed_{column}_{rows}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO owner_changes (owner_id, source, changed_at, xid)
                    SELECT DISTINCT r.{column}, TG_TABLE_NAME, now() AT TIME ZONE 'UTC', txid_current()
                    FROM {rows} r
                    WHERE NOT EXISTS (
                        SELECT 1 FROM owner_changes o
                        WHERE o.owner_id = r.{column} AND o.source = TG_TABLE_NAME AND o.xid = txid_current()
                    );
                    RETURN NULL;
                END $$
                """
            )
    for table, column in WATCHED.items():
        for event, side in EVENTS.items():
            rows = f"{side.lower()}_rows"
            op.execute(
                f"CREATE TRIGGER owner_changed_{event} AFTER {event.upper()} ON {table} "
                f"REFERENCING {side} TABLE AS {rows} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION outreach_changed_{column}_{rows}()"
            )


def _sqlite_triggers():
    # Row triggers (SQLite has no other kind): the owner's row for the table counts one more version, made
    # when missing (changes() is the UPDATE's count inside a trigger body). An update in place, so a tick
    # inserting 11,000 reminders pays a fifth of what replacing the row each time cost.
    for table, column in WATCHED.items():
        for event, side in EVENTS.items():
            owner = f"{side}.{column}"
            op.execute(
                f"CREATE TRIGGER owner_changed_{table}_{event} AFTER {event.upper()} ON {table} BEGIN "
                f"UPDATE owner_changes SET version = version + 1 WHERE owner_id = {owner} AND source = '{table}'; "
                f"INSERT INTO owner_changes (owner_id, source, version, changed_at) "
                f"SELECT {owner}, '{table}', 1, strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE changes() = 0; END"
            )


def downgrade():
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contacts_owner_changes", ["owner_id", "updated_at", "last_touch_at", "warmth_key"], unique=False
        )
    for table in WATCHED:
        for event in EVENTS:
            if op.get_bind().dialect.name == "postgresql":
                op.execute(f"DROP TRIGGER owner_changed_{event} ON {table}")
            else:
                op.execute(f"DROP TRIGGER owner_changed_{table}_{event}")
    if op.get_bind().dialect.name == "postgresql":
        for rows in ("new_rows", "old_rows"):
            for column in sorted(set(WATCHED.values())):
                op.execute(f"DROP FUNCTION outreach_changed_{column}_{rows}()")
    op.drop_index("ix_owner_changes_owner", table_name="owner_changes")
    op.drop_table("owner_changes")
