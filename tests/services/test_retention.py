"""Retention/deletion against Rasa's SQLTrackerStore on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.ops import retention

DAY = 86_400.0
NOW = 1_750_000_000.0  # fixed clock for the function-level tests


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path, postgres_admin_url: str) -> Iterator[str]:
    """Yield the URL of an empty tracker store of each supported dialect."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
    else:
        yield request.getfixturevalue("postgres_db")


@pytest.fixture()
def rasa_store(store_url: str) -> Iterator[SQLTrackerStore]:
    """Rasa's own tracker store on ``store_url`` (a URL host is used verbatim)."""
    store = SQLTrackerStore(domain=Domain.empty(), host=store_url)
    yield store
    store.engine.dispose()


def _turn(text: str, at: float) -> list[Event]:
    """One user message with the bot's answer, all at ``at`` (epoch seconds)."""
    return [
        UserUttered(text, intent={"name": "greet", "confidence": 1.0}, timestamp=at),
        ActionExecuted("utter_greet", timestamp=at + 0.1),
        BotUttered("Guten Tag!", timestamp=at + 0.2),
        ActionExecuted("action_listen", timestamp=at + 0.3),
    ]


def _save(store: SQLTrackerStore, sender: str, *ages_days: float, now: float) -> int:
    """Store one conversation with one turn per age; return its event count."""
    events: list[Event] = []
    for age in sorted(ages_days, reverse=True):
        events += _turn(f"Nachricht von {sender}", now - age * DAY)
    tracker = DialogueStateTracker.from_events(sender, events)
    asyncio.run(store.save(tracker))
    return len(events)


def _remaining(store: SQLTrackerStore) -> dict[str, int]:
    """Return {sender_id: number of stored events} as Rasa sees them."""

    async def collect() -> dict[str, int]:
        result = {}
        for sender in await store.keys():
            tracker = await store.retrieve_full_tracker(sender)
            assert tracker is not None
            result[sender] = len(tracker.events)
        return result

    return asyncio.run(collect())


def test_delete_older_than_removes_only_idle_conversations(
    rasa_store: SQLTrackerStore, store_url: str
) -> None:
    sizes = {
        "old": _save(rasa_store, "old", 45, 40, now=NOW),
        "just-expired": _save(rasa_store, "just-expired", 30.01, now=NOW),
        "just-active": _save(rasa_store, "just-active", 29.99, now=NOW),
        # Started long ago but still active: must be kept as a whole.
        "long-running": _save(rasa_store, "long-running", 90, 60, 2, now=NOW),
        "fresh": _save(rasa_store, "fresh", 0.1, now=NOW),
    }
    engine = retention.create_store_engine(store_url)
    try:
        result = retention.delete_older_than(engine, days=30, now=NOW)
    finally:
        engine.dispose()

    assert result == retention.DeletionResult(conversations=2, events=sizes["old"] + sizes["just-expired"])
    kept = ("just-active", "long-running", "fresh")
    assert _remaining(rasa_store) == {sender: sizes[sender] for sender in kept}


def test_dry_run_counts_without_deleting(rasa_store: SQLTrackerStore, store_url: str) -> None:
    sizes = {
        "a": _save(rasa_store, "a", 50, now=NOW),
        "b": _save(rasa_store, "b", 1, now=NOW),
    }
    engine = retention.create_store_engine(store_url)
    try:
        result = retention.delete_older_than(engine, days=7, now=NOW, dry_run=True)
        assert result == retention.DeletionResult(1, sizes["a"])
        assert retention.delete_sender(engine, "b", dry_run=True) == sizes["b"]
    finally:
        engine.dispose()
    assert _remaining(rasa_store) == sizes


def test_delete_sender_removes_exactly_one_conversation(rasa_store: SQLTrackerStore, store_url: str) -> None:
    sizes = {
        sender: _save(rasa_store, sender, 3, 1, now=NOW) for sender in ("person-1", "person-2", "person-10")
    }
    engine = retention.create_store_engine(store_url)
    try:
        assert retention.delete_sender(engine, "person-1") == sizes["person-1"]
        # Unknown sender and repeated request: nothing (more) to delete.
        assert retention.delete_sender(engine, "person-1") == 0
        assert retention.delete_sender(engine, "person-%") == 0
    finally:
        engine.dispose()
    assert _remaining(rasa_store) == {
        "person-2": sizes["person-2"],
        "person-10": sizes["person-10"],
    }


def test_command_line_uses_wall_clock_and_prints_counts_only(
    rasa_store: SQLTrackerStore, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    now = time.time()
    secret_sender = "sender-4711-geheim"
    sizes = {
        "stale-conversation": _save(rasa_store, "stale-conversation", 31, now=now),
        secret_sender: _save(rasa_store, secret_sender, 0.5, now=now),
        "recent-conversation": _save(rasa_store, "recent-conversation", 5, now=now),
    }

    assert retention.main(["--store-url", store_url, "delete-older-than"]) == 0
    assert retention.main(["--store-url", store_url, "delete-sender", secret_sender]) == 0

    output = capsys.readouterr()
    assert "deleted 1 conversations" in output.out
    assert f"deleted {sizes[secret_sender]} events" in output.out
    for text in (secret_sender, "stale-conversation", "Nachricht"):
        assert text not in output.out + output.err
    assert _remaining(rasa_store) == {"recent-conversation": sizes["recent-conversation"]}


def test_empty_store_without_events_table(store_url: str) -> None:
    engine = retention.create_store_engine(store_url)
    try:
        assert retention.delete_older_than(engine, days=30) == retention.DeletionResult(0, 0)
        assert retention.delete_sender(engine, "nobody") == 0
    finally:
        engine.dispose()


def test_negative_days_are_rejected(store_url: str) -> None:
    engine = retention.create_store_engine(store_url)
    try:
        with pytest.raises(ValueError):
            retention.delete_older_than(engine, days=-1)
    finally:
        engine.dispose()
