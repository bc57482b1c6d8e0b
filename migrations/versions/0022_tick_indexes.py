"""An index for the tick with nothing changed: the contacts whose relationship came of age between two
ticks, as one index range.

Revision ID: 0022
Revises: 0021
"""

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contacts_owner_first_touch", ["owner_id", "first_touch_at", "last_inbound_at", "deleted_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_owner_first_touch")
