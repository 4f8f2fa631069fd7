"""Connection limits: what one client may hold open, and who the client is.

* `ConnectionGuard` wraps the HTTP protocol factory of `booker serve`: a per-address cap on
  concurrent connections (refused with a short 429 before aiohttp sees them) and a deadline
  for the first request's headers. aiohttp's keep-alive timeout closes idle connections
  between requests (and so bounds the headers of every later request too).
* `live_slot()` caps the WebSockets and SSE streams of one client address.
* `client_address()` is the peer, or, when the peer is a trusted proxy
  (BOOKER_TRUSTED_PROXIES), the last untrusted address of X-Forwarded-For.
* `check_origin()` refuses a browser request from another site (Origin / Sec-Fetch-Site).
* `quiet_accept_errors()` logs asyncio's "socket.accept() out of system resource" at most
  once a second (CPython logs it once per pending connection, hundreds of times a tick).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import logging
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from booker.settings import Settings
from edge.db import SETTINGS as SETTINGS_KEY
from edge.errors import Problem

log = logging.getLogger("booker.edge")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LIVE = web.AppKey("live_per_client", Counter)

REFUSED_BODY = (b'{"type":"/api/docs#problem-too-many-requests","title":"Too many requests","status":429,'
                b'"detail":"too many open connections from your address"}')
REFUSED = (b"HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/problem+json\r\n"
           b"X-Content-Type-Options: nosniff\r\nRetry-After: 1\r\nConnection: close\r\n"
           b"Content-Length: " + str(len(REFUSED_BODY)).encode() + b"\r\n\r\n" + REFUSED_BODY)


def trusted_networks(settings: Settings) -> tuple[Network, ...]:
    return _networks(settings.trusted_proxies)


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def _peer(transport: asyncio.BaseTransport | None) -> str:
    peer = transport.get_extra_info("peername") if transport is not None else None
    if isinstance(peer, tuple) and peer:
        return str(peer[0])
    return "unix" if peer is not None else "unknown"


def client_address(request: web.Request, settings: Settings) -> str:
    """Who the client is, for per-client limits: see the module docstring."""
    peer = _peer(request.transport)
    networks = trusted_networks(settings)
    if not networks or not _trusted(peer, networks):
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getall("X-Forwarded-For", [])).split(",")]
    for hop in reversed([h for h in hops if h]):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # garbage from the proxy's client: count it against the proxy
    return peer


# --- cross-site requests ---------------------------------------------------------------------


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def origin_allowed(request: web.Request, settings: Settings) -> bool:
    """A request without Origin (not from a browser page) passes; one with an Origin must
    come from the public URL (outside production also from the host it was sent to)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return request.headers.get("Sec-Fetch-Site", "same-origin") in ("same-origin", "none")
    origin = origin.strip().lower()
    if origin == _origin(settings.public_url):
        return True
    return not settings.environment == "production" and origin in (
        f"http://{request.host}".lower(), f"https://{request.host}".lower())


def check_origin(request: web.Request, settings: Settings) -> None:
    if not origin_allowed(request, settings):
        raise Problem(403, "cross-site request refused: the Origin is not this site's public URL",
                      errors={"Origin": f"must be {_origin(settings.public_url)}"})


# --- WebSockets and SSE per client -----------------------------------------------------------


@contextlib.contextmanager
def live_slot(request: web.Request, settings: Settings) -> Iterator[None]:
    """Count a WebSocket or SSE stream against its client's cap; 429 beyond it."""
    counts: Counter[str] = request.app[LIVE]
    who = client_address(request, settings)
    if counts[who] >= settings.max_live_per_client:
        raise Problem(429, f"too many live connections from your address (at most "
                      f"{settings.max_live_per_client}); close one first", headers={"Retry-After": "5"})
    counts[who] += 1
    try:
        yield
    finally:
        counts[who] -= 1
        if counts[who] <= 0:
            del counts[who]


# --- accept errors ---------------------------------------------------------------------------


def quiet_accept_errors(loop: asyncio.AbstractEventLoop, interval: float = 1.0) -> None:
    """Let asyncio's accept-error message through at most once per `interval` seconds."""
    previous = loop.get_exception_handler()
    last = -interval
    suppressed = 0

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        nonlocal last, suppressed
        if str(context.get("message", "")).startswith("socket.accept() out of system resource"):
            now = time.monotonic()
            if now - last < interval:
                suppressed += 1
                return
            last = now
            if suppressed:
                context = {**context, "message": f"{context['message']} ({suppressed} more not logged)"}
                suppressed = 0
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    loop.set_exception_handler(handler)


async def _install(app: web.Application) -> None:
    quiet_accept_errors(asyncio.get_running_loop())


# --- headers on every response ---------------------------------------------------------------


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """nosniff on every response (API, static files, docs, errors); HSTS when served over https."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if request.app[SETTINGS_KEY].public_url.startswith("https://"):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def setup_guard(app: web.Application) -> None:
    app[LIVE] = Counter()
    app.on_startup.append(_install)
    app.on_response_prepare.append(_security_headers)


# --- HTTP connections per client (booker serve) ----------------------------------------------


class ConnectionGuard:
    """A protocol factory around aiohttp's: caps connections per client address and gives a
    new connection `header_timeout` seconds to send its first request's headers."""

    def __init__(self, factory: Any, settings: Settings) -> None:
        self.factory = factory
        self.limit = settings.max_connections_per_client
        self.header_timeout = settings.header_timeout
        self.trusted = trusted_networks(settings)
        self.open: Counter[str] = Counter()
        self.refused = 0
        self.timed_out = 0

    def __call__(self) -> asyncio.Protocol:
        return _Guarded(self, self.factory())


class _Guarded(asyncio.Protocol):
    """Delegates to aiohttp's RequestHandler once the connection is admitted."""

    def __init__(self, guard: ConnectionGuard, inner: Any) -> None:
        self.guard = guard
        self.inner = inner
        self.address: str | None = None
        self.deadline: asyncio.TimerHandle | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        guard = self.guard
        address = _peer(transport)
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        # A trusted proxy carries many clients: it is not capped here (the proxy should be).
        if not _trusted(address, guard.trusted):
            if guard.open[address] >= guard.limit:
                guard.refused += 1
                self.inner = None
                transport.write(REFUSED)
                transport.close()
                return
            guard.open[address] += 1
            self.address = address
        self.inner.connection_made(transport)
        self.deadline = asyncio.get_running_loop().call_later(guard.header_timeout, self._header_deadline)

    def _header_deadline(self) -> None:
        self.deadline = None
        # aiohttp counts the requests whose headers it has parsed; none yet: the client is too slow.
        if self.inner is not None and getattr(self.inner, "_request_count", 1) == 0 and self.transport:
            self.guard.timed_out += 1
            self.transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None
        if self.address is not None:
            open_ = self.guard.open
            open_[self.address] -= 1
            if open_[self.address] <= 0:
                del open_[self.address]
            self.address = None
        if self.inner is not None:
            self.inner.connection_lost(exc)
        self.transport = None

    def data_received(self, data: bytes) -> None:
        if self.inner is not None:
            self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received() if self.inner is not None else None

    def pause_writing(self) -> None:
        if self.inner is not None:
            self.inner.pause_writing()

    def resume_writing(self) -> None:
        if self.inner is not None:
            self.inner.resume_writing()
