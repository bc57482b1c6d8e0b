"""A contact's feeds, the posts read from them, and the openings those posts offer."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Enum, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.contacts.models import Contact
from outreach.core.types import utcnow
from outreach.domain.shows import ShowFacts
from outreach.extensions import Model


class FeedStatus(StrEnum):
    NEW = "new"  # added, not read yet
    OK = "ok"
    FAILING = "failing"  # the last read failed; still polled, less often
    STOPPED = "stopped"  # failed for good (gone, refused, or too many times): not polled until fixed
    DEMO = "demo"  # demo data loaded from a file shipped with Outreach: never polled

    @property
    def label(self) -> str:
        return {"new": "not read yet", "ok": "read", "failing": "failing", "stopped": "stopped", "demo": "demo data"}[self]


class PostKind(StrEnum):
    ARTICLE = "article"
    EPISODE = "episode"
    VIDEO = "video"
    NOTE = "note"


class OpeningState(StrEnum):
    OPEN = "open"
    ACTED = "acted"
    DISMISSED = "dismissed"


POLLED = (FeedStatus.NEW, FeedStatus.OK, FeedStatus.FAILING)


def _vocabulary(enum: type[StrEnum], name: str) -> Enum:
    """Stored as its value in a VARCHAR with a named CHECK constraint, alike on SQLite and PostgreSQL."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=10,
        values_callable=lambda members: [m.value for m in members],
    )


class Feed(Model):
    __tablename__ = "feeds"
    __table_args__ = (
        UniqueConstraint("contact_id", "feed_url"),
        Index("ix_feeds_status_next_poll", "status", "next_poll_at"),  # the poller's claim
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))  # what the user gave: a feed, or a page naming one
    feed_url: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[FeedStatus] = mapped_column(_vocabulary(FeedStatus, "feed_status"), default=FeedStatus.NEW)
    error_kind: Mapped[str | None] = mapped_column(String(20))
    error: Mapped[str] = mapped_column(String(500), default="")  # why the last read failed, in a sentence
    notes: Mapped[str] = mapped_column(String(1000), default="")  # what was odd but usable (malformed, undated)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # in a row
    quiet_polls: Mapped[int] = mapped_column(Integer, default=0)  # reads in a row with nothing new
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_polled_at: Mapped[datetime | None]
    last_new_post_at: Mapped[datetime | None]
    next_poll_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]  # a poller's lease while it reads this feed
    podcast_last_episode_on: Mapped[date | None]
    podcast_episodes_per_month: Mapped[float | None] = mapped_column(Float)
    podcast_guest_share: Mapped[float | None] = mapped_column(Float)
    podcast_episodes_counted: Mapped[int | None] = mapped_column(Integer)
    podcast_guests: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    contact: Mapped[Contact] = relationship()

    @property
    def podcast(self) -> dict[str, object] | None:
        if self.podcast_episodes_counted is None:
            return None
        return {
            "last_episode_on": self.podcast_last_episode_on,
            "episodes_per_month": self.podcast_episodes_per_month,
            "guest_share": self.podcast_guest_share,
        }

    def show(self, as_of: date) -> ShowFacts | None:
        """What this podcast feed says about the show, as of a day; None for feeds that are no show."""
        if self.podcast_episodes_counted is None:
            return None
        return ShowFacts(
            as_of=as_of,
            last_episode_on=self.podcast_last_episode_on,
            episodes_per_month=self.podcast_episodes_per_month,
            guest_share=self.podcast_guest_share,
            episodes_counted=self.podcast_episodes_counted,
            guests=self.podcast_guests or 0,
        )


class Post(Model):
    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("feed_id", "uid"),  # stored once: by GUID, else link
        Index("ix_posts_contact_published", "contact_id", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(String(64))  # sha256 of the GUID (else the link, else title and date)
    title: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2000))
    published_at: Mapped[datetime | None]  # None: the feed gave no date we could believe
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[PostKind] = mapped_column(_vocabulary(PostKind, "post_kind"))
    has_guest: Mapped[bool | None]


class Opening(Model):
    __tablename__ = "openings"
    __table_args__ = (Index("ix_openings_owner_state", "owner_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    state: Mapped[OpeningState] = mapped_column(_vocabulary(OpeningState, "opening_state"), default=OpeningState.OPEN)
    touch_id: Mapped[int | None] = mapped_column(ForeignKey("touches.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    post: Mapped[Post] = relationship(lazy="joined", innerjoin=True)
    contact: Mapped[Contact] = relationship(lazy="joined", innerjoin=True)

    # The API's flat shape (OpeningOut reads these).
    @property
    def contact_name(self) -> str:
        return self.contact.name

    @property
    def title(self) -> str:
        return self.post.title

    @property
    def url(self) -> str | None:
        return self.post.url

    @property
    def published_at(self) -> datetime:
        return self.post.published_at or self.post.first_seen_at

    @property
    def kind(self) -> str:
        return self.post.kind.value
