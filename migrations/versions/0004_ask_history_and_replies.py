"""Asks: replies to bulk sends (parent_id) and the history of every edit (ask_changes).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ask_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("ask_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["ask_id"], ["asks.id"], name=op.f("fk_ask_changes_ask_id_asks"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_ask_changes_owner_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ask_changes")),
    )
    with op.batch_alter_table("ask_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ask_changes_ask_id"), ["ask_id"], unique=False)

    with op.batch_alter_table("asks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_asks_parent_id"), ["parent_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_asks_parent_id_asks"), "asks", ["parent_id"], ["id"], ondelete="CASCADE")


def downgrade():
    with op.batch_alter_table("asks", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_asks_parent_id_asks"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_asks_parent_id"))
        batch_op.drop_column("parent_id")

    with op.batch_alter_table("ask_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ask_changes_ask_id"))

    op.drop_table("ask_changes")
