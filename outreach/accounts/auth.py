"""Accounts: sign up, log in, log out, change password."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from outreach.accounts import service as user_service
from outreach.accounts import sessions as login_sessions
from outreach.accounts.emails import normalize_email
from outreach.accounts.models import User
from outreach.core.errors import InvalidInput, gathered
from outreach.core.forms import LoginForm, PasswordForm, SignupForm, form_refusals
from outreach.core.security import login_limit_per_account, login_limit_per_ip
from outreach.core.types import utcnow
from outreach.core.web import show_again
from outreach.domain import rules
from outreach.extensions import db, limiter

bp = Blueprint("auth", __name__)

# Pages that must work for a visitor who is not logged in.
PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.signup", "static", "calendar.feed"})


# Browsers read a backslash as a slash and drop tabs and newlines: `/\evil.example` means `//evil.example`.
BROWSER_REWRITTEN = re.compile(r"[\\\x00-\x1f\x7f]")


def _safe_next(target: str | None) -> str:
    """Only same-site paths: a login link must not send the user to someone else's site."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not BROWSER_REWRITTEN.search(target)
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("today.index")


def login_account() -> str:
    """The account an attempt is aimed at, spelt as the lookup spells it, so no spelling is counted apart."""
    return "account:" + normalize_email(request.form.get("email") or "")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit_per_ip, methods=["POST"])
@limiter.limit(login_limit_per_account, key_func=login_account, methods=["POST"])
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("today.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = user_service.find_user(db.session, form.email.data or "")
        if user is not None and user_service.check_password(user, form.password.data or ""):
            _log_in(user, remember=bool(form.remember.data))
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors = ["Wrong email or password."]
    return render_template("auth/login.html", form=form, signup=current_app.config["SIGNUP_ENABLED"])


@bp.route("/signup", methods=["GET", "POST"])
def signup() -> Any:
    if not current_app.config["SIGNUP_ENABLED"]:
        abort(404)
    form = SignupForm()
    page = show_again(form, lambda: render_template("auth/signup.html", form=form))
    if request.method == "POST":
        form.validate()
        email, password = form.email.data or "", form.password.data or ""
        refusals = form_refusals(form)  # the passwords differ; an audience that is not a number
        audience = None if "audience_size" in refusals else form.audience_size.data
        refusals = user_service.new_user_refusals(db.session, email, password, audience) | refusals
        if refusals:
            raise InvalidInput(refusals)
        user = user_service.create_user(db.session, email, password, audience)
        _log_in(user, remember=False)
        flash("Welcome to Outreach. Add the people you want to build relationships with.", "success")
        return redirect(url_for("contacts.new"))
    return page()


def _log_in(user: User, remember: bool) -> None:
    """A login kept on the server, so logging out ends it there and not only in this browser."""
    login_sessions.start(db.session, user, utcnow())
    db.session.commit()
    login_user(user, remember=remember)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    login_sessions.end(db.session, current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere() -> Any:
    """Every browser and device, this one too: for a lost phone or a shared computer left logged in."""
    count = login_sessions.end_all(db.session, current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(f"You are logged out everywhere ({count} {'login' if count == 1 else 'logins'} ended).", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Any:
    form = PasswordForm()
    page = show_again(form, lambda: render_template("auth/password.html", form=form))
    if request.method == "POST":
        user = current_user._get_current_object()
        form.validate()
        refusals = gathered(lambda: rules.password(form.password.data or "")) | form_refusals(form)
        if "current" not in refusals and not user_service.check_password(user, form.current.data or ""):
            refusals["current"] = "That is not your current password."
        if refusals:
            raise InvalidInput(refusals)
        user_service.set_password(user, form.password.data or "")
        ended = login_sessions.end_others(db.session, user)
        db.session.commit()
        elsewhere = f" You were logged out on {ended} other {'browser' if ended == 1 else 'browsers'}." if ended else ""
        flash("Password changed." + elsewhere, "success")
        return redirect(url_for("settings.index"))
    return page()
