"""A user's planner settings: validated, with the defaults of PRODUCT.md, turned into a Planner."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from outreach.domain import readiness, warmth
from outreach.domain.vocabulary import TouchKind


class UserSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weights: dict[str, float] = Field(default_factory=lambda: dict(warmth.DEFAULT_WEIGHTS))
    inbound_multiplier: float = Field(1.5, ge=1, le=10)
    half_life_days: float = Field(90.0, ge=1, le=3650)
    k: float = Field(10.0, gt=0, le=1000)
    fit_threshold: float = Field(60.0, ge=0, le=100)
    trust_warmth: float = Field(60.0, ge=0, lt=100)
    moonshot_warmth: float = Field(75.0, ge=0, lt=100)
    moonshot_factor: float = Field(10.0, ge=1)
    relationship_days: int = Field(60, ge=0, le=3650)
    decline_cooldown_days: int = Field(90, ge=0, le=3650)
    cadence_per_week: float = Field(1.0, ge=0, le=50)
    cadence_touch_weight: float = Field(2.0, gt=0, le=100)
    implicit_no_days: int = Field(14, ge=1, le=365)
    weekly_no_goal: int = Field(5, ge=0, le=1000)
    daily_digest: bool = True  # by email, when the server is configured to send mail

    @field_validator("weights")
    @classmethod
    def _known_kinds(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = set(value) - set(TouchKind)
        if unknown:
            raise ValueError(f"unknown touch kinds: {', '.join(sorted(unknown))}")
        if any(w < 0 or w > 1000 for w in value.values()):
            raise ValueError("weights must be between 0 and 1000")
        return {**warmth.DEFAULT_WEIGHTS, **value}

    def warmth_params(self) -> warmth.WarmthParams:
        return warmth.WarmthParams(
            weights=self.weights,
            inbound_multiplier=self.inbound_multiplier,
            half_life_days=self.half_life_days,
            k=self.k,
        )

    def planner(self, own_audience: int | None) -> readiness.Planner:
        return readiness.Planner(
            warmth=self.warmth_params(),
            thresholds=readiness.Thresholds(
                fit=self.fit_threshold,
                trust_warmth=self.trust_warmth,
                moonshot_warmth=self.moonshot_warmth,
                moonshot_factor=self.moonshot_factor,
                relationship_days=self.relationship_days,
                decline_cooldown_days=self.decline_cooldown_days,
            ),
            own_audience=own_audience,
            cadence_per_week=self.cadence_per_week,
            cadence_touch_weight=self.cadence_touch_weight,
        )

    def rescore_needed(self, other: UserSettings) -> bool:
        """Keys depend on the weights and the half-life only (k maps a key to warmth on read)."""
        return (self.weights, self.inbound_multiplier, self.half_life_days) != (
            other.weights,
            other.inbound_multiplier,
            other.half_life_days,
        )


def settings_of(stored: dict[str, Any] | None) -> UserSettings:
    return UserSettings.model_validate(stored or {})
