"""Render the texts of actions/antworten.yml, in Leichte Sprache when the citizen asked for it.

Every message sent through :func:`say` also carries its Leichte-Sprache rendering in the
message metadata (``antwort``), so that switching Leichte Sprache on can repeat the last
answer in it (actions/leichte_sprache.py) without knowing which action wrote it.

The catalogue is key -> variant -> text. ``standard`` and ``leicht`` are the German variants;
a further language is added as further variant keys (e.g. ``en``, ``en_leicht``) next to them
and chosen in :func:`variant_of`, so no key and no text changes. Actions send text only through
:func:`say` (tests/conftest.py fails any other text an action sends in the offline tests).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.knowledge.facts import load_facts, stand_of

ANTWORTEN_PATH = Path(__file__).with_name("antworten.yml")
STANDARD = "standard"
LEICHT = "leicht"
# Metadata key of a sent message: {"key": template key, "leicht": {"text", "buttons"}}.
METADATA_KEY = "antwort"
# "{stand_<fact id>}" in a template is "Stand: MM/JJJJ" of that fact in fakten.yml.
_STAND_PREFIX = "stand_"


class Var(str):
    """A value inserted into a template that has its own Leichte-Sprache form.

    It *is* the text of the current variant (a ``str``), so code that only formats it keeps
    working; :func:`render` picks ``leicht`` for the Leichte-Sprache variant.
    """

    leicht: str

    def __new__(cls, standard: str, leicht: str | None = None) -> Var:
        obj = super().__new__(cls, standard)
        obj.leicht = standard if leicht is None else leicht
        return obj


@lru_cache(maxsize=1)
def templates() -> dict[str, dict[str, str]]:
    """All templates by key, each with a ``standard`` and (almost always) a ``leicht`` text."""
    data: dict[str, dict[str, str]] = yaml.safe_load(ANTWORTEN_PATH.read_text(encoding="utf-8"))
    return data


def variant_of(tracker: Tracker) -> str:
    """``leicht`` while the slot leichte_sprache is true, else ``standard``."""
    return LEICHT if tracker.get_slot("leichte_sprache") else STANDARD


class _Values(dict[str, Any]):
    """Template values; ``stand_<fact id>`` comes from the facts (data/knowledge/fakten.yml)."""

    def __missing__(self, key: str) -> str:
        if key.startswith(_STAND_PREFIX) and key[len(_STAND_PREFIX) :] in load_facts():
            return stand_of(key[len(_STAND_PREFIX) :])
        raise KeyError(key)


def _pick(value: Any, variant: str) -> Any:
    return value.leicht if variant == LEICHT and isinstance(value, Var) else value


def render(key: str, variant: str, values: Mapping[str, Any]) -> str:
    """Template ``key`` in ``variant`` filled with ``values`` (Var values follow the variant).

    A key without a ``leicht`` text (only the few standard-only parts) falls back to standard.
    """
    entry = templates()[key]
    template = entry.get(variant) if variant == LEICHT else None
    if template is None:
        template = entry[STANDARD]
    filled = _Values({name: _pick(value, variant) for name, value in values.items()})
    return string.Formatter().vformat(template, (), filled)


def text(key: str, tracker: Tracker, **values: Any) -> Var:
    """The template ``key`` in the variant the conversation needs, filled with ``values``.

    The result also knows its Leichte-Sprache rendering, so it can be inserted into another
    template and still follow the variant there.
    """
    current = render(key, variant_of(tracker), values)
    return Var(current, render(key, LEICHT, values))


def label(key: str, **values: Any) -> Var:
    """Template ``key`` as a :class:`Var` of both variants, for a button title or a value.

    Needs no tracker: :func:`say` and :func:`render` pick the variant when the message is sent.
    """
    return Var(render(key, STANDARD, values), render(key, LEICHT, values))


def _buttons(buttons: list[dict[str, str]], variant: str) -> list[dict[str, str]]:
    return [{**b, "title": str(_pick(b.get("title", ""), variant))} for b in buttons]


def say(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    key: str,
    buttons: list[dict[str, str]] | None = None,
    **values: Any,
) -> None:
    """Send template ``key`` (with optional buttons) to the citizen.

    Button titles may be :class:`Var` values; the message metadata keeps the key and the
    Leichte-Sprache rendering for a later repeat.
    """
    variant = variant_of(tracker)
    buttons = buttons or []
    leicht = {"text": render(key, LEICHT, values), "buttons": _buttons(buttons, LEICHT)}
    dispatcher.utter_message(
        text=render(key, variant, values),
        buttons=_buttons(buttons, variant),
        **{METADATA_KEY: {"key": key, LEICHT: leicht}},
    )
