"""`booker healthcheck edge|worker`: the container health checks of docker-compose.yml.

edge    GET /ready on BOOKER_PORT (200 when the database answers and migrations are current)
worker  the database answers and a worker holds its LISTEN connection (application_name
        booker-worker-listen; visible to the worker's own role in pg_stat_activity)

Exit 0 when healthy, 1 with one line on stderr otherwise.
"""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request

import psycopg

from booker.settings import load_or_exit
from worker import queries


def check_edge(port: int) -> str | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=3) as response:
            return None if response.status == 200 else f"/ready answered {response.status}"
    except urllib.error.HTTPError as exc:
        return f"/ready answered {exc.code}"
    except OSError as exc:
        return f"/ready: {getattr(exc, 'reason', exc)}"


def check_worker(database_url: str) -> str | None:
    try:
        with psycopg.connect(database_url, connect_timeout=3) as conn:
            row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                               (queries.LISTENER_NAME,)).fetchone()
    except psycopg.Error as exc:
        return f"database: {str(exc).strip().splitlines()[0]}"
    return None if row and row[0] > 0 else "no worker is listening for notification_ready"


def cmd_healthcheck(args: argparse.Namespace) -> int:
    settings = load_or_exit()
    if args.what == "edge":
        problem = check_edge(settings.port)
    elif settings.database_url:
        problem = check_worker(settings.database_url)
    else:
        problem = "DATABASE_URL is not set"
    if problem:
        print(f"booker: unhealthy {args.what}: {problem}", file=sys.stderr)
        return 1
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("healthcheck", help="exit 0 if the edge or worker is healthy (container checks)")
    p.add_argument("what", choices=("edge", "worker"))
    p.set_defaults(func=cmd_healthcheck)
