"""Rate limiting of chat requests, keyed by client address.

Two implementations with the same interface (``await limiter.hit(key)``):

* :class:`RateLimiter`: in process memory, a sliding 60-second window, at most
  ``max_keys`` clients (least recently seen dropped first), for one gateway process;
* :class:`RedisRateLimiter`: a counter per client and minute in Redis, shared by every
  gateway process (``REDIS_URL``); several processes counting separately would each
  allow the full limit.

:func:`rate_limit_key` turns an address into the key: IPv6 clients are keyed by their
/64 network, since one connection usually owns a whole /64 and could rotate through it.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Protocol

WINDOW_S = 60.0
DEFAULT_MAX_KEYS = 10_000
DEFAULT_KEY_PREFIX = "hessen:ratelimit:"


class Limiter(Protocol):
    """What the gateway needs from a rate limiter."""

    async def hit(self, key: str) -> float:
        """Record one request; 0 when allowed, else seconds until a retry may succeed."""
        ...

    async def close(self) -> None:
        """Release connections (no-op in memory)."""
        ...


def parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """Parse an IP address as proxies write it (also ``[v6]``); None if invalid."""
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def rate_limit_key(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """Key of one client: the IPv4 address, or the /64 network of an IPv6 address."""
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class RateLimiter:
    """Allow at most ``limit`` hits per key within a sliding 60-second window.

    State lives in process memory and holds at most ``max_keys`` clients: when full, the
    client seen least recently is forgotten, so forged keys cannot grow it without bound.
    """

    def __init__(
        self,
        limit: int,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = DEFAULT_MAX_KEYS,
    ) -> None:
        """Create an empty limiter."""
        self._limit = limit
        self._clock = clock
        self._max_keys = max_keys
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def __len__(self) -> int:
        """Number of clients currently tracked."""
        return len(self._hits)

    def hit_now(self, key: str) -> float:
        """Synchronous :meth:`hit`."""
        now = self._clock()
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = deque()
            while len(self._hits) > self._max_keys:
                self._hits.popitem(last=False)
        self._hits.move_to_end(key)
        while hits and now - hits[0] >= WINDOW_S:
            hits.popleft()
        if len(hits) >= self._limit:
            return max(1.0, math.ceil(WINDOW_S - (now - hits[0])))
        hits.append(now)
        return 0.0

    async def hit(self, key: str) -> float:
        """Record one request for ``key``.

        Returns 0 when the request is allowed, otherwise the number of seconds
        after which the client may try again (for the Retry-After header).
        """
        return self.hit_now(key)

    async def close(self) -> None:
        """Nothing to release."""


class RedisRateLimiter:
    """At most ``limit`` hits per key and calendar minute, counted in Redis.

    A fixed window (one ``INCR`` per request, the key expires with its minute) is
    atomic without scripts and costs one round trip; a client may at worst send
    ``2 * limit`` requests across a minute boundary.
    """

    def __init__(
        self,
        url: str,
        limit: int,
        prefix: str = DEFAULT_KEY_PREFIX,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Connect lazily to the Redis server at ``url``."""
        import redis.asyncio as redis_asyncio

        self._redis = redis_asyncio.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._limit = limit
        self._prefix = prefix
        self._clock = clock

    async def hit(self, key: str) -> float:
        """Record one request for ``key``; see :meth:`RateLimiter.hit`."""
        now = self._clock()
        window = int(now // WINDOW_S)
        name = f"{self._prefix}{key}:{window}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, int(WINDOW_S) * 2)
            count, _ = await pipe.execute()
        if int(count) > self._limit:
            return max(1.0, math.ceil((window + 1) * WINDOW_S - now))
        return 0.0

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.close()
