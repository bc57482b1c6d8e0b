"""Capture: mail and calendar accounts, the messages and meetings read from them (headers only), the links
that remember which touches they made; touches say where they came from; asks remember a reply.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind", sa.Enum("caldav", "ics", name="kind", native_enum=False, create_constraint=True, length=10), nullable=False
        ),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("secret", sa.Text(), nullable=True),
        sa.Column("sync_token", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("active", "paused", "failing", name="status", native_enum=False, create_constraint=True, length=10),
            nullable=False,
        ),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("last_synced_at", sa.DateTime(), nullable=True),
        sa.Column("next_sync_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_calendar_accounts_owner_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_accounts")),
    )
    with op.batch_alter_table("calendar_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_accounts_next_sync_at"), ["next_sync_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_calendar_accounts_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "mail_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=253), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column(
            "security",
            sa.Enum("tls", "starttls", "plain", name="security", native_enum=False, create_constraint=True, length=10),
            nullable=False,
        ),
        sa.Column("username", sa.String(length=254), nullable=False),
        sa.Column("secret", sa.Text(), nullable=True),
        sa.Column("folders", sa.JSON(), nullable=False),
        sa.Column("identities", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("active", "paused", "failing", name="status", native_enum=False, create_constraint=True, length=10),
            nullable=False,
        ),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("last_synced_at", sa.DateTime(), nullable=True),
        sa.Column("next_sync_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_mail_accounts_owner_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_accounts")),
        sa.UniqueConstraint("owner_id", "host", "username", name=op.f("uq_mail_accounts_owner_id_host_username")),
    )
    with op.batch_alter_table("mail_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_accounts_next_sync_at"), ["next_sync_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_accounts_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "captured_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("uid", sa.String(length=255), nullable=False),
        sa.Column("recurrence_id", sa.String(length=40), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column(
            "direction",
            sa.Enum("outbound", "inbound", name="direction", native_enum=False, create_constraint=True, length=10),
            nullable=False,
        ),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["calendar_accounts.id"],
            name=op.f("fk_captured_events_account_id_calendar_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_captured_events_owner_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_captured_events")),
        sa.UniqueConstraint("owner_id", "uid", "recurrence_id", name=op.f("uq_captured_events_owner_id_uid_recurrence_id")),
    )
    with op.batch_alter_table("captured_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_captured_events_account_id"), ["account_id"], unique=False)

    op.create_table(
        "captured_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("message_key", sa.String(length=255), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column(
            "direction",
            sa.Enum("outbound", "inbound", name="direction", native_enum=False, create_constraint=True, length=10),
            nullable=False,
        ),
        sa.Column(
            "classification",
            sa.Enum(
                "person",
                "bulk",
                "automated",
                "auto_reply",
                name="classification",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("from_address", sa.String(length=254), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("in_reply_to", sa.String(length=255), nullable=True),
        sa.Column("references", sa.JSON(), nullable=False),
        sa.Column("counterparts", sa.JSON(), nullable=False),
        sa.Column("returns_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["mail_accounts.id"], name=op.f("fk_captured_messages_account_id_mail_accounts"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_captured_messages_owner_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_captured_messages")),
        sa.UniqueConstraint("owner_id", "message_key", name=op.f("uq_captured_messages_owner_id_message_key")),
    )
    with op.batch_alter_table("captured_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_captured_messages_account_id"), ["account_id"], unique=False)
        batch_op.create_index("ix_captured_messages_owner_sent", ["owner_id", "sent_at"], unique=False)

    op.create_table(
        "mail_folders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column(
            "role",
            sa.Enum("inbox", "sent", "all", "other", name="role", native_enum=False, create_constraint=True, length=10),
            nullable=False,
        ),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=True),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["mail_accounts.id"], name=op.f("fk_mail_folders_account_id_mail_accounts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_mail_folders_owner_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_folders")),
        sa.UniqueConstraint("account_id", "name", name=op.f("uq_mail_folders_account_id_name")),
    )
    with op.batch_alter_table("mail_folders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_folders_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "capture_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("touch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_capture_links_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["captured_events.id"], name=op.f("fk_capture_links_event_id_captured_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["captured_messages.id"],
            name=op.f("fk_capture_links_message_id_captured_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_capture_links_owner_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["touch_id"], ["touches.id"], name=op.f("fk_capture_links_touch_id_touches"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capture_links")),
        sa.UniqueConstraint("contact_id", "event_id", name=op.f("uq_capture_links_contact_id_event_id")),
        sa.UniqueConstraint("contact_id", "message_id", name=op.f("uq_capture_links_contact_id_message_id")),
    )
    with op.batch_alter_table("capture_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_capture_links_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_capture_links_message_id"), ["message_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_capture_links_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_capture_links_touch_id"), ["touch_id"], unique=False)

    with op.batch_alter_table("asks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replied_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("reply_subject", sa.String(length=300), nullable=True))

    with op.batch_alter_table("touches", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "source",
                sa.Enum(
                    "manual",
                    "import",
                    "mail",
                    "calendar",
                    "feed",
                    name="source",
                    native_enum=False,
                    create_constraint=True,
                    length=10,
                ),
                server_default="manual",
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table("touches", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_touches_source"), type_="check")
        batch_op.drop_column("source")

    with op.batch_alter_table("asks", schema=None) as batch_op:
        batch_op.drop_column("reply_subject")
        batch_op.drop_column("replied_at")

    with op.batch_alter_table("capture_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capture_links_touch_id"))
        batch_op.drop_index(batch_op.f("ix_capture_links_owner_id"))
        batch_op.drop_index(batch_op.f("ix_capture_links_message_id"))
        batch_op.drop_index(batch_op.f("ix_capture_links_event_id"))

    op.drop_table("capture_links")
    with op.batch_alter_table("mail_folders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_folders_owner_id"))

    op.drop_table("mail_folders")
    with op.batch_alter_table("captured_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_captured_messages_owner_sent")
        batch_op.drop_index(batch_op.f("ix_captured_messages_account_id"))

    op.drop_table("captured_messages")
    with op.batch_alter_table("captured_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_captured_events_account_id"))

    op.drop_table("captured_events")
    with op.batch_alter_table("mail_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_accounts_owner_id"))
        batch_op.drop_index(batch_op.f("ix_mail_accounts_next_sync_at"))

    op.drop_table("mail_accounts")
    with op.batch_alter_table("calendar_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_accounts_owner_id"))
        batch_op.drop_index(batch_op.f("ix_calendar_accounts_next_sync_at"))

    op.drop_table("calendar_accounts")
