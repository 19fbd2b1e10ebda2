"""FAQ answers (retrieval intent ``faq``), one per question when a message asks two.

Rasa's own ``utter_faq`` says only the ResponseSelector's one answer, so "Was ist das
Verwaltungsportal Hessen und was hat civento damit zu tun?" lost its second question. This
action says the selected answer, or one answer per question (bot.nlp.rules.faq_answers). The
answers are the domain's ``utter_faq/<key>`` responses, so their Leichte Sprache and English
variants apply as before.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.antworten import say
from actions.context import user_text
from actions.kontakt import gemeinde_hinweis
from actions.themen import other_topics
from bot.nlp.rules import faq_answers, response_key


class ActionFaq(Action):
    """Say the FAQ answer(s) for the latest message."""

    def name(self) -> str:
        return "action_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        selected = response_key(tracker.latest_message.get("response_selector"))
        keys = faq_answers(user_text(tracker), selected)
        if not keys:
            # No answer was selected (cannot happen with intent faq): the topics instead.
            dispatcher.utter_message(response="utter_wie_sonst")
        for key in keys:
            dispatcher.utter_message(response=f"utter_{key}")
        # "… And if not, is there a phone number I can call?": the person to contact after it.
        if keys and other_topics(user_text(tracker), ()).handoff:
            say(dispatcher, tracker, "kontakt", gemeinde_hinweis=gemeinde_hinweis(tracker))
        return []
