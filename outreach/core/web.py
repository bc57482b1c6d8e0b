"""What every page view needs: the caller, owned records or 404, and pydantic errors on form fields."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort, flash, g
from flask_login import current_user
from flask_wtf import FlaskForm
from pydantic import BaseModel, ValidationError

from outreach.core.caller import Caller, caller_for
from outreach.core.errors import InvalidInput, NotFoundError, field_errors
from outreach.core.ownership import get_owned
from outreach.core.types import MAX_ID
from outreach.extensions import db

M = TypeVar("M")
B = TypeVar("B", bound=BaseModel)


def me() -> Caller:
    if "web_caller" not in g:
        g.web_caller = caller_for(current_user._get_current_object())
    return g.web_caller


def parse_id(value: str | None) -> int | None:
    """A record id from a form or query string, or None: ASCII digits only (``"٣".isdigit()`` is true
    too) and within the database's integer range, which PostgreSQL enforces with an error."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def owned_or_404(model: type[M], record_id: int, **kwargs: Any) -> M:
    try:
        return get_owned(db.session, model, record_id, me().id, **kwargs)
    except NotFoundError:
        abort(404)


def validate_into(form: FlaskForm, schema: type[B], data: dict[str, Any]) -> B | None:
    """Validate with the API's own schema, so web and API accept exactly the same input."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        attach_errors(form, field_errors(exc))
        return None


def flash_refusal(prefix: str, exc: ValidationError) -> None:
    """For the small inline forms that redirect back: say what was wrong in one message."""
    flash(f"{prefix}: " + "; ".join(f"{k}: {v}" for k, v in field_errors(exc).items()), "error")


def attach_errors(form: FlaskForm, fields: dict[str, str]) -> None:
    for name, message in fields.items():
        field = getattr(form, name.split(".")[0], None)
        target = field if field is not None and hasattr(field, "errors") else None
        if target is None:
            form.form_errors.append(f"{name}: {message}")
        else:
            target.errors = [*list(target.errors or []), message]


def invalid_to_form(form: FlaskForm, exc: InvalidInput) -> None:
    attach_errors(form, exc.fields)
