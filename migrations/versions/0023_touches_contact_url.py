"""Touches: a partial index on (contact, URL) for the touches that have a URL, so "is this post touched
already?" (storing a feed's new posts, Today's openings) no longer reads every touch on PostgreSQL.

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("touches", schema=None) as batch_op:
        batch_op.create_index(
            "ix_touches_contact_url",
            ["contact_id", "url"],
            unique=False,
            postgresql_where=sa.text("url IS NOT NULL"),
            sqlite_where=sa.text("url IS NOT NULL"),
        )


def downgrade():
    with op.batch_alter_table("touches", schema=None) as batch_op:
        batch_op.drop_index("ix_touches_contact_url")
