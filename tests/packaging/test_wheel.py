"""A non-editable install from the built wheel, away from the checkout, upgrades a database and serves the login page."""

from __future__ import annotations

import os
import shutil
import site
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from outreach.config import SETTINGS
from outreach.core.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow

# What a clean clone holds, minus what a build or a run leaves behind.
LEFT_BEHIND = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "instance", ".*cache")


def _run(*command: str | Path, **kwargs: Any) -> str:
    done = subprocess.run([str(part) for part in command], capture_output=True, text=True, timeout=300, **kwargs)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, within: float = 30.0) -> tuple[int, str]:
    deadline = time.monotonic() + within
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding outreach from the wheel only; its dependencies are read from this test's environment."""
    work = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools leaves build/ behind, and a stale build/lib would ship deleted modules.
    source = work / "source"
    shutil.copytree(PROJECT_ROOT, source, ignore=LEFT_BEHIND)
    _run(sys.executable, "-m", "pip", "wheel", source, "--no-deps", "--quiet", "-w", work / "dist")
    (wheel,) = (work / "dist").glob("outreach-*.whl")
    venv = work / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel)
    # Added after the install, so pip never saw this environment's editable outreach; a directory named in a
    # .pth file is only put on sys.path (its own .pth files, the editable hook among them, are not run).
    packages = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip()
    Path(packages, "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return venv


def _environment(**extra: str) -> dict[str, str]:
    ours = {setting.variable for setting in SETTINGS} | {"PYTHONPATH", "OUTREACH_INSTANCE"}
    return {**{k: v for k, v in os.environ.items() if k not in ours}, **extra}


def test_the_package_comes_from_the_wheel(installed, tmp_path):
    where = _run(installed / "bin" / "python", "-c", "import outreach; print(outreach.__file__)", cwd=tmp_path)
    assert Path(where.strip()).is_relative_to(installed)


def test_installed_copy_upgrades_an_empty_database_and_serves_the_login_page(installed, tmp_path):
    database = tmp_path / "empty.sqlite3"
    database.touch()
    env = _environment(DATABASE_URL=f"sqlite:///{database}")
    _run(installed / "bin" / "outreach", "db", "upgrade", cwd=tmp_path, env=env)
    with sqlite3.connect(database) as conn:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"users", "contacts", "touches", "alembic_version"} <= tables

    port, log = _free_port(), tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [installed / "bin" / "outreach", "serve", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        status, page = _get(f"http://127.0.0.1:{port}/login")
        assert status == 200 and "<h1>Log in</h1>" in page and 'name="password"' in page
        status, css = _get(f"http://127.0.0.1:{port}/static/app.css")
        assert status == 200 and css
    except OSError as exc:
        pytest.fail(f"the installed copy did not serve: {exc}\n{log.read_text()}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    # With no project folder of its own, an installed copy keeps its secret in Flask's default instance folder.
    assert (installed / "var" / "outreach-instance" / "secret_key").is_file()
