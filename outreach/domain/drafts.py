"""Message templates filled in for one contact and campaign, ready to copy."""

from __future__ import annotations

import re

PLACEHOLDERS = ("name", "recent_work", "campaign")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def draft(body: str, contact_name: str | None = None, campaign_name: str | None = None) -> str:
    """``body`` with the contact's first name and the campaign filled in; what is not known (always
    {recent_work}: only the user knows it) stays as a placeholder to fill by hand."""
    first_names = (contact_name or "").split()
    known = {"name": first_names[0] if first_names else None, "campaign": campaign_name or None}
    # One pass, so a name that itself contains "{campaign}" is left as written.
    return _PLACEHOLDER.sub(lambda m: known.get(m.group(1)) or m.group(0), body)
