"""Retention and deletion of stored conversations (GDPR).

Works directly on Rasa's SQL tracker store schema (table ``events`` with
``sender_id`` and ``timestamp``), on SQLite and PostgreSQL alike::

    python -m bot.ops.retention delete-older-than --days 30
    python -m bot.ops.retention delete-older-than --days 30 --every-day   # runs until stopped
    python -m bot.ops.retention delete-sender SENDER_ID

``delete-older-than`` deletes every event older than the period, also of conversations
that are still in use. ``make run`` starts it with ``--every-day`` (bot/launcher.py);
compose and Helm run it as a job (deploy/).

The store URL comes from ``--store-url`` or the same environment variables as
``bot.ops.endpoints`` (``TRACKER_STORE_URL``, default SQLite
``build/tracker.db``). Rasa's ``POSTGRESQL_SCHEMA`` is honoured as well.
Only counts are printed: neither message texts nor sender ids.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.ops.endpoints import tracker_store_url

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 30
SECONDS_PER_DAY = 86_400

# Lightweight description of Rasa's SQLTrackerStore table; only the columns
# retention needs. Avoids importing rasa (slow) for a maintenance job.
EVENTS = sa.table("events", sa.column("sender_id"), sa.column("timestamp"))


@dataclass(frozen=True)
class DeletionResult:
    """Number of conversations and events removed (or that would be removed)."""

    conversations: int
    events: int


def _sqlalchemy_url(url: str) -> str:
    """Normalise URL spellings that SQLAlchemy 1.4 rejects."""
    if url.startswith("postgres://"):
        return "postgresql://" + url[len("postgres://") :]
    return url


def create_store_engine(url: str, env: Mapping[str, str] | None = None) -> Engine:
    """Create an engine for the tracker store, honouring ``POSTGRESQL_SCHEMA``.

    Mirrors ``rasa.core.tracker_store.create_engine_kwargs`` so retention sees
    the same tables as the Rasa server.
    """
    env = os.environ if env is None else env
    url = _sqlalchemy_url(url)
    kwargs: dict[str, Any] = {}
    schema = env.get("POSTGRESQL_SCHEMA")
    if schema and url.startswith("postgresql"):
        kwargs["connect_args"] = {"options": f"-csearch_path={schema}"}
    return sa.create_engine(url, future=True, **kwargs)


def _has_events_table(engine: Engine) -> bool:
    """Return whether the store was ever written by Rasa."""
    return sa.inspect(engine).has_table("events")


def delete_older_than(
    engine: Engine, days: float, now: float | None = None, dry_run: bool = False
) -> DeletionResult:
    """Delete every stored event older than ``days`` days.

    Events are deleted one by one, not only whole idle conversations: a Telegram or
    Matrix user keeps one sender id for ever, so a citizen who returns every month
    would otherwise keep the whole history. Newer events of the same person stay.
    ``conversations`` counts the conversations that no event is left of.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    if not _has_events_table(engine):
        return DeletionResult(0, 0)
    cutoff = (time.time() if now is None else now) - days * SECONDS_PER_DAY
    expired = EVENTS.c.timestamp < cutoff
    emptied = (
        sa.select(EVENTS.c.sender_id)
        .group_by(EVENTS.c.sender_id)
        .having(sa.func.max(EVENTS.c.timestamp) < cutoff)
    )
    with engine.begin() as conn:
        conversations = conn.execute(sa.select(sa.func.count()).select_from(emptied.subquery())).scalar_one()
        if dry_run:
            events = conn.execute(sa.select(sa.func.count()).select_from(EVENTS).where(expired)).scalar_one()
        else:
            events = conn.execute(sa.delete(EVENTS).where(expired)).rowcount
    logger.info(
        "retention: %s %d events older than %s days (%d conversations emptied)",
        "would delete" if dry_run else "deleted",
        events,
        days,
        conversations,
    )
    return DeletionResult(int(conversations), int(events))


def run_daily_forever(
    engine_factory: Callable[[], Engine], days: float, interval_s: float = SECONDS_PER_DAY
) -> None:
    """Run :func:`delete_older_than` now and then every ``interval_s`` seconds (blocking).

    For deployments without a job scheduler; an error is logged and retried next time.
    """
    while True:
        engine = engine_factory()
        try:
            delete_older_than(engine, days)
        except Exception as error:  # noqa: BLE001 - a failed run must not end the schedule
            logger.error("retention failed: %s", type(error).__name__)
        finally:
            engine.dispose()
        time.sleep(interval_s)


def delete_sender(engine: Engine, sender_id: str, dry_run: bool = False) -> int:
    """Delete every stored event of one conversation; return the event count."""
    if not _has_events_table(engine):
        return 0
    matches = EVENTS.c.sender_id == sender_id
    with engine.begin() as conn:
        if dry_run:
            events = conn.execute(sa.select(sa.func.count()).select_from(EVENTS).where(matches)).scalar_one()
        else:
            events = conn.execute(sa.delete(EVENTS).where(matches)).rowcount
    # The sender id itself is personal data: never log it.
    logger.info("retention: deleted %d events of one conversation", events)
    return int(events)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.ops.retention", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--store-url",
        help="SQLAlchemy URL of the tracker store (default: from TRACKER_STORE_URL)",
    )
    parser.add_argument("--dry-run", action="store_true", help="count only, delete nothing")
    commands = parser.add_subparsers(dest="command", required=True)
    older = commands.add_parser("delete-older-than", help="delete events older than N days")
    older.add_argument("--days", type=float, default=DEFAULT_RETENTION_DAYS)
    older.add_argument("--every-day", action="store_true", help="repeat every 24 hours until stopped")
    sender = commands.add_parser("delete-sender", help="delete one conversation (GDPR request)")
    sender.add_argument("sender_id")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the retention command line; print counts only."""
    args = _parser().parse_args(argv)
    url = args.store_url or tracker_store_url(os.environ)
    if args.command == "delete-older-than" and args.every_day:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
        run_daily_forever(lambda: create_store_engine(url), args.days)
        return 0
    engine = create_store_engine(url)
    verb = "would delete" if args.dry_run else "deleted"
    try:
        if args.command == "delete-older-than":
            result = delete_older_than(engine, args.days, dry_run=args.dry_run)
            print(
                f"{verb} {result.events} events older than {args.days:g} days "
                f"({result.conversations} conversations emptied)"
            )
        else:
            events = delete_sender(engine, args.sender_id, dry_run=args.dry_run)
            print(f"{verb} {events} events of the requested conversation")
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
