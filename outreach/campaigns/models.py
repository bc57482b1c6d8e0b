"""Campaigns: the thing you will ask for help with."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from outreach.core.types import TagList, utcnow, words
from outreach.domain.vocabulary import CampaignKind
from outreach.extensions import Model


class Campaign(Model):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[CampaignKind] = mapped_column(words(CampaignKind, 20, "kind"), default=CampaignKind.OTHER)
    date: Mapped[date]
    topics: Mapped[list[str]] = mapped_column(TagList, default=list)
    yes_target: Mapped[int] = mapped_column(Integer, default=1)
    window_start_weeks: Mapped[int] = mapped_column(Integer, default=12)
    window_end_weeks: Mapped[int] = mapped_column(Integer, default=3)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
