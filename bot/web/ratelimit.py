"""In-memory sliding-window rate limiter, keyed by client address."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

WINDOW_S = 60.0


class RateLimiter:
    """Allow at most ``limit`` hits per key within a sliding 60-second window.

    State lives in process memory: good enough for one gateway process; a
    multi-process deployment needs a shared store instead.
    """

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = limit
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._last_sweep = clock()

    def hit(self, key: str) -> float:
        """Record one request for ``key``.

        Returns 0 when the request is allowed, otherwise the number of seconds
        after which the client may try again (for the Retry-After header).
        """
        now = self._clock()
        self._sweep(now)
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] >= WINDOW_S:
            hits.popleft()
        if len(hits) >= self._limit:
            return max(1.0, math.ceil(WINDOW_S - (now - hits[0])))
        hits.append(now)
        return 0.0

    def _sweep(self, now: float) -> None:
        # Drop idle clients once per window so memory stays bounded by the
        # number of clients active in the last minute.
        if now - self._last_sweep < WINDOW_S:
            return
        self._last_sweep = now
        stale = [k for k, v in self._hits.items() if not v or now - v[-1] >= WINDOW_S]
        for key in stale:
            del self._hits[key]
