"""Contacts: every further e-mail address beside the primary one (each matches on import and in mail capture).

Revision ID: 0015
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("other_emails", sa.JSON(), server_default="[]", nullable=False))


def downgrade():
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("other_emails")
