"""Real servers for capture: Dovecot (IMAP) and Radicale (CalDAV), each on a free loopback port for the session."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

DOVECOT = "/usr/sbin/dovecot"
DOVEADM = "/usr/bin/doveadm"
USERS = 500
PASSWORD = "app password 1"

DOVECOT_CONF = """
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/passwd
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = create
  }}
  mailbox "All Mail" {{
    special_use = \\All
    auto = create
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


@dataclass
class Dovecot:
    root: Path
    port: int
    _users: Iterator[int]

    def new_user(self) -> tuple[str, str]:
        """A fresh mailbox per test, so tests never see each other's mail (the users exist from the start:
        Dovecot may not notice a passwd file changed twice within a second)."""
        number = next(self._users)
        if number > USERS:
            raise RuntimeError(f"more than {USERS} mailboxes in one session: raise USERS")
        return f"me{number}@mail.example", PASSWORD

    def client(self, user: str, password: str) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=30)
        client.login(user, password)
        return client

    def bytes_sent_to(self, user: str) -> list[int]:
        """What Dovecot says it sent in each finished session of this user ("out=N" in its log)."""
        found = []
        for line in (self.root / "dovecot.log").read_text(errors="replace").splitlines():
            if f"imap({user})" in line and " out=" in line:
                found.append(int(line.split(" out=", 1)[1].split()[0]))
        return found


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """Dovecot as root in a throwaway directory (see PITFALLS "IMAP and Dovecot"); skips saying why if it cannot."""
    if not os.path.exists(DOVECOT):
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd; .ci/run does)")
    if os.geteuid() != 0:
        pytest.skip("this Dovecot configuration runs as root (mailboxes belong to nobody)")
    # Not under pytest's tmp_path: its parents are 0700 root, and Dovecot's login and mail processes
    # (dovenull, nobody) must reach their sockets and mailboxes.
    root = Path(tempfile.mkdtemp(prefix="outreach-dovecot-"))
    for name in ("run", "state", "mail", "home"):
        (root / name).mkdir()
    shutil.chown(root / "mail", "nobody", "nogroup")
    shutil.chown(root / "home", "nobody", "nogroup")
    root.chmod(0o755)
    (root / "passwd").write_text("".join(f"me{n}@mail.example:{{PLAIN}}{PASSWORD}\n" for n in range(1, USERS + 1)))
    port = free_port()
    conf = root / "dovecot.conf"
    conf.write_text(DOVECOT_CONF.format(root=root, port=port))
    # Output to a file, not a pipe: the daemon keeps a pipe open and run() would wait for it forever.
    with (root / "start.log").open("w") as output:
        started = subprocess.run([DOVECOT, "-c", str(conf)], stdout=output, stderr=subprocess.STDOUT, check=False)
    if started.returncode != 0 or not wait_for_port(port):
        logs = [(root / name).read_text()[-500:] for name in ("start.log", "dovecot.log") if (root / name).exists()]
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"Dovecot did not start: {' '.join(logs).strip()}")
    yield Dovecot(root, port, itertools.count(1))
    subprocess.run([DOVEADM, "-c", str(conf), "stop"], capture_output=True, check=False)
    shutil.rmtree(root, ignore_errors=True)


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
