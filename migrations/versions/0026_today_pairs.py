"""Today's board, incremental: each good-fit pair's place in its list (today_pairs), what the stored board
was last assessed in full against, when every contact was last rescored, and an index of the asks
changed since the board last looked. (Contacts get none: every index of theirs costs each touch and
each rescore an entry, 7% of a rescore at 100,000 contacts; their scan for the changed costs 30 ms.)

Revision ID: 0026
Revises: 0025
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "today_pairs",
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("board_list", sa.String(length=8), nullable=False),
        sa.Column("sort_key", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_today_pairs_owner_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("owner_id", "contact_id", "campaign_id", name=op.f("pk_today_pairs")),
    )
    with op.batch_alter_table("today_pairs", schema=None) as batch_op:
        batch_op.create_index("ix_today_pairs_order", ["owner_id", "board_list", "sort_key"], unique=False)
    with op.batch_alter_table("today_boards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("base", sa.String(length=64), server_default="", nullable=False))
        batch_op.add_column(sa.Column("full_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("read_at", sa.DateTime(), nullable=True))
    # Not in batch mode: on SQLite that copies the table, and the copy would lose the change marks' triggers.
    op.add_column("users", sa.Column("rescored_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("asks", schema=None) as batch_op:
        batch_op.create_index("ix_asks_owner_updated", ["owner_id", "updated_at"], unique=False)


def downgrade():
    with op.batch_alter_table("asks", schema=None) as batch_op:
        batch_op.drop_index("ix_asks_owner_updated")
    op.drop_column("users", "rescored_at")  # SQLite 3.35 and later drop a column in place, triggers kept
    with op.batch_alter_table("today_boards", schema=None) as batch_op:
        batch_op.drop_column("read_at")
        batch_op.drop_column("full_at")
        batch_op.drop_column("base")
    with op.batch_alter_table("today_pairs", schema=None) as batch_op:
        batch_op.drop_index("ix_today_pairs_order")
    op.drop_table("today_pairs")
