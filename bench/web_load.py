"""Figure 6: pages under 8 concurrent clients on gunicorn, p95 against a trivial route (a static file) on the same server.

    python -m bench.web_load --database-url sqlite:////tmp/outreach-bench-…/bench.sqlite3

Run it on a database that `python -m bench` generated (it adds a login for the benchmark user).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

CLIENTS = 8


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare(url: str) -> None:
    from outreach import create_app
    from outreach.extensions import db
    from outreach.models import User
    from outreach.services.users import set_password

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        user = db.session.scalars(db.select(User).order_by(User.id)).first()
        user.email = "load@example.com"
        set_password(user, "load password")
        db.session.commit()


def _login(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    response = conn.getresponse()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.read().decode()).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": "load@example.com", "password": "load password"})
    conn.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = conn.getresponse()
    response.read()
    return response.getheader("Set-Cookie", "").split(";")[0]


def _hammer(port: int, cookie: str, path: str, per_client: int) -> list[float]:
    times: list[float] = []
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for _ in range(per_client):
            start = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - start
            assert response.status == 200, (path, response.status)
            with lock:
                times.append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.web_load", description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=10, help="per client and page")
    args = parser.parse_args()
    _prepare(args.database_url)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": args.database_url}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "4", "-b", f"127.0.0.1:{port}", "outreach:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        cookie = _login(port)
        baseline = p95(_hammer(port, cookie, "/static/app.css", args.requests * 3))
        print(f"{'page':28} {'p95 ms':>9} {'trivial ms':>11} {'ratio':>8}  target ≤ 3")
        for path in ("/", "/contacts/", "/contacts/?sort=last_touch&page=20"):
            value = p95(_hammer(port, cookie, path, args.requests))
            print(f"{path:28} {value * 1000:9.1f} {baseline * 1000:11.1f} {value / baseline:8.1f}  {'yes' if value <= 3 * baseline else 'NO'}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
