"""What every page view needs: the caller, owned records, and one answer to refused input.

The rule for refusals: a view raises (a service's InvalidInput, ``validated``'s, a NotFoundError)
and the handlers registered in ``outreach.setup`` roll the session back, then answer. A view that
wants more than the plain 422 page says so first: ``show_again(form, page)`` puts the field errors
beside the fields and shows the page again; ``flash_back(url)`` flashes them and redirects there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from flask import flash, g, redirect, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import default_exceptions

from outreach.core.caller import Caller, caller_for
from outreach.core.errors import InvalidInput
from outreach.core.ownership import get_owned
from outreach.core.types import MAX_ID
from outreach.extensions import db

M = TypeVar("M")
Page = Callable[[], ResponseReturnValue]


def me() -> Caller:
    if "web_caller" not in g:
        g.web_caller = caller_for(current_user._get_current_object())
    return cast(Caller, g.web_caller)  # flask.g is untyped


def parse_id(value: str | None) -> int | None:
    """A record id from a form or query string, or None: ASCII digits only (``"٣".isdigit()`` is true
    too) and within the database's integer range, which PostgreSQL enforces with an error."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def owned_or_404(model: type[M], record_id: int | None, **kwargs: Any) -> M:
    """One of the caller's records; any other id raises NotFoundError, which the web answers with a 404."""
    return get_owned(db.session, model, record_id, me().id, **kwargs)


@dataclass(frozen=True)
class Refusal:
    """Where this request's refused input goes: beside a form's fields, or into a flash."""

    form: FlaskForm | None = None
    page: Page | None = None
    back: str | None = None
    prefix: str = "Not saved"


def show_again(form: FlaskForm, page: Page) -> Page:
    """Input refused later in this view goes beside ``form``'s fields, and ``page()`` answers; returned
    so the view can answer with the same page when the form merely fails to validate."""
    g.refusal = Refusal(form=form, page=page)
    return page


def flash_back(back: str, prefix: str = "Not saved") -> None:
    """For the small inline forms: input refused later in this view is flashed in one sentence and the
    browser sent to ``back``."""
    g.refusal = Refusal(back=back, prefix=prefix)


def question(form: FlaskForm, questions: dict[str, str]) -> None:
    """Ask before saving what looks like a slip (a campaign dated in the past, a no without its reason):
    the page is shown again with each question beside its field and a "save it as it is" box to tick.
    Nothing is asked once that box is ticked; ``form`` needs its ``confirmed`` field (core.forms.Confirmable)."""
    if questions and not form.confirmed.data:
        form.questioned = True  # the page shows the box to tick
        raise InvalidInput(questions)


def forget_refusal() -> None:
    # `g` outlives a request when an app context was already pushed (tests, CLI): start clean.
    g.pop("refusal", None)


def refused_page(exc: InvalidInput) -> ResponseReturnValue:
    """The web's answer to refused input, the session already rolled back (see ``outreach.setup``)."""
    refusal: Refusal | None = g.pop("refusal", None)
    if refusal is not None and refusal.form is not None and refusal.page is not None:
        _attach_errors(refusal.form, exc.fields)
        return refusal.page()
    if refusal is not None and refusal.back is not None:
        flash(f"{refusal.prefix}. {_in_words(exc.fields)}", "error")
        return redirect(refusal.back)
    error = default_exceptions[exc.status]()
    return render_template("error.html", error=error, message=_in_words(exc.fields)), exc.status


def _in_words(fields: dict[str, str]) -> str:
    # Each message is a sentence that names its field as the page does: together they are the answer.
    return " ".join(fields.values())


def _attach_errors(form: FlaskForm, fields: dict[str, str]) -> None:
    # The refusal holds every message in its sentence, the form's own included (see core.forms.form_input):
    # WTForms' own words for the same mistakes go.
    for field in form:
        field.errors = []
    for name, message in fields.items():
        field = getattr(form, name.split(".")[0], None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), message]
        else:
            form.form_errors.append(message)
