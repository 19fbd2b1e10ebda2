"""A second topic in the same message is offered as a button, never dropped.

"Ich brauche eine Geburtsurkunde und will wissen, ob Wohngeld online geht": the
classifier picks one intent, so the answer to the first topic would silently drop the
second. The answering actions call :func:`offer_other_topics` with the topic they
handled; every other certificate or detailed service the message names is offered as
a button that asks for exactly that, in one short message after the answer.
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.antworten import say
from actions.payloads import intent_payload
from bot.knowledge.services import load_services
from bot.nlp.understanding import certificate_kind

_CERTIFICATE_TITLE = {
    "geburtsurkunde": "Geburtsurkunde bestellen",
    "eheurkunde": "Eheurkunde bestellen",
    "sterbeurkunde": "Sterbeurkunde bestellen",
}
# Clause boundaries: a second topic usually follows "und", "außerdem", a comma or a new sentence.
_CLAUSES = re.compile(r"[.?!;,]|\b(?:und|sowie|au(?:ß|ss)erdem|ausserdem|noch|auch)\b", re.IGNORECASE)
_MAX_BUTTONS = 2


def other_topic_buttons(text: str, handled: str | None) -> list[dict[str, str]]:
    """Buttons for topics in ``text`` other than ``handled`` (a service id or certificate kind)."""
    buttons: list[dict[str, str]] = []
    seen = {handled} if handled else set()
    for clause in _CLAUSES.split(text):
        if not clause.strip():
            continue
        kind = certificate_kind(clause)
        if kind and kind not in seen:
            seen.add(kind)
            payload = intent_payload("urkunde_beantragen", urkundenart=kind)
            buttons.append({"title": _CERTIFICATE_TITLE[kind], "payload": payload})
            continue
        service = load_services().find(clause)
        if service and service.id not in seen:
            seen.add(service.id)
            payload = intent_payload("online_beantragen", leistung=service.id)
            buttons.append({"title": f"Auch: {service.name}", "payload": payload})
    return buttons[:_MAX_BUTTONS]


def request_text(tracker: Tracker, intents: tuple[str, ...]) -> str:
    """The text of the latest user message with one of ``intents`` (the one that started a request)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent in intents:
                return str(event.get("text") or "")
    return ""


def offer_other_topics(
    dispatcher: CollectingDispatcher, tracker: Tracker, text: str, handled: str | None
) -> None:
    """After an answer, offer the other topics of ``text`` as buttons (nothing if there are none)."""
    buttons = other_topic_buttons(text, handled)
    if buttons:
        say(dispatcher, tracker, "weiteres_thema", buttons)
