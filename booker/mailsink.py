"""`booker mail-sink`: a development SMTP server (aiosmtpd) on loopback that accepts
every message and saves it as an .eml file under settings.mail_dir (./var/mail by
default), so a newcomer sees the emails a booking produces. It delivers nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import signal
import sys
import uuid
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger("booker.mailsink")


class SaveToDirectory:
    """aiosmtpd handler: each accepted message becomes <time>-<random>.eml in directory,
    with the envelope recorded in X-Sink-* headers on top."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.count = 0

    def _write(self, envelope: Envelope) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%f")
        path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        head = f"X-Sink-Mail-From: {envelope.mail_from}\r\n" + "".join(
            f"X-Sink-Rcpt-To: {rcpt}\r\n" for rcpt in envelope.rcpt_tos
        )
        content = envelope.original_content or b""
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(head.encode() + content)
        tmp.rename(path)  # readers never see half a message
        return path

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        path = await asyncio.to_thread(self._write, envelope)
        self.count += 1
        log.info("saved %s for %s", path.name, ", ".join(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


async def start(handler: Any, host: str = "127.0.0.1", port: int = 8025) -> asyncio.Server:
    """An SMTP server for handler on host:port, running on the current event loop."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: SMTP(handler, hostname="booker-mail-sink"), host=host, port=port)


async def serve(directory: Path, host: str, port: int) -> int:
    server = await start(SaveToDirectory(directory), host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"mail sink on smtp://{host}:{port}, saving messages to {directory}", flush=True)
    await stop.wait()
    server.close()
    await server.wait_closed()
    return 0


def cmd_mail_sink(args: argparse.Namespace) -> int:
    from booker import settings as settings_module
    from booker.logging import configure_logging

    settings = settings_module.load_or_exit()
    configure_logging(settings, "mail-sink")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO
    directory = Path(args.dir or settings.mail_dir)
    port = args.port or settings.smtp_port
    try:
        return asyncio.run(serve(directory, args.host, port))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(f"booker: the mail sink cannot listen on {args.host}:{port}: {reason}", file=sys.stderr)
        return 2


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("mail-sink", help="development SMTP server saving every message under var/mail")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default SMTP_PORT, 8025)")
    p.add_argument("--dir", help="where to save .eml files (default BOOKER_MAIL_DIR, ./var/mail)")
    p.set_defaults(func=cmd_mail_sink)
