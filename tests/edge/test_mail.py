"""GET /admin/mail and /admin/mail/{id}: the development mail sink's messages, for admins only.
Messages go through the real sink (aiosmtpd on loopback, booker/mailsink.py) into a directory."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Awaitable, Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import aiosmtplib
from aiohttp.test_utils import TestClient

from booker import mailsink
from booker.settings import Settings
from edge.app import create_app
from tests.edge.conftest import Users

API = "/api/v1"
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def message(subject: str, to: str, html: str | None = None) -> EmailMessage:
    m = EmailMessage()
    m["From"] = "Booker <bookings@booker.test>"
    m["To"] = to
    m["Subject"] = subject
    m["Date"] = "Sun, 22 Nov 2026 10:00:00 +0100"
    m.set_content(f"Hello,\n{subject}\n")
    if html is not None:
        m.add_alternative(html, subtype="html")
        m.add_attachment(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", maintype="text", subtype="calendar",
                         filename="invite.ics")
    return m


async def sink_into(directory: Path, *messages: EmailMessage) -> None:
    port = free_port()
    server = await mailsink.start(mailsink.SaveToDirectory(directory), "127.0.0.1", port)
    try:
        for m in messages:
            await aiosmtplib.send(m, hostname="127.0.0.1", port=port)
    finally:
        server.close()
        await server.wait_closed()


async def mail_client(aiohttp_client: ClientFactory, settings: Settings, app_db_url: str,
                      directory: Path) -> TestClient[Any, Any]:
    app = create_app(dataclasses.replace(settings, mail_dir=str(directory)), database_url=app_db_url)
    return await aiohttp_client(app)


async def test_admins_read_the_sinks_messages_newest_first(app_db_url: str, aiohttp_client: ClientFactory,
                                                           settings: Settings, users: Users,
                                                           tmp_path: Path) -> None:
    mail_dir = tmp_path / "mail"
    client = await mail_client(aiohttp_client, settings, app_db_url, mail_dir)
    h = users.headers("admin")
    empty = await client.get(f"{API}/admin/mail", headers=h)  # no sink has run: no directory
    assert empty.status == 200
    assert await empty.json() == {"data": [], "meta": {"total": 0, "page": 1, "limit": 50, "total_pages": 0}}
    assert (await client.get(f"{API}/admin/mail/anything", headers=h)).status == 404

    await sink_into(mail_dir, message("Confirmed: Consultation", "Gina Guest <gina@example.net>"))
    await sink_into(mail_dir, message("Abgesagt: Beratung für Jürgen", "jurgen@example.net",
                                      html='<p onclick="x()">Hi</p><script>alert(1)</script>'))
    files = sorted(mail_dir.glob("*.eml"))
    assert len(files) == 2
    sizes = {f.stem: len(f.read_bytes()) for f in files}
    (mail_dir / "notes.txt").write_text("not a message")
    outside = tmp_path / "secret.eml"
    outside.write_text("Subject: secret\n\nsecret\n")
    (mail_dir / "link.eml").symlink_to(outside)

    listed = await (await client.get(f"{API}/admin/mail", headers=h)).json()
    assert listed["meta"]["total"] == 2
    newest, oldest = listed["data"]
    assert newest["subject"] == "Abgesagt: Beratung für Jürgen"  # encoded words decoded
    assert newest["to"] == "jurgen@example.net" and newest["from"] == "Booker <bookings@booker.test>"
    assert oldest["subject"] == "Confirmed: Consultation" and oldest["to"] == "Gina Guest <gina@example.net>"
    assert oldest["date"] == "2026-11-22T10:00:00+01:00"
    assert {newest["id"], oldest["id"]} == {f.stem for f in files}
    assert oldest["size"] == sizes[oldest["id"]]
    page2 = await (await client.get(f"{API}/admin/mail", params={"limit": 1, "page": 2}, headers=h)).json()
    assert [m["id"] for m in page2["data"]] == [oldest["id"]] and page2["meta"]["total_pages"] == 2

    got = await client.get(f"{API}/admin/mail/{newest['id']}", headers=h)
    assert got.status == 200 and got.content_type == "application/json"
    full = await got.json()
    assert full["subject"] == newest["subject"] and full["size"] == newest["size"]
    assert "Abgesagt: Beratung für Jürgen" in full["text"]
    assert full["html"].startswith('<p onclick="x()">Hi</p><script>')  # data for a sandbox, never run here
    assert full["attachments"] == [{"filename": "invite.ics", "content_type": "text/calendar", "size": 32}]
    headers = dict(full["headers"])
    assert headers["X-Sink-Rcpt-To"] == "jurgen@example.net" and headers["Subject"] == newest["subject"]
    plain = await (await client.get(f"{API}/admin/mail/{oldest['id']}", headers=h)).json()
    assert plain["html"] is None and plain["attachments"] == [] and "Confirmed" in plain["text"]

    for name in ("link", "notes", "..%2Fsecret", "%2E%2E", ".hidden", "x" * 201):
        assert (await client.get(f"{API}/admin/mail/{name}", headers=h)).status == 404, name


async def test_only_admins_see_the_mail(app_db_url: str, aiohttp_client: ClientFactory, settings: Settings,
                                        users: Users, tmp_path: Path) -> None:
    await sink_into(tmp_path, message("Confirmed: Consultation", "gina@example.net"))
    client = await mail_client(aiohttp_client, settings, app_db_url, tmp_path)
    [saved] = tmp_path.glob("*.eml")  # noqa: ASYNC240 -- a test's tmp dir
    for path in ("/admin/mail", f"/admin/mail/{saved.stem}"):
        assert (await client.get(API + path)).status == 401
        for who in ("member", "ana"):
            assert (await client.get(API + path, headers=users.headers(who))).status == 403, who
        assert (await client.get(API + path, headers=users.headers("admin"))).status == 200
