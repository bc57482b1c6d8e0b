"""Tick states: each user's last tick, its clock and a fingerprint of what it read, so the next tick
with nothing changed reassesses only what time alone can move.

Revision ID: 0020
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tick_states",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("ticked_at", sa.DateTime(), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_tick_states_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_tick_states")),
    )


def downgrade():
    op.drop_table("tick_states")
