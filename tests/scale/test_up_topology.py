"""`booker up --replica --pooler`: the embedded primary, a synchronous streaming standby and
PgBouncer, with the edge and worker on them; a guest books over HTTP, slots are read on the
standby, the edge's pool goes through PgBouncer, the email arrives, SIGTERM stops it all."""

from __future__ import annotations

import random
from pathlib import Path

import psycopg
import pytest

from tests.ops.conftest import clean_env, free_port, port_free
from tests.ops.test_up import Up, assert_all_stopped, find_email, first_available_slot, http

pytestmark = pytest.mark.slow


def three_free_ports() -> int:
    while True:
        port = random.randint(20000, 60000)
        if all(port_free(port + i) for i in range(3)):
            return port


def test_up_with_a_replica_and_a_pooler(tmp_path: Path) -> None:
    var = tmp_path / "var"
    pg = three_free_ports()
    ports = {"BOOKER_PORT": free_port(), "BOOKER_PG_PORT": pg, "SMTP_PORT": free_port()}
    env = clean_env(BOOKER_VAR=str(var), **{k: str(v) for k, v in ports.items()})
    up = Up(tmp_path, env, "topology", ["--replica", "--pooler"])
    try:
        up.wait_running()
        out = up.output()
        assert f"BOOKER_READ_DATABASE_URL=postgresql://booker_app@127.0.0.1:{pg + 1}/booker" in out
        assert f"DATABASE_URL=postgresql://booker_app@127.0.0.1:{pg + 2}/booker" in out
        starts_at = first_available_slot(up.base, "meeting-room")
        status, booking, _ = http("POST", f"{up.base}/api/v1/bookings", {
            "service": "meeting-room", "starts_at": starts_at,
            "attendee": {"name": "Grace Guest", "email": "grace@example.com"}})
        assert status == 201, booking
        find_email(var / "mail", booking["reference"])
        with psycopg.connect(f"postgresql://booker@127.0.0.1:{pg + 1}/booker", autocommit=True) as standby:
            readers = standby.execute("SELECT count(*) FROM pg_stat_activity "
                                      "WHERE application_name = 'booker-edge-read'").fetchone()
            assert readers and readers[0] >= 1  # the slots above were read here
            assert standby.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
        with psycopg.connect(f"postgresql://booker@127.0.0.1:{pg + 2}/pgbouncer", autocommit=True) as bouncer:
            users = {r[1] for r in bouncer.execute("SHOW CLIENTS").fetchall()}  # (type, user, ...)
        assert "booker_app" in users
        with psycopg.connect(f"postgresql://booker@127.0.0.1:{pg}/booker", autocommit=True) as primary:
            assert primary.execute("SELECT sync_state FROM pg_stat_replication").fetchone() == ("sync",)
        assert up.terminate() == 0, up.output()
    finally:
        up.kill()
    assert_all_stopped(f"BOOKER_VAR={var}", {**ports, "standby": pg + 1, "pgbouncer": pg + 2})
