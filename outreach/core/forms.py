"""WTForms for rendering and CSRF; the rules themselves live in the features' pydantic schemas.

A form may be built from a schema (``schema_form``): one input per field, labelled by the field's
title. ``form_payload`` turns what was typed into the schema's input and ``fill_form`` shows a record.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from flask_wtf import FlaskForm
from pydantic import BaseModel
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    Field,
    FloatField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3, not yet in its stubs
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    Optional,
)
from wtforms.widgets import CheckboxInput, ListWidget

from outreach.contacts.schemas import ContactIn
from outreach.core.text_values import NO, YES, from_text, shape_of, to_text
from outreach.domain.vocabulary import (
    CampaignKind,
    Direction,
    NoReason,
    Outcome,
    TouchKind,
    Vocabulary,
)


def choices(vocabulary: type[Vocabulary]) -> list[SelectChoice]:
    """A select's options: the stored values, shown by their labels."""
    return pairs(*vocabulary.choices())


def pairs(*options: tuple[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in options]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def schema_form(
    schema: type[BaseModel], hints: Mapping[str, str] = {}, fields: Mapping[str, Field] = {}, omit: Collection[str] = ()
) -> type[FlaskForm]:
    """A form with one input per schema field, in the schema's order: selects for words and yes/no, checkboxes
    for lists of words, textareas for multiline fields, text inputs for the rest. ``hints`` are help texts
    under the inputs; ``fields`` replaces the input of a field that needs another; ``omit`` names fields
    another input stands for."""
    inputs: dict[str, Any] = {}
    for name, info in schema.model_fields.items():
        if name in omit:
            continue
        shape, label = shape_of(info), info.title or name.replace("_", " ").capitalize()
        hint = hints.get(name, "")
        if name in fields:
            inputs[name] = fields[name]
        elif shape.words and shape.many:
            inputs[name] = CheckboxesField(label, choices=choices(shape.words), description=hint)
        elif shape.words:
            inputs[name] = SelectField(label, choices=choices(shape.words), default=str(info.default), description=hint)
        elif shape.flag:
            options = pairs(("", "unknown"), (YES, "yes"), (NO, "no"))
            inputs[name] = SelectField(label, choices=options, default="", description=hint)
        elif shape.multiline:
            inputs[name] = TextAreaField(label, description=hint)
        else:
            inputs[name] = StringField(label, description=hint)
    return type(schema.__name__.removesuffix("In") + "Form", (FlaskForm,), inputs)


def form_payload(form: FlaskForm, schema: type[BaseModel], names: Collection[str] | None = None) -> dict[str, Any]:
    """What was typed, as the schema's input: the form's fields that the schema has (or ``names`` of them).
    Typed inputs (dates, numbers, checkboxes) pass as parsed; text is read by the field's shape."""
    payload: dict[str, Any] = {}
    for name, info in schema.model_fields.items():
        if name not in form or (names is not None and name not in names):
            continue
        data = form[name].data
        if data is None or isinstance(data, str):
            data = from_text(shape_of(info), data, by_line=isinstance(form[name], TextAreaField))
        payload[name] = data
    return payload


def fill_form(form: FlaskForm, record: object, schema: type[BaseModel]) -> None:
    """Show a record in a form built from its schema."""
    for name, info in schema.model_fields.items():
        if name in form:
            field, value = form[name], getattr(record, name)
            typed = not isinstance(field, (StringField, SelectField))  # dates, numbers and checkboxes take values
            field.data = value if typed else to_text(shape_of(info), value, isinstance(field, TextAreaField))


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Keep me logged in")


# Signup and password rules (email shape, password length) are the accounts service's, shown on
# these forms by the web's refusal handler: the CLI's `user create` enforces the very same ones.
class SignupForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])
    confirm = PasswordField("Repeat password", validators=[EqualTo("password", "The passwords differ.")])
    audience_size = IntegerField("Your audience size", validators=[Optional()])


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    password = PasswordField("New password", validators=[DataRequired()])
    confirm = PasswordField("Repeat new password", validators=[EqualTo("password", "The passwords differ.")])


ContactForm = schema_form(
    ContactIn,
    hints={
        "topics": "Comma-separated: podcasting, marketing",
        "links": "One URL per line",
        "tags": "Comma-separated",
        "preferred_contact": "e.g. email, DM on Instagram, their assistant",
        "promotions_url": "Affiliates page, guest list, recommendations",
        "upcoming_events": "Their launches, books, conferences — noted by hand",
    },
    fields={
        "email": StringField("Email", description="Several? Separate them with commas; the first is the main one."),
        "fit_override": SelectField(
            "Your fit rating", choices=pairs(("", "computed"), *[(str(i), f"{i}/5") for i in range(1, 6)]), default=""
        ),
    },
    omit=("emails",),  # the one Email input takes every address (contacts.views)
)


class TouchForm(FlaskForm):
    kind = SelectField("Kind", choices=choices(TouchKind), default=TouchKind.COMMENT.value)
    direction = SelectField("Direction", choices=choices(Direction), default=Direction.OUTBOUND.value)
    occurred_at = DateTimeLocalField("When", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    channel = StringField("Channel")
    url = StringField("URL")
    note = StringField("Note")


class BusyForm(FlaskForm):
    start = DateField("From", validators=[InputRequired("Enter a date.")])
    end = DateField("Until", validators=[InputRequired("Enter a date.")])
    summary = StringField("What")


class CampaignForm(FlaskForm):
    name = StringField("Name")
    kind = SelectField("Kind", choices=choices(CampaignKind), default=CampaignKind.PODCAST_SEASON.value)
    date = DateField("Date", validators=[InputRequired("Enter the campaign's date.")])
    topics = StringField("Topics", description="Comma-separated")
    yes_target = IntegerField("Yes target", default=5, validators=[InputRequired()])
    window_start_weeks = IntegerField("Ask window opens (weeks before)", default=12, validators=[InputRequired()])
    window_end_weeks = IntegerField("Ask window closes (weeks before)", default=3, validators=[InputRequired()])
    description = TextAreaField("Description")


class AskForm(FlaskForm):
    contact_id = SelectField("Contact", coerce=str, validate_choice=False)
    campaign_id = SelectField("Campaign", coerce=str, validate_choice=False)
    parent_id = SelectField("A reply to a bulk send", coerce=str, validate_choice=False)
    message_id = SelectField("Message used", coerce=str, validate_choice=False)
    asked_at = DateTimeLocalField("Asked at", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    channel = StringField("Channel")
    request = TextAreaField("What you asked")
    recipients = IntegerField("Recipients", default=1, validators=[Optional()])
    outcome = SelectField("Outcome", choices=choices(Outcome), default=Outcome.PENDING.value)
    reason = SelectField("Reason for a no", choices=pairs(("", "—"), *NoReason.choices()), default="")
    reason_detail = TextAreaField("Reason, in their words")
    lesson = TextAreaField("One lesson")
    follow_up_on = DateField("Follow up on", validators=[Optional()])


class TokenForm(FlaskForm):
    name = StringField("Token name", validators=[DataRequired(), Length(max=100)])


class SettingsForm(FlaskForm):
    audience_size = IntegerField("Your audience size", validators=[Optional()])
    half_life_days = FloatField("Half-life (days)", validators=[InputRequired()])
    k = FloatField("Saturation k", validators=[InputRequired()])
    inbound_multiplier = FloatField("Touch from them counts ×", validators=[InputRequired()])
    fit_threshold = FloatField("Fit needs", validators=[InputRequired()])
    trust_warmth = FloatField("Trust needs warmth", validators=[InputRequired()])
    moonshot_warmth = FloatField("Moonshots need warmth", validators=[InputRequired()])
    moonshot_factor = FloatField("Moonshot: audience over × yours", validators=[InputRequired()])
    relationship_days = IntegerField("Relationship at least (days)", validators=[InputRequired()])
    decline_cooldown_days = IntegerField("Wait after a no (days)", validators=[InputRequired()])
    cadence_per_week = FloatField("Planned touches per week", validators=[InputRequired()])
    cadence_touch_weight = FloatField("Weight of a typical touch", validators=[InputRequired()])
    implicit_no_days = IntegerField("No answer becomes a no after (days)", validators=[InputRequired()])
    weekly_no_goal = IntegerField("Weekly no-goal", validators=[InputRequired()])
    daily_digest = BooleanField("Email me a morning digest (when this server can send mail)")


WEIGHT_FIELDS = {kind.value: f"weight_{kind}" for kind in TouchKind}
for _kind in TouchKind:
    setattr(SettingsForm, WEIGHT_FIELDS[_kind], FloatField(_kind.label, validators=[InputRequired()]))
