"""Redis lock store whose ticket operations are atomic across Rasa replicas.

Rasa Open Source 3.6's ``RedisLockStore`` updates a conversation's ticket
lock with a plain GET, modify, SET. Two replicas that receive messages for
the same conversation at the same moment can overwrite each other's tickets
and then process the messages concurrently, which loses tracker events
(https://github.com/RasaHQ/rasa/issues/9213; a "ConcurrentRedisLockStore"
was added in PR #11256 and reverted in PR #11428). Our replica test
reproduces the loss.

This subclass does every read-modify-write in a Redis transaction
(WATCH/MULTI/EXEC, retried on conflicts), and gives each lock key a TTL so
that a replica killed while holding a ticket does not leave sender ids in
Redis forever. Select it in endpoints.yml with
``lock_store: {type: bot.ops.lock_store.AtomicRedisLockStore, url: ..., ...}``.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.client import Pipeline

T = TypeVar("T")

# Keep a lock key this long after its last ticket expired (seconds).
KEY_TTL_MARGIN_S = 60


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` with atomic ticket issue, update and clean-up."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        """Create the store from an endpoints.yml entry (or plain kwargs)."""
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
            if kwargs.get("host") is None:
                kwargs.pop("host")
        super().__init__(**kwargs)

    def _key(self, conversation_id: str) -> str:
        return self.key_prefix + conversation_id

    def _atomic(
        self,
        conversation_id: str,
        change: Callable[[TicketLock | None], T],
        create: bool = False,
    ) -> T:
        """Apply ``change`` to the stored lock inside a WATCH/MULTI transaction.

        ``change`` mutates the lock (a new one if ``create`` and none exists)
        and returns a result. The lock is written back with a TTL, or deleted
        when no tickets are left. Conflicting writers make redis-py retry.
        """
        key = self._key(conversation_id)

        def transaction(pipe: Pipeline) -> T:
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            if lock is None and create:
                lock = self.create_lock(conversation_id)
            result = change(lock)
            pipe.multi()
            if lock is not None and lock.tickets:
                latest = max(ticket.expires for ticket in lock.tickets)
                ttl = max(1, math.ceil(latest - time.time()) + KEY_TTL_MARGIN_S)
                pipe.set(key, lock.dumps(), ex=ttl)
            elif raw:
                pipe.delete(key)
            return result

        result: T = self.red.transaction(transaction, key, value_from_callable=True)
        return result

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Atomically issue a ticket, creating the lock if needed."""

        def change(lock: TicketLock | None) -> int:
            assert lock is not None  # create=True
            return lock.issue_ticket(lock_lifetime)

        try:
            return self._atomic(conversation_id, change, create=True)
        except Exception as error:  # same contract as LockStore.issue_ticket
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        """Atomically drop expired tickets (never overwrites new tickets)."""

        def change(lock: TicketLock | None) -> None:
            if lock is not None:
                lock.remove_expired_tickets()

        self._atomic(conversation_id, change)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Atomically remove one served ticket."""

        def change(lock: TicketLock | None) -> None:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)

        self._atomic(conversation_id, change)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the served ticket; the lock goes away when nobody is waiting.

        The base class checks "someone waiting" and deletes in two steps, which
        can delete a ticket another replica has just issued.
        """
        self.finish_serving(conversation_id, ticket_number)
