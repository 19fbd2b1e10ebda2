"""Rules of the Standesamt asked without a place (no form, no place question).

"Wie lange führt ein Standesamt die Geburtseinträge?" (fakten.yml: register_archiv) and "Ist
für eine Sterbeurkunde das Standesamt am Wohnort oder am Sterbeort zuständig?"
(standesamt_ereignisort) are answered with the rule itself; bot.nlp.understanding sends them
here as follow-ups (intent ``nachfrage``), because the classifier reads them as the search.
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.antworten import say
from actions.context import user_text
from actions.fokus import current_focus, focus_event
from actions.urkunden import event_phrase
from bot.nlp.certificates import certificate_kind, event_kind
from bot.nlp.faq_cues import event_place_rule_question, register_retention_question

_REGISTER_FOCUS = "register"
# "Und die Sterbeeinträge?" after the retention answer: the same answer, which names all three.
_REGISTER_WORD = re.compile(r"eintr(?:ä|ae)g|register|geburt|\behe|heirat|sterbe|tod", re.IGNORECASE)


def answer_standesamt_rule(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """Answer a question about the Standesamt's rules; ``None`` (nothing sent) if it is none."""
    text = user_text(tracker)
    focus = current_focus(tracker)
    if register_retention_question(text) or (
        focus and focus.kind == _REGISTER_FOCUS and _REGISTER_WORD.search(text)
    ):
        say(dispatcher, tracker, "register_archiv")
        return [focus_event(_REGISTER_FOCUS)]
    if event_place_rule_question(text):
        kind = certificate_kind(text) or event_kind(text)
        if kind:
            say(dispatcher, tracker, "ereignisort_regel", ereignis=event_phrase(kind))
        else:
            say(dispatcher, tracker, "ereignisort_regel_allgemein")
        return [focus_event("urkunde", kind) if kind else focus_event("standesamt")]
    return None
