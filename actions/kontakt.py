"""Human handoff (Behördennummer 115, the home municipality) and the two-stage fallback."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.antworten import label, say, text
from actions.context import entity_values, home_municipality, user_text
from actions.orte import chosen_place, resolve_or_explain, slot_text
from bot.knowledge.ereignisort import lives_there
from bot.knowledge.municipalities import Municipality, load_municipalities

# Topics offered after a first miss; payloads are plain questions so the NLU (and the
# ResponseSelector for FAQ topics) handle them like typed text.
# Title keys of antworten.yml: say() picks the citizen's variant.
_THEMEN = (
    ("knopf_urkunde_bestellen", "/urkunde_beantragen"),
    ("knopf_standesamt_finden", "/standesamt_suchen"),
    ("knopf_online", "/online_beantragen"),
    ("knopf_bundid", "Was ist die BundID?"),
    ("knopf_mensch", "/kontakt_mensch"),
)
_MISSES = frozenset({"nlu_fallback", "out_of_scope"})
FORM_SLOTS = ("anliegen", "urkundenart", "ort", "anzahl_kommunen")


def topic_menu() -> list[dict[str, Any]]:
    """The topics offered after a miss or a complaint, one button each."""
    return [{"title": label(key), "payload": payload} for key, payload in _THEMEN]


def gemeinde_hinweis(tracker: Tracker, residence_told: bool = False) -> str:
    """Extra line naming the home municipality's administration, or ''.

    With ``residence_told`` a place the message names as the residence counts first ("Ich wohne
    in Idstein, gibt es da jemanden vor Ort?").
    """
    m = (told_residence(tracker) if residence_told else None) or home_municipality(tracker)
    return text("gemeinde_hinweis", tracker, gemeinde=m.label) if m else ""


def told_residence(tracker: Tracker) -> Municipality | None:
    """The Hessian municipality the latest message names as where the citizen lives, if any."""
    message = user_text(tracker)
    for value in entity_values(tracker, "gemeinde"):
        municipality = load_municipalities().resolve(value).municipality
        if municipality and lives_there(message, value):
            return municipality
    return None


class ActionKontakt(Action):
    """Where a person helps: 115, and the home municipality's administration if known."""

    def name(self) -> str:
        return "action_kontakt"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        say(dispatcher, tracker, "kontakt", gemeinde_hinweis=gemeinde_hinweis(tracker, residence_told=True))
        # "Ich finde nichts zur Briefwahl … Wen kann ich anrufen?": the person, and the answer to
        # what the citizen could not find. Imported here: online_leistungen imports this module.
        from actions.online_leistungen import answer_other_topics

        answer_other_topics(dispatcher, tracker, user_text(tracker), (), contact=False)
        return []


def previous_user_intent(tracker: Tracker) -> str | None:
    """Intent of the user message before the latest one (None at the start)."""
    seen_latest = False
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if seen_latest:
            return ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        seen_latest = True
    return None


def missed_before(tracker: Tracker) -> bool:
    """Whether the previous message was a miss too: not understood, or out of scope (menu shown)."""
    return previous_user_intent(tracker) in _MISSES


class ActionFallbackThemen(Action):
    """Two-stage fallback without loops.

    First miss: offer the topics as buttons. A miss right after a miss: hand over to a
    person (115, the municipality). The state is derived from the tracker, not stored.
    """

    def name(self) -> str:
        return "action_fallback_themen"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.active_loop_name and tracker.get_slot("requested_slot") == "ort":
            # "Wohra" after "Gemünden passt zu mehreren Orten": too short for the classifier,
            # but it names one of the place buttons just offered; the form goes on with it.
            chosen = chosen_place(tracker, user_text(tracker))
            if chosen:
                return [SlotSet("ort", chosen)]
            if entity_values(tracker, "gemeinde"):
                # "Sie ist in Reichelsheim gestorben." while the form asks for the place: too
                # unsure for the classifier, but the sentence names the place the form waits for.
                return _place_answer(dispatcher, tracker)
        # Imported here: actions.nachfragen imports this module.
        from actions.nachfragen import ActionNachfrage, speaks_of_focus_service

        if speaks_of_focus_service(tracker):
            return await ActionNachfrage().run(dispatcher, tracker, domain)
        if missed_before(tracker):
            say(dispatcher, tracker, "fallback_mensch", gemeinde_hinweis=gemeinde_hinweis(tracker))
        else:
            say(dispatcher, tracker, "fallback_themen", topic_menu())
        return []


def _place_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The place the latest message names, as the Standesamt form's answer (as its validation does).

    An ambiguous or unknown name gets its buttons or hint, and the form asks again.
    """
    # Imported here: actions.standesamt imports actions.online_leistungen, which imports this module.
    from actions.standesamt import place_text_of_message
    from actions.urkunden import office_link

    value = (
        place_text_of_message(tracker, tracker.get_slot("urkundenart"))
        or entity_values(tracker, "gemeinde")[0]
    )
    place = resolve_or_explain(dispatcher, tracker, value, explain_district=False, link_of=office_link)
    return [SlotSet("ort", slot_text(value))] if place else []


class ActionFormularAbbrechen(Action):
    """Cancel the running question: stop the form and forget its answers."""

    def name(self) -> str:
        return "action_formular_abbrechen"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        say(dispatcher, tracker, "abgebrochen")
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + [SlotSet(s, None) for s in FORM_SLOTS]
