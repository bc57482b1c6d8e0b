"""Domain errors raised by services and mapped to HTTP answers at the edges."""

from __future__ import annotations

from pydantic import ValidationError


class NotFoundError(LookupError):
    """The record does not exist or belongs to someone else: both look the same from outside."""


class InvalidInput(ValueError):
    """Input that passed type validation but breaks a rule; ``fields`` names each bad field."""

    def __init__(self, fields: dict[str, str], status: int = 422) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields
        self.status = status  # 400 when there is no usable body at all


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Pydantic's errors as {"field.path": "message"}, the first message per field."""
    fields: dict[str, str] = {}
    for err in exc.errors():
        name = ".".join(str(part) for part in err["loc"]) or "input"  # "input": a rule across fields
        fields.setdefault(name, err["msg"])
    return fields
