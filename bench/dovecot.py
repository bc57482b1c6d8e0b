"""A throwaway Dovecot IMAP server on a loopback port, for the capture benchmarks and tests.

Runs as root from a temporary directory (see PITFALLS "IMAP and Dovecot"): plaintext on loopback,
a passwd-file of numbered users, Gmail-like folders (a \\Sent and an \\All folder).
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from imapclient import IMAPClient

DOVECOT = "/usr/sbin/dovecot"
DOVEADM = "/usr/bin/doveadm"
USERS = 500
PASSWORD = "app password 1"
CONFIG = """
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


class Unavailable(Exception):
    """Dovecot cannot run here; the message says why."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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
    _users: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def new_user(self) -> tuple[str, str]:
        """A fresh, empty mailbox (the users exist from the start: Dovecot may not notice a passwd file
        that changed twice within one second)."""
        number = next(self._users)
        if number > USERS:
            raise RuntimeError(f"more than {USERS} mailboxes in one run: raise USERS")
        return f"me{number}@mail.example", PASSWORD

    def client(self, user: str, password: str = PASSWORD) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=60)
        client.login(user, password)
        return client

    def maildir(self, user: str, folder: str = "INBOX") -> Path:
        """Where a folder's messages live, for writing many at once without an APPEND each."""
        base = self.root / "mail" / user
        return base if folder == "INBOX" else base / f".{folder}"

    def bytes_sent_to(self, user: str) -> list[int]:
        """What Dovecot says it sent in each finished session of this user ("out=N" in its log)."""
        found = []
        for line in (self.root / "dovecot.log").read_text(errors="replace").splitlines():
            if f"imap({user})" in line and " out=" in line:
                found.append(int(line.split(" out=", 1)[1].split()[0]))
        return found


@contextmanager
def running() -> Iterator[Dovecot]:
    if not os.path.exists(DOVECOT):
        raise Unavailable("Dovecot is not installed (apt-get install dovecot-imapd; .ci/run does)")
    if os.geteuid() != 0:
        raise Unavailable("this Dovecot configuration runs as root (mailboxes belong to nobody)")
    # Not under pytest's tmp_path: its parents are 0700 root, and Dovecot's login and mail processes
    # (dovenull, nobody) must reach their sockets and mailboxes.
    root = Path(tempfile.mkdtemp(prefix="outreach-dovecot-"))
    try:
        for name in ("run", "state", "mail", "home"):
            (root / name).mkdir()
        shutil.chown(root / "mail", "nobody", "nogroup")
        shutil.chown(root / "home", "nobody", "nogroup")
        root.chmod(0o755)
        (root / "passwd").write_text("".join(f"me{n}@mail.example:{{PLAIN}}{PASSWORD}\n" for n in range(1, USERS + 1)))
        port = free_port()
        conf = root / "dovecot.conf"
        conf.write_text(CONFIG.format(root=root, port=port))
        # Output to a file, not a pipe: the daemon keeps a pipe open and run() would wait for it forever.
        with (root / "start.log").open("w") as output:
            started = subprocess.run([DOVECOT, "-c", str(conf)], stdout=output, stderr=subprocess.STDOUT, check=False)
        if started.returncode != 0 or not wait_for_port(port):
            logs = [(root / name).read_text()[-500:] for name in ("start.log", "dovecot.log") if (root / name).exists()]
            raise Unavailable(f"Dovecot did not start: {' '.join(logs).strip()}")
        try:
            yield Dovecot(root, port)
        finally:
            subprocess.run([DOVEADM, "-c", str(conf), "stop"], capture_output=True, check=False)
    finally:
        shutil.rmtree(root, ignore_errors=True)
