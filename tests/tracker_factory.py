"""Build rasa-sdk Trackers the way the Rasa server sends them, for offline action tests."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

DOMAIN: dict[str, Any] = {}


def user_event(
    text: str, intent: str, entities: list[dict[str, Any]] | None = None, metadata: dict | None = None
) -> dict[str, Any]:
    """A user event as it appears in ``tracker.events``."""
    return {
        "event": "user",
        "text": text,
        "parse_data": {
            "intent": {"name": intent, "confidence": 1.0},
            "entities": entities or [],
            "text": text,
        },
        "metadata": metadata or {},
    }


def make_tracker(
    text: str,
    intent: str,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    history: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    """A tracker whose latest user message is ``text`` with ``intent`` and ``entities``."""
    latest = user_event(text, intent, entities, metadata)
    return Tracker(
        sender_id="test",
        slots={"leichte_sprache": False, **(slots or {})},
        latest_message={"text": text, "intent": latest["parse_data"]["intent"], "entities": entities or []},
        events=[*(history or []), latest],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def gemeinde(value: str) -> dict[str, Any]:
    """A gemeinde entity as the spaCy entity ruler reports it."""
    return {"entity": "gemeinde", "value": value, "extractor": "SpacyEntityExtractor"}


async def run(action: Any, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run ``action`` and return (events, messages)."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return events, dispatcher.messages


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The slot values an action set, by name."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
