"""The Settings → Mail forms, built from the API's schemas (rendering and CSRF; the rules are the schemas')."""

from __future__ import annotations

from wtforms import PasswordField

from outreach.capture.schemas import CalendarAccountIn, MailAccountIn
from outreach.core.forms import schema_form

MailAccountForm = schema_form(
    MailAccountIn,
    hints={
        "host": "e.g. imap.gmail.com, imap.fastmail.com, outlook.office365.com",
        "username": "Usually your email address",
        "folders": "Optional, comma-separated, e.g. [Gmail]/All Mail",
    },
    fields={"password": PasswordField("Password or app password", description="Gmail and iCloud need an app password")},
)

CalendarAccountForm = schema_form(
    CalendarAccountIn,
    hints={
        "url": "Your CalDAV server, or the secret address of your calendar in iCal format",
        "username": "CalDAV only",
    },
    fields={"password": PasswordField("Password or app password", description="CalDAV only")},
)
