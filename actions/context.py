"""What actions read from the tracker besides slots: text, entities, home municipality."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker

from actions.antworten import label
from actions.payloads import intent_payload
from bot.knowledge.ags import kommune_from_metadata
from bot.knowledge.municipalities import Municipality, load_municipalities

# The home municipality reaches the actions on one path only: ``metadata.kommune`` of the user
# message. The widget sends it per page (the gateway fills in DEFAULT_KOMMUNE), the Telegram
# and Matrix channels add BOT_KOMMUNE to every message; the NLU rules (bot/nlp/rules.py) read
# the same metadata. The action server reads no environment variable for it.
# Long messages are cut before matching: a 10 kB paste must not cost seconds.
MAX_TEXT_CHARS = 2000
_ECHO_CHARS = 40


def user_text(tracker: Tracker) -> str:
    """The latest user message, cut to a size that is safe to process."""
    return (tracker.latest_message.get("text") or "")[:MAX_TEXT_CHARS]


def echo(text: str) -> str:
    """A short, single-line quote of user input for answers ("„Atlantis“ finde ich nicht")."""
    flat = " ".join(re.sub(r"[{}<>]", "", text).split())
    return flat if len(flat) <= _ECHO_CHARS else flat[: _ECHO_CHARS - 1] + "…"


def _values(entities: list[dict[str, Any]], entity: str) -> list[str]:
    """Values of ``entity`` among ``entities``, first occurrence first, no duplicates."""
    values: dict[str, None] = {}
    for item in entities:
        if item.get("entity") == entity and item.get("value"):
            values[str(item["value"])] = None
    return list(values)


def entity_values(tracker: Tracker, entity: str) -> list[str]:
    """Values of ``entity`` in the latest message, first occurrence first, no duplicates."""
    return _values(tracker.latest_message.get("entities") or [], entity)


def previous_entity_values(tracker: Tracker, entity: str) -> list[str]:
    """Values of ``entity`` in the user message before the latest one, first occurrence first."""
    users = (e for e in reversed(tracker.events) if e.get("event") == "user")
    next(users, None)
    previous = next(users, None) or {}
    return _values((previous.get("parse_data") or {}).get("entities") or [], entity)


def latest_metadata(tracker: Tracker) -> dict[str, Any]:
    """The metadata the channel sent with the latest user message (empty when none)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            metadata = event.get("metadata")
            return metadata if isinstance(metadata, dict) else {}
    return {}


def home_municipality(tracker: Tracker) -> Municipality | None:
    """The municipality whose website (or deployment) the citizen is using, if known.

    The newest user message carrying a Hessian ``metadata.kommune`` wins; otherwise ``None``
    (e.g. ``make shell``: ``rasa shell`` sends no metadata).
    """
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            ags = kommune_from_metadata(event.get("metadata"))
            if ags:
                return load_municipalities().by_ags(ags)
    return None


def place_buttons(
    candidates: tuple[Municipality, ...],
    intent: str = "angabe",
    districts: tuple[tuple[str, str], ...] = (),
    outside: tuple[tuple[str, str], ...] = (),
) -> list[dict[str, str]]:
    """One button per candidate; the payload carries the AGS so the choice is exact.

    A candidate that is there because of one of its districts says so ("Frankfurt am Main
    (Stadtteil Höchst)"); places outside Hessen get a button with their full name, which
    the resolver then recognises ("Weimar (Thüringen)").
    """
    district_of = dict(districts)
    buttons = [
        {
            "title": label("knopf_ort_stadtteil", gemeinde=m.label, stadtteil=district_of[m.ags])
            if m.ags in district_of
            else label("knopf_ort_kreis", gemeinde=m.label, kreis=m.kreis_label),
            "payload": intent_payload(intent, gemeinde=m.ags),
        }
        for m in candidates[:6]
    ]
    buttons += [
        {
            "title": label("knopf_ort_kreis", gemeinde=place, kreis=land),
            "payload": intent_payload(intent, gemeinde=place),
        }
        for place, land in outside
    ]
    return buttons


def previous_user_text(tracker: Tracker) -> str:
    """The user message before the latest one ("" if there is none), cut like :func:`user_text`."""
    texts = (str(e.get("text") or "") for e in reversed(tracker.events) if e.get("event") == "user")
    next(texts, None)
    return next(texts, "")[:MAX_TEXT_CHARS]


def previous_answer(tracker: Tracker) -> list[dict[str, Any]]:
    """The bot messages of the turn before the latest user message (oldest first)."""
    answer: list[dict[str, Any]] = []
    users_seen = 0
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            users_seen += 1
            if users_seen == 2:
                break
        elif kind == "bot" and users_seen == 1:
            answer.append(event)
    return list(reversed(answer))
