"""Contacts: where each came from (manual or import), so Today's getting-started list knows an import happened.

Revision ID: 0013
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        # Contacts that exist already were typed in or imported; which, nobody recorded: "manual".
        batch_op.add_column(sa.Column("source", sa.String(length=10), nullable=False, server_default="manual"))


def downgrade():
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("source")
