"""Build rasa-sdk Trackers the way the Rasa server sends them, for offline action tests."""

from __future__ import annotations

import string
from functools import cache
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.antworten import METADATA_KEY, templates, variants

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


@cache
def _segments(template: str) -> tuple[str, ...]:
    """The literal parts of ``template`` between its placeholders (one more than placeholders)."""
    segments: list[str] = []
    current = ""
    for literal, field, _, _ in string.Formatter().parse(template):
        current += literal
        if field is not None:
            segments.append(current)
            current = ""
    return (*segments, current)


def _renders(template: str, text: str) -> bool:
    """Whether ``text`` is ``template`` with any value for each placeholder.

    A glob match (the literal parts in order, anything between them), done by finding each
    part after the previous one: the leftmost place leaves the most room for the rest, so this
    is exact. A regex with a lazy group per placeholder backtracked for seconds on long answers.
    """
    segments = _segments(template)
    if len(segments) == 1:
        return text == segments[0]
    first, *middle, last = segments
    if not (text.startswith(first) and text.endswith(last)) or len(first) + len(last) > len(text):
        return False
    position, end = len(first), len(text) - len(last)
    for segment in middle:
        found = text.find(segment, position, end)
        if found < 0:
            return False
        position = found + len(segment)
    return True


def catalogue_problem(message: dict[str, Any]) -> str | None:
    """Why a message an action sends does not come from the text catalogue, or None.

    A message with ``text`` must name its catalogue key (``say`` stores it in the metadata),
    the key must have both variants, and the text must be that key's rendering in one variant
    with some values. A ``response=`` message is a domain response (Rasa renders it).
    """
    if not message.get("text"):
        return None
    stored = message.get(METADATA_KEY)
    key = stored.get("key") if isinstance(stored, dict) else None
    if not isinstance(key, str) or key not in templates():
        return f"text not from actions/antworten.yml (no catalogue key): {message['text']!r}"
    entry = templates()[key]
    missing = [v for v in variants() if not entry.get(v)]
    if missing:
        return f"{key}: no {'/'.join(missing)} variant"
    if not any(_renders(entry[v], message["text"]) for v in variants()):
        return f"{key}: text is not a rendering of the key: {message['text']!r}"
    return None


def assert_from_catalogue(messages: list[dict[str, Any]]) -> None:
    """Fail on the first message whose text is not rendered from the catalogue."""
    for message in messages:
        problem = catalogue_problem(message)
        assert problem is None, problem


async def run(action: Any, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run ``action`` and return (events, messages)."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    # Every text an action sends comes from actions/antworten.yml (issue 15).
    assert_from_catalogue(dispatcher.messages)
    return events, dispatcher.messages


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The slot values an action set, by name."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
