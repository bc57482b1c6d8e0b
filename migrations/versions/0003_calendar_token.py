"""Users: the calendar feed's hashed secret token.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("calendar_token_created_at", sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_users_calendar_token_hash"), ["calendar_token_hash"])


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_users_calendar_token_hash"), type_="unique")
        batch_op.drop_column("calendar_token_created_at")
        batch_op.drop_column("calendar_token_hash")
