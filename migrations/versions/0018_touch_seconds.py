"""Touches: occurred_at also as seconds since the warmth epoch (occurred_s), so the full rescore sums numbers
instead of parsing timestamps, and an index that holds every column the rescore reads.

Revision ID: 0018
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0020"
branch_labels = None
depends_on = None

# Seconds from 2000-01-01 (outreach.domain.warmth.EPOCH) to occurred_at, exactly as Python's
# (occurred_at - EPOCH).total_seconds(): whole microseconds as an integer, divided once by 10^6.
SECONDS = {
    # SQLite stores "YYYY-MM-DD HH:MM:SS.ffffff". Its date functions keep milliseconds only (and round
    # 59.9996 s up to the next second), so the whole seconds come from the first 19 characters and the
    # microseconds from the digits after the dot.
    "sqlite": "(CAST(strftime('%s', substr(occurred_at, 1, 19)) AS INTEGER) - 946684800) * 1000000"
    " + CAST(substr(occurred_at, 21, 6) AS INTEGER)",
    # EXTRACT gives an exact numeric since PostgreSQL 14.
    "postgresql": "EXTRACT(EPOCH FROM occurred_at - TIMESTAMP '2000-01-01') * 1000000",
}


def upgrade():
    with op.batch_alter_table("touches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("occurred_s", sa.Float(), nullable=True))
    micros = SECONDS[op.get_bind().dialect.name]
    op.execute(sa.text(f"UPDATE touches SET occurred_s = CAST({micros} AS DOUBLE PRECISION) / 1000000.0"))
    with op.batch_alter_table("touches", schema=None) as batch_op:
        batch_op.alter_column("occurred_s", existing_type=sa.Float(), nullable=False)
        batch_op.drop_index("ix_touches_owner_contact")
        batch_op.create_index(
            "ix_touches_owner_contact_warmth",
            ["owner_id", "contact_id", "kind", "direction", "occurred_s", "deleted_at"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("touches", schema=None) as batch_op:
        batch_op.drop_index("ix_touches_owner_contact_warmth")
        batch_op.create_index("ix_touches_owner_contact", ["owner_id", "contact_id"], unique=False)
        batch_op.drop_column("occurred_s")
