"""Configuration, each layer over the last: defaults, instance/config.py, the environment, create_app's mapping."""

from __future__ import annotations

import contextlib
import copy
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from flask import Flask


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says what to change."""


def _on(value: str) -> bool:
    return value == "1"


def _not_off(value: str) -> bool:
    return value != "0"


def _scheme(secure: str) -> str:
    return "https" if _on(secure) else "http"


def _keys(value: str) -> list[str]:
    """Comma-separated keys, blanks dropped."""
    return [key.strip() for key in value.split(",") if key.strip()]


class Setting(NamedTuple):
    """One Flask key: its default and, when the environment may set it, the variable and how to read it."""

    key: str
    default: Any
    variable: str | None = None
    read: Callable[[str], Any] = str


SETTINGS = [
    Setting("SQLALCHEMY_DATABASE_URI", None, "DATABASE_URL"),  # None: SQLite in the instance folder
    Setting("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True}),
    Setting("SECRET_KEY", None, "SECRET_KEY"),  # None: generated once into instance/secret_key
    Setting("SIGNUP_ENABLED", True, "OUTREACH_SIGNUP", _not_off),
    Setting("SESSION_COOKIE_HTTPONLY", True),
    Setting("SESSION_COOKIE_SAMESITE", "Lax"),
    Setting("SESSION_COOKIE_SECURE", False, "OUTREACH_SECURE_COOKIES", _on),  # served over https
    Setting("REMEMBER_COOKIE_HTTPONLY", True),
    Setting("REMEMBER_COOKIE_SAMESITE", "Lax"),
    # "keep me logged in" is as good as a password: same flags as the session
    Setting("REMEMBER_COOKIE_SECURE", False, "OUTREACH_SECURE_COOKIES", _on),
    Setting("PREFERRED_URL_SCHEME", "http", "OUTREACH_SECURE_COOKIES", _scheme),
    Setting("API_PAGE_SIZE_MAX", 200),
    # Calendar imports by URL never reach private, loopback or link-local addresses unless this is on.
    Setting("ALLOW_PRIVATE_CALENDAR_URLS", False, "OUTREACH_ALLOW_PRIVATE_URLS", _on),
    # Feed fetches likewise (OUTREACH_ALLOW_PRIVATE_URLS=1): for tests and local use only, off by default.
    Setting("ALLOW_PRIVATE_URLS", False, "OUTREACH_ALLOW_PRIVATE_URLS", _on),
    Setting("FEEDS_POLL_MINUTES", 60, "OUTREACH_FEEDS_POLL_MINUTES", int),  # a feed's base interval
    Setting("MAX_CONTENT_LENGTH", 10 * 1024 * 1024),  # uploads (calendar imports) and bodies beyond this get a 413
    Setting("JSON_SORT_KEYS", False),
    # POST /login attempts, counted per client address and per account (the email, lower-cased).
    Setting("LOGIN_LIMIT_PER_IP", "10 per minute", "OUTREACH_LOGIN_LIMIT_PER_IP"),
    Setting("LOGIN_LIMIT_PER_ACCOUNT", "5 per minute", "OUTREACH_LOGIN_LIMIT_PER_ACCOUNT"),
    # memory:// counts per process: with several gunicorn workers use redis://host:6379 (pip install redis).
    Setting("RATELIMIT_STORAGE_URI", "memory://", "RATELIMIT_STORAGE_URI"),
    # explicit, because the one limiter object would otherwise keep the last app's choice
    Setting("RATELIMIT_ENABLED", True),
    # The morning digest by email: off unless OUTREACH_SMTP_HOST is set.
    Setting("SMTP_HOST", None, "OUTREACH_SMTP_HOST"),
    Setting("SMTP_PORT", 587, "OUTREACH_SMTP_PORT", int),
    Setting("SMTP_USER", None, "OUTREACH_SMTP_USER"),
    Setting("SMTP_PASSWORD", None, "OUTREACH_SMTP_PASSWORD"),
    Setting("SMTP_STARTTLS", True, "OUTREACH_SMTP_STARTTLS", _on),
    Setting("SMTP_FROM", "outreach@localhost", "OUTREACH_SMTP_FROM"),
    Setting("DIGEST_HOUR", 7, "OUTREACH_DIGEST_HOUR", int),  # in each user's time zone
    Setting("PUBLIC_URL", "http://127.0.0.1:5000", "OUTREACH_PUBLIC_URL"),  # links in the digest
    # Mail and calendar capture: credentials encrypted with this Fernet key (else one derived from
    # SECRET_KEY); keys listed in OUTREACH_OLD_ENCRYPTION_KEYS still decrypt until `outreach keys rotate`.
    Setting("ENCRYPTION_KEY", None, "OUTREACH_ENCRYPTION_KEY"),
    Setting("OLD_ENCRYPTION_KEYS", [], "OUTREACH_OLD_ENCRYPTION_KEYS", _keys),
    Setting("MAIL_SYNC_MINUTES", 15, "OUTREACH_MAIL_SYNC_MINUTES", int),  # how often each account is synced
    # IMAP without TLS only to a loopback host, and only with this on (tests against a local Dovecot).
    Setting("ALLOW_PLAINTEXT_IMAP", False, "OUTREACH_ALLOW_PLAINTEXT_IMAP", _on),
    # Mail and CalDAV servers on private or loopback addresses (a home server): off for shared installs.
    Setting("ALLOW_PRIVATE_MAIL_HOSTS", False, "OUTREACH_ALLOW_PRIVATE_MAIL_HOSTS", _on),
    # The test suite sets it: no test, fuzzed ones included, reaches a mail or calendar server off the machine.
    Setting("CAPTURE_LOOPBACK_ONLY", False),
    # Behind nginx or a load balancer: how many proxies' X-Forwarded-For/-Proto to trust (0: none),
    # so the login limit counts real client addresses and redirects keep https.
    Setting("TRUSTED_PROXIES", 0, "OUTREACH_TRUSTED_PROXIES", int),
]


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The keys the environment sets: only variables present and not empty count."""
    found: dict[str, Any] = {}
    for setting in SETTINGS:
        value = environ.get(setting.variable or "")
        if not value:
            continue
        try:
            found[setting.key] = setting.read(value)
        except ValueError:
            raise ConfigError(f"{setting.variable} should be a whole number, not {value!r}.") from None
    return found


def _driver_url(url: str) -> str:
    """psycopg 3 for PostgreSQL, accepting the plain URLs hosting platforms hand out."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith("postgresql+psycopg"):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise ConfigError(
                "The database is PostgreSQL but its driver is not installed: pip install 'outreach[postgresql]'."
            ) from None
    return url


def _secret_key(instance_path: str) -> str:
    """A per-install secret kept in instance/, so sessions survive restarts without configuration."""
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Written aside, then linked into place: several web workers starting at once agree on
        # one key, and none ever reads a half-written file.
        draft = path.with_name(f"secret_key.{os.getpid()}")
        draft.write_text(secrets.token_hex(32))
        draft.chmod(0o600)
        try:
            with contextlib.suppress(FileExistsError):  # another worker's key won: use it
                os.link(draft, path)
        finally:
            draft.unlink()
    return path.read_text().strip()


def load_config(app: Flask, overrides: Mapping[str, Any]) -> None:
    """Apply the four layers in order, then fill in what only the instance folder can give."""
    app.config.from_mapping({setting.key: copy.deepcopy(setting.default) for setting in SETTINGS})
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(from_environment(os.environ))
    app.config.update(overrides)
    database = app.config["SQLALCHEMY_DATABASE_URI"] or "sqlite:///" + str(Path(app.instance_path) / "outreach.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = _driver_url(database)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = "testing" if app.config.get("TESTING") else _secret_key(app.instance_path)
