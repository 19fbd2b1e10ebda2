"""The conversation's language, set after every citizen message (slot ``sprache``; issue 16).

Rasa runs this action for the slot's custom mapping right after each user message, before any
answer is chosen, so domain responses (condition ``sprache``) and action texts
(actions/antworten.py) already use the new language in that turn.

Order: the language the message is written in (bot/nlp/language.py); a message whose words do
not tell ("Kassel", "Wohngeld") takes the language the widget's switch sends
(``metadata.sprache``); without that it keeps the conversation's language. So the language
follows the citizen: a German message after English answers in German again.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import latest_metadata, user_text
from bot.knowledge.languages import load_sprachen
from bot.nlp.language import detect

SLOT = "sprache"


def chosen_language(tracker: Tracker) -> str | None:
    """The language the widget's switch sent with the latest message, if it is one we speak."""
    value = latest_metadata(tracker).get(SLOT)
    return value if isinstance(value, str) and value in load_sprachen().codes else None


def language_of_turn(tracker: Tracker) -> str:
    """The language to answer the latest message in.

    A button payload ("/urkunde_beantragen") is not the citizen's writing: its intent name is
    German whatever language the button title had, so it keeps the language.
    """
    text = user_text(tracker)
    return (
        (None if text.startswith("/") else detect(text))
        or chosen_language(tracker)
        or tracker.get_slot(SLOT)
        or load_sprachen().standard
    )


class ActionSprache(Action):
    """Fill slot ``sprache`` (custom slot mapping in domain.yml)."""

    def name(self) -> str:
        return "action_sprache"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = language_of_turn(tracker)
        if language == tracker.get_slot(SLOT):
            return []
        return [SlotSet(SLOT, language)]
