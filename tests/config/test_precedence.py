"""Configuration layers: defaults, then instance/config.py, then the environment, then create_app's mapping."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask_migrate import upgrade

from outreach import create_app
from outreach.cli import main
from outreach.config import SETTINGS, ConfigError
from outreach.extensions import db


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty instance folder and an environment with none of the app's variables set."""
    for setting in SETTINGS:
        if setting.variable:
            monkeypatch.delenv(setting.variable, raising=False)
    monkeypatch.setenv("OUTREACH_INSTANCE", str(tmp_path))
    return tmp_path


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


@pytest.mark.parametrize(
    ("layers", "hour"),
    [
        ((), 7),
        (("instance",), 8),
        (("environment",), 9),
        (("instance", "environment"), 9),
        (("instance", "mapping"), 10),
        (("instance", "environment", "mapping"), 10),
    ],
)
def test_each_layer_overrides_the_one_before(instance, monkeypatch, layers, hour):
    if "instance" in layers:
        (instance / "config.py").write_text("DIGEST_HOUR = 8\n")
    if "environment" in layers:
        monkeypatch.setenv("OUTREACH_DIGEST_HOUR", "9")
    app = create_app({"DIGEST_HOUR": 10} if "mapping" in layers else None)
    assert app.config["DIGEST_HOUR"] == hour


def test_database_url_in_the_environment_beats_instance_config(instance, monkeypatch):
    # The reported bug: instance/config.py used to win over DATABASE_URL.
    (instance / "config.py").write_text(f"SQLALCHEMY_DATABASE_URI = 'sqlite:///{instance / 'from-file.sqlite3'}'\n")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{instance / 'from-env.sqlite3'}")
    with create_app().app_context():  # what `outreach db upgrade` does, with the engine closed after
        upgrade()
        db.engine.dispose()
    assert "users" in _tables(instance / "from-env.sqlite3")
    assert not (instance / "from-file.sqlite3").exists()


def test_instance_config_names_the_database_when_the_environment_does_not(instance):
    (instance / "config.py").write_text(f"SQLALCHEMY_DATABASE_URI = 'sqlite:///{instance / 'from-file.sqlite3'}'\n")
    app = create_app()
    with app.app_context():
        assert db.engine.url.database == str(instance / "from-file.sqlite3")
        db.engine.dispose()


def test_without_configuration_the_database_and_secret_live_in_the_instance_folder(instance):
    app = create_app()
    with app.app_context():
        assert db.engine.url.database == str(instance / "outreach.sqlite3")
        db.engine.dispose()
    assert app.config["SECRET_KEY"] == (instance / "secret_key").read_text().strip()
    assert create_app().config["SECRET_KEY"] == app.config["SECRET_KEY"]  # kept across restarts


def test_secret_key_from_the_environment_beats_instance_config(instance, monkeypatch):
    (instance / "config.py").write_text("SECRET_KEY = 'from-file'\n")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert create_app().config["SECRET_KEY"] == "from-env"
    assert not (instance / "secret_key").exists()


def test_secure_cookies_switch_every_cookie_and_the_url_scheme(instance, monkeypatch):
    monkeypatch.setenv("OUTREACH_SECURE_COOKIES", "1")
    config = create_app().config
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["PREFERRED_URL_SCHEME"] == "https"


def test_an_empty_variable_counts_as_unset(instance, monkeypatch):
    (instance / "config.py").write_text("SMTP_PORT = 2525\n")
    monkeypatch.setenv("OUTREACH_SMTP_PORT", "")
    monkeypatch.setenv("OUTREACH_SMTP_STARTTLS", "")
    config = create_app().config
    assert config["SMTP_PORT"] == 2525
    assert config["SMTP_STARTTLS"] is True


def test_plain_postgres_urls_use_psycopg_3(instance, monkeypatch):
    pytest.importorskip("psycopg")
    monkeypatch.setenv("DATABASE_URL", "postgres://outreach@db.internal/outreach")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://outreach@db.internal/outreach"
    with app.app_context():
        db.engine.dispose()


def test_a_number_that_is_not_one_is_refused_by_name(instance, monkeypatch):
    monkeypatch.setenv("OUTREACH_DIGEST_HOUR", "seven")
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "OUTREACH_DIGEST_HOUR should be a whole number, not 'seven'." in result.output
    assert "Traceback" not in result.output


def test_postgresql_without_its_driver_names_the_extra(instance, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if `pip install outreach` without [postgresql]
    monkeypatch.setenv("DATABASE_URL", "postgresql://outreach@db.internal/outreach")
    with pytest.raises(ConfigError, match=r"pip install 'outreach\[postgresql\]'"):
        create_app()
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "its driver is not installed: pip install 'outreach[postgresql]'" in result.output
    assert "Traceback" not in result.output
