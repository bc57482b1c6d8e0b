"""The Settings → Mail forms (rendering and CSRF; the rules are the API's schemas)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import Optional

from outreach.core.forms import pairs


class MailAccountForm(FlaskForm):
    host = StringField("IMAP server", description="e.g. imap.gmail.com, imap.fastmail.com, outlook.office365.com")
    port = IntegerField("Port", default=993, validators=[Optional()])
    security = SelectField(
        "Security",
        choices=pairs(("tls", "TLS (port 993)"), ("starttls", "STARTTLS (port 143)"), ("plain", "none (this machine only)")),
        default="tls",
    )
    username = StringField("User name", description="Usually your email address")
    password = PasswordField("Password or app password", description="Gmail and iCloud need an app password")
    folders = StringField("More folders", description="Optional, comma-separated, e.g. [Gmail]/All Mail")


class CalendarAccountForm(FlaskForm):
    kind = SelectField("Kind", choices=pairs(("caldav", "CalDAV account"), ("ics", "Secret ICS address")), default="caldav")
    url = StringField("Address", description="Your CalDAV server, or the secret address of your calendar in iCal format")
    username = StringField("User name", description="CalDAV only")
    password = PasswordField("Password or app password", description="CalDAV only")
