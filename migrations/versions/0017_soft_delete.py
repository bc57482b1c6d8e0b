"""Campaigns, touches and asks soft-delete, as contacts already do, so a delete can be undone.

Revision ID: 0017
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLES = ("campaigns", "touches", "asks")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            # Every existing row is live: NULL.
            batch_op.add_column(sa.Column("deleted_at", sa.DateTime(), nullable=True))


def downgrade():
    for table in reversed(TABLES):
        # Soft-deleted rows were deleted: going back to a schema without undo finishes the delete.
        # (Asks first: a deleted bulk ask's replies go with it through ON DELETE CASCADE.)
        op.execute(sa.text(f"DELETE FROM {table} WHERE deleted_at IS NOT NULL"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("deleted_at")
