"""Property suite of issue 11: wall-clock opening hours on every transition day of every
IANA zone, with Python's zoneinfo as the oracle (tests/db/tz_oracle.py).

The sweep takes every zone the database accepts that changes its UTC offset in the next
five years, and for every such change the local day before, of and after it, with rules
that straddle, start in, end in and exactly cover the gap or the repeat, each with one of
the nine (duration, step) pairs of 15, 30 and 60 minutes in turn (so every zone meets
every pair). Times from the database are compared in UTC: an aware datetime in a repeated
hour never equals one in another zone (PEP 495). It compares, under random session time zones:
  * api.availability per resource (each resource holds one rule a day: one case),
  * api.slot_grid and api.available_slots per service (the union of its resources),
  * api.book_slot at the boundaries: the first and last expected slots are accepted, the
    next step after the last is refused as outside the opening hours (on the transition
    days, for one zone of each set of zones with the same transitions: links and zones
    that agree give the same instants, and every name's reading is checked above),
  * report.daily_utilization's open minutes on the days it covers.
Everything is loaded in one transaction and queried in a few batched statements.
Hypothesis then draws zones, dates, windows, durations, steps and session zones.
BOOKER_TZ_SEED picks the session zones (printed on failure).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.db import tz_oracle as tz

HORIZON_DAYS = 5 * 365 + 1
CHUNK_DAYS = 56  # the local days of a chunk fit one 61-day query range (at most 62)
COMBOS = [(d, s) for d in tz.DURATIONS for s in tz.STEPS]
SEED = int(os.environ.get("BOOKER_TZ_SEED", "11"))
# Zones whose spring-forward skips local midnight, and the odd ones, besides random ones.
SESSION_ZONES = [
    "UTC",
    "America/Santiago",
    "Africa/Cairo",
    "America/Havana",
    "Asia/Beirut",
    "Atlantic/Azores",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Antarctica/Troll",
    "America/New_York",
    "Europe/Berlin",
    "Pacific/Kiritimati",
    "Etc/GMT+12",
]
ATTENDEE = '{"name": "Sweep", "email": "sweep@example.com"}'
MAX_SHOWN = 25


@dataclass(frozen=True)
class Case:
    """One rule [start, end) on one local day of one resource."""

    tr: tz.Transition
    kind: str
    day: dt.date
    start: int
    end: int
    resource: str
    chunk: int
    duration: int
    step: int

    @property
    def zone(self) -> str:
        return self.tr.zone

    def expected(self, duration: int, step: int) -> list[dt.datetime]:
        return _expected(self.zone, self.day, self.start, self.end, duration, step)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        midnight = dt.datetime.combine(self.day, dt.time())
        return (
            tz.wall_clock(midnight + dt.timedelta(minutes=self.start), self.zone, False),
            tz.wall_clock(midnight + dt.timedelta(minutes=self.end), self.zone, True),
        )

    def describe(self, duration: int, step: int) -> str:
        return (
            f"{self.zone} {self.day} ({(self.day - self.tr.wall_start.date()).days:+d} d from the "
            f"{self.tr.kind} "
            f"{self.tr.wall_start:%H:%M}-{self.tr.wall_end:%H:%M}), rule {tz.hhmm(self.start)}-"
            f"{tz.hhmm(self.end)} ({self.kind}), {duration} min every {step}"
        )


_EXPECTED: dict[tuple, list[dt.datetime]] = {}


def _expected(zone: str, day: dt.date, start: int, end: int, duration: int, step: int) -> list[dt.datetime]:
    key = (zone, day, start, end, duration, step)
    if key not in _EXPECTED:
        _EXPECTED[key] = tz.slots(zone, day, start, end, duration, step)
    return _EXPECTED[key]


def sweep_start() -> dt.date:
    return dt.datetime.now(tz.UTC).date() + dt.timedelta(days=3)


def build_cases(zone_names: list[str], start: dt.date) -> list[Case]:
    cases: list[Case] = []
    taken: set[tuple] = set()
    turn = 0
    start_at = dt.datetime.combine(start, dt.time(), tz.UTC)
    for name in zone_names:
        for tr in tz.transitions(name, start_at, HORIZON_DAYS):
            d = tr.wall_start.date()
            chunk = (d - start).days // CHUNK_DAYS
            for kind, (s, e) in tz.windows(tr).items():
                duration, step = COMBOS[turn % len(COMBOS)]
                turn += 1
                for day in (d - dt.timedelta(days=1), d, d + dt.timedelta(days=1)):
                    idx = 0  # one rule per resource and day: another resource if taken
                    while (name, kind, chunk, duration, step, idx, day) in taken:
                        idx += 1
                    taken.add((name, kind, chunk, duration, step, idx, day))
                    cases.append(
                        Case(
                            tr,
                            kind,
                            day,
                            s,
                            e,
                            f"{name}|{kind}|{chunk}|{duration}|{step}|{idx}",
                            chunk,
                            duration,
                            step,
                        )
                    )
    return cases


def chunk_range(start: dt.date, chunk: int) -> tuple[dt.datetime, dt.datetime]:
    first = dt.datetime.combine(start + dt.timedelta(days=chunk * CHUNK_DAYS), dt.time(), tz.UTC)
    return first - dt.timedelta(days=2), first + dt.timedelta(days=CHUNK_DAYS + 3)


def service_slug(chunk: int, duration: int, step: int) -> str:
    return f"c{chunk}-d{duration}-s{step}"


def load(conn: psycopg.Connection, cases: list[Case]) -> dict[str, tuple[str, uuid.UUID]]:
    """Resources with one-day rules, one service per chunk and (duration, step) linking the
    resources of its cases. Returns the resource key -> (slug, id)."""
    resources: dict[str, tuple[str, uuid.UUID]] = {}
    services: dict[str, uuid.UUID] = {}
    links: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for c in cases:
        if c.resource not in resources:
            resources[c.resource] = (f"r{len(resources)}", uuid.uuid4())
        svc = services.setdefault(service_slug(c.chunk, c.duration, c.step), uuid.uuid4())
        links.add((svc, resources[c.resource][1]))
    zones = {c.resource: c.zone for c in cases}
    with conn.cursor() as cur:
        with cur.copy("COPY booking.resources (id, slug, name, timezone) FROM STDIN") as cp:
            for key, (slug, rid) in resources.items():
                cp.write_row((rid, slug, key, zones[key]))
        with cur.copy(
            "COPY booking.availability_rules (resource_id, weekday, start_time, end_time, "
            "valid_from, valid_until) FROM STDIN"
        ) as cp:
            for c in cases:
                cp.write_row(
                    (
                        resources[c.resource][1],
                        c.day.isoweekday(),
                        tz.hhmm(c.start),
                        tz.hhmm(c.end),
                        c.day,
                        c.day,
                    )
                )
        with cur.copy(
            "COPY booking.services (id, slug, name, duration_minutes, slot_step_minutes, "
            "max_advance_days) FROM STDIN"
        ) as cp:
            for slug, sid in services.items():
                _, d, s = slug.split("-")
                cp.write_row((sid, slug, "sweep", int(d[1:]), int(s[1:]), HORIZON_DAYS + 30))
        with cur.copy("COPY booking.service_resources (service_id, resource_id) FROM STDIN") as cp:
            for link in links:
                cp.write_row(link)
        # plans for tables of this size, not for the empty ones of a fresh database
        cur.execute(
            "ANALYZE booking.resources, booking.availability_rules, booking.services, "
            "booking.service_resources"
        )
    return resources


def batches(items: list, n: int) -> Iterator[list]:
    size = max(1, -(-len(items) // n))
    for i in range(0, len(items), size):
        yield items[i : i + size]


class Failures:
    def __init__(self) -> None:
        self.cases: dict[object, list[str]] = defaultdict(list)
        self.checks = 0

    def add(self, key: object, line: str) -> None:
        self.cases[key].append(line)

    def report(self) -> str:
        lines = [f"{len(self.cases)} failing cases in {self.checks} checks (BOOKER_TZ_SEED={SEED}):"]
        for key in sorted(self.cases, key=str)[:MAX_SHOWN]:
            lines.extend(self.cases[key][:3])
        return "\n".join(lines)


_BOUNDS: dict[Case, tuple[dt.datetime, dt.datetime]] = {}


def bounds(c: Case) -> tuple[dt.datetime, dt.datetime]:
    if c not in _BOUNDS:
        _BOUNDS[c] = c.bounds()
    return _BOUNDS[c]


def nearest_case(cases: list[Case], at: dt.datetime) -> Case:
    def distance(c: Case) -> float:
        lo, hi = bounds(c)
        return 0 if lo <= at <= hi else min(abs((at - lo).total_seconds()), abs((at - hi).total_seconds()))

    return min(cases, key=distance)


def compare(what: str, cases: list[Case], offered: set[dt.datetime], failures: Failures) -> None:
    """The slots of several cases against what one call offered for them together."""
    want: dict[dt.datetime, Case] = {at: c for c in cases for at in c.expected(c.duration, c.step)}
    failures.checks += len(cases)
    for at in offered ^ set(want):
        c = want.get(at) or nearest_case(cases, at)
        got = sorted(x for x in offered if nearest_case(cases, x) is c) if len(cases) > 1 else offered
        failures.add(
            c,
            f"  {what} {c.describe(c.duration, c.step)}: expected "
            f"{tz.show(c.zone, c.expected(c.duration, c.step))}, offered {tz.show(c.zone, got)}",
        )


@pytest.fixture(scope="module")
def sweep_zones() -> list[str]:
    import zoneinfo

    return sorted(zoneinfo.available_timezones())


def test_sweep_every_transition_day(conn: psycopg.Connection, sweep_zones: list[str]) -> None:
    rng = random.Random(SEED)
    clock = [time.monotonic()]
    accepted = {r[0] for r in conn.execute("SELECT name FROM booking.time_zones")}
    start = sweep_start()
    cases = build_cases([z for z in sweep_zones if z in accepted], start)
    zones_swept = {c.zone for c in cases}
    assert len(zones_swept) > 150 and len(cases) > 10_000, (len(zones_swept), len(cases))
    conn.autocommit = False
    conn.execute("SET LOCAL jit = off")  # compiling each book_slot plan would dominate
    resources = load(conn, cases)
    clock.append(time.monotonic())
    slug_key = {slug: key for key, (slug, _) in resources.items()}
    by_service: dict[str, list[Case]] = defaultdict(list)
    for c in cases:
        by_service[service_slug(c.chunk, c.duration, c.step)].append(c)
    calls = [(svc, *chunk_range(start, cs[0].chunk)) for svc, cs in by_service.items()]
    rng.shuffle(calls)
    session_zones = SESSION_ZONES + rng.sample(sorted(zones_swept), 12)

    per_resource: dict[str, set] = defaultdict(set)
    grid: dict[str, dict[dt.datetime, str]] = defaultdict(dict)
    avail: dict[str, set] = defaultdict(set)
    unnest = "unnest(%s::text[], %s::timestamptz[], %s::timestamptz[]) AS q(svc, lo, hi) CROSS JOIN LATERAL"
    for batch in batches(calls, 12):
        conn.execute(f"SET LOCAL TimeZone = '{rng.choice(session_zones)}'")
        params = ([c[0] for c in batch], [c[1] for c in batch], [c[2] for c in batch])
        for resource, at in conn.execute(
            f"SELECT a.resource, a.starts_at FROM {unnest} api.availability(q.svc, q.lo, q.hi) a", params
        ):
            per_resource[slug_key[resource]].add(at.astimezone(tz.UTC))
        for svc, at, status in conn.execute(
            f"SELECT q.svc, g.starts_at, g.status FROM {unnest} api.slot_grid(q.svc, q.lo, q.hi) g", params
        ):
            grid[svc][at.astimezone(tz.UTC)] = status
        for svc, at in conn.execute(
            f"SELECT q.svc, a.starts_at FROM {unnest} api.available_slots(q.svc, q.lo, q.hi) a", params
        ):
            avail[svc].add(at.astimezone(tz.UTC))

    clock.append(time.monotonic())
    failures = Failures()
    by_resource: dict[str, list[Case]] = defaultdict(list)
    for c in cases:
        by_resource[c.resource].append(c)
    for key, rcases in by_resource.items():
        compare("api.availability", rcases, per_resource[key], failures)
    # slot_grid and available_slots: the union of a service's resources, every slot available.
    for svc, scases in by_service.items():
        compare("api.slot_grid", scases, set(grid[svc]), failures)
        compare("api.available_slots", scases, avail[svc], failures)
        failures.checks += 1
        wrong = sorted((at, status) for at, status in grid[svc].items() if status != "available")
        if wrong:
            failures.add(svc, f"  api.slot_grid {svc}: not available: {wrong[:5]}")

    # book_slot at the boundaries of the rules of each transition day, under several session
    # zones: the first and the last slot are accepted, the next step after the last refused.
    outside = "RB422 starts_at: is outside the opening hours"
    checks: list[tuple[Case, dt.datetime, str]] = []
    signatures: dict[str, tuple] = defaultdict(tuple)
    for c in cases:
        signatures[c.zone] += ((c.tr.at, c.tr.before, c.tr.after),)
    representative = {sig: zone for zone, sig in sorted(signatures.items())}
    for c in cases:
        if c.day != c.tr.wall_start.date() or representative[signatures[c.zone]] != c.zone:
            continue
        exp = c.expected(c.duration, c.step)
        if exp:
            checks.append((c, exp[0], "booked"))
            if exp[-1] >= exp[0] + dt.timedelta(minutes=c.duration):
                checks.append((c, exp[-1], "booked"))
            checks.append((c, exp[-1] + dt.timedelta(minutes=c.step), outside))
        elif bounds(c)[0].timestamp() % 900 == 0:
            checks.append((c, bounds(c)[0], outside))
    conn.execute("""
        CREATE FUNCTION pg_temp.try_book(p_svc text[], p_at timestamptz[], p_res uuid[], p_attendee jsonb)
            RETURNS SETOF text LANGUAGE plpgsql AS $$
        BEGIN
            FOR i IN 1 .. coalesce(array_length(p_svc, 1), 0) LOOP
                BEGIN
                    PERFORM api.book_slot(p_svc[i], p_at[i], p_attendee, p_resource => p_res[i]);
                    RETURN NEXT 'booked';
                EXCEPTION WHEN OTHERS THEN
                    RETURN NEXT SQLSTATE || ' ' || SQLERRM;
                END;
            END LOOP;
        END $$""")
    clock.append(time.monotonic())
    outcomes: list[str] = []
    for batch in batches(checks, 8):
        conn.execute(f"SET LOCAL TimeZone = '{rng.choice(session_zones)}'")
        outcomes += [
            r[0]
            for r in conn.execute(
                "SELECT * FROM pg_temp.try_book(%s, %s, %s, %s)",
                (
                    [service_slug(c.chunk, c.duration, c.step) for c, _, _ in batch],
                    [at for _, at, _ in batch],
                    [resources[c.resource][1] for c, _, _ in batch],
                    ATTENDEE,
                ),
            )
        ]
    clock.append(time.monotonic())
    for (c, at, want), got in zip(checks, outcomes, strict=True):
        failures.checks += 1
        if got != want:
            failures.add(
                c,
                f"  api.book_slot {c.describe(c.duration, c.step)} at {tz.show(c.zone, [at])}: "
                f"expected {want!r}, got {got!r}; slots {tz.show(c.zone, c.expected(c.duration, c.step))}",
            )

    # report.daily_utilization: open minutes of the days it covers (30 back, 60 ahead).
    near = [c for c in cases if c.day <= dt.datetime.now(tz.UTC).date() + dt.timedelta(days=59)]
    if near:
        got = {
            (slug_key[r], day): m
            for r, day, m in conn.execute(
                "SELECT resource, local_date, open_minutes FROM report.daily_utilization "
                "WHERE resource = ANY(%s)",
                ([resources[c.resource][0] for c in near],),
            )
        }
        for c in near:
            failures.checks += 1
            lo, hi = bounds(c)
            want = max(0, int((hi - lo).total_seconds() // 60))
            if got.get((c.resource, c.day), 0) != want:
                failures.add(
                    c,
                    f"  report.daily_utilization {c.describe(c.duration, c.step)}: open minutes "
                    f"expected {want}, got {got.get((c.resource, c.day))}",
                )
    conn.rollback()
    clock.append(time.monotonic())
    print(
        f"swept {len(zones_swept)} zones, {len({c.tr for c in cases})} transitions, {len(cases)} rule-days, "
        f"{len(checks)} bookings tried, {failures.checks} checks, {len(failures.cases)} failing cases; "
        "seconds: " + " ".join(f"{b - a:.1f}" for a, b in itertools.pairwise(clock))
    )
    assert not failures.cases, failures.report()


# Hypothesis: drawn windows and dates ----------------------------------------------------------

_TRANSITIONS: list[tz.Transition] = []


def drawn_transitions() -> list[tz.Transition]:
    if not _TRANSITIONS:
        import zoneinfo

        start = dt.datetime.combine(sweep_start(), dt.time(), tz.UTC)
        for name in sorted(
            zoneinfo.available_timezones() - {"CET", "EET", "MET", "WET", "EST", "MST", "HST"}
        ):
            _TRANSITIONS.extend(tz.transitions(name, start, HORIZON_DAYS))
    return _TRANSITIONS


@st.composite
def drawn_rule(draw: st.DrawFn) -> tuple:
    trs = drawn_transitions()
    tr = trs[draw(st.integers(0, len(trs) - 1))]
    day = tr.wall_start.date() + dt.timedelta(days=draw(st.sampled_from([-1, 0, 0, 0, 1])))
    around = tr.wall_start.hour * 4 + tr.wall_start.minute // 15
    start = draw(st.one_of(st.integers(max(0, around - 8), min(95, around + 8)), st.integers(0, 95)))
    end = draw(st.integers(start + 1, min(96, start + 32)))
    duration, step = draw(st.sampled_from(tz.DURATIONS)), draw(st.sampled_from(tz.STEPS))
    session = draw(st.sampled_from([*SESSION_ZONES, tr.zone]))
    return tr.zone, day, start * 15, end * 15, duration, step, session


@pytest.fixture
def tx(conn: psycopg.Connection) -> psycopg.Connection:
    conn.autocommit = False
    return conn


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rule=drawn_rule())
def test_drawn_windows(tx: psycopg.Connection, rule: tuple) -> None:
    zone, day, start, end, duration, step, session = rule
    want = tz.slots(zone, day, start, end, duration, step)
    where = (
        f"{zone} {day}, rule {tz.hhmm(start)}-{tz.hhmm(end)}, {duration} min every {step}, "
        f"session TimeZone {session}"
    )
    try:
        tx.execute(f"SET LOCAL TimeZone = '{session}'")
        rid = tx.execute(
            "INSERT INTO booking.resources (slug, name, timezone) VALUES ('drawn', 'Drawn', %s) RETURNING id",
            (zone,),
        ).fetchone()[0]
        tx.execute(
            "INSERT INTO booking.availability_rules (resource_id, weekday, start_time, end_time, valid_from, "
            "valid_until) VALUES (%s, %s, %s, %s, %s, %s)",
            (rid, day.isoweekday(), tz.hhmm(start), tz.hhmm(end), day, day),
        )
        tx.execute(
            "INSERT INTO booking.services (slug, name, duration_minutes, slot_step_minutes, "
            "max_advance_days) VALUES ('drawn', 'Drawn', %s, %s, %s)",
            (duration, step, HORIZON_DAYS + 30),
        )
        tx.execute(
            "INSERT INTO booking.service_resources SELECT s.id, %s FROM booking.services s "
            "WHERE s.slug = 'drawn'",
            (rid,),
        )
        lo = dt.datetime.combine(day, dt.time(), tz.UTC) - dt.timedelta(days=1)
        hi = lo + dt.timedelta(days=3)
        grid = [
            r[0].astimezone(tz.UTC)
            for r in tx.execute("SELECT starts_at FROM api.slot_grid('drawn', %s, %s)", (lo, hi))
        ]
        avail = [
            r[0].astimezone(tz.UTC)
            for r in tx.execute("SELECT starts_at FROM api.available_slots('drawn', %s, %s)", (lo, hi))
        ]
        assert grid == want, (
            f"slot_grid {where}: expected {tz.show(zone, want)}, offered {tz.show(zone, grid)}"
        )
        assert avail == want, (
            f"available_slots {where}: expected {tz.show(zone, want)}, offered {tz.show(zone, avail)}"
        )
        probes = [(at, True) for at in want[:1]]
        probes += [
            (
                (
                    want[-1]
                    if want
                    else tz.wall_clock(
                        dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=start), zone, False
                    )
                )
                + dt.timedelta(minutes=step),
                False,
            )
        ]
        for at, ok in probes:
            if at.timestamp() % 900:
                continue
            tx.execute("SAVEPOINT probe")
            try:
                tx.execute("SELECT api.book_slot('drawn', %s, %s::jsonb)", (at, ATTENDEE))
                booked = True
            except psycopg.Error as exc:
                assert exc.sqlstate == "RB422", exc
                booked = False
            tx.execute("ROLLBACK TO SAVEPOINT probe")
            assert booked == ok, (
                f"book_slot {where} at {tz.show(zone, [at])}: expected {'accepted' if ok else 'refused'}"
            )
    finally:
        tx.rollback()
