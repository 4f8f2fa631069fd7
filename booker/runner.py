"""`booker up`: the embedded cluster (when DATABASE_URL is unset), migrations, demo data,
and the processes of the system, stopped together on Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from booker import ROOT


def cmd_up(args: argparse.Namespace) -> int:
    from booker import demo, migrate
    from booker.cluster import Cluster

    var = Path(os.environ.get("BOOKER_VAR", ROOT / "var"))
    cluster = None
    url = os.environ.get("DATABASE_URL")
    if not url:
        cluster = Cluster(var, int(os.environ.get("BOOKER_PG_PORT", "54329")))
        cluster.start()
        url = cluster.url
    try:
        migrate.migrate(url)
        if demo.load(url):
            print("demo data loaded")
        print(f"database ready: {url}")
        print("  connect with: booker psql   (or: psql " + url + ")")
        print(f"  demo admin:  {demo.ADMIN_EMAIL} / {demo.ADMIN_PASSWORD}")
        print(f"  demo member: {demo.MEMBER_EMAIL} / {demo.MEMBER_PASSWORD}")
        sys.stdout.flush()
        if args.once:
            return 0
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        print("press Ctrl-C to stop")
        stop.wait()
        return 0
    finally:
        if cluster is not None and not args.keep_db:
            cluster.stop()


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("up", help="start everything (embedded database unless DATABASE_URL is set)")
    p.add_argument("--once", action="store_true", help="prepare the database, then exit")
    p.add_argument("--keep-db", action="store_true", help="leave the embedded database running on exit")
    p.set_defaults(func=cmd_up)
