"""Prometheus metrics at GET /metrics (text exposition format 0.0.4, written here: it is small).

    booker_bookings_created_total                 201s of POST /api/v1/bookings (Idempotency-Key replays too)
    booker_bookings_conflicted_total{operation}   409s of booking, hold and reschedule requests
    booker_http_request_duration_seconds{method,route,status}   histogram; WebSocket/SSE streams excluded
    booker_live_subscribers                       WebSocket + SSE clients connected to this edge
    booker_outbox_messages{status}                notification_log rows by status (report.notification_health)
    booker_outbox_oldest_age_seconds              age of the oldest unsent email (0 when none)
    booker_public_reads_total{target}             with a replica: replica, primary:behind|since|unavailable

Counters and the histogram are per edge process; Prometheus sums them across edges.
The outbox figures come from the database, so every edge reports the same values.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from aiohttp import web

from booker.supervisor import read_status
from edge.db import POOL, READS, SETTINGS
from edge.live import HUB

log = logging.getLogger(__name__)

Labels = tuple[tuple[str, str], ...]
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: Labels, extra: Labels = ()) -> str:
    pairs = labels + extra
    if not pairs:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in pairs) + "}"


def _num(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


@dataclass
class Counter:
    name: str
    help: str
    values: dict[Labels, float] = field(default_factory=dict)

    def inc(self, amount: float = 1.0, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        self.values[key] = self.values.get(key, 0.0) + amount

    def render(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} counter"
        for key, value in (self.values or {(): 0.0}).items():
            yield f"{self.name}{_labels(key)} {_num(value)}"


@dataclass
class Histogram:
    name: str
    help: str
    buckets: tuple[float, ...] = BUCKETS
    series: dict[Labels, list[float]] = field(default_factory=dict)  # bucket counts..., +Inf count, sum

    def observe(self, value: float, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        row = self.series.setdefault(key, [0.0] * (len(self.buckets) + 2))
        for i, bound in enumerate(self.buckets):
            if value <= bound:
                row[i] += 1
        row[-2] += 1
        row[-1] += value

    def render(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} histogram"
        for key, row in self.series.items():
            for bound, count in zip((*self.buckets, math.inf), row[:-1], strict=True):
                yield f"{self.name}_bucket{_labels(key, (('le', _num(bound)),))} {_num(count)}"
            yield f"{self.name}_sum{_labels(key)} {_num(row[-1])}"
            yield f"{self.name}_count{_labels(key)} {_num(row[-2])}"


def _gauge(name: str, help_: str, samples: Iterable[tuple[Labels, float]]) -> Iterable[str]:
    yield f"# HELP {name} {help_}"
    yield f"# TYPE {name} gauge"
    for key, value in samples:
        yield f"{name}{_labels(key)} {_num(value)}"


@dataclass
class Metrics:
    created: Counter = field(default_factory=lambda: Counter(
        "booker_bookings_created_total", "Bookings created through this edge (HTTP 201)."))
    conflicted: Counter = field(default_factory=lambda: Counter(
        "booker_bookings_conflicted_total",
        "Booking, hold and reschedule requests refused because the slot was taken (HTTP 409)."))
    latency: Histogram = field(default_factory=lambda: Histogram(
        "booker_http_request_duration_seconds", "Time to answer an HTTP request, by route and status."))


METRICS = web.AppKey("metrics", Metrics)

# (method, route) of the requests whose outcome the booking counters follow, and the operation label.
_BOOKING_ROUTES = {
    ("POST", "/api/v1/bookings"): "book",
    ("POST", "/api/v1/holds"): "hold",
    ("PATCH", "/api/v1/bookings/{id}"): "reschedule",
}


def _route(request: web.Request) -> str:
    info = request.match_info
    if info.http_exception is not None or info.route.resource is None:
        return "unmatched"  # never the raw path: unknown URLs must not create new series
    return info.route.resource.canonical


def _record(metrics: Metrics, request: web.Request, route: str, status: int) -> None:
    operation = _BOOKING_ROUTES.get((request.method, route))
    if operation == "book" and status == 201:
        metrics.created.inc()
    elif operation and status == 409:
        metrics.conflicted.inc(operation=operation)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    metrics = request.app[METRICS]
    started = time.perf_counter()
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        _observe(metrics, request, exc.status, started, streamed=False)
        raise
    except Exception:
        _observe(metrics, request, 500, started, streamed=False)
        raise
    streamed = not isinstance(response, web.Response)  # WebSocketResponse / SSE StreamResponse
    _observe(metrics, request, response.status, started, streamed=streamed)
    return response


def _observe(metrics: Metrics, request: web.Request, status: int, started: float, *, streamed: bool) -> None:
    route = _route(request)
    _record(metrics, request, route, status)
    if not streamed and route != "/metrics":
        metrics.latency.observe(time.perf_counter() - started, method=request.method, route=route,
                                status=str(status))


def live_subscribers(app: web.Application) -> int | None:
    """WebSocket and SSE clients of this edge's live hub, or None when live updates are not set up."""
    hub = app.get(HUB)
    return None if hub is None else hub.subscriber_count


async def outbox(app: web.Application) -> list[tuple[str, int, int | None]] | None:
    """(status, messages, oldest_age_seconds) rows of report.notification_health, or None."""
    pool = app.get(POOL)
    if pool is None:
        return None
    try:
        async with pool.connection(timeout=2.0) as conn:
            cur = await conn.execute(
                "SELECT status, messages, oldest_age_seconds FROM report.notification_health ORDER BY status")
            return [(str(r[0]), int(r[1]), r[2]) for r in await cur.fetchall()]
    except Exception as exc:  # a scrape must answer even while the database is away
        log.warning("metrics: outbox figures unavailable: %s", exc)
        return None


async def metrics_handler(request: web.Request) -> web.Response:
    app = request.app
    metrics = app[METRICS]
    lines: list[str] = [*metrics.created.render(), *metrics.conflicted.render(), *metrics.latency.render()]
    subscribers = live_subscribers(app)
    if subscribers is not None:
        lines += _gauge("booker_live_subscribers", "WebSocket and SSE clients connected to this edge.",
                        [((), subscribers)])
    parts = read_status(app[SETTINGS].var_dir) if SETTINGS in app else None
    if parts is not None:  # under `booker up`: booker.supervisor's view of its children
        named = sorted(parts.items())
        lines += _gauge("booker_part_up", "1 when this part of `booker up` runs, 0 while it awaits restart.",
                        [((("part", name),), 1 if p.get("up") else 0) for name, p in named])
        lines += _gauge("booker_part_restarts", "Times `booker up` restarted this part after it exited.",
                        [((("part", name),), int(p.get("restarts") or 0)) for name, p in named])
    rows = await outbox(app)
    lines += _gauge("booker_outbox_up", "1 when the outbox figures below could be read from the database.",
                    [((), 0 if rows is None else 1)])
    if rows is not None:
        lines += _gauge("booker_outbox_messages", "Outbox (notification_log) rows by status.",
                        [((("status", status),), count) for status, count, _ in rows])
        oldest = max((age or 0 for status, _, age in rows if status in ("pending", "sending")), default=0)
        lines += _gauge("booker_outbox_oldest_age_seconds", "Age of the oldest email not yet sent.",
                        [((), oldest)])
    router = app.get(READS)
    if router is not None and router.replica is not None:  # BOOKER_READ_DATABASE_URL: the lag guard's choices
        lines += ["# HELP booker_public_reads_total Public reads by where the lag guard sent them "
                  "(replica, or primary and why: behind, since, unavailable).",
                  "# TYPE booker_public_reads_total counter"]
        lines += [f"booker_public_reads_total{_labels((('target', target),))} {_num(n)}"
                  for target, n in sorted(router.reads.items())]
    return web.Response(body=("\n".join(lines) + "\n").encode(), headers={"Content-Type": CONTENT_TYPE})


def setup_metrics(app: web.Application) -> None:
    """Add /metrics and the outermost middleware that times every request."""
    app[METRICS] = Metrics()
    app.middlewares.insert(0, metrics_middleware)
    app.router.add_get("/metrics", metrics_handler)
