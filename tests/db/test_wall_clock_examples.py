"""The examples of issue 11, each a named test: opening hours on transition days, zone
names PostgreSQL reads as abbreviations, and results independent of the session TimeZone.
tests/db/test_dst_properties.py sweeps every zone; these pin the cases the issue names."""

from __future__ import annotations

import datetime as dt
import json
import re

import psycopg
import pytest

from tests.db import tz_oracle as tz

ATTENDEE = '{"name": "Ex", "email": "ex@example.com"}'
OUTSIDE = "starts_at: is outside the opening hours"


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def open_on(
    conn: psycopg.Connection, zone: str, day: str, start: str, end: str, duration: int, step: int
) -> str:
    """A resource in zone open [start, end) on day only, and a service on it; its slug."""
    slug = f"ex-{abs(hash((zone, day, start, end, duration, step))) % 10**9}"
    rid = conn.execute(
        "INSERT INTO booking.resources (slug, name, timezone) VALUES (%s, %s, %s) RETURNING id",
        (slug, slug, zone),
    ).fetchone()[0]
    conn.execute(
        "INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time, valid_from,"
        " valid_until) VALUES (%s, extract(isodow FROM %s::date), %s, %s, %s, %s)",
        (rid, day, start, end, day, day),
    )
    conn.execute(
        "INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes, max_advance_days)"
        " VALUES (%s, %s, %s, %s, 3000)",
        (slug, slug, duration, step),
    )
    conn.execute(
        "INSERT INTO booking.service_resources SELECT s.id, %s FROM booking.services s WHERE s.slug = %s",
        (rid, slug),
    )
    return slug


def grid(conn: psycopg.Connection, service: str, day: str) -> list[str]:
    """slot_grid over the local day (and a margin) as UTC times; available_slots agrees."""
    lo = dt.datetime.fromisoformat(day).replace(tzinfo=tz.UTC) - dt.timedelta(days=1)
    hi = lo + dt.timedelta(days=3)
    rows = [r[0] for r in conn.execute("SELECT starts_at FROM api.slot_grid(%s, %s, %s)", (service, lo, hi))]
    avail = [
        r[0] for r in conn.execute("SELECT starts_at FROM api.available_slots(%s, %s, %s)", (service, lo, hi))
    ]
    assert avail == rows
    return [r.astimezone(tz.UTC).strftime("%H:%MZ") for r in rows]


def book(conn: psycopg.Connection, service: str, at: str) -> str:
    """'booked', or the RB message of the refusal."""
    conn.execute("SAVEPOINT b")
    try:
        conn.execute("SELECT api.book_slot(%s, %s, %s::jsonb)", (service, utc(at), ATTENDEE))
    except psycopg.Error as exc:
        conn.execute("ROLLBACK TO SAVEPOINT b")
        assert exc.sqlstate and exc.sqlstate.startswith("RB"), exc
        return exc.diag.message_primary or ""
    conn.execute("RELEASE SAVEPOINT b")
    return "booked"


@pytest.fixture
def tx(conn: psycopg.Connection) -> psycopg.Connection:
    conn.autocommit = False
    yield conn
    conn.rollback()


# 1. A window that closes inside a spring-forward gap closes at the jump ---------------------


def test_new_york_rule_closing_in_the_gap_ends_at_the_jump(tx: psycopg.Connection) -> None:
    # 2027-03-14: 02:00 EST -> 03:00 EDT. Rule 01:00-02:30, 30-minute slots.
    svc = open_on(tx, "America/New_York", "2027-03-14", "01:00", "02:30", 30, 30)
    assert grid(tx, svc, "2027-03-14") == ["06:00Z", "06:30Z"]  # 01:00 and 01:30 EST
    assert book(tx, svc, "2027-03-14 07:00Z") == OUTSIDE  # 03:00 EDT, after closing time
    assert book(tx, svc, "2027-03-14 06:30Z") == "booked"


def test_hold_and_reschedule_share_the_reading(tx: psycopg.Connection) -> None:
    # The same New York rule: holding or moving a booking to 03:00 EDT is refused too.
    svc = open_on(tx, "America/New_York", "2027-03-14", "01:00", "02:30", 30, 30)

    def refused(sql: str, *args: object) -> str:
        tx.execute("SAVEPOINT x")
        with pytest.raises(psycopg.Error) as exc:
            tx.execute(sql, args)
        tx.execute("ROLLBACK TO SAVEPOINT x")
        return exc.value.diag.message_primary or ""

    after = utc("2027-03-14 07:00Z")
    assert refused("SELECT api.hold_slot(%s, %s)", svc, after) == OUTSIDE
    held = tx.execute("SELECT id FROM api.hold_slot(%s, %s)", (svc, utc("2027-03-14 06:00Z"))).fetchone()[0]
    assert refused("SELECT api.reschedule_booking(%s, %s, NULL)", held, after) == OUTSIDE
    inside = utc("2027-03-14 06:30Z")
    moved = tx.execute("SELECT starts_at FROM api.reschedule_booking(%s, %s, NULL)", (held, inside))
    assert moved.fetchone()[0] == inside


def test_closing_later_never_gives_fewer_real_hours(tx: psycopg.Connection) -> None:
    # A rule closing at 02:30 (in the gap) and one closing at 03:00 both close at 03:00 EDT.
    early = open_on(tx, "America/New_York", "2027-03-14", "01:00", "02:30", 15, 15)
    late = open_on(tx, "America/New_York", "2027-03-14", "01:00", "03:00", 15, 15)
    assert len(grid(tx, early, "2027-03-14")) == len(grid(tx, late, "2027-03-14")) == 4


def test_troll_two_hour_gap(tx: psycopg.Connection) -> None:
    # Antarctica/Troll 2027-03-28: 01:00 +00 -> 03:00 +02. Rule 00:00-02:00, 60 minutes.
    svc = open_on(tx, "Antarctica/Troll", "2027-03-28", "00:00", "02:00", 60, 60)
    assert grid(tx, svc, "2027-03-28") == ["00:00Z"]
    assert book(tx, svc, "2027-03-28 01:00Z") == OUTSIDE  # 03:00+02, entirely after closing


# 4. An opening time inside the gap opens at the first real instant after it ------------------


def test_opening_inside_the_gap_opens_at_the_jump(tx: psycopg.Connection) -> None:
    at_0230 = open_on(tx, "America/New_York", "2027-03-14", "02:30", "05:00", 60, 60)
    at_0300 = open_on(tx, "America/New_York", "2027-03-14", "03:00", "05:00", 60, 60)
    assert grid(tx, at_0230, "2027-03-14") == grid(tx, at_0300, "2027-03-14") == ["07:00Z", "08:00Z"]
    assert book(tx, at_0230, "2027-03-14 07:00Z") == "booked"  # 03:00 EDT


def test_lord_howe_half_hour_gap_starts_the_grid_at_the_jump(tx: psycopg.Connection) -> None:
    # Australia/Lord_Howe 2027-10-03: 02:00 +10:30 -> 02:30 +11. Rule 02:15-04:00, 60 minutes:
    # one slot from 02:30 (the real opening), not 02:45.
    svc = open_on(tx, "Australia/Lord_Howe", "2027-10-03", "02:15", "04:00", 60, 60)
    assert grid(tx, svc, "2027-10-03") == ["15:30Z"]
    assert book(tx, svc, "2027-10-02 15:45Z") == OUTSIDE


# 2. CET-style names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("CET", "Europe/Brussels"),
        ("EET", "Europe/Athens"),
        ("MET", "Europe/Brussels"),
        ("WET", "Europe/Lisbon"),
        ("EST", "America/Panama"),
        ("MST", "America/Phoenix"),
        ("HST", "Pacific/Honolulu"),
        ("localtime", None),
        ("posix/Europe/Berlin", "Europe/Berlin"),  # a system copy browsers cannot show times in
    ],
)
def test_abbreviation_zone_names_are_refused_naming_the_zone(
    tx: psycopg.Connection, name: str, canonical
) -> None:
    with pytest.raises(psycopg.Error) as exc:
        tx.execute(
            "INSERT INTO booking.resources (slug, name, timezone) VALUES ('abbr', 'Abbr', %s)", (name,)
        )
    assert exc.value.sqlstate == "RB422"
    errors = json.loads(exc.value.diag.message_detail)["errors"]
    assert list(errors) == ["timezone"]
    if canonical:
        assert canonical in errors["timezone"]
        tx.rollback()
        tx.execute(
            "INSERT INTO booking.resources (slug, name, timezone) VALUES ('abbr', 'Abbr', %s)", (canonical,)
        )


def test_a_zone_browsers_do_not_know_is_refused_for_bookers_and_profiles(tx: psycopg.Connection) -> None:
    with pytest.raises(psycopg.Error) as exc:
        tx.execute("SELECT internal.attendee_zone('posix/Asia/Tokyo')")
    assert exc.value.sqlstate == "RB422"
    assert "use Asia/Tokyo" in json.loads(exc.value.diag.message_detail)["errors"]["attendee.timezone"]
    tx.rollback()
    assert tx.execute("SELECT internal.time_zone_ok('posix/Asia/Tokyo'), internal.time_zone_ok('Asia/Tokyo')"
                      ).fetchone() == (False, True)  # api.update_profile's check


def test_cet_summer_day_in_the_canonical_zone(tx: psycopg.Connection) -> None:
    # 'CET' read 09:00-12:00 on 2027-07-01 as +01:00 (10:00, 11:00, 12:00 CEST); its zone reads CEST.
    svc = open_on(tx, "Europe/Brussels", "2027-07-01", "09:00", "12:00", 60, 60)
    assert grid(tx, svc, "2027-07-01") == ["07:00Z", "08:00Z", "09:00Z"]


def test_every_postgres_zone_name_reads_as_zoneinfo(tx: psycopg.Connection) -> None:
    """Every name pg_timezone_names offers is either accepted and read by AT TIME ZONE with
    zoneinfo's UTC offsets for the next five years, or refused naming a zone that is."""
    names = [r[0] for r in tx.execute("SELECT name FROM pg_timezone_names ORDER BY name")]
    tx.execute("""
        CREATE FUNCTION pg_temp.zone_verdict(p_name text) RETURNS text LANGUAGE plpgsql AS $$
        BEGIN
            RETURN CASE WHEN booking.is_valid_timezone(p_name) THEN 'ok' ELSE 'unknown' END;
        EXCEPTION WHEN OTHERS THEN
            RETURN SQLSTATE || ' ' || SQLERRM;
        END $$""")
    verdicts = dict(
        tx.execute("SELECT n, pg_temp.zone_verdict(n) FROM unnest(%s::text[]) n", (names,)).fetchall()
    )
    start = dt.datetime.now(tz.UTC).replace(minute=0, second=0, microsecond=0)
    days = 5 * 365

    def samples(name: str) -> list[dt.datetime]:
        weekly = [start + dt.timedelta(days=7 * w, hours=w % 24) for w in range(days // 7)]
        jumps = [t.at + dt.timedelta(seconds=s) for t in tz.transitions(name, start, days) for s in (-1, 0)]
        return weekly + jumps

    rows, bad = [], []
    for name in names:
        verdict = verdicts[name]
        if verdict.startswith("RB422"):
            # refused: the message names a zone that is accepted and has the same offsets
            alt = [a for a in re.findall(r"use ([\w/+-]+)", verdict) if verdicts.get(a) == "ok"]
            if not alt and "localtime" not in name:
                bad.append(f"{name}: refused without an accepted zone to use: {verdict}")
            for a in alt[:1]:
                if any(tz.offset(tz.zone(name), t) != tz.offset(tz.zone(a), t) for t in samples(name)):
                    bad.append(f"{name}: refused for {a}, whose offsets differ")
        elif verdict == "ok":
            rows += [(name, t, int(tz.offset(tz.zone(name), t).total_seconds())) for t in samples(name)]
        else:
            bad.append(f"{name}: {verdict}")
    with tx.cursor() as cur:
        cur.execute("CREATE TEMP TABLE zone_samples (name text, at timestamptz, utc_offset integer)")
        with cur.copy("COPY zone_samples FROM STDIN") as cp:
            for row in rows:
                cp.write_row(row)
        cur.execute("""
            SELECT name, count(*), min(at), min(utc_offset) FROM zone_samples
             WHERE extract(epoch FROM (at AT TIME ZONE name) - (at AT TIME ZONE 'UTC'))::integer <> utc_offset
             GROUP BY name ORDER BY name""")
        bad += [f"{n}: AT TIME ZONE disagrees with zoneinfo at {c} instants from {a}" for n, c, a, _ in cur]
    assert len(rows) > 100_000
    assert not bad, "\n".join(bad)


# 3. The session's TimeZone changes nothing ------------------------------------------------------


@pytest.mark.parametrize(
    "session", ["UTC", "America/Santiago", "Africa/Cairo", "Asia/Beirut", "Pacific/Kiritimati"]
)
def test_santiago_monday_after_spring_forward_whatever_the_session_zone(
    tx: psycopg.Connection, session
) -> None:
    # America/Santiago springs forward at local midnight 2027-09-05; Monday 2027-09-06 09:00-17:00.
    svc = open_on(tx, "America/Santiago", "2027-09-06", "09:00", "17:00", 60, 60)
    tx.execute(f"SET LOCAL TimeZone = '{session}'")
    lo, hi = utc("2027-09-06 03:00Z"), utc("2027-09-07 03:00Z")
    assert (
        tx.execute("SELECT count(*) FROM api.available_slots(%s, %s, %s)", (svc, lo, hi)).fetchone()[0] == 8
    )
    assert tx.execute("SELECT count(*) FROM api.availability(%s, %s, %s)", (svc, lo, hi)).fetchone()[0] == 8
    assert book(tx, svc, "2027-09-06 12:00Z") == "booked"  # 09:00 -03


# What passed and must keep passing ------------------------------------------------------------


def test_fall_back_rule_covering_the_repeat_lasts_three_real_hours(tx: psycopg.Connection) -> None:
    # New York 2027-11-07: 02:00 EDT -> 01:00 EST. 01:00 opens at the earlier instant (EDT),
    # 03:00 closes at EST: 01:00 EDT, 01:00 EST and 02:00 EST.
    svc = open_on(tx, "America/New_York", "2027-11-07", "01:00", "03:00", 60, 60)
    assert grid(tx, svc, "2027-11-07") == ["05:00Z", "06:00Z", "07:00Z"]


@pytest.mark.parametrize(
    ("zone", "day", "slots"),
    [
        ("America/New_York", "2027-03-14", 23 * 2),
        ("America/New_York", "2027-11-07", 25 * 2),
        ("Australia/Lord_Howe", "2027-10-03", 47),
        ("Australia/Lord_Howe", "2027-04-04", 49),
    ],
)
def test_23_25_23_5_and_24_5_hour_days(tx: psycopg.Connection, zone: str, day: str, slots: int) -> None:
    svc = open_on(tx, zone, day, "00:00", "24:00", 30, 30)
    assert len(grid(tx, svc, day)) == slots


def test_repeat_across_midnight(tx: psycopg.Connection) -> None:
    # America/Santiago 2027-04-03 24:00 -04... falls back to 23:00: Saturday 22:00-24:00 has 3 real hours.
    svc = open_on(tx, "America/Santiago", "2027-04-03", "22:00", "24:00", 60, 60)
    assert grid(tx, svc, "2027-04-03") == ["01:00Z", "02:00Z", "03:00Z"]


def test_quarter_to_offsets(tx: psycopg.Connection) -> None:
    # Pacific/Chatham (+12:45 -> +13:45 at 02:45, 2027-09-26): 02:00-05:00 holds two real hours.
    svc = open_on(tx, "Pacific/Chatham", "2027-09-26", "02:00", "05:00", 60, 15)
    assert grid(tx, svc, "2027-09-26") == ["13:15Z", "13:30Z", "13:45Z", "14:00Z", "14:15Z"]
