"""Render the texts of actions/antworten.yml, in Leichte Sprache when the citizen asked for it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ANTWORTEN_PATH = Path(__file__).with_name("antworten.yml")


@lru_cache(maxsize=1)
def templates() -> dict[str, dict[str, str]]:
    """All templates by key, each with a ``standard`` and a ``leicht`` text."""
    data: dict[str, dict[str, str]] = yaml.safe_load(ANTWORTEN_PATH.read_text(encoding="utf-8"))
    return data


def text(key: str, tracker: Tracker, **values: Any) -> str:
    """The template ``key`` in the variant the conversation needs, filled with ``values``."""
    variant = "leicht" if tracker.get_slot("leichte_sprache") else "standard"
    return templates()[key][variant].format(**values)


def say(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    key: str,
    buttons: list[dict[str, str]] | None = None,
    **values: Any,
) -> None:
    """Send template ``key`` (with optional buttons) to the citizen."""
    dispatcher.utter_message(text=text(key, tracker, **values), buttons=buttons or [])
