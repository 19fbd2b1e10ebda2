"""Retention/deletion against Rasa's SQLTrackerStore on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import subprocess
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


def _texts(store: SQLTrackerStore, sender: str) -> list[str]:
    """User texts of one conversation as Rasa loads it (every session)."""
    tracker = asyncio.run(store.retrieve_full_tracker(sender))
    assert tracker is not None
    return [e.text or "" for e in tracker.events if isinstance(e, UserUttered)]


def test_returning_messenger_user_keeps_only_new_events(rasa_store: SQLTrackerStore, store_url: str) -> None:
    """A Telegram/Matrix user keeps one sender id for ever and comes back every month."""
    sender = "telegram-4711"
    events: list[Event] = []
    for age in (95, 62, 31, 2, 0.1):
        events += _turn(f"Nachricht vor {age} Tagen", NOW - age * DAY)
    asyncio.run(rasa_store.save(DialogueStateTracker.from_events(sender, events)))
    engine = retention.create_store_engine(store_url)
    try:
        result = retention.delete_older_than(engine, days=30, now=NOW)
    finally:
        engine.dispose()

    assert result == retention.DeletionResult(conversations=0, events=3 * 4)
    assert _texts(rasa_store, sender) == ["Nachricht vor 2 Tagen", "Nachricht vor 0.1 Tagen"]


def test_delete_older_than_removes_old_events_of_every_conversation(
    rasa_store: SQLTrackerStore, store_url: str
) -> None:
    sizes = {
        "old": _save(rasa_store, "old", 45, 40, now=NOW),
        "just-expired": _save(rasa_store, "just-expired", 30.01, now=NOW),
        "just-active": _save(rasa_store, "just-active", 29.99, now=NOW),
        # Started long ago and still in use: its old turns go, the recent one stays.
        "long-running": _save(rasa_store, "long-running", 90, 60, 2, now=NOW),
        "fresh": _save(rasa_store, "fresh", 0.1, now=NOW),
    }
    engine = retention.create_store_engine(store_url)
    try:
        result = retention.delete_older_than(engine, days=30, now=NOW)
    finally:
        engine.dispose()

    deleted = sizes["old"] + sizes["just-expired"] + 2 * 4
    assert result == retention.DeletionResult(conversations=2, events=deleted)
    assert _remaining(rasa_store) == {
        "just-active": sizes["just-active"],
        "long-running": 4,
        "fresh": sizes["fresh"],
    }


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
    assert (
        f"deleted {sizes['stale-conversation']} events older than 30 days (1 conversations emptied)"
        in output.out
    )
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


def test_make_run_schedules_retention_every_day(tmp_path: Path) -> None:
    """The launcher of `make run` starts the daily retention; it deletes at once."""
    from bot import launcher

    command = launcher.commands()["retention"]
    assert command[-4:] == ["delete-older-than", "--days", "30", "--every-day"]
    assert "retention" in [server.name for server in launcher.servers()]

    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    store = SQLTrackerStore(domain=Domain.empty(), host=url)
    now = time.time()
    events = _turn("alt", now - 40 * DAY) + _turn("neu", now - 60)
    asyncio.run(store.save(DialogueStateTracker.from_events("telegram-1", events)))
    env = dict(os.environ, TRACKER_STORE_URL=url, PYTHONPATH=str(Path(launcher.REPO)))
    proc = subprocess.Popen(
        command, cwd=launcher.REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while _texts(store, "telegram-1") != ["neu"]:
            assert proc.poll() is None, proc.communicate()[0].decode()
            assert time.monotonic() < deadline, "retention did not run at start"
            time.sleep(0.5)
        assert proc.poll() is None  # keeps running for the next day
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        store.engine.dispose()


def test_daily_schedule_survives_a_failed_run(monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[float] = []

    def fake_delete(engine: object, days: float) -> None:
        runs.append(days)
        if len(runs) == 1:
            raise RuntimeError("database down")

    sleeps: list[float] = []

    def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(retention, "delete_older_than", fake_delete)
    monkeypatch.setattr(retention.time, "sleep", fake_sleep)
    with pytest.raises(KeyboardInterrupt):
        retention.run_daily_forever(lambda: retention.create_store_engine("sqlite://"), 30)
    assert runs == [30, 30, 30] and sleeps == [DAY, DAY, DAY]
