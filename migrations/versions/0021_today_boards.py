"""Today's board stored per user, shared by every web worker; an index that serves its fingerprint.

Revision ID: 0021
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "today_boards",
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("board", sa.Text(), nullable=False),
        sa.Column("assessed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_today_boards_owner_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("owner_id", name=op.f("pk_today_boards")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contacts_owner_changes", ["owner_id", "updated_at", "last_touch_at", "warmth_key"], unique=False
        )


def downgrade():
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_owner_changes")
    op.drop_table("today_boards")
