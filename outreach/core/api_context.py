"""The API request's caller, built once per request from the token's user."""

from __future__ import annotations

from typing import cast

from flask import g

from outreach.core.caller import Caller, caller_for


def caller() -> Caller:
    if "caller" not in g:
        g.caller = caller_for(g.user)
    return cast(Caller, g.caller)  # flask.g is untyped
