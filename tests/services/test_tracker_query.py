"""The tracker-store query fix in bot.ops.rasa_patches, on SQLite and real PostgreSQL.

Same events as Rasa's own query, and on PostgreSQL the session-start aggregate runs
once per query, not once per event row (which made loading a tracker quadratic).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.ops import rasa_patches

START = 1_750_000_000.0


def _session(at: float, turns: int) -> list[Event]:
    events: list[Event] = [ActionExecuted("action_session_start", timestamp=at), SessionStarted(timestamp=at)]
    for turn in range(turns):
        t = at + 1 + turn
        events += [
            ActionExecuted("action_listen", timestamp=t),
            UserUttered(f"Nachricht {turn}", intent={"name": "greet", "confidence": 1.0}, timestamp=t + 0.1),
            ActionExecuted("utter_greet", timestamp=t + 0.2),
            BotUttered("Guten Tag!", timestamp=t + 0.3),
        ]
    return events


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SQLTrackerStore]:
    """A tracker store holding two conversations, one with two sessions."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_db")
    store = SQLTrackerStore(domain=Domain.empty(), host=url)
    old, current = _session(START, 30), _session(START + 7200, 60)
    asyncio.run(store.save(DialogueStateTracker.from_events("zwei-sitzungen", old + current)))
    asyncio.run(store.save(DialogueStateTracker.from_events("andere", _session(START, 5))))
    # Events saved before the first session start (as old trackers may have).
    asyncio.run(store.save(DialogueStateTracker.from_events("ohne-start", _session(START, 3)[2:])))
    yield store
    store.engine.dispose()


def _event_dicts(store: SQLTrackerStore, sender: str, all_sessions: bool) -> list[dict]:
    with store.session_scope() as session:
        rows = store._event_query(session, sender, fetch_events_from_all_sessions=all_sessions).all()
        return [json.loads(row.data) for row in rows]


@pytest.mark.parametrize("sender", ["zwei-sitzungen", "andere", "ohne-start", "unbekannt"])
@pytest.mark.parametrize("all_sessions", [False, True])
def test_same_events_as_rasas_query(
    store: SQLTrackerStore, sender: str, all_sessions: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = _event_dicts(store, sender, all_sessions)
    monkeypatch.setattr(SQLTrackerStore, "_event_query", rasa_patches.event_query)
    assert _event_dicts(store, sender, all_sessions) == original
    if sender == "zwei-sitzungen" and not all_sessions:
        # Only the latest session: its start and 60 turns of 4 events.
        assert len(original) == 2 + 60 * 4


def test_retrieve_and_save_use_latest_session(
    store: SQLTrackerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SQLTrackerStore, "_event_query", rasa_patches.event_query)
    tracker = asyncio.run(store.retrieve("zwei-sitzungen"))
    assert tracker is not None
    assert len(tracker.events) == 2 + 60 * 4
    tracker.update(UserUttered("Noch eine Frage", timestamp=START + 9000))
    asyncio.run(store.save(tracker))
    reloaded = asyncio.run(store.retrieve("zwei-sitzungen"))
    assert reloaded is not None and len(reloaded.events) == len(tracker.events)
    assert reloaded.latest_message is not None and reloaded.latest_message.text == "Noch eine Frage"


def _aggregate_loops(plan: dict) -> list[int]:
    loops = [plan["Actual Loops"]] if plan["Node Type"] == "Aggregate" else []
    for child in plan.get("Plans", []):
        loops += _aggregate_loops(child)
    return loops


def test_session_start_is_computed_once_on_postgresql(
    postgres_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SQLTrackerStore(domain=Domain.empty(), host=postgres_db)
    try:
        asyncio.run(store.save(DialogueStateTracker.from_events("lang", _session(START, 150))))
        monkeypatch.setattr(SQLTrackerStore, "_event_query", rasa_patches.event_query)
        with store.session_scope() as session:
            query = store._event_query(session, "lang", fetch_events_from_all_sessions=False)
            # The sender id is this test's constant, so inlining it is safe.
            sql = query.statement.compile(
                dialect=session.bind.dialect, compile_kwargs={"literal_binds": True}
            )
            explained = session.execute(sa.text(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")).scalar_one()
        plan = (explained if isinstance(explained, list) else json.loads(explained))[0]["Plan"]
        loops = _aggregate_loops(plan)
        assert loops, "the plan has no session-start aggregate"
        # 1 (or 0 where PostgreSQL needs no second copy), never once per event row.
        assert all(n <= 1 for n in loops), f"aggregate re-run per row: loops {loops}"
    finally:
        store.engine.dispose()
