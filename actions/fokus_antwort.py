"""Answers a message gets from the topic in focus alone, before anything else is tried.

Used where the NLU found no topic of its own (a follow-up, a fallback): a number with IKZ in
focus recalculates the funding, a question that fits the topic's FAQ gets that FAQ. Its own
module because the IKZ answer (actions/ikz.py) itself depends on actions/fokus.py.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.fokus import focus_faq
from actions.ikz import ikz_recount


def answer_from_focus(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """Answer from the topic in focus; ``None`` (nothing sent) if it does not tell the answer."""
    recount = ikz_recount(dispatcher, tracker)
    if recount:
        return recount
    response = focus_faq(tracker)
    if response:
        dispatcher.utter_message(response=response)
        return []
    return None
