"""Reminders: a natural key unique even where campaign is NULL, and the index Today and the tick use.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("natural_key", sa.String(length=120), nullable=True))
    # No release wrote reminders before this revision; any row that exists keeps a unique filler.
    op.execute("UPDATE reminders SET natural_key = uid")
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.alter_column("natural_key", existing_type=sa.String(length=120), nullable=False)
        batch_op.drop_index(batch_op.f("ix_reminders_owner_id"))
        batch_op.create_index(batch_op.f("ix_reminders_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index("ix_reminders_owner_state_due", ["owner_id", "state", "due_on"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_reminders_natural_key"), ["natural_key"])


def downgrade():
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_reminders_natural_key"), type_="unique")
        batch_op.drop_index("ix_reminders_owner_state_due")
        batch_op.drop_index(batch_op.f("ix_reminders_contact_id"))
        batch_op.create_index(batch_op.f("ix_reminders_owner_id"), ["owner_id"], unique=False)
        batch_op.drop_column("natural_key")
