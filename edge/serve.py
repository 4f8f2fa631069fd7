"""`booker serve`: run the edge on BOOKER_HOST:BOOKER_PORT."""

from __future__ import annotations

import argparse

from aiohttp import web

from booker import settings as settings_mod
from booker.logging import AccessLogger, configure_logging


def cmd_serve(args: argparse.Namespace) -> int:
    settings = settings_mod.load_or_exit()
    url = settings_mod.database_url_or_exit(settings)
    host = args.host or settings.host
    port = args.port or settings.port
    configure_logging(settings, "edge")
    from edge.app import create_app

    app = create_app(settings, database_url=url)
    print(f"booker edge listening on http://{host}:{port}", flush=True)
    web.run_app(app, host=host, port=port, print=None, access_log_class=AccessLogger)
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("serve", help="run the HTTP edge (BOOKER_HOST:BOOKER_PORT)")
    p.add_argument("--host", help="override BOOKER_HOST")
    p.add_argument("--port", type=int, help="override BOOKER_PORT")
    p.set_defaults(func=cmd_serve)
