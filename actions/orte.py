"""Turning what the citizen typed into a place, and telling them when that fails.

The slot ``ort`` has one meaning: the place as the citizen gave it — their words ("Gießen",
"35390", "Mainz-Kastel") or the key of a place button they chose (an AGS, "Weimar
(Thüringen)"). It is never rewritten to a resolved value; every action that needs the place
resolves it here, so the same text always gives the same place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.antworten import say
from actions.context import echo, place_buttons
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


def resolve_or_explain(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    value: Any,
    intent: str = "angabe",
    explain_district: bool = True,
) -> Place | None:
    """Resolve ``value`` to a place; if that fails, tell the citizen what to do next.

    Ambiguous names get one button per candidate (and per namesake outside Hessen),
    a Kreis alone gets a request for the municipality, an unknown text is quoted back
    (shortened) with a hint. A district says which municipality it belongs to
    ("Mainz-Kastel gehört zu Wiesbaden"), so the citizen sees why that town is answered —
    unless ``explain_district`` is false (form validation: the answer that follows says it).
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
    elif result.kreis:
        say(dispatcher, tracker, "ort_nur_kreis", kreis=result.kreis)
    else:
        say(dispatcher, tracker, "ort_unbekannt", eingabe=echo(text))
    return None
