"""Figure 6: pages under 8 concurrent clients on gunicorn, p95 against a trivial route (a static file) on the same server.

`python -m bench` measures it at the end of its run. On its own, on data a `--keep` run left:

    python -m bench.web_load --database-url sqlite:////tmp/outreach-bench-…/bench.sqlite3
    python -m bench.web_load --database-url postgresql://…/test --schema outreach_bench_…
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from bench.database import is_postgres, postgres_url, schema_url
from bench.report import Figure, print_table

CLIENTS = 8
WORKERS = 4
CONFIG = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"
PAGES = {"/": "Today", "/contacts/": "contacts list", "/contacts/?sort=last_touch&page=20": "list by last touch, p. 20"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _prepare(url: str, owner_id: int | None) -> int:
    """A login for the measured user (the first one unless told); returns its contact count."""
    from outreach import create_app
    from outreach.accounts.models import User
    from outreach.accounts.service import set_password
    from outreach.contacts.models import Contact
    from outreach.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        user = db.session.get_one(User, owner_id) if owner_id else db.session.scalars(db.select(User).order_by(User.id)).first()
        if user is None:
            raise SystemExit("The database has no user to measure: use the data a `python -m bench --keep` run left.")
        user.email = "load@example.com"
        set_password(user, "load password")
        db.session.commit()
        contacts = db.session.scalar(db.select(db.func.count(Contact.id)).where(Contact.owner_id == user.id)) or 0
        db.session.remove()
        db.engine.dispose()
    return contacts


def _login(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/login")
        response = conn.getresponse()
        cookie = response.getheader("Set-Cookie", "").split(";")[0]
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.read().decode()).group(1)  # type: ignore[union-attr]
        body = urllib.parse.urlencode({"csrf_token": token, "email": "load@example.com", "password": "load password"})
        conn.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        response = conn.getresponse()
        response.read()
        assert response.status == 302, f"login failed: {response.status}"
        return response.getheader("Set-Cookie", "").split(";")[0]
    finally:
        conn.close()


def _hammer(port: int, cookie: str, path: str, per_client: int) -> list[float]:
    times: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            for _ in range(per_client):
                start = time.perf_counter()
                conn.request("GET", path, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                elapsed = time.perf_counter() - start
                with lock:
                    times.append(elapsed)
                    if response.status != 200:
                        failures.append(f"{path} answered {response.status}")
        finally:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures[:3]
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[-1]


def _wait_for(port: int, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start listening in 30 s")


def measure(url: str, owner_id: int | None = None, requests: int = 10) -> list[Figure]:
    """p95 of each page under CLIENTS concurrent clients on gunicorn (the repo's config, WORKERS workers)."""
    contacts = _prepare(url, owner_id)
    port = _free_port()
    # gunicorn ≥ 25 opens a control socket in XDG_RUNTIME_DIR (else ~/.gunicorn): a folder of our
    # own, so the benchmark never takes over the socket of a server already running as this user.
    runtime = tempfile.mkdtemp(prefix="outreach-bench-gunicorn-")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(CONFIG),
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            "outreach:create_app()",
        ],
        env={**os.environ, "DATABASE_URL": url, "XDG_RUNTIME_DIR": runtime},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, server)
        cookie = _login(port)
        for path in ("/static/app.css", *PAGES):  # every worker compiles its templates and warms its pool first
            _hammer(port, cookie, path, 1)
        baseline = p95(_hammer(port, cookie, "/static/app.css", requests * 3))
        figures = []
        for path, page in PAGES.items():
            value = p95(_hammer(port, cookie, path, requests))
            name = f"6. {page} ({contacts:,} contacts), p95 of {CLIENTS} clients vs static"
            figures.append(Figure(name, value, baseline, "≤ 3", value <= 3 * baseline))
        return figures
    finally:
        server.send_signal(signal.SIGINT)  # quick shutdown: every request has been answered
        server.wait()
        shutil.rmtree(runtime, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.web_load", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--schema", default=None, help="PostgreSQL: the schema a `python -m bench --keep` run left")
    parser.add_argument("--requests", type=int, default=10, help="per client and page")
    args = parser.parse_args()
    url = args.database_url
    if is_postgres(url):
        url = schema_url(url, args.schema) if args.schema else postgres_url(url)
    print_table(measure(url, None, args.requests))


if __name__ == "__main__":
    main()
