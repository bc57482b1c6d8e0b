"""Settings: your audience, the warmth model, the criteria's bars, cadence, and API tokens."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from outreach.accounts import service as user_service
from outreach.accounts import sessions as login_sessions
from outreach.accounts.models import ApiToken
from outreach.core.errors import InvalidInput, gathered, validated
from outreach.core.forms import WEIGHT_FIELDS, SettingsForm, TokenForm, form_refusals, typed_text
from outreach.core.ownership import owned
from outreach.core.web import me, owned_or_404, show_again
from outreach.domain import rules
from outreach.domain.settings import UserSettings
from outreach.domain.words import plural
from outreach.extensions import db

bp = Blueprint("settings", __name__, url_prefix="/settings")
PLAIN_FIELDS = [name for name in UserSettings.model_fields if name != "weights"]
SCHEMA_INPUTS = {*PLAIN_FIELDS, *WEIGHT_FIELDS.values()}


def _render(form: SettingsForm, token_form: TokenForm | None = None, status: int = 200, new_token: str | None = None) -> Any:
    tokens = db.session.scalars(owned(ApiToken, me().id).order_by(ApiToken.created_at.desc()))
    return (
        render_template(
            "accounts/settings.html",
            form=form,
            token_form=token_form or TokenForm(formdata=None),
            tokens=list(tokens),
            new_token=new_token,
            weight_fields=WEIGHT_FIELDS,
            logins=login_sessions.count(db.session, me().user),
        ),
        status,
    )


def _filled_form() -> SettingsForm:
    caller = me()
    form = SettingsForm(formdata=None)
    form.audience_size.data = caller.user.audience_size
    for name in PLAIN_FIELDS:
        getattr(form, name).data = getattr(caller.settings, name)
    for kind, field_name in WEIGHT_FIELDS.items():
        getattr(form, field_name).data = caller.settings.weights[kind]
    return form


@bp.route("/", methods=["GET", "POST"])
def index() -> Any:
    caller = me()
    if request.method == "GET":
        return _render(_filled_form())
    form = SettingsForm()
    show_again(form, lambda: _render(form, status=422))
    form.validate()
    # Every refusal at once: the form's own (an unreadable audience), the audience rule and the settings' schema.
    refusals = {name: said for name, said in form_refusals(form).items() if name not in SCHEMA_INPUTS}
    if "audience_size" not in refusals:
        refusals |= gathered(lambda: rules.audience_size(form.audience_size.data))
    values: dict[str, Any] = {name: typed_text(getattr(form, name)) for name in PLAIN_FIELDS}
    values["weights"] = {kind: typed_text(getattr(form, name)) for kind, name in WEIGHT_FIELDS.items()}
    try:
        updated = validated(UserSettings, values)
    except InvalidInput as exc:
        # A weight's refusal is keyed "weights.<kind>": put it beside that kind's own field.
        refusals = {WEIGHT_FIELDS.get(k.split(".")[-1], k): v for k, v in exc.fields.items()} | refusals
    if refusals:
        raise InvalidInput(refusals)
    rescored = user_service.save_settings(db.session, caller.user, form.audience_size.data, updated)
    db.session.commit()
    if rescored is None:
        flash("Settings saved.", "success")
    else:
        were = "was" if rescored == 1 else "were"
        flash(f"Settings saved. The warmth model changed, so {plural(rescored, 'contact')} {were} rescored.", "success")
    return redirect(url_for("settings.index"))


@bp.route("/tokens", methods=["POST"])
def create_token() -> Any:
    form = TokenForm()
    if not form.validate_on_submit():
        # Refusals beside the token name, in sentences (the settings above are shown as saved).
        for name, said in form_refusals(form).items():
            form[name].errors = [said]
        return _render(_filled_form(), token_form=form, status=422)
    _, token = user_service.create_token(db.session, me().user, form.name.data or "web")
    db.session.commit()
    # Shown once, in this response only: only its hash is stored.
    return _render(_filled_form(), new_token=token)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_token(token_id: int) -> Any:
    token = owned_or_404(ApiToken, token_id)
    user_service.revoke_token(db.session, me().user, token.id)
    db.session.commit()
    flash(f"Token {token.name} revoked.", "info")
    return redirect(url_for("settings.index") + "#tokens")
