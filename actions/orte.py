"""Turning what the citizen typed into a place, and telling them when that fails.

The slot ``ort`` has one meaning: the place as the citizen gave it — their words ("Gießen",
"35390", "Mainz-Kastel") or the key of a place button they chose (an AGS, "Weimar
(Thüringen)"). It is never rewritten to a resolved value; every action that needs the place
resolves it here, so the same text always gives the same place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.antworten import say
from actions.context import echo, place_buttons
from bot.knowledge.dialekt import standardise
from bot.knowledge.municipalities import Municipality, load_municipalities
from bot.knowledge.text import normalise


@dataclass(frozen=True)
class Place:
    """A resolved place: a Hessian municipality, or a named place outside Hessen."""

    municipality: Municipality | None = None
    outside_name: str | None = None
    land: str | None = None
    district: str | None = None


def slot_text(value: Any) -> str:
    """Slot values may be lists when several entities were found; join them."""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value or "")


_GEMEINDE_PAYLOAD = re.compile(r"^/\w+(\{.*\})$")
# A word the citizen names a button by ("Efze", "Vogelsberg"); shorter ones ("im", "the") never,
# nor the words of every kind of title ("Kreis", "Stadtteil").
_MIN_CHOICE_WORD = 4
_GENERIC_WORDS = frozenset(
    {"kreis", "landkreis", "stadt", "gemeinde", "stadtteil", "town", "district", "municipality", "city"}
)


def offered_buttons(tracker: Tracker) -> list[dict[str, Any]]:
    """The buttons of the bot's messages right before the latest user message."""
    buttons: list[dict[str, Any]] = []
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                break
        elif event.get("event") == "bot" and users == 1:
            buttons = list((event.get("data") or {}).get("buttons") or []) + buttons
    return buttons


def chosen_place(tracker: Tracker, text: str) -> str | None:
    """The place of the place button the citizen picks by naming what tells it apart.

    After "Lautertal passt zu mehreren Orten", "das im Vogelsberg", "Vogelsberg" or "the one in
    the Odenwald" mean the button whose title alone has that word (a prefix of five letters
    or more counts: "Vogelsberg" picks "Vogelsbergkreis"). None unless exactly one button fits.
    """
    places: list[tuple[str, set[str]]] = []
    for button in offered_buttons(tracker):
        match = _GEMEINDE_PAYLOAD.match(str(button.get("payload") or ""))
        try:
            gemeinde = json.loads(match.group(1)).get("gemeinde") if match else None
        except ValueError:
            gemeinde = None
        if isinstance(gemeinde, str):
            places.append((gemeinde, set(normalise(str(button.get("title") or "")).split())))
    if len(places) < 2:
        return None
    shared = set.intersection(*(words for _, words in places))
    # Hessian too: "des im Odewald" (bot/knowledge/dialekt.py).
    said = [
        w
        for w in normalise(f"{text} {standardise(text)}").split()
        if len(w) >= _MIN_CHOICE_WORD and w not in _GENERIC_WORDS
    ]

    def names(word: str, title_word: str) -> bool:
        return word == title_word or (len(word) >= 5 and title_word.startswith(word))

    fitting = [
        gemeinde for gemeinde, words in places if any(names(w, t) for w in said for t in words - shared)
    ]
    return fitting[0] if len(fitting) == 1 else None


# An ambiguous name with up to this many candidates gets a link per candidate.
_MAX_LINKED_CANDIDATES = 4


def resolve_or_explain(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    value: Any,
    intent: str = "angabe",
    explain_district: bool = True,
    link_of: Callable[[Municipality], str] | None = None,
) -> Place | None:
    """Resolve ``value`` to a place; if that fails, tell the citizen what to do next.

    Ambiguous names get one button per candidate (and per namesake outside Hessen),
    a Kreis alone gets a request for the municipality, an unknown text is quoted back
    (shortened) with a hint. A district says which municipality it belongs to
    ("Mainz-Kastel gehört zu Wiesbaden"), so the citizen sees why that town is answered —
    unless ``explain_district`` is false (form validation: the answer that follows says it).
    With ``link_of``, an ambiguous name also gets each candidate's link (the Standesamt page).
    """
    text = slot_text(value)
    result = load_municipalities().resolve(text)
    if result.status == "found" and result.municipality:
        m = result.municipality
        if explain_district and result.district and normalise(result.district) != normalise(m.label):
            say(dispatcher, tracker, "ort_stadtteil", stadtteil=result.district, gemeinde=m.label)
        return Place(municipality=m, district=result.district)
    if result.status == "outside_hessen":
        return Place(outside_name=result.place, land=result.land)
    if result.status == "ambiguous":
        buttons = place_buttons(result.candidates, intent, result.districts, result.outside_options)
        key = "ort_namensvetter" if result.outside_options else "ort_mehrdeutig"
        say(dispatcher, tracker, key, buttons, eingabe=echo(text))
        if link_of and not result.outside_options and len(result.candidates) <= _MAX_LINKED_CANDIDATES:
            # "Sterbeurkunde Reichelsheim": each candidate's Standesamt link right away, so the
            # citizen who knows which one is meant needs no second step.
            links = "\n".join(
                f"• {button['title']}: {link_of(m)}"
                for button, m in zip(buttons, result.candidates, strict=True)
            )
            say(dispatcher, tracker, "ort_mehrdeutig_links", links=links)
    elif result.kreis:
        say(dispatcher, tracker, "ort_nur_kreis", kreis=result.kreis)
    else:
        say(dispatcher, tracker, "ort_unbekannt", eingabe=echo(text))
    return None
