"""Real servers for capture: Dovecot (IMAP) and Radicale (CalDAV), each on a free loopback port for the session."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import pytest

from bench.dovecot import Dovecot, Unavailable, free_port, running, wait_for_port

__all__ = ["free_port", "mail"]


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """Dovecot for the whole session (bench/dovecot.py); skips saying why if it cannot start."""
    try:
        with running() as server:
            yield server
    except Unavailable as exc:
        pytest.skip(str(exc))


def mail(
    sender: str,
    to: list[str],
    subject: str,
    when: Any,
    *,
    message_id: str | None = "auto",
    body: str = "Hello!",
    **headers: str,
) -> bytes:
    """An RFC 5322 message as a mail client would send it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = format_datetime(when)
    if message_id == "auto":
        message["Message-ID"] = make_msgid(domain="mail.example")
    elif message_id is not None:
        message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return bytes(message)


@dataclass
class Radicale:
    url: str
    process: subprocess.Popen[bytes]


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    """Radicale (a real CalDAV server, from PyPI) with htpasswd logins, on a loopback port."""
    try:
        import radicale as _  # noqa: F401
    except ImportError:
        pytest.skip("Radicale is not installed (pip install '.[test]')")
    root = tmp_path_factory.mktemp("radicale")
    (root / "users").write_text("maya:calendar secret\nother:other secret\n")
    port = free_port()
    config = root / "config"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n"
        f"[auth]\ntype = htpasswd\nhtpasswd_filename = {root / 'users'}\nhtpasswd_encryption = plain\n"
        f"[storage]\nfilesystem_folder = {root / 'collections'}\n"
        "[logging]\nlevel = warning\n"
    )
    with (root / "radicale.log").open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "radicale", "--config", str(config)], stdout=log, stderr=log)
    if not wait_for_port(port):
        process.kill()
        process.wait(timeout=10)
        pytest.skip(f"Radicale did not start: {(root / 'radicale.log').read_text()[-500:]}")
    yield Radicale(f"http://127.0.0.1:{port}/", process)
    process.terminate()
    process.wait(timeout=10)
