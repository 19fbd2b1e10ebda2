"""AtomicRedisLockStore against a real Redis, with competing "replicas".

Each thread owns its own store instance and connection pool, like separate
Rasa processes do.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
import redis

from bot.ops.lock_store import AtomicRedisLockStore

THREADS = 6


def _store(redis_url: str, prefix: str) -> AtomicRedisLockStore:
    parts = urlsplit(redis_url)
    return AtomicRedisLockStore(
        host=parts.hostname,
        port=parts.port or 6379,
        db=int(parts.path.lstrip("/") or 0),
        key_prefix=prefix,
    )


def _run_in_threads(work: Callable[[int], None]) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def runner(index: int) -> None:
        try:
            start.wait()
            work(index)
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


def test_concurrent_ticket_issue_never_duplicates(redis_url: str, redis_key_prefix: str) -> None:
    conversation = f"c{uuid.uuid4().hex}"
    per_thread = 40
    issued: list[int] = []
    guard = threading.Lock()

    def work(_: int) -> None:
        store = _store(redis_url, redis_key_prefix)
        mine = [store.issue_ticket(conversation, 60) for _ in range(per_thread)]
        with guard:
            issued.extend(mine)

    _run_in_threads(work)
    assert sorted(issued) == list(range(THREADS * per_thread))
    lock = _store(redis_url, redis_key_prefix).get_lock(conversation)
    assert lock is not None and len(lock.tickets) == THREADS * per_thread


def test_lock_gives_mutual_exclusion_and_cleans_up(redis_url: str, redis_key_prefix: str) -> None:
    conversation = f"c{uuid.uuid4().hex}"
    inside = 0
    overlaps = 0
    served = 0
    guard = threading.Lock()

    def work(_: int) -> None:
        store = _store(redis_url, redis_key_prefix)

        async def critical() -> None:
            nonlocal inside, overlaps, served
            for _ in range(3):
                async with store.lock(conversation, wait_time_in_seconds=0.01):
                    with guard:
                        inside += 1
                        overlaps += inside > 1
                    await asyncio.sleep(0.01)
                    with guard:
                        inside -= 1
                        served += 1

        asyncio.run(critical())

    _run_in_threads(work)
    assert (served, overlaps) == (THREADS * 3, 0)
    # Lock removed once nobody waits: no sender id stays in Redis.
    client = redis.Redis.from_url(redis_url)
    try:
        assert not list(client.scan_iter(match=f"{redis_key_prefix}:*{conversation}"))
    finally:
        client.close()


def test_lock_key_has_ttl(redis_url: str, redis_key_prefix: str) -> None:
    store = _store(redis_url, redis_key_prefix)
    conversation = f"c{uuid.uuid4().hex}"
    store.issue_ticket(conversation, lock_lifetime=5)
    ttl = store.red.ttl(store.key_prefix + conversation)
    assert 0 < ttl <= 5 + 60


@pytest.mark.parametrize("ticket_lifetime", [0.0])
def test_expired_tickets_do_not_block(redis_url: str, redis_key_prefix: str, ticket_lifetime: float) -> None:
    # A replica killed while holding a ticket: its ticket expires, others go on.
    store = _store(redis_url, redis_key_prefix)
    conversation = f"c{uuid.uuid4().hex}"
    store.issue_ticket(conversation, lock_lifetime=ticket_lifetime)

    async def next_message() -> None:
        async with store.lock(conversation, wait_time_in_seconds=0.01):
            pass

    asyncio.run(asyncio.wait_for(next_message(), timeout=10))
