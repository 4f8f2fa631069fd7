"""The `booker` command: up, serve, worker, migrate, demo-data, create-admin, psql."""

from __future__ import annotations

import argparse
import os
import sys


def _database_url() -> str:
    from booker.settings import database_url_or_exit, load_or_exit

    return database_url_or_exit(load_or_exit())


def cmd_migrate(args: argparse.Namespace) -> int:
    from booker import migrate

    url = _database_url()
    if args.status:
        applied = migrate.applied_migrations(url)
        pending = migrate.pending_migrations(url)
        for m in applied:
            print(f"applied  {m}")
        for m in pending:
            print(f"pending  {m}")
        return 1 if pending else 0
    done = migrate.migrate(url)
    print(f"applied {len(done)} migration(s); functions, views and grants re-loaded")
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from booker import demo
    from booker.settings import load_or_exit

    if not load_or_exit().development:
        sys.exit("booker: demo data (with its published passwords) loads only with BOOKER_ENV=development")
    if demo.load(_database_url()):
        print("demo data loaded")
    else:
        print("database not empty: demo data not loaded")
    return 0


def cmd_psql(args: argparse.Namespace) -> int:
    return psql(list(args.rest))


def psql(rest: list[str]) -> int:
    """psql on the database with every argument passed on as given (`booker psql -c "…"`):
    argparse's REMAINDER does not take a first argument that looks like an option."""
    os.execvp("psql", ["psql", "--dbname", _database_url(), *rest])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="booker", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("migrate", help="apply migrations, then re-load functions, views and grants")
    p.add_argument("--status", action="store_true", help="list applied and pending migrations")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("demo-data", help="load the demo data into an empty database")
    p.set_defaults(func=cmd_demo_data)

    p = sub.add_parser("psql", help="open psql on the database")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_psql)

    from booker import runner

    runner.add_commands(sub)

    from booker import accounts, health

    accounts.add_commands(sub)
    health.add_commands(sub)

    from edge import serve

    serve.add_commands(sub)

    from booker import mailsink
    from worker import main as worker_main

    worker_main.add_commands(sub)
    mailsink.add_commands(sub)

    raw = sys.argv[1:] if argv is None else argv
    if raw[:1] == ["psql"] and not {"-h", "--help"} & set(raw[1:2]):
        return psql(raw[1:])
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
