"""Render the texts of actions/antworten.yml, in Leichte Sprache when the citizen asked for it.

Every message sent through :func:`say` also carries its Leichte-Sprache rendering in the
message metadata (``antwort``), so that switching Leichte Sprache on can repeat the last
answer in it (actions/leichte_sprache.py) without knowing which action wrote it.

The catalogue is key -> variant -> text. ``standard`` and ``leicht`` are the German variants;
every further language of data/knowledge/sprachen.yml is a variant named by its code (``en``),
chosen in :func:`variant_of` from the slot ``sprache`` (actions/sprache.py). Leichte Sprache is
German and wins over the language slot, like the domain responses' conditions. Actions send text
only through :func:`say` (tests/conftest.py fails any other text an action sends in the offline
tests).
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

from bot.knowledge.facts import fact, load_facts
from bot.knowledge.languages import load_sprachen
from bot.knowledge.stand import stand_label

ANTWORTEN_PATH = Path(__file__).with_name("antworten.yml")
STANDARD = "standard"
LEICHT = "leicht"
# Metadata key of a sent message: {"key": template key, "leicht": {"text", "buttons"}}.
METADATA_KEY = "antwort"
# "{stand_<fact id>}" in a template is "Stand: MM/JJJJ" of that fact in fakten.yml.
_STAND_PREFIX = "stand_"


def variants() -> tuple[str, ...]:
    """Every variant a text can have: standard, leicht, then one per further language."""
    return (STANDARD, LEICHT, *load_sprachen().foreign)


class Var(str):
    """A value inserted into a template that has its own form in other variants.

    It *is* the standard (German) text (a ``str``), so code that only formats it keeps working;
    :func:`render` picks the form of the variant it renders (``leicht``, ``en``, ...). A variant
    the value has no form for shows the standard text (e.g. a German catalogue name in English).
    """

    forms: dict[str, str]

    def __new__(cls, standard: str, leicht: str | None = None, **others: str | None) -> Var:
        obj = super().__new__(cls, standard)
        obj.forms = {LEICHT: standard if leicht is None else leicht}
        obj.forms.update({name: value for name, value in others.items() if value is not None})
        return obj

    @property
    def leicht(self) -> str:
        return self.forms[LEICHT]

    def form(self, variant: str) -> str:
        """The text of this value in ``variant``."""
        return self.forms.get(variant, str(self))


def with_translations(
    standard: str, translations: Mapping[str, str], name: str, leicht: str | None = None
) -> Var:
    """A data field as a :class:`Var`: its other languages come from ``translations``, which
    holds them as "<name>_<code>" (leistungen.yml, lebenslagen.yml: "summary_en")."""
    others = {code: translations.get(f"{name}_{code}") for code in load_sprachen().foreign}
    return Var(standard, leicht, **others)


def join(parts: list[Var], **overrides: str) -> Var:
    """The concatenation of ``parts`` in every variant; ``overrides`` replace single variants
    (``leicht=""`` for a part the Leichte answer says otherwise)."""
    joined = Var("".join(parts))
    joined.forms = {v: "".join(p.form(v) for p in parts) for v in variants() if v != STANDARD}
    joined.forms.update(overrides)
    return joined


@lru_cache(maxsize=1)
def templates() -> dict[str, dict[str, str]]:
    """All templates by key, each with a ``standard`` and (almost always) a ``leicht`` text."""
    data: dict[str, dict[str, str]] = yaml.safe_load(ANTWORTEN_PATH.read_text(encoding="utf-8"))
    return data


def variant_of(tracker: Tracker) -> str:
    """``leicht`` while the slot leichte_sprache is true, else the language of slot ``sprache``
    (``standard`` for German or an unknown code)."""
    if tracker.get_slot("leichte_sprache"):
        return LEICHT
    language = tracker.get_slot("sprache")
    return language if language in variants() and language not in (STANDARD, LEICHT) else STANDARD


class _Values(dict[str, Any]):
    """Template values; ``stand_<fact id>`` is the fact's date (data/knowledge/fakten.yml),
    worded by the catalogue key ``stand`` in the variant being rendered ("Stand: 05/2026")."""

    def __init__(self, values: dict[str, Any], variant: str) -> None:
        super().__init__(values)
        self.variant = variant

    def __missing__(self, key: str) -> str:
        if key.startswith(_STAND_PREFIX) and key[len(_STAND_PREFIX) :] in load_facts():
            return stand_text(fact(key[len(_STAND_PREFIX) :]).stand, self.variant)
        raise KeyError(key)


def stand_text(stand: str, variant: str) -> str:
    """ "Stand: MM/JJJJ" of an ISO ``stand`` date, in ``variant``."""
    return render("stand", variant, {"datum": stand_label(stand)})


def _pick(value: Any, variant: str) -> Any:
    return value.form(variant) if isinstance(value, Var) else value


def render(key: str, variant: str, values: Mapping[str, Any]) -> str:
    """Template ``key`` in ``variant`` filled with ``values`` (Var values follow the variant).

    A key without a text in ``variant`` (only the few standard-only parts in Leichte Sprache)
    falls back to standard.
    """
    entry = templates()[key]
    template = entry.get(variant) or entry[STANDARD]
    filled = _Values({name: _pick(value, variant) for name, value in values.items()}, variant)
    return string.Formatter().vformat(template, (), filled)


def text(key: str, tracker: Tracker, **values: Any) -> Var:
    """The template ``key`` in the variant the conversation needs, filled with ``values``.

    The result also knows its renderings in the other variants, so it can be inserted into
    another template and still follow the variant there.
    """
    del tracker  # the variant is picked where the text is sent (say) or inserted (render)
    return label(key, **values)


def label(key: str, **values: Any) -> Var:
    """Template ``key`` as a :class:`Var` of every variant, for a button title or a value.

    Needs no tracker: :func:`say` and :func:`render` pick the variant when the message is sent.
    """
    rendered = Var(render(key, STANDARD, values))
    rendered.forms = {v: render(key, v, values) for v in variants() if v != STANDARD}
    return rendered


def _buttons(buttons: list[dict[str, str]], variant: str) -> list[dict[str, str]]:
    return [{**b, "title": str(_pick(b.get("title", ""), variant))} for b in buttons]


def say(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    key: str,
    buttons: list[dict[str, str]] | None = None,
    variant: str | None = None,
    **values: Any,
) -> None:
    """Send template ``key`` (with optional buttons) to the citizen.

    Button titles may be :class:`Var` values; the message metadata keeps the key and the
    Leichte-Sprache rendering for a later repeat.
    """
    variant = variant or variant_of(tracker)
    buttons = buttons or []
    leicht = {"text": render(key, LEICHT, values), "buttons": _buttons(buttons, LEICHT)}
    dispatcher.utter_message(
        text=render(key, variant, values),
        buttons=_buttons(buttons, variant),
        **{METADATA_KEY: {"key": key, LEICHT: leicht}},
    )
