"""`booker serve`: run the edge on BOOKER_HOST:BOOKER_PORT."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from aiohttp import web

from booker import settings as settings_mod
from booker.limits import raise_nofile_limit
from booker.logging import AccessLogger, configure_logging
from booker.settings import Settings

BACKLOG = 1024


async def _serve(app: web.Application, settings: Settings, host: str, port: int,
                 runner: web.AppRunner) -> None:
    from edge.guard import ConnectionGuard

    await runner.setup()
    loop = asyncio.get_running_loop()
    # aiohttp's protocol factory behind the guard: per-address connection cap, header deadline.
    server = await loop.create_server(ConnectionGuard(runner.server, settings), host, port,
                                      reuse_address=True, backlog=BACKLOG)
    print(f"booker edge listening on http://{host}:{port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        server.close()


def cmd_serve(args: argparse.Namespace) -> int:
    settings = settings_mod.load_or_exit()
    url = settings_mod.database_url_or_exit(settings)
    settings_mod.check_listen_or_exit(settings, url)
    host = args.host or settings.host
    port = args.port or settings.port
    configure_logging(settings, "edge")
    raise_nofile_limit()
    from edge.app import create_app

    app = create_app(settings, database_url=url)
    runner = web.AppRunner(app, handle_signals=True, access_log_class=AccessLogger,
                           keepalive_timeout=settings.keepalive_timeout)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    main = loop.create_task(_serve(app, settings, host, port, runner))
    try:
        loop.run_until_complete(main)
    except (web.GracefulExit, KeyboardInterrupt):
        pass
    finally:
        main.cancel()
        with contextlib.suppress(asyncio.CancelledError, web.GracefulExit, KeyboardInterrupt):
            loop.run_until_complete(main)
        loop.run_until_complete(runner.cleanup())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("serve", help="run the HTTP edge (BOOKER_HOST:BOOKER_PORT)")
    p.add_argument("--host", help="override BOOKER_HOST")
    p.add_argument("--port", type=int, help="override BOOKER_PORT")
    p.set_defaults(func=cmd_serve)
