"""The development SMTP sink (`booker mail-sink`): every message the worker sends ends up
as an .eml file that a mail client or the admin pages can open."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path
from typing import Any

import psycopg

from booker import mailsink
from tests.worker.conftest import GUEST, book, free_port, make_worker, outbox, slots


async def test_the_sink_saves_each_message_as_an_eml_file(
    owner: psycopg.Connection[Any], app_db_url: str, tmp_path: Path
) -> None:
    port = free_port()
    handler = mailsink.SaveToDirectory(tmp_path / "mail")
    server = await mailsink.start(handler, "127.0.0.1", port)
    try:
        booking = book(owner, "consultation", slots(owner, "consultation")[0]["starts_at"])
        await make_worker(app_db_url, port).run(until_idle=True)
    finally:
        server.close()
        await server.wait_closed()

    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2 and handler.count == 2
    assert not list((tmp_path / "mail").glob("*.tmp"))
    saved = [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]
    assert {m["Message-ID"] for m in saved} == {r["message_id"] for r in outbox(owner)}
    to_guest = next(m for m in saved if m["X-Sink-Rcpt-To"] == GUEST["email"])
    assert to_guest["X-Sink-Mail-From"] == "bookings@booker.test"
    assert booking["reference"] in to_guest["Subject"]
    assert booking["reference"] in to_guest.get_body(("plain",)).get_content()
