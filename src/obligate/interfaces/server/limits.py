"""Limits on what one client can take from the server: connections, time to send a request,
requests per second, and the size of what a request may ask for.

uvicorn times out idle keep-alive connections, but not a client that sends its request
head a byte at a time (slowloris): ``guarded_protocol`` adds a deadline for the head of each
request and refuses connections beyond a limit. The body's deadline and the request rate are
checked by ``GuardMiddleware`` (guard.py), which can answer with the error envelope.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from dataclasses import dataclass
from typing import Any

MAX_LIST_ITEMS = 100
"""At most this many markets in one request (``/v1/terms?markets=``, compare, checklist):
more than there are markets with a law of their own, and a bound on the work one request asks."""
MAX_ERROR_FIELDS = 50
"""A 422 names at most this many fields (the message says how many more there were)."""


@dataclass(frozen=True)
class Limits:
    """Per-server limits (``obligate serve`` options; docs/serve.md, Limits and abuse)."""

    max_connections: int = 2048
    """Open connections at once; more are closed as they arrive (listen backlog 4,096)."""
    header_seconds: float = 10.0
    """A request's line and headers must arrive within this time of its first byte (or of
    the connection opening)."""
    body_seconds: float = 30.0
    """The whole body must arrive within this time of the headers: else 408."""
    keep_alive_seconds: int = 5
    """An idle keep-alive connection is closed after this long."""
    rate: float = 0.0
    """Requests per second per client address (0: no limit); beyond, 429 with Retry-After."""
    burst: int = 0
    """How many requests a client may send at once above the rate (0: one second's worth)."""

    @property
    def bucket_size(self) -> float:
        return float(self.burst) if self.burst > 0 else max(self.rate, 1.0)


def guarded_protocol(limits: Limits) -> type[asyncio.Protocol]:
    """uvicorn's httptools protocol with a deadline for each request head and a cap on open
    connections."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class GuardedProtocol(HttpToolsProtocol):
        _head_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            if len(self.connections) > limits.max_connections:
                transport.close()  # refused: the client may retry, the others are served
                return
            self._arm_head_timer()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm_head_timer()
            super().connection_lost(exc)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            if self._head_timer is None:
                self._arm_head_timer()

        def on_headers_complete(self) -> None:
            self._disarm_head_timer()
            super().on_headers_complete()

        def _arm_head_timer(self) -> None:
            self._head_timer = self.loop.call_later(limits.header_seconds, self._head_too_slow)

        def _disarm_head_timer(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_too_slow(self) -> None:
            self._head_timer = None
            if not self.transport.is_closing():
                self.transport.close()

    return GuardedProtocol


class RateLimiter:
    """A token bucket per client address: ``rate`` requests a second, ``size`` at once."""

    MAX_CLIENTS = 100_000  # addresses remembered; the idle ones are dropped beyond

    def __init__(self, rate: float, size: float) -> None:
        self.rate = rate
        self.size = size
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, client: str, now: float | None = None) -> float:
        """0 when ``client`` may send a request now (and count it), else how long to wait."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(client, (self.size, moment))
            tokens = min(self.size, tokens + (moment - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, moment)
                self._forget_idle(moment)
                return 0.0
            self._buckets[client] = (tokens, moment)
            return (1.0 - tokens) / self.rate

    def _forget_idle(self, now: float) -> None:
        if len(self._buckets) <= self.MAX_CLIENTS:
            return
        full = self.size / self.rate  # a bucket idle this long is full again: forget it
        for client, (_tokens, last) in list(self._buckets.items()):
            if now - last >= full:
                del self._buckets[client]


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
