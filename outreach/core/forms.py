"""WTForms for rendering and CSRF; the rules themselves live in the API's pydantic schemas."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    FloatField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)
from wtforms.widgets import CheckboxInput, ListWidget

from outreach.asks.models import NO_REASONS, OUTCOMES
from outreach.contacts.models import CONTACT_KINDS
from outreach.domain.readiness import CAMPAIGN_KINDS, PROMOTION_METHODS
from outreach.domain.warmth import TOUCH_KINDS


def choices(values: tuple[str, ...]) -> list[SelectChoice]:
    return [SelectChoice(v, v.replace("_", " ")) for v in values]


def pairs(*options: tuple[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in options]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Keep me logged in")


class SignupForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(min=8, max=200)])
    confirm = PasswordField("Repeat password", validators=[EqualTo("password", "The passwords differ.")])
    audience_size = IntegerField("Your audience size", validators=[Optional(), NumberRange(min=0)])


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    password = PasswordField("New password", validators=[DataRequired(), Length(min=8, max=200)])
    confirm = PasswordField("Repeat new password", validators=[EqualTo("password", "The passwords differ.")])


class ContactForm(FlaskForm):
    name = StringField("Name")
    email = StringField("Email", description="Several? Separate them with commas; the first is the main one.")
    kind = SelectField("Kind", choices=choices(CONTACT_KINDS), default="peer")
    topics = StringField("Topics", description="Comma-separated: podcasting, marketing")
    audience_size = StringField("Audience size")
    promotes_others = SelectField("Promotes others?", choices=pairs(("", "unknown"), ("yes", "yes"), ("no", "no")), default="")
    promotion_methods = CheckboxesField("How they promote others", choices=choices(PROMOTION_METHODS))
    fit_override = SelectField(
        "Your fit rating", choices=pairs(("", "computed"), *[(str(i), f"{i}/5") for i in range(1, 6)]), default=""
    )
    links = TextAreaField("Links", description="One URL per line")
    tags = StringField("Tags", description="Comma-separated")
    notes = TextAreaField("Notes")
    preferred_contact = StringField("Preferred way to reach them", description="e.g. email, DM on Instagram, their assistant")
    promotions_url = StringField("Their page on whom they promote", description="Affiliates page, guest list, recommendations")
    upcoming_events = TextAreaField("Upcoming events", description="Their launches, books, conferences — noted by hand")


class TouchForm(FlaskForm):
    kind = SelectField("Kind", choices=choices(TOUCH_KINDS), default="comment")
    direction = SelectField("Direction", choices=pairs(("outbound", "you → them"), ("inbound", "them → you")), default="outbound")
    occurred_at = DateTimeLocalField("When", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    channel = StringField("Channel")
    url = StringField("URL")
    note = StringField("Note")


class BusyForm(FlaskForm):
    start = DateField("From", validators=[InputRequired("Enter a date.")])
    end = DateField("Until", validators=[InputRequired("Enter a date.")])
    summary = StringField("What", validators=[Length(max=500)])


class CampaignForm(FlaskForm):
    name = StringField("Name")
    kind = SelectField("Kind", choices=choices(CAMPAIGN_KINDS), default="podcast_season")
    date = DateField("Date", validators=[InputRequired("Enter the campaign's date.")])
    topics = StringField("Topics", description="Comma-separated")
    yes_target = IntegerField("Yes target", default=5, validators=[InputRequired(), NumberRange(min=0, max=100_000)])
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
    outcome = SelectField("Outcome", choices=choices(OUTCOMES), default="pending")
    reason = SelectField("Reason for a no", choices=pairs(("", "—")) + choices(NO_REASONS), default="")
    reason_detail = TextAreaField("Reason, in their words")
    lesson = TextAreaField("One lesson")
    follow_up_on = DateField("Follow up on", validators=[Optional()])


class TokenForm(FlaskForm):
    name = StringField("Token name", validators=[DataRequired(), Length(max=100)])


class SettingsForm(FlaskForm):
    audience_size = IntegerField("Your audience size", validators=[Optional(), NumberRange(min=0)])
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


WEIGHT_FIELDS = {kind: f"weight_{kind}" for kind in TOUCH_KINDS}
for _kind, _name in WEIGHT_FIELDS.items():
    setattr(SettingsForm, _name, FloatField(f"{_kind}", validators=[InputRequired()]))
