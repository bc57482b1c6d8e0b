"""Podcast episodes (invited → booked → recorded → published) and partner offers (give and take)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.core.types import utcnow, words
from outreach.domain.vocabulary import EpisodeStage, OfferDirection, OfferKind
from outreach.extensions import Model

if TYPE_CHECKING:
    from outreach.contacts.models import Contact


class Episode(Model):
    __tablename__ = "episodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    stage: Mapped[EpisodeStage] = mapped_column(words(EpisodeStage, 12, "stage"), default=EpisodeStage.INVITED)
    recording_at: Mapped[datetime | None]
    published_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # The guest: loaded with the season's episodes (episodes.service) and the planner's interviews.
    contact: Mapped[Contact] = relationship()


class Offer(Model):
    """Seed 003, start small: what you gave a partner first, and how they promoted you back."""

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    direction: Mapped[OfferDirection] = mapped_column(words(OfferDirection, 10, "direction"), default=OfferDirection.GAVE)
    kind: Mapped[OfferKind] = mapped_column(words(OfferKind, 20, "kind"), default=OfferKind.OTHER)
    happened_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
