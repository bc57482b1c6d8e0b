"""Contacts: the index on the stored warmth key also holds deleted_at, so counting the live contacts in a
warmth range (the trust-ready list, the warmth filters) reads the index alone instead of every row.

Revision ID: 0025
Revises: 0024
"""

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_owner_warmth")
        batch_op.create_index("ix_contacts_owner_warmth", ["owner_id", "warmth_key", "deleted_at"], unique=False)


def downgrade():
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_owner_warmth")
        batch_op.create_index("ix_contacts_owner_warmth", ["owner_id", "warmth_key"], unique=False)
