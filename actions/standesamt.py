"""Standesamt: which office issues a certificate, and where a place's Standesamt is.

The rule behind every answer: the Standesamt of the place where the event happened
issues the certificate, not the one of the place of residence
(data/knowledge/fakten.yml: standesamt_ereignisort).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.antworten import label, say, text
from actions.context import entity_values, home_municipality, previous_user_text, user_text
from actions.fokus import focus_event
from actions.nachfragen import continue_focus, follow_up_place, redirect_non_place
from actions.online_leistungen import answer_other_topics, answer_service, municipality_in_question
from actions.orte import Place, chosen_place, resolve_or_explain, slot_text
from actions.payloads import intent_payload
from actions.themen import answer_small_talk_first, request_text
from actions.urkunden import (
    event_phrase,
    office_link,
    say_office,
    shared_office,
    told_event_place,
    urkunde_name,
)
from bot.knowledge.ereignisort import EVENT_KINDS, abroad_event, event_place_text, lives_there, tells_event
from bot.knowledge.municipalities import load_municipalities
from bot.knowledge.services import load_services, portal_link
from bot.nlp.certificates import (
    HERE,
    certificate_kind,
    certificate_requests,
    follow_on_certificate_question,
    register_in_archive,
)
from bot.nlp.rules import asks_steps_of_told_event

URKUNDENARTEN = ("geburtsurkunde", "eheurkunde", "sterbeurkunde")
# "Ehe" answers "Which certificate?" as well as "Eheurkunde" does.
_MARRIAGE_WORD = re.compile(r"\behe\b|trauschein", re.IGNORECASE)


def urkundenart_from(text: str) -> str | None:
    """The certificate kind a text names by its word or its event ("geboren"), if any."""
    lowered = text.strip().lower()
    if lowered in URKUNDENARTEN:
        return lowered
    named = certificate_kind(text)
    if named is not None:
        return named
    if _MARRIAGE_WORD.search(text):
        return "eheurkunde"
    return next((kind for kind, pattern in EVENT_KINDS if pattern.search(text)), None)


def place_text_of_message(tracker: Tracker, kind: str | None = None) -> str | None:
    """The text naming the event place (of certificate ``kind``) in the latest message, or None."""
    places = entity_values(tracker, "gemeinde")
    text = user_text(tracker)
    if len(places) == 1 and lives_there(text, places[0]):
        # "… passed away in Bad Hersfled (a typo the ruler missed). We live in Fulda.": the only
        # place found is the residence, never the event place; the event clause decides, else
        # the message before ("My father passed away in Gießen." - "He lived in Lich though.
        # Which office issues the death certificate?"), else the form asks.
        index = load_municipalities()
        before = previous_user_text(tracker)
        for told in (text, before) if tells_event(before, kind) else (text,):
            clause = event_place_text(told, kind)
            if index.resolve(clause).status != "unknown" and not lives_there(clause, places[0]):
                return clause
        # "Wir haben hier geheiratet, wohnen jetzt aber in Kassel" on Bad Arolsen's website:
        # "hier" in the event clause is the page's municipality.
        home = home_municipality(tracker)
        return home.ags if home and HERE.search(event_place_text(text, kind)) else None
    if len(places) == 1:
        # "Allendorf an der Lumda": the ruler tags "Allendorf" only; the whole clause decides.
        index = load_municipalities()
        if index.resolve(places[0]).status == "ambiguous":
            clause = event_place_text(text, kind)
            if index.resolve(clause).status == "found":
                return clause
        return places[0]
    if places or load_municipalities().resolve(text).status != "unknown":
        # Only words that name a place: an event clause without one ("Mein Onkel ist vor zwei
        # Wochen gestorben") is no place, the form asks instead.
        clause = event_place_text(text, kind)
        if load_municipalities().resolve(clause).status != "unknown":
            return clause
        # "My dad passed away at the hospital here in our town. We all live in Willingen.": on a
        # municipal website "here" in the event clause is the page's municipality.
        home = home_municipality(tracker)
        return home.ags if home and HERE.search(clause) else None
    return None


class ActionStandesamtVorbereiten(Action):
    """Start a Standesamt request from the current message only.

    Values from an earlier request must not leak into a new one (a Sterbeurkunde
    asked after a Geburtsurkunde may concern another place), so both slots are set
    from this message, or cleared.
    """

    def name(self) -> str:
        return "action_standesamt_vorbereiten"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        anliegen = "urkunde" if intent == "urkunde_beantragen" else "standesamt"
        pairs = certificate_requests(user_text(tracker))
        if abroad_event(user_text(tracker)) and not pairs and not place_text_of_message(tracker, None):
            # "Unser Kind wurde in Spanien geboren, wir wohnen in Rüsselsheim": no Hessian event
            # place; the Standesamt of the residence registers it (the answer says so).
            home = home_municipality(tracker)
            places = entity_values(tracker, "gemeinde")
            residence = places[0] if places else (home.ags if home else None)
            return [
                SlotSet("anliegen", "standesamt"),
                SlotSet("urkundenart", None),
                SlotSet("ort", residence),
            ]
        if pairs:
            # Two certificates with two event places: the first is the form's request, the
            # answer adds the others (ActionStandesamtAuskunft).
            kind, place_text = pairs[0]
            return [SlotSet("anliegen", "urkunde"), SlotSet("urkundenart", kind), SlotSet("ort", place_text)]
        kinds = entity_values(tracker, "urkundenart")
        # A certificate named by its word wins over an event word the classifier tagged ("Wir
        # heiraten im Mai … ich brauche noch eine Geburtsurkunde").
        urkundenart = certificate_kind(user_text(tracker)) or (
            kinds[0] if kinds else urkundenart_from(user_text(tracker))
        )
        # "Und eine Sterbeurkunde?" right after an answer keeps that answer's place.
        ort = (
            place_text_of_message(tracker, urkundenart)
            or follow_up_place(tracker)
            # "Wo bekomme ich die Sterbeurkunde?" after "Mein Vater ist in Korbach gestorben".
            or (told_event_place(tracker, urkundenart) if anliegen == "urkunde" else None)
        )
        if anliegen == "standesamt":
            urkundenart = None
            home = home_municipality(tracker)
            if ort is None and home is not None:
                # "Where is the Standesamt?" on Hanau's website asks for Hanau's office. A
                # certificate is different: it comes from the event place, which is asked.
                ort = home.ags
        return [
            SlotSet("anliegen", anliegen),
            SlotSet("urkundenart", urkundenart if urkundenart in URKUNDENARTEN else None),
            SlotSet("ort", ort),
        ]


class ValidateStandesamtForm(FormValidationAction):
    """Checks certificate kind and place; asks back on ambiguous or unknown places."""

    def name(self) -> str:
        return "validate_standesamt_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("anliegen") == "standesamt":
            return [slot for slot in domain_slots if slot != "urkundenart"]
        return domain_slots

    async def validate_urkundenart(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not value:
            # Cleared by action_standesamt_vorbereiten, not answered: the form asks next.
            return {"urkundenart": None}
        kind = urkundenart_from(str(value))
        if kind is None:
            say(dispatcher, tracker, "urkundenart_unbekannt")
        return {"urkundenart": kind}

    async def validate_ort(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # A whole sentence ("Er ist in Gießen gestorben.") fills the slot with its place,
        # not with its text.
        places = entity_values(tracker, "gemeinde")
        if places and not abroad_event(user_text(tracker)):
            # "He died in the hospital in Michelstadt, not at home in Bad König": the event clause.
            # (An event abroad: the place named is the residence, whose Standesamt registers it.)
            value = place_text_of_message(tracker, tracker.get_slot("urkundenart")) or (
                value if len(places) > 1 else None
            )
        # "das im Vogelsberg" / "Efze" right after the place buttons: the button it names.
        value = chosen_place(tracker, user_text(tracker)) or value
        if not value:
            return {"ort": None}
        # The slot keeps the place as given (actions/orte.py); the answer resolves it again
        # and says there which town a district belongs to.
        place = resolve_or_explain(dispatcher, tracker, value, explain_district=False, link_of=office_link)
        if place is None and certificate_kind(user_text(tracker)):
            # "Geburtsurkunde Homberg für das Baby und wie beantrage ich Elterngeld?": while the
            # form asks which Homberg, the second question is answered, not dropped.
            answer_other_topics(
                dispatcher, tracker, user_text(tracker), (tracker.get_slot("urkundenart") or "",)
            )
        return {"ort": slot_text(value) if place else None}


# Questions about a certificate whose answers the certificate answer does not contain.
_NOT_IN_CERTIFICATE_ANSWER = frozenset(
    {"faq/urkunde_dauer", "faq/urkunde_konto", "faq/urkunde_international"}
)


class ActionStandesamtAuskunft(Action):
    """Answer with the responsible Standesamt and a Verwaltungsportal link for that place."""

    def name(self) -> str:
        return "action_standesamt_auskunft"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        request = request_text(tracker, ("urkunde_beantragen", "standesamt_suchen"))
        if request == user_text(tracker):
            # "Hallo, wer bist du? Und wo bekomme ich die Sterbeurkunde …?": who answers first.
            answer_small_talk_first(dispatcher, tracker, request)
        pairs = certificate_requests(request) if request == user_text(tracker) else []
        if pairs:
            return self._several(dispatcher, tracker, request, pairs)
        if abroad_event(request) and tracker.get_slot("anliegen") == "standesamt":
            say(dispatcher, tracker, "ausland_nachbeurkundung")
        place = resolve_or_explain(dispatcher, tracker, tracker.get_slot("ort"))
        if place is None:
            return [SlotSet("ort", None)]
        urkundenart = tracker.get_slot("urkundenart")
        if tracker.get_slot("anliegen") == "urkunde" and urkundenart in URKUNDENARTEN:
            self._certificate(dispatcher, tracker, place, urkundenart)
        else:
            self._office(dispatcher, tracker, place)
        shared_office(dispatcher, tracker, place)
        if urkundenart in URKUNDENARTEN and register_in_archive(request, urkundenart, date.today().year):
            # "Mein Urgroßvater ist 1920 in Fulda gestorben": that register is in the archive now.
            say(dispatcher, tracker, "register_archiv")
        follow_on = follow_on_certificate_question(request) if urkundenart in URKUNDENARTEN else None
        if follow_on in _NOT_IN_CERTIFICATE_ANSWER:
            # "… and do I need a BundID for that?": who may and the fees are in the answer.
            dispatcher.utter_message(response=f"utter_{follow_on}")
        handled = {urkundenart} if urkundenart else set()
        if request != user_text(tracker) and (first := certificate_kind(request)):
            # "und eine Sterbeurkunde?" after "Ich brauche eine Geburtsurkunde aus Lauterbach.":
            # the earlier request's own certificate was answered then, not a second topic now.
            handled.add(first)
        answer_other_topics(dispatcher, tracker, request, handled)
        if asks_steps_of_told_event(request):
            # Imported here: lebenslagen imports the certificate answer from this module's peers.
            from actions.lebenslagen import say_told_event

            say_told_event(dispatcher, tracker, request)
        focus = (
            focus_event("urkunde", urkundenart) if urkundenart in URKUNDENARTEN else focus_event("standesamt")
        )
        return [focus]

    def _several(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, request: str, pairs: list[tuple[str, str]]
    ) -> list[EventType]:
        """Answer each certificate for its own place ("Geburtsurkunde Hünfeld und Heiratsurkunde Fulda").

        The slots hold one certificate and one place (and the entity mapping may pair them
        wrongly), so the pairs come from the message itself (rules.certificate_requests).
        """
        for kind, place_text in pairs:
            answer_certificate(dispatcher, tracker, place_text, kind)
        answer_other_topics(dispatcher, tracker, request, {kind for kind, _ in pairs})
        return [focus_event("urkunde", pairs[-1][0])]

    @staticmethod
    def _certificate(
        dispatcher: CollectingDispatcher, tracker: Tracker, place: Place, urkundenart: str
    ) -> None:
        if place.municipality is None:
            say(
                dispatcher,
                tracker,
                "urkunde_ausserhalb",
                ort=place.outside_name,
                land=place.land,
                ereignis=event_phrase(urkundenart),
            )
            return
        m = place.municipality
        service = load_services().get(urkundenart)
        if service and service.portal_leistung_id:
            link = portal_link(service, m.ars)
            hinweis = text("urkunde_link_leistung", tracker)
        else:
            # No verified portal page for this certificate: link the page that names the
            # municipality's Standesamt (never another town's page), and say what to search.
            link = office_link(m)
            hinweis = text("urkunde_link_standesamt", tracker, urkunde=urkunde_name(urkundenart))
        say(
            dispatcher,
            tracker,
            "urkunde_auskunft",
            urkunde=urkunde_name(urkundenart),
            ereignis=event_phrase(urkundenart),
            gemeinde=m.label,
            kreis=m.kreis_label,
            link_hinweis=hinweis,
            link=link,
        )

    @staticmethod
    def _office(dispatcher: CollectingDispatcher, tracker: Tracker, place: Place) -> None:
        if place.municipality is None:
            say(dispatcher, tracker, "standesamt_ausserhalb", ort=place.outside_name, land=place.land)
            return
        say_office(dispatcher, tracker, place.municipality)


def answer_certificate(
    dispatcher: CollectingDispatcher, tracker: Tracker, place_text: str, kind: str
) -> None:
    """The answer for certificate ``kind`` from the place ``place_text`` names (or why not)."""
    place = resolve_or_explain(dispatcher, tracker, place_text)
    if place is not None:
        ActionStandesamtAuskunft._certificate(dispatcher, tracker, place, kind)
        shared_office(dispatcher, tracker, place)


class ActionOrtKontext(Action):
    """A bare answer without a question: a place, or just a certificate kind.

    For a place, offer what the assistant can do for it; for a certificate kind
    ("Geburtsurkunde"), offer to start the certificate question with it.
    """

    def name(self) -> str:
        return "action_ort_kontext"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        continued = await continue_focus(dispatcher, tracker)
        if continued is not None:
            return continued
        kinds = entity_values(tracker, "urkundenart")
        place_text = place_text_of_message(tracker)
        if kinds and kinds[0] in URKUNDENARTEN and place_text is None:
            kind = kinds[0]
            say(
                dispatcher,
                tracker,
                "urkunde_kontext",
                [
                    {
                        "title": label("knopf_urkundenart_bestellen", urkunde=urkunde_name(kind)),
                        "payload": intent_payload("urkunde_beantragen", urkundenart=kind),
                    }
                ],
                urkunde=urkunde_name(kind),
            )
            # A bare place next ("Gießen") continues this offer.
            return [focus_event("urkunde", kind)]
        if place_text is None:
            # Not a place after all ("Führerschein umschreiben lassen", "Wir sind drei
            # Gemeinden …"): a place is only taken from words that name one.
            redirected = redirect_non_place(dispatcher, tracker)
            if redirected is not None:
                return redirected
        elif not kinds:
            # "build garage permit Taunusstein": a service and its place, not a bare place.
            service = load_services().find(user_text(tracker))
            if service is not None and service.id not in URKUNDENARTEN:
                answer_service(dispatcher, tracker, service, municipality_in_question(tracker))
                return [focus_event("leistung", service.id)]
        text = place_text or user_text(tracker)
        place = resolve_or_explain(dispatcher, tracker, text)
        if place is None:
            return []
        if place.municipality is None:
            say(dispatcher, tracker, "standesamt_ausserhalb", ort=place.outside_name, land=place.land)
            return []
        m = place.municipality
        say(
            dispatcher,
            tracker,
            "ort_kontext",
            gemeinde=m.label,
            buttons=[
                {
                    "title": label("knopf_standesamt_gemeinde", gemeinde=m.label),
                    "payload": intent_payload("standesamt_suchen", gemeinde=m.ags),
                },
                {
                    "title": label("knopf_urkunde_bestellen"),
                    "payload": intent_payload("urkunde_beantragen", gemeinde=m.ags),
                },
                {
                    "title": label("knopf_online"),
                    "payload": intent_payload("online_beantragen", gemeinde=m.ags),
                },
            ],
        )
        return []


class ActionAskUrkundenart(Action):
    """Form question for the certificate kind, with one button per kind."""

    def name(self) -> str:
        return "action_ask_urkundenart"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        buttons = [
            {"title": urkunde_name(kind), "payload": intent_payload("angabe", urkundenart=kind)}
            for kind in URKUNDENARTEN
        ]
        say(dispatcher, tracker, "ask_urkundenart", buttons)
        return []


class ActionAskOrt(Action):
    """Form question for the place; for certificates it asks for the event place."""

    def name(self) -> str:
        return "action_ask_ort"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        urkundenart = tracker.get_slot("urkundenart")
        # On a municipality's page its name is one tap away, but for a certificate still a
        # choice: the event may have happened elsewhere.
        home = home_municipality(tracker)
        buttons = (
            [{"title": home.label, "payload": intent_payload("angabe", gemeinde=home.ags)}] if home else []
        )
        if tracker.get_slot("anliegen") == "urkunde" and urkundenart in URKUNDENARTEN:
            say(dispatcher, tracker, f"ask_ort_{urkundenart}", buttons)
        else:
            say(dispatcher, tracker, "ask_ort_standesamt", buttons)
        return []
