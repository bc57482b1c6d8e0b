"""Feeds on contacts, the posts read from them (stored once per feed by GUID or link), and openings.

Revision ID: 0014
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("feed_url", sa.String(length=2000), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "new",
                "ok",
                "failing",
                "stopped",
                "demo",
                name="feed_status",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("error_kind", sa.String(length=20), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("notes", sa.String(length=1000), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("quiet_polls", sa.Integer(), nullable=False),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("last_polled_at", sa.DateTime(), nullable=True),
        sa.Column("last_new_post_at", sa.DateTime(), nullable=True),
        sa.Column("next_poll_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("podcast_last_episode_on", sa.Date(), nullable=True),
        sa.Column("podcast_episodes_per_month", sa.Float(), nullable=True),
        sa.Column("podcast_guest_share", sa.Float(), nullable=True),
        sa.Column("podcast_episodes_counted", sa.Integer(), nullable=True),
        sa.Column("podcast_guests", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], name=op.f("fk_feeds_contact_id_contacts"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_feeds_owner_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feeds")),
        sa.UniqueConstraint("contact_id", "feed_url", name=op.f("uq_feeds_contact_id_feed_url")),
    )
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feeds_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feeds_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index("ix_feeds_status_next_poll", ["status", "next_poll_at"], unique=False)

    op.create_table(
        "posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "article", "episode", "video", "note", name="post_kind", native_enum=False, create_constraint=True, length=10
            ),
            nullable=False,
        ),
        sa.Column("has_guest", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], name=op.f("fk_posts_contact_id_contacts"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["feed_id"], ["feeds.id"], name=op.f("fk_posts_feed_id_feeds"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_posts_owner_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posts")),
        sa.UniqueConstraint("feed_id", "uid", name=op.f("uq_posts_feed_id_uid")),
    )
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.create_index("ix_posts_contact_published", ["contact_id", "published_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_posts_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "openings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("open", "acted", "dismissed", name="opening_state", native_enum=False, create_constraint=True, length=10),
            nullable=False,
        ),
        sa.Column("touch_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_openings_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_openings_owner_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f("fk_openings_post_id_posts"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["touch_id"], ["touches.id"], name=op.f("fk_openings_touch_id_touches"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_openings")),
        sa.UniqueConstraint("post_id", name=op.f("uq_openings_post_id")),
    )
    with op.batch_alter_table("openings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_openings_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index("ix_openings_owner_state", ["owner_id", "state"], unique=False)


def downgrade():
    with op.batch_alter_table("openings", schema=None) as batch_op:
        batch_op.drop_index("ix_openings_owner_state")
        batch_op.drop_index(batch_op.f("ix_openings_contact_id"))

    op.drop_table("openings")
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_posts_owner_id"))
        batch_op.drop_index("ix_posts_contact_published")

    op.drop_table("posts")
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_index("ix_feeds_status_next_poll")
        batch_op.drop_index(batch_op.f("ix_feeds_owner_id"))
        batch_op.drop_index(batch_op.f("ix_feeds_contact_id"))

    op.drop_table("feeds")
