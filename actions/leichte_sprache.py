"""Switching Leichte Sprache on repeats the previous answer in Leichte Sprache."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.antworten import LEICHT, METADATA_KEY, say
from actions.context import previous_answer, user_text
from actions.fokus import focus_event
from actions.online_leistungen import answer_service, municipality_in_question
from bot.knowledge.services import load_services
from bot.nlp.faq_cues import MAX_FAQ_ANSWERS, faqs_asked

# Answers that are about the language switch itself are not repeated.
_NOT_REPEATED = ("utter_leichte_sprache_an", "utter_leichte_sprache_aus")


def repeat_in_leichte_sprache(dispatcher: CollectingDispatcher, message: dict[str, Any]) -> None:
    """Send one earlier bot message again, in its Leichte-Sprache variant.

    Action texts carry their Leichte rendering in the metadata (actions/antworten.say);
    domain responses are uttered again by name, and Rasa picks the variant whose condition
    leichte_sprache=true now holds.
    """
    metadata = message.get("metadata") or {}
    stored = metadata.get(METADATA_KEY)
    if isinstance(stored, dict) and isinstance(stored.get(LEICHT), dict):
        leicht = stored[LEICHT]
        dispatcher.utter_message(
            text=leicht.get("text"), buttons=leicht.get("buttons") or [], **{METADATA_KEY: stored}
        )
        return
    response = metadata.get("utter_action")
    if isinstance(response, str) and response.startswith("utter_") and response not in _NOT_REPEATED:
        dispatcher.utter_message(response=response)


class ActionLeichteSpracheAn(Action):
    """Confirm Leichte Sprache, then say the previous answer again in Leichte Sprache."""

    def name(self) -> str:
        return "action_leichte_sprache_an"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("sprache") == "en":
            # Leichte Sprache is German; an English speaker asking for easy language gets
            # plain English already and is told how to get Leichte Sprache if wanted.
            say(dispatcher, tracker, "leichte_sprache_englisch", variant="en")
            return [SlotSet("leichte_sprache", False)]
        dispatcher.utter_message(response="utter_leichte_sprache_an")
        service = load_services().find(user_text(tracker))
        if service is not None:
            # "Bitte in einfachen Worten: Wie bekomme ich Wohngeld?" asks its question too.
            answer_service(dispatcher, tracker, service, municipality_in_question(tracker))
            return [focus_event("leistung", service.id)]
        questions = faqs_asked(user_text(tracker))
        if questions:
            # "Kannst du das einfacher erklären? Was ist die BundID?": the question, in Leichte Sprache.
            for key in questions[:MAX_FAQ_ANSWERS]:
                dispatcher.utter_message(response=f"utter_{key}")
            return []
        for message in previous_answer(tracker):
            repeat_in_leichte_sprache(dispatcher, message)
        return []
