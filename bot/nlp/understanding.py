"""The NLU component that applies :mod:`bot.nlp.rules` after DIET, before the fallback.

The rules themselves are Rasa-free (the action server uses them too, without Rasa);
this module only plugs them into Rasa's graph. Why rules and not more training data:
see :mod:`bot.nlp.rules`.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.certificates import KIND_LABEL, event_entity
from bot.nlp.entities import StatelessComponent
from bot.nlp.faq_cues import (
    FAQ_INTENT,
    ONLINE_OFFER_OVERRIDABLE,
    SERVICEKONTO_REPLACED,
    STANDESAMT_RULE_OVERRIDABLE,
    UNSURE,
    asks_for_online_offer,
    certificate_faq_guessed,
    certificate_order_misread_as_faq,
    event_place_rule_question,
    event_told_for_certificate_faq,
    faq_for_stray_selection,
    faq_override,
    ministry_misread_as_faq,
    old_account_misread_as_company,
    register_retention_question,
    response_key,
    select_response,
    service_misread_as_faq,
)
from bot.nlp.ikz_cues import funding_misread_as_totals, totals_misread_as_funding
from bot.nlp.rules import (
    BOT_QUESTION_OVERRIDABLE,
    CAN_DO_OVERRIDABLE,
    HOW_ARE_YOU_OVERRIDABLE,
    PLACE_LABEL,
    THANKS_OVERRIDABLE,
    asks_what_the_bot_can_do,
    asks_what_the_bot_is,
    bot_question_alone,
    can_do_question_alone,
    follow_up_misread_as_small_talk,
    how_are_you_only,
    refine,
    service_beside_small_talk,
    thanks_only,
    topic_question_misread_as_small_talk,
)

RESPONSE_SELECTOR = "response_selector"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ContextualUnderstanding(StatelessComponent):
    """Applies :func:`refine` to every message (after entity clean-up, before the fallback)."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Refine intent and entities of each message."""
        for message in messages:
            text = message.get(TEXT) or ""
            before = message.get(INTENT)
            intent, entities = refine(text, before, message.get(ENTITIES) or [], message.get("metadata"))
            message.set(ENTITIES, entities, add_to_output=True)
            has_place = any(e.get("entity") == PLACE_LABEL for e in entities)
            name = (intent or {}).get("name")
            selected = response_key(message.get(RESPONSE_SELECTOR))
            faq_key = faq_override(text, intent, has_place)
            # The classifier's own confidence, before a rule decided.
            unsure = float((before or {}).get("confidence") or 0.0) < UNSURE
            # The response to say instead of the ResponseSelector's choice, if a rule decides one.
            response: str | None = None
            if faq_key:
                intent = {"name": FAQ_INTENT, "confidence": 1.0}
                response = faq_key
            elif name == FAQ_INTENT and certificate_faq_guessed(text, selected):
                # Neither a certificate nor its question named: the topic in focus decides.
                intent = {"name": "nachfrage", "confidence": 1.0}
            elif name == FAQ_INTENT and certificate_order_misread_as_faq(text, selected):
                intent = {"name": "urkunde_beantragen", "confidence": 1.0}
            elif name == FAQ_INTENT and event_told_for_certificate_faq(text, selected, has_place):
                # "Und für meine Schwester? Die ist in Fulda zur Welt gekommen." after a birth
                # certificate: another order, for the place of the told event.
                intent = {"name": "urkunde_beantragen", "confidence": 1.0}
                if not any(e.get("entity") == KIND_LABEL for e in entities):
                    entities = [*entities, event_entity(text)]
                    message.set(ENTITIES, entities, add_to_output=True)
            elif (
                name == FAQ_INTENT
                and service_misread_as_faq(text, selected)
                or name == "chitchat"
                and service_beside_small_talk(text)
            ):
                intent = {"name": "online_beantragen", "confidence": 1.0}
            elif (
                name == "chitchat"
                # Not an insult ("dummer Bot") or thanks: only beside "how are you" / "what can you do".
                and selected in ("chitchat/wie_gehts", "chitchat/faehigkeiten")
                and asks_what_the_bot_is(text)
                # "Wer bist du und was kannst du?": what it can do says who it is.
                and not (selected == "chitchat/faehigkeiten" and asks_what_the_bot_can_do(text))
            ):
                response = "chitchat/bot_challenge"
            elif (
                name in STANDESAMT_RULE_OVERRIDABLE
                and not has_place
                and (register_retention_question(text) or event_place_rule_question(text))
            ):
                # A rule of the Standesamt, asked without a place (actions/standesamt_regeln.py).
                intent = {"name": "nachfrage", "confidence": 1.0}
            elif name in ONLINE_OFFER_OVERRIDABLE and asks_for_online_offer(text):
                # "Welche Online-Dienste bietet unsere Stadt an?": the overview, not small talk.
                intent = {"name": "online_beantragen", "confidence": 1.0}
            elif (name in BOT_QUESTION_OVERRIDABLE or unsure) and bot_question_alone(text):
                intent = {"name": "chitchat", "confidence": 1.0}
                response = "chitchat/bot_challenge"
            elif name == "chitchat" and selected == "chitchat/wie_gehts" and asks_what_the_bot_can_do(text):
                response = "chitchat/faehigkeiten"
            elif name in CAN_DO_OVERRIDABLE and can_do_question_alone(text):
                intent = {"name": "chitchat", "confidence": 1.0}
                response = "chitchat/faehigkeiten"
            elif (
                name in (FAQ_INTENT, "chitchat")
                and selected == "chitchat/wie_gehts"
                and follow_up_misread_as_small_talk(text)
            ):
                intent = {"name": "nachfrage", "confidence": 1.0}
            elif (
                name in (FAQ_INTENT, "chitchat")
                and selected in ("chitchat/wie_gehts", "chitchat/bot_challenge")
                and topic_question_misread_as_small_talk(text)
            ):
                # The topic in focus decides (actions/fokus.py), as for any follow-up.
                intent = {"name": "nachfrage", "confidence": 1.0}
            elif (
                name in HOW_ARE_YOU_OVERRIDABLE and how_are_you_only(text) and not asks_what_the_bot_is(text)
            ):
                intent = {"name": "chitchat", "confidence": 1.0}
                response = "chitchat/wie_gehts"
            elif (name in THANKS_OVERRIDABLE or unsure) and thanks_only(text):
                intent = {"name": "chitchat", "confidence": 1.0}
                response = "chitchat/danke"
            elif name == FAQ_INTENT and funding_misread_as_totals(text, selected):
                intent = {"name": "ikz_foerderung", "confidence": 1.0}
            elif name == "ikz_foerderung" and totals_misread_as_funding(text, selected):
                intent = {"name": FAQ_INTENT, "confidence": 1.0}
            elif name == FAQ_INTENT and old_account_misread_as_company(text, selected):
                response = SERVICEKONTO_REPLACED
            elif name == FAQ_INTENT and ministry_misread_as_faq(text, selected, has_place):
                intent = {"name": "nachfrage", "confidence": 1.0}
            elif name == FAQ_INTENT and (stray := faq_for_stray_selection(text, selected)):
                response = stray
            elif name == "chitchat" and selected and selected.startswith("faq/"):
                # "werden meine Daten da automatisch übernommen?" after the Servicekonto answer: small
                # talk by the classifier, a question by the selector. As a question the topic in
                # focus decides (actions/faq.py) instead of the selector's guess alone.
                intent = {"name": FAQ_INTENT, "confidence": 1.0}
            if response:
                message.set(
                    RESPONSE_SELECTOR,
                    select_response(message.get(RESPONSE_SELECTOR), response),
                    add_to_output=True,
                )
            if intent is not before and intent is not None:
                message.set(INTENT, intent, add_to_output=True)
                # The rule decided: the classifier's ranking goes, or the FallbackClassifier
                # would call a rule's 1.0 next to DIET's 0.93 "ambiguous" and fall back.
                message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
        return messages
