"""Email addresses as logins: one normal spelling for every way in, and the rules a new one must meet."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from outreach.core.errors import InvalidInput, as_sentence

# C0 and C1 controls: NUL, tab, CR/LF (a header injection in the digest's To:), DEL, NEL and the rest.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_EMAIL = 254


def normalize_email(email: str) -> str:
    """The one spelling of an address: the login lookup, the login limit's key and new accounts all use it,
    so no spelling can reach an account while being counted apart from it."""
    return CONTROL_CHARACTERS.sub("", email).strip().lower()


def checked_email(email: str) -> str:
    """A new account's address, normalized; InvalidInput in a plain sentence when it cannot be one."""
    if not email.strip():
        raise InvalidInput({"email": "Enter your email address."})
    if CONTROL_CHARACTERS.search(email.strip()):
        raise InvalidInput({"email": "an email address cannot contain line breaks, tabs or other control characters"})
    email = normalize_email(email)
    if len(email) > MAX_EMAIL:
        raise InvalidInput({"email": f"an email address has at most {MAX_EMAIL} characters"})
    try:
        # No DNS look-up (sign-up must work offline); intranet domains without a dot are fine.
        validate_email(email, check_deliverability=False, globally_deliverable=False)
    except EmailNotValidError as exc:
        raise InvalidInput({"email": f"Enter a valid email address, like name@example.com. {as_sentence(str(exc))}"}) from None
    return email
