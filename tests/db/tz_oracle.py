"""Python's zoneinfo as the oracle of wall-clock windows on transition days (issue 11).

The reading under test (docs/sql-api.md, "Opening hours on transition days"): a rule's
local window [day + start, day + end) opens at the earliest real instant its opening time
shows and closes at the latest one its closing time shows; a time inside a spring-forward
gap opens and closes at the instant of the jump. Slots start at the opening instant and
every step after it, on the 15-minute UTC grid, and end by the closing instant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

UTC = dt.UTC
DURATIONS = (15, 30, 60)
STEPS = (15, 30, 60)


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def offset(z: ZoneInfo, t: dt.datetime) -> dt.timedelta:
    return t.astimezone(z).utcoffset() or dt.timedelta(0)


def local(z: ZoneInfo, t: dt.datetime) -> dt.datetime:
    """The wall clock of z at instant t, as a naive datetime."""
    return t.astimezone(z).replace(tzinfo=None)


def _first_second_with(z: ZoneInfo, lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
    """The first whole second in (lo, hi] whose UTC offset is hi's (lo's differs)."""
    target = offset(z, hi)
    a, b = int(lo.timestamp()), int(hi.timestamp())
    while b - a > 1:
        mid = (a + b) // 2
        if offset(z, dt.datetime.fromtimestamp(mid, UTC)) == target:
            b = mid
        else:
            a = mid
    return dt.datetime.fromtimestamp(b, UTC)


def wall_clock(wall: dt.datetime, zone_name: str, closing: bool) -> dt.datetime:
    """The instant a window opening (closing) at local time `wall` opens (closes)."""
    z = zone(zone_name)
    readings = [wall.replace(tzinfo=z, fold=f).astimezone(UTC) for f in (0, 1)]
    real = [u for u in readings if local(z, u) == wall]
    if real:
        return max(real) if closing else min(real)
    lo, hi = sorted(readings)  # a gap: lo is before the jump, hi after it
    return _first_second_with(z, lo, hi)


def slots(zone_name: str, day: dt.date, start: int, end: int, duration: int, step: int) -> list[dt.datetime]:
    """Expected slot starts of a rule [start, end) (minutes after local midnight) on day."""
    midnight = dt.datetime.combine(day, dt.time())
    opens = wall_clock(midnight + dt.timedelta(minutes=start), zone_name, False)
    closes = wall_clock(midnight + dt.timedelta(minutes=end), zone_name, True)
    out = []
    t, last = opens, closes - dt.timedelta(minutes=duration)
    while t <= last:
        if int(t.timestamp()) % 900 == 0 and t.microsecond == 0:
            out.append(t)
        t += dt.timedelta(minutes=step)
    return out


@dataclass(frozen=True)
class Transition:
    zone: str
    at: dt.datetime  # the UTC instant of the jump
    before: dt.timedelta  # UTC offset until then
    after: dt.timedelta  # and from then on

    @property
    def kind(self) -> str:
        return "gap" if self.after > self.before else "repeat"

    @property
    def wall_start(self) -> dt.datetime:
        """First local time skipped (gap) or shown twice (repeat)."""
        return (self.at + min(self.before, self.after)).replace(tzinfo=None)

    @property
    def wall_end(self) -> dt.datetime:
        """First local time after the gap or the repeat."""
        return (self.at + max(self.before, self.after)).replace(tzinfo=None)


def transitions(zone_name: str, start: dt.datetime, days: int) -> list[Transition]:
    """Every change of UTC offset of the zone in [start, start + days), to the second.
    Sampled weekly then daily (an offset that changes and changes back within one week
    would be missed; the tz database has none in these years)."""
    z = zone(zone_name)
    out: list[Transition] = []
    week = dt.timedelta(days=7)
    t, end = start, start + dt.timedelta(days=days)
    prev = offset(z, t)
    while t < end:
        nxt = min(t + week, end)
        if offset(z, nxt) != prev:
            d = t
            while d < nxt:
                e = d + dt.timedelta(days=1)
                if offset(z, e) != offset(z, d):
                    at = _first_second_with(z, d, e)
                    out.append(Transition(zone_name, at, offset(z, d), offset(z, e)))
                d = e
        prev = offset(z, nxt)
        t = nxt
    return out


def windows(tr: Transition) -> dict[str, tuple[int, int]]:
    """Rules around the gap or repeat of tr, in minutes of its local day: straddling it,
    starting in it, ending in it and exactly covering it (on the 15-minute grid, within
    the day)."""
    a0 = tr.wall_start.hour * 60 + tr.wall_start.minute
    a0 -= a0 % 15
    a1 = a0 + int((tr.wall_end - tr.wall_start).total_seconds() // 60)
    a1 += -a1 % 15
    mid = a0 + max(15, (a1 - a0) // 2 // 15 * 15)
    shapes = {
        "straddle": (a0 - 60, a1 + 60),
        "start-in": (mid, a1 + 60),
        "end-in": (a0 - 60, mid),
        "cover": (a0, a1),
    }
    out = {}
    for name, (s, e) in shapes.items():
        s, e = max(0, s), min(1440, e)
        if s < e:
            out[name] = (s, e)
    return out


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def show(zone_name: str, instants: list[dt.datetime] | set[dt.datetime]) -> str:
    """Instants as local wall-clock times with their UTC offsets, for failure messages."""
    z = zone(zone_name)
    return " ".join(t.astimezone(z).strftime("%H:%M%z") for t in sorted(instants)) or "(none)"
