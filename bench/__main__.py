"""python -m bench [--size smoke|tiny|small|team] [--database-url URL]: figures and ratios, same run."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from bench.database import Place, bench_database
from bench.report import Figure, machine, print_table

# (contacts, touches) of the measured user; four colleagues get 1/50 of that each.
SIZES = {"smoke": (300, 5_000), "tiny": (2_000, 100_000), "small": (10_000, 1_000_000), "team": (100_000, 10_000_000)}


def run(place: Place, contacts: int, touches: int, web_requests: int = 10) -> list[Figure]:
    """Migrate, generate, measure every figure; ``web_requests=0`` skips the gunicorn load (figure 6)."""
    from flask_migrate import upgrade

    from bench import feeds, figures, web_load
    from bench.data import generate
    from outreach import create_app
    from outreach.extensions import db

    with _instance(place.workdir):
        app = create_app({"SQLALCHEMY_DATABASE_URI": place.url})
        with app.app_context():
            upgrade()
            where = f"{db.engine.dialect.name}" + (f", schema {place.schema}" if place.schema else "")
            print(f"Outreach benchmarks: {contacts:,} contacts, {touches:,} touches on {where}", flush=True)
            owner_id = generate(db.session, contacts, touches)
            rows = figures.run_all(app, owner_id, contacts)
            rows += feeds.run_feeds(owner_id, contacts)
            db.session.remove()
            db.engine.dispose()
        rows.append(peak_rss_of_rescore(place, owner_id, touches))
        if web_requests:
            rows += web_load.measure(place.url, owner_id, web_requests)
    return rows


@contextmanager
def _instance(workdir: str) -> Iterator[None]:
    """The app's instance folder (secret key) in the bench's own directory, for this run only."""
    before = os.environ.get("OUTREACH_INSTANCE")
    os.environ["OUTREACH_INSTANCE"] = workdir
    try:
        yield
    finally:
        if before is None:
            del os.environ["OUTREACH_INSTANCE"]
        else:
            os.environ["OUTREACH_INSTANCE"] = before


def peak_rss_of_rescore(place: Place, owner_id: int, touches: int) -> Figure:
    """Run a rescore in a fresh process and read its peak resident memory."""
    code = (
        "from outreach import create_app; from outreach.extensions import db;"
        "from outreach.accounts.models import User; from outreach.contacts.rescore import rescore_owner;"
        "from outreach.accounts.service import user_settings;"
        f"app = create_app({{'SQLALCHEMY_DATABASE_URI': {place.url!r}}});"
        f"ctx = app.app_context(); ctx.push(); user = db.session.get_one(User, {owner_id});"
        "rescore_owner(db.session, user.id, user_settings(user).warmth_params()); db.session.commit();"
        # VmHWM, not ru_maxrss: the latter inherits the parent's peak across fork and exec.
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "OUTREACH_INSTANCE": place.workdir},
    )
    mb = int(out.stdout.strip().splitlines()[-1]) / 1024
    return Figure(f"7. peak RSS of a full rescore of {touches:,} touches", mb, None, "≤ 150 MB", mb <= 150, "MB")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", choices=SIZES, default="small")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file in a temp dir")
    parser.add_argument("--schema", default=None, help="PostgreSQL: the schema to create (default outreach_bench_<random>)")
    parser.add_argument("--keep", action="store_true", help="keep the database (schema) for bench.web_load and bench.explain")
    parser.add_argument("--web-requests", type=int, default=10, help="per client and page for figure 6; 0 skips it")
    args = parser.parse_args()
    contacts, touches = SIZES[args.size]
    print(f"size {args.size}")
    with bench_database(args.database_url, args.schema, args.keep) as place:
        rows = run(place, contacts, touches, args.web_requests)
        print_table(rows, machine(args.database_url))


if __name__ == "__main__":
    main()
