"""python -m bench [--size tiny|small|team] [--database-url URL]: figures and ratios, same run."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

SIZES = {"tiny": (2_000, 100_000), "small": (10_000, 1_000_000), "team": (100_000, 10_000_000)}


def best_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", choices=SIZES, default="small")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file in a temp dir")
    args = parser.parse_args()
    contacts, touches = SIZES[args.size]
    workdir = tempfile.mkdtemp(prefix="outreach-bench-")
    url = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["OUTREACH_INSTANCE"] = workdir

    from flask_migrate import upgrade

    from bench import figures
    from outreach import create_app
    from outreach.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        print(f"Outreach benchmarks — size {args.size}: {contacts:,} contacts, {touches:,} touches on {db.engine.dialect.name}")
        from bench.data import generate

        owner_id = generate(db.session, contacts, touches)
        rows = figures.run_all(app, owner_id)
    rss = peak_rss_of_rescore(url, workdir)
    rows.append(("7. peak RSS of a full rescore (MB)", rss, None, "≤ 150 MB", rss <= 150))
    print()
    print(f"{'figure':58} {'product':>10} {'baseline':>10} {'ratio':>9}  target      ok")
    for name, product, baseline, target, ok in rows:
        ratio = f"{product / baseline:.4f}" if baseline else "—"
        base = f"{baseline:.4f}" if baseline is not None else "—"
        print(f"{name:58} {product:10.4f} {base:>10} {ratio:>9}  {target:10}  {'yes' if ok else 'NO'}")


def peak_rss_of_rescore(url: str, workdir: str) -> float:
    """Run a rescore in a fresh process and read its peak resident memory."""
    code = (
        "from outreach import create_app; from outreach.extensions import db;"
        "from outreach.models import User; from outreach.services.rescore import rescore_owner;"
        "from outreach.services.users import user_settings;"
        f"app = create_app({{'SQLALCHEMY_DATABASE_URI': {url!r}}});"
        "ctx = app.app_context(); ctx.push(); user = db.session.scalars(db.select(User)).first();"
        "rescore_owner(db.session, user.id, user_settings(user).warmth_params()); db.session.commit();"
        # VmHWM, not ru_maxrss: the latter inherits the parent's peak across fork and exec.
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "OUTREACH_INSTANCE": workdir})
    return int(out.stdout.strip().splitlines()[-1]) / 1024


if __name__ == "__main__":
    main()
