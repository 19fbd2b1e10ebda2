"""The topic in focus, so that follow-ups that name no topic of their own are understood.

Citizens continue a topic with a few words: "Und in Kassel?" after a Wohngeld answer,
"Und vier?" after the IKZ calculator, "Was kostet das?" after a passport answer, or a bare
"Gießen" after the offer to order a Sterbeurkunde. Every answering action records its
topic in the slot ``fokus`` ("leistung:wohngeld", "urkunde:sterbeurkunde", "standesamt",
"ikz"); a new topic replaces it. The follow-up actions (actions/nachfragen.py) read it.

Why a slot and not training data: the follow-up text is the same for every topic
("und in Kassel?"); only the previous turn tells them apart, and a slot carries that
turn deterministically (stories would need every topic × follow-up combination).
"""

from __future__ import annotations

from dataclasses import dataclass

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

FOKUS_SLOT = "fokus"


@dataclass(frozen=True)
class Focus:
    """The topic a follow-up refers to: its kind and, where it has one, its value."""

    kind: str  # leistung | urkunde | standesamt | ikz
    value: str | None = None


def focus_event(kind: str, value: str | None = None) -> SlotSet:
    """The event that puts ``kind`` (with ``value``) in focus."""
    return SlotSet(FOKUS_SLOT, f"{kind}:{value}" if value else kind)


def current_focus(tracker: Tracker) -> Focus | None:
    """The topic in focus, from the slot ``fokus``."""
    raw = tracker.get_slot(FOKUS_SLOT)
    if not isinstance(raw, str) or not raw:
        return None
    kind, _, value = raw.partition(":")
    return Focus(kind, value or None)
