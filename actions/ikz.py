"""IKZ funding calculator for municipalities ("Wir sind drei Gemeinden")."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.antworten import say
from actions.context import user_text
from bot.knowledge.ikz import estimate_funding, format_eur, parse_count


class ActionIkzVorbereiten(Action):
    """Take the number of municipalities from the question itself, if it names one."""

    def name(self) -> str:
        return "action_ikz_vorbereiten"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        count = parse_count(user_text(tracker))
        return [SlotSet("anzahl_kommunen", float(count) if count is not None else None)]


class ValidateIkzForm(FormValidationAction):
    """Accepts "3", "drei", "wir sind zu viert"; asks again otherwise."""

    def name(self) -> str:
        return "validate_ikz_form"

    async def validate_anzahl_kommunen(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            count: int | None = int(value)
        else:
            count = parse_count(str(value or ""))
        if count is None or count < 1:
            say(dispatcher, tracker, "anzahl_unklar")
            return {"anzahl_kommunen": None}
        return {"anzahl_kommunen": float(count)}


class ActionIkzFoerderung(Action):
    """Name the amount, the rule it follows and its source (bot.knowledge.ikz)."""

    def name(self) -> str:
        return "action_ikz_foerderung"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        count = int(tracker.get_slot("anzahl_kommunen") or 0)
        estimate = estimate_funding(count)
        if estimate.amount_eur is None:
            ergebnis = "Für eine einzelne Kommune gibt es keine IKZ-Förderung."
        else:
            ergebnis = (
                f"Für eine Kooperation von {count} Kommunen beträgt die Regelzuwendung "
                f"{format_eur(estimate.amount_eur)} – für den Verbund insgesamt."
            )
        alternativen = "".join(f"\nAußerdem: {text} (Quelle: {url})" for text, url in estimate.alternatives)
        say(
            dispatcher,
            tracker,
            "ikz_foerderung",
            ergebnis=ergebnis,
            regel=estimate.rule,
            quelle=estimate.source_url,
            hinweis=f"\n{estimate.note}" if estimate.note else "",
            alternativen=alternativen,
        )
        return [SlotSet("anzahl_kommunen", None)]


class ActionAskAnzahlKommunen(Action):
    """Form question for the number of municipalities, with quick answers as buttons."""

    def name(self) -> str:
        return "action_ask_anzahl_kommunen"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        buttons = [
            {"title": t, "payload": p} for t, p in (("2", "2"), ("3", "3"), ("4", "4"), ("5 oder mehr", "5"))
        ]
        say(dispatcher, tracker, "ask_anzahl_kommunen", buttons)
        return []
