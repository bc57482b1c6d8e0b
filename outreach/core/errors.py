"""Domain errors raised by services and mapped to HTTP answers at the edges."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

B = TypeVar("B", bound=BaseModel)


class NotFoundError(LookupError):
    """The record does not exist or belongs to someone else: both look the same from outside."""


class InvalidInput(ValueError):
    """Input that passed type validation but breaks a rule; ``fields`` names each bad field."""

    def __init__(self, fields: dict[str, str], status: int = 422) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields
        self.status = status  # 400 when there is no usable body at all


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Pydantic's errors as {"field.path": "message"}, the first message per field.

    A rule of ``outreach.domain.rules`` raised inside a validator names its own field and keeps its
    own sentence, so a schema and a service enforcing it report the same words."""
    fields: dict[str, str] = {}
    for err in exc.errors():
        loc = tuple(str(part) for part in err["loc"])
        raised = err.get("ctx", {}).get("error")
        if isinstance(raised, InvalidInput):
            # A model-level rule has no loc; a field-level one has its own field as the last part.
            parent = loc[:-1] if loc and loc[-1] in raised.fields else loc
            for name, message in raised.fields.items():
                fields.setdefault(".".join((*parent, name)), message)
            continue
        name = ".".join(loc) or "input"  # "input": a rule across fields
        # A plain ValueError's own words, without pydantic's "Value error, " in front.
        message = str(raised) if err["type"] == "value_error" and raised is not None else err["msg"]
        fields.setdefault(name, message)
    return fields


def validated(schema: type[B], data: Any) -> B:
    """``data`` checked by ``schema``; what is wrong is raised as InvalidInput, as every edge reports it."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(field_errors(exc)) from None
