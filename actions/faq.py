"""FAQ answers (retrieval intent ``faq``), one per question when a message asks two.

Rasa's own ``utter_faq`` says only the ResponseSelector's one answer, so "Was ist das
Verwaltungsportal Hessen und was hat civento damit zu tun?" lost its second question. This
action says the selected answer, or one answer per question (bot.nlp.faq_cues.faq_answers). The
answers are the domain's ``utter_faq/<key>`` responses, so their Leichte Sprache and English
variants apply as before.
"""

from __future__ import annotations

import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.antworten import say
from actions.context import entity_values, home_municipality, user_text
from actions.fokus import current_focus, focus_faq
from actions.ikz import ikz_recount
from actions.katalog import answer_from_catalogue, objects_to_answer
from actions.kontakt import gemeinde_hinweis
from actions.online_leistungen import (
    ActionOnlineLeistung,
    answer_other_topics,
    portal_page,
    say_overview,
    service_field,
    service_name,
)
from actions.themen import answer_small_talk_first, other_topics
from actions.urkunden import say_office
from bot.knowledge.ereignisort import lives_there
from bot.knowledge.municipalities import Municipality, load_municipalities
from bot.knowledge.services import load_services, names_a_service
from bot.nlp.certificates import CLAUSES, HERE
from bot.nlp.faq_cues import (
    ACCOUNT_WORD,
    asks_for_online_offer,
    faq_answers,
    faqs_asked,
    ikz_faq_without_cooperation,
    is_faq_follow_up,
    response_confidence,
    response_key,
)

# Topics of a citizen's own request, whose follow-ups are no IKZ question.
_SERVICE_FOCUS = frozenset({"leistung", "urkunde", "lebenslage"})
# Account answers that a short follow-up about "that" service gets from the service itself:
# "do I need a BundID for that?" after Wohngeld is its own registration (e-mail address).
_ACCOUNT_FAQS = frozenset(
    {
        "faq/bundid_was",
        "faq/bundid_registrieren",
        "faq/ohne_konto",
        "faq/servicekonto_was",
        "faq/vertrauensniveau",
    }
)
_BACK_TO_SERVICE = re.compile(
    r"\b(?:daf(?:ü|ue)r|dazu|for\s+(?:that|it|this)|for\s+the\s+application|f(?:ü|ue)r\s+den\s+antrag)\b"
    # "Und was brauche ich, um mich da zu registrieren?" after Wohngeld in Hanau.
    r"|\b(?:mich|uns)\s+(?:da|dort)\s+(?:zu\s+)?(?:registrier|anmeld)",
    re.IGNORECASE,
)
_MAX_ACCOUNT_FOLLOW_UP_WORDS = 12
# A selector this unsure picked no FAQ at all: "Darf ich bei uns ein Osterfeuer machen oder muss
# ich das anmelden?" is a catalogue service (Osterfeuer, finder score 0.44), not the Servicekonto
# (0.08). Measured over the tuning conversations: no FAQ answered right below 0.1.
_WEAK_SELECTION = 0.1
# The catalogue answers instead only with a hit this good (the finder's scores, bot/knowledge/finder.py).
_CATALOGUE_OVER_WEAK_FAQ = 0.4
# Only the opening of a pasted long text is searched for further topics.
_MAX_TOPIC_CHARS = 1000


class ActionFaq(Action):
    """Say the FAQ answer(s) for the latest message."""

    def name(self) -> str:
        return "action_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        selected = response_key(tracker.latest_message.get("response_selector"))
        focus = current_focus(tracker)
        if focus and focus.kind == "ikz" and not (selected or "").startswith("faq/ikz"):
            # "Un wenn de Nochbar … aach noch mitmacht, also mir zu viert?" after the IKZ
            # calculator: a number recalculates (the selector's guess was an account FAQ).
            recount = ikz_recount(dispatcher, tracker)
            if recount is not None:
                return recount
        if (
            focus
            and focus.kind in _SERVICE_FOCUS
            and ikz_faq_without_cooperation(user_text(tracker), selected)
        ):
            # "Wohin schicke ich den Antrag dann?" after Elterngeld: that service's office.
            # Imported here: nachfragen imports online_leistungen, which imports this module.
            from actions.nachfragen import ActionNachfrage

            return await ActionNachfrage().run(dispatcher, tracker, domain)
        if (
            focus
            and focus.kind == "leistung"
            and _account_of_service(dispatcher, tracker, focus.value, selected)
        ):
            return []
        if focus and focus.kind == "leistung" and objects_to_answer(user_text(tracker)):
            # "meine fahrzeugpapiere sind von 2012, geht das trotzdem?" after the car's
            # deregistration: that service's answer says what the year means.
            return await ActionOnlineLeistung().run(dispatcher, tracker, domain)
        if not focus and _weakly_selected(tracker):
            answered = answer_from_catalogue(dispatcher, tracker, _CATALOGUE_OVER_WEAK_FAQ)
            if answered is not None:
                return answered
        keys = faq_answers(user_text(tracker), selected)
        focused = focus_faq(tracker)
        if focused and len(keys) == 1 and is_faq_follow_up(user_text(tracker)):
            # "wird die irgendwann gelöscht, wenn ich sie nicht benutze?" after "Was ist die
            # BundID?": the topic in focus decides between its neighbouring FAQs.
            keys = [focused.removeprefix("utter_")]
        if not keys:
            # No answer was selected (cannot happen with intent faq): the topics instead.
            dispatcher.utter_message(response="utter_wie_sonst")
        elif not any(key.startswith("chitchat/") for key in keys):
            # "Hallo, wer bist du eigentlich? Und was heißt IKZ?": who answers, then the question.
            answer_small_talk_first(dispatcher, tracker, user_text(tracker))
        for key in keys:
            dispatcher.utter_message(response=f"utter_{key}")
        if not keys:
            return []
        message = user_text(tracker)
        home = home_municipality(tracker)
        if home and HERE.search(message) and any(key.startswith("faq/urkunde_") for key in keys):
            # "Was kostet bei uns eine Sterbeurkunde, und kann ich die online bestellen?" on
            # Seligenstadt's website: the answer and Seligenstadt's Standesamt with its link.
            say_office(dispatcher, tracker, home)
        elif any(key.startswith("faq/urkunde_") for key in keys) and (named := _certificate_place(tracker)):
            # "Was kostet eine Geburtsurkunde aus Hanau und kann ich die online bestellen?": the
            # answers, and Hanau's Standesamt with its link.
            say_office(dispatcher, tracker, named)
        # "Wie lösche ich meine BundID? Und was kostet ein neuer Personalausweis?", "Was kostet
        # ein Personalausweis und wie lege ich eine BundID an?": a service or certificate in a
        # clause of its own, one that asks no FAQ, is answered too. In a single clause
        # ("Brauche ich für Wohngeld eine BundID?") the service is the FAQ's subject.
        clauses = [part for part in CLAUSES.split(message[:_MAX_TOPIC_CHARS]) if part and part.strip()]
        others = ". ".join(part for part in clauses if not faqs_asked(part)) if len(clauses) > 1 else ""
        contact_named = bool(others.strip()) and answer_other_topics(dispatcher, tracker, others, keys)
        if others.strip() and asks_for_online_offer(others):
            # "Was bedeutet das OZG 2.0 für mich? Und wo finde ich in Hessen die Online-Anträge?"
            say_overview(dispatcher, tracker)
        # "… And if not, is there a phone number I can call?": the person to contact after it.
        asked = other_topics(message, ())
        if not contact_named and asked.handoff:
            say(dispatcher, tracker, asked.contact_key, gemeinde_hinweis=gemeinde_hinweis(tracker))
        return []


def _weakly_selected(tracker: Tracker) -> bool:
    """True if the selector barely chose its FAQ and no cue or account word names one."""
    message = user_text(tracker)
    confidence = response_confidence(tracker.latest_message.get("response_selector"))
    return (
        confidence is not None
        and confidence < _WEAK_SELECTION
        and not faqs_asked(message)
        and not ACCOUNT_WORD.search(message)
    )


def _certificate_place(tracker: Tracker) -> Municipality | None:
    """The one Hessian place a certificate question names, unless it is only the residence."""
    places = entity_values(tracker, "gemeinde")
    text = user_text(tracker)
    if len(places) != 1 or lives_there(text, places[0]):
        return None
    return load_municipalities().resolve(places[0]).municipality


def _account_of_service(
    dispatcher: CollectingDispatcher, tracker: Tracker, service_id: str | None, selected: str | None
) -> bool:
    """Say the account the service in focus needs, for a short account question about it."""
    message = user_text(tracker)
    service = load_services().get(service_id or "")
    if (
        service is None
        or not service.account
        or selected not in _ACCOUNT_FAQS
        or not _BACK_TO_SERVICE.search(message)
        # Short, and naming no other service ("Brauche ich für Wohngeld eine BundID?" names it).
        or len(message.split()) > _MAX_ACCOUNT_FOLLOW_UP_WORDS
        or names_a_service(message)
    ):
        return False
    say(
        dispatcher,
        tracker,
        "nachfrage_konto",
        leistung=service_name(service),
        account=service_field(service, "account"),
        link=portal_page(service, home_municipality(tracker)),
    )
    return True
