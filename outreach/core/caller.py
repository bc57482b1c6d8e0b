"""Who is acting, with the planner built from their settings: shared by the API, the web and jobs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from outreach.accounts.models import User
from outreach.core.types import utcnow
from outreach.domain import readiness, warmth
from outreach.domain.settings import UserSettings, settings_of


@dataclass(frozen=True)
class Caller:
    user: User
    settings: UserSettings
    planner: readiness.Planner
    now: datetime

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def params(self) -> warmth.WarmthParams:
        return self.planner.warmth


def caller_for(user: User, now: datetime | None = None) -> Caller:
    found = settings_of(user.settings)
    return Caller(user, found, found.planner(user.audience_size), now or utcnow())
