"""Configuration: defaults, then instance/config.py, then OUTREACH_* / DATABASE_URL, then overrides."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask


def database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "outreach.sqlite3")
    # psycopg 3 is the PostgreSQL driver; accept the plain URLs that hosting platforms hand out.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _secret_key(instance_path: str) -> str:
    """A per-install secret kept in instance/, so sessions survive restarts without configuration."""
    env = os.environ.get("SECRET_KEY")
    if env:
        return env
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
    secure = os.environ.get("OUTREACH_SECURE_COOKIES", "0") == "1"  # served over https
    app.config.update(
        SQLALCHEMY_DATABASE_URI=database_url(app.instance_path),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        SIGNUP_ENABLED=os.environ.get("OUTREACH_SIGNUP", "1") != "0",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,  # "keep me logged in" is as good as a password: same flags as the session
        PREFERRED_URL_SCHEME="https" if secure else "http",
        API_PAGE_SIZE_MAX=200,
        # Calendar imports by URL never reach private, loopback or link-local addresses unless this is on.
        ALLOW_PRIVATE_CALENDAR_URLS=False,
        MAX_CONTENT_LENGTH=10 * 1024 * 1024,  # uploads (calendar imports) and bodies beyond this get a 413
        JSON_SORT_KEYS=False,
        # POST /login attempts, counted per client address and per account (the email, lower-cased).
        LOGIN_LIMIT_PER_IP=os.environ.get("OUTREACH_LOGIN_LIMIT_PER_IP", "10 per minute"),
        LOGIN_LIMIT_PER_ACCOUNT=os.environ.get("OUTREACH_LOGIN_LIMIT_PER_ACCOUNT", "5 per minute"),
        # memory:// counts per process: with several gunicorn workers use redis://host:6379 (pip install redis).
        RATELIMIT_STORAGE_URI=os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        RATELIMIT_ENABLED=True,  # explicit, because the one limiter object would otherwise keep the last app's choice
        # The morning digest by email: off unless OUTREACH_SMTP_HOST is set.
        SMTP_HOST=os.environ.get("OUTREACH_SMTP_HOST") or None,
        SMTP_PORT=int(os.environ.get("OUTREACH_SMTP_PORT", "587") or 587),
        SMTP_USER=os.environ.get("OUTREACH_SMTP_USER") or None,
        SMTP_PASSWORD=os.environ.get("OUTREACH_SMTP_PASSWORD") or None,
        SMTP_STARTTLS=os.environ.get("OUTREACH_SMTP_STARTTLS", "1") == "1",
        SMTP_FROM=os.environ.get("OUTREACH_SMTP_FROM", "outreach@localhost"),
        DIGEST_HOUR=int(os.environ.get("OUTREACH_DIGEST_HOUR", "7") or 7),  # in each user's time zone
        PUBLIC_URL=os.environ.get("OUTREACH_PUBLIC_URL", "http://127.0.0.1:5000"),  # links in the digest
        # Mail and calendar capture: credentials encrypted with this Fernet key (else one derived from
        # SECRET_KEY); keys listed in OUTREACH_OLD_ENCRYPTION_KEYS still decrypt until `outreach keys rotate`.
        ENCRYPTION_KEY=os.environ.get("OUTREACH_ENCRYPTION_KEY") or None,
        OLD_ENCRYPTION_KEYS=[k for k in os.environ.get("OUTREACH_OLD_ENCRYPTION_KEYS", "").split(",") if k.strip()],
        MAIL_SYNC_MINUTES=int(os.environ.get("OUTREACH_MAIL_SYNC_MINUTES", "15") or 15),
        # IMAP without TLS only to a loopback host, and only with this on (tests against a local Dovecot).
        ALLOW_PLAINTEXT_IMAP=os.environ.get("OUTREACH_ALLOW_PLAINTEXT_IMAP", "0") == "1",
        # Mail and CalDAV servers on private or loopback addresses (a home server): off for shared installs.
        ALLOW_PRIVATE_MAIL_HOSTS=os.environ.get("OUTREACH_ALLOW_PRIVATE_MAIL_HOSTS", "0") == "1",
        CAPTURE_LOOPBACK_ONLY=False,  # the test suite sets it: no test, fuzzed ones included, reaches off the machine
        # Behind nginx or a load balancer: how many proxies' X-Forwarded-For/-Proto to trust (0: none),
        # so the login limit counts real client addresses and redirects keep https.
        TRUSTED_PROXIES=int(os.environ.get("OUTREACH_TRUSTED_PROXIES", "0") or 0),
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = "testing" if app.config.get("TESTING") else _secret_key(app.instance_path)
