"""Online services: can a service be applied for online, where, with which account."""

from __future__ import annotations

import re
from collections.abc import Collection

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.antworten import Var, join, say, text, with_translations
from actions.context import entity_values, home_municipality, user_text
from actions.fokus import CATALOGUE_FOCUS, asks_without_id_card, current_focus, focus_event
from actions.fokus_antwort import answer_from_focus
from actions.katalog import answer_from_catalogue, continues_focus, objects_to_answer, points_back
from actions.katalog import answer_service as answer_catalogue_service
from actions.kontakt import gemeinde_hinweis
from actions.payloads import intent_payload
from actions.themen import answer_small_talk_first, other_topics
from actions.urkunden import say_office
from bot.knowledge.catalogue import CatalogueService, load_catalogue
from bot.knowledge.ereignisort import CERTIFICATE_OF_EVENT
from bot.knowledge.finder import SERVICE_QUESTION_SCORE, is_confident
from bot.knowledge.municipalities import Municipality, load_municipalities
from bot.knowledge.services import Service, load_services, portal_link
from bot.knowledge.stand import stand_label
from bot.nlp.certificates import HERE, certificate_kind
from bot.nlp.faq_cues import asks_for_online_offer, faqs_asked

PORTAL_URL = "https://verwaltungsportal.hessen.de"
# Offered as buttons when the citizen did not say which service they mean.
_POPULAR = (
    "wohnsitz_anmelden",
    "personalausweis",
    "kfz_zulassung",
    "wohngeld",
    "elterngeld",
    "fuehrungszeugnis",
)


def popular_buttons() -> list[dict[str, str]]:
    """One button per popular service, for when the citizen did not say which one."""
    catalogue = load_services()
    return [
        {"title": service_name(s), "payload": intent_payload("online_beantragen", leistung=s.id)}
        for s in (catalogue.get(i) for i in _POPULAR)
        if s
    ]


def service_name(service: Service) -> Var:
    """The service's name, in Leichte Sprache and other languages where the catalogue has one."""
    return service_field(service, "name", service.name_leicht)


def service_field(service: Service, name: str, leicht: str | None = None) -> Var:
    """Field ``name`` of ``service`` ("summary", "office", ...) with its written translations."""
    return with_translations(str(getattr(service, name) or ""), service.translations, name, leicht)


def online_status_text(service: Service, tracker: Tracker) -> Var:
    """The one-line online status of ``service`` in the conversation's language variant."""
    return text(f"status_{service.online}", tracker)


_PERMIT = "aufenthaltstitel"
# Steps done at the Standesamt of the place the citizen names (the residence, for registering a
# marriage): their answer adds that Standesamt's link.
AT_THE_STANDESAMT = frozenset({"eheschliessung_anmelden"})


def answer_service(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    service: Service,
    municipality: Municipality | None,
    answer_others: bool = True,
) -> None:
    """Send the answer for ``service``, linked for ``municipality`` where the portal allows."""
    link = portal_link(service, municipality.ars if municipality else None)
    say(
        dispatcher,
        tracker,
        "online_leistung",
        leistung=service_name(service),
        status=online_status_text(service, tracker),
        zusammenfassung=service_field(service, "summary", service.summary_leicht or ""),
        details=details(service, tracker),
        gebuehren=fees(service, tracker),
        link=link,
        hinweis=hint(service, link, municipality, tracker),
    )
    if municipality and service.id in AT_THE_STANDESAMT and answer_others:
        # "Mir wohne in Hanau un wolle heirate. Wo melde mer des aa?": that Standesamt, linked.
        # Not as a second topic: the place of "Geboren bin ich in Gießen … wir heiraten" is
        # the birth place, not where the marriage is registered.
        say_office(dispatcher, tracker, municipality)
    if answer_others and not _PERMIT_AS_ID.search(user_text(tracker)):
        # "Ich habe keinen deutschen Ausweis, nur einen elektronischen Aufenthaltstitel": the
        # documents named are the ID for this service, not services of their own.
        answer_other_topics(dispatcher, tracker, user_text(tracker), (service.id,))


def portal_page(service: Service, municipality: Municipality | None) -> str:
    """The Verwaltungsportal page a follow-up about ``service`` links.

    The service's page for the municipality where a verified portal id exists, else the
    portal's start page: a service's own sourced url may be another town's example page.
    """
    if municipality and service.portal_leistung_id:
        return portal_link(service, municipality.ars)
    return PORTAL_URL


def say_fees(dispatcher: CollectingDispatcher, tracker: Tracker, service: Service, link: str) -> None:
    """The fees of ``service``, or that they are not known here, with ``link`` for the binding ones."""
    if service.fees:
        say(
            dispatcher,
            tracker,
            "nachfrage_kosten",
            leistung=service_name(service),
            gebuehren=service_field(service, "fees"),
            link=link,
        )
    else:
        say(dispatcher, tracker, "nachfrage_kosten_unbekannt", leistung=service_name(service), link=link)


def answer_other_topics(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    text: str,
    handled: Collection[str],
    *,
    contact: bool = True,
) -> bool:
    """After an answer: answer the other services ``text`` names, offer other certificates as buttons.

    With ``contact`` false the caller has already named a person to contact. Returns whether
    a person to contact was named here (the message asked for one).
    """
    here = home_municipality(tracker) if HERE.search(text) else None
    others = other_topics(text, handled, here)
    for service in others.services:
        answer_service(dispatcher, tracker, service, municipality_in_question(tracker), answer_others=False)
    for entry in tagged_catalogue_services(tracker, handled) or asked_catalogue_service(text):
        answer_catalogue_service(dispatcher, tracker, entry)
    if others.certificates:
        # Imported here: standesamt imports this module.
        from actions.standesamt import answer_certificate

        for kind, place_text in others.certificates:
            answer_certificate(dispatcher, tracker, place_text, kind)
    if others.certificate_buttons:
        say(dispatcher, tracker, "weiteres_thema", list(others.certificate_buttons))
    for key in others.faqs:
        dispatcher.utter_message(response=f"utter_{key}")
    for case in others.ikz_cases:
        say(dispatcher, tracker, f"ikz_{case}_regel")
    _answer_event_question(dispatcher, tracker, text, handled)
    if others.handoff and contact:
        say(dispatcher, tracker, others.contact_key, gemeinde_hinweis=gemeinde_hinweis(tracker))
    return others.handoff and contact


# A sentence that asks something (a question mark ends it).
_QUESTION_SENTENCE = re.compile(r"[^.!?]*\?")
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_MOVE_EVENT = "umzug"
# "Wir ziehen nächsten Monat nach Kassel", "Ich ziehe bald um": a move ahead, not one made.
_COMING_MOVE = re.compile(r"\b(?:ziehen?|zieh)\b(?!.*\b(?:gezogen|umgezogen)\b)", re.IGNORECASE)


def _answer_event_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, text: str, handled: Collection[str]
) -> None:
    """The steps of a life event that a question of its own asks beside the topic answered.

    "Ich möchte einen kleinen Laden aufmachen, was muss ich beim Amt anmelden? Und mein
    Führerschein ist noch der alte graue Lappen …": the business start's list after the licence.
    Only a question sentence that names none of the topics answered, and an event none of whose
    steps was the answer (then the event was the story of that answer).
    """
    # Imported here: lebenslagen imports this module.
    from actions.lebenslagen import detect, load_lebenslagen, say_told_event

    lebenslagen = load_lebenslagen()
    services = load_services()
    questions = [q.strip() for q in _QUESTION_SENTENCE.findall(text)]
    # "Wir bekommen im März ein Baby. Außerdem läuft mein Reisepass bald ab …", "Wir ziehen
    # nächsten Monat nach Kassel. Außerdem brauche ich noch eine Heiratsurkunde …": an event told
    # in a sentence of its own is a topic too. Not a move made (the story), and not the event
    # of a certificate the message names (its story: "Mein Sohn ist in Kassel geboren. Was
    # kostet die Geburtsurkunde?").
    statements = [s.strip() for s in _SENTENCE.findall(text) if s.strip() not in questions]
    for sentence in [*questions, *statements]:
        named = services.find(sentence)
        if certificate_kind(sentence) or (named is not None and named.id in handled):
            continue
        event = detect(sentence, lebenslagen)
        if event is None or event.id in handled or {s.leistung for s in event.schritte} & set(handled):
            continue
        if sentence in statements and (
            event.id == _MOVE_EVENT
            and not _COMING_MOVE.search(sentence)
            or event.id in CERTIFICATE_OF_EVENT
            and certificate_kind(text)
        ):
            continue
        say_told_event(dispatcher, tracker, sentence)
        return


def tagged_catalogue_services(tracker: Tracker, handled: Collection[str]) -> list[CatalogueService]:
    """Services the NLU tagged beside the one answered that only the national catalogue knows.

    "… eine Waffenbesitzkarte für mein Erbstück und außerdem eine Meldebescheinigung": the
    Meldebescheinigung is a detailed service, the Waffenbesitzkarte is answered from the
    catalogue (only a confident hit, at most one: a second topic, not a list).
    """
    detailed = load_services()
    for value in entity_values(tracker, "leistung"):
        service = detailed.get(value) or detailed.find(value)
        if service is not None or value in handled:
            continue
        hits = load_catalogue().search(value, limit=1)
        if is_confident(hits):
            return [hits[0].service]
    return []


# A question of its own about a catalogue service beside the topic answered ("Ich will Bürgergeld
# beantragen. Kann ich mich dann auch vom Rundfunkbeitrag befreien lassen?", 0.55): the finder's
# hit must be better than for a not-understood message alone (FALLBACK_SCORE 0.45), because
# the question was not the message's topic.
_SECOND_QUESTION_SCORE = 0.5


def asked_catalogue_service(text: str) -> list[CatalogueService]:
    """The catalogue service a question sentence asks about that no detailed service or FAQ answers."""
    detailed = load_services()
    # Not the first sentence: that is the topic just answered ("Mein Vater ist gestorben, was muss
    # ich jetzt alles erledigen?" is the life event, not a catalogue question beside it).
    questions = [s for s in _SENTENCE.findall(text)[1:] if s.strip().endswith("?")]
    for question in questions:
        if detailed.find(question) or faqs_asked(question) or certificate_kind(question):
            continue
        hits = load_catalogue().search(question, limit=1)
        if is_confident(hits, _SECOND_QUESTION_SCORE):
            return [hits[0].service]
    return []


# The electronic residence permit named as the citizen's ID ("ich hab aber nur nen elektronischen
# aufenthaltstitel kein perso"), not as the service of getting or renewing one.
_PERMIT_AS_ID = re.compile(
    r"^(?!.*(?:verl(?:ä|ae)nger|beantrag|abgelaufen|l(?:ä|ae)uft\s+ab|erteil|renew|expire))"
    r".*\b(?:nur|mit|hab\w*|besitze)\b.{0,25}\belektronisch\w*\s+aufenthaltstitel",
    re.IGNORECASE | re.DOTALL,
)


def requested_service(tracker: Tracker) -> Service | None:
    """The service the latest message is about: entity first, then keywords in the text."""
    catalogue = load_services()
    found = None
    for value in entity_values(tracker, "leistung") + entity_values(tracker, "urkundenart"):
        found = catalogue.get(value)
        if found:
            break
    found = found or catalogue.find(user_text(tracker))
    if found is not None and found.id == _PERMIT and _PERMIT_AS_ID.search(user_text(tracker)):
        # Said as the ID for the service in focus (the online registration of an address).
        focus = current_focus(tracker)
        return catalogue.get(focus.value or "") if focus and focus.kind == "leistung" else None
    return found


# Only the opening of a long message is searched for a place name.
_MAX_PLACE_TEXT = 500


def municipality_in_question(tracker: Tracker) -> Municipality | None:
    """A Hessian municipality named in the message, else the website's home municipality.

    Without a place entity the resolver reads the text itself, which knows typed and spoken
    variants the entity ruler does not ("Parkausweis in Offebach").
    """
    index = load_municipalities()
    destination = moving_destination(user_text(tracker)[:_MAX_PLACE_TEXT])
    if destination is not None:
        return destination
    for value in entity_values(tracker, "gemeinde"):
        result = index.resolve(value)
        if result.municipality:
            return result.municipality
    in_text = index.resolve(user_text(tracker)[:_MAX_PLACE_TEXT])
    return in_text.municipality if in_text.status == "found" else home_municipality(tracker)


# "ziehe … von Kassel nach Darmstadt": the place after "nach" (up to four words, no punctuation).
_MOVE = re.compile(
    r"\b(?:von|aus|from)\s+[^.!?;]{2,40}?\s+(?:nach|to)\s+([^\W\d][\w-]*(?:[ \t]+[^\W\d][\w-]*){0,3})",
    re.IGNORECASE,
)


def moving_destination(text: str) -> Municipality | None:
    """The Hessian place a move goes to ("von Kassel nach Darmstadt" → Darmstadt), if one is said.

    The new residence is where one registers; the place one leaves came first in the message.
    """
    found = _MOVE.search(text)
    if not found:
        return None
    words = found.group(1).split()
    index = load_municipalities()
    for length in range(len(words), 0, -1):
        result = index.resolve(" ".join(words[:length]))
        if result.status == "found" and result.municipality:
            return result.municipality
    return None


def details(service: Service, tracker: Tracker) -> Var:
    """Responsible office, account and trust level, one short line each (standard answer only)."""
    parts = [text("leistung_zustaendig", tracker, office=service_field(service, "office"))]
    if service.account:
        parts.append(text("leistung_konto", tracker, account=service_field(service, "account")))
    if service.trust_level:
        trust_level = service_field(service, "trust_level")
        parts.append(text("leistung_anmeldung", tracker, trust_level=trust_level))
    # The Leichte answer names what is needed in summary_leicht instead (antworten.yml).
    return join(parts, leicht="")


def fees(service: Service, tracker: Tracker) -> Var:
    """The fee line with the date of its source ("Stand: MM/JJJJ"), or nothing."""
    if not service.fees:
        return Var("")
    fees_text = service_field(service, "fees")
    return text("leistung_gebuehren", tracker, fees=fees_text, stand=stand_label(service.stand))


def hint(service: Service, link: str, municipality: Municipality | None, tracker: Tracker) -> Var:
    """Where the link leads, and a caveat where data is uncertain.

    A link that is one municipality's page (leistungen.yml ``url_gemeinde``) and not built
    for the citizen's municipality is called an example, naming whose page it is.
    """
    parts: list[Var] = []
    if municipality and link != service.url:
        parts.append(text("hinweis_direktlink", tracker, gemeinde=municipality.label))
    elif service.url_gemeinde and municipality:
        # The example is another town's page: say where the citizen's own town is found.
        parts.append(
            text(
                "hinweis_beispielseite_gemeinde",
                tracker,
                url_gemeinde=service.url_gemeinde,
                gemeinde=municipality.label,
            )
        )
    elif service.url_gemeinde:
        parts.append(text("hinweis_beispielseite", tracker, url_gemeinde=service.url_gemeinde))
    elif municipality:
        parts.append(text("hinweis_portal_suche", tracker, gemeinde=municipality.label))
    if service.uncertain:
        parts.append(text("hinweis_veraltet", tracker, stand=stand_label(service.stand)))
    return join(parts)


# "can we apply online?" right after a service's answer: that service ("What can I do online?"
# asks for the overview: no "apply").
_APPLY_ONLINE = re.compile(
    r"^\W*(?:(?:and|und)\s+)?(?:can|could|kann|k(?:ö|oe)nnen)\s+(?:i|we|ich|wir|man)\s+(?:\w+\s+){0,2}?"
    r"(?:apply\s+online|online\s+beantragen)\W*$",
    re.IGNORECASE,
)


def say_overview(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The online overview; on a municipality's website or for a named place, with its name."""
    municipality = municipality_in_question(tracker)
    if municipality:
        say(
            dispatcher,
            tracker,
            "online_uebersicht_ort",
            buttons=popular_buttons(),
            gemeinde=municipality.label,
        )
    else:
        say(dispatcher, tracker, "online_uebersicht", buttons=popular_buttons())


class ActionOnlineLeistung(Action):
    """Answer "Kann ich X online beantragen?" from data/knowledge/leistungen.yml."""

    def name(self) -> str:
        return "action_online_leistung"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        service = requested_service(tracker)
        focus = current_focus(tracker)
        message = user_text(tracker)
        if asks_without_id_card(tracker):
            # "geht das auch ohne ausweis?" after the BundID: the account's other ways to
            # register, not the ID card's service ("ausweis" names it).
            from_focus = answer_from_focus(dispatcher, tracker)
            if from_focus is not None:
                return from_focus
        if (
            service is None
            and focus
            and focus.kind == "leistung"
            and (
                continues_focus(message)
                or points_back(message)
                or objects_to_answer(message)
                or _APPLY_ONLINE.match(message)
            )
        ):
            # "where i register him then" after the dog tax, "Can I apply for it online?" after
            # the ID card's fees: that service again.
            service = load_services().get(focus.value or "")
        if service is None and focus and focus.kind in ("urkunde", CATALOGUE_FOCUS):
            # "kann ich die online bestellen?" after the Eheurkunde for Eltville: that certificate
            # (not the catalogue's "Geldwäschebeauftragten zu bestellen"); "geht das online?"
            # after a catalogue service: where to look it up.
            from actions.nachfragen import ActionNachfrage, aspect_of

            if continues_focus(message, aspect_of(message)) or points_back(message):
                return await ActionNachfrage().run(dispatcher, tracker, domain)
        if service is None and focus and focus.kind == "lebenslage":
            # "can I apply for it online?" after the lost ID card: the step it means.
            # Imported here: actions.nachfragen imports this module.
            from actions.nachfragen import ActionNachfrage, aspect_of

            # "ich hab aber nur nen elektronischen aufenthaltstitel" after the move's online step.
            if continues_focus(message, aspect_of(message)) or _PERMIT_AS_ID.search(message):
                return await ActionNachfrage().run(dispatcher, tracker, domain)
        if service is None and focus and focus.kind == "konto" and _PERMIT_AS_ID.search(message):
            # "Ich habe elektronische Aufenthaltstitel, nicht deutsche Ausweis. Geht das auch?"
            # after the BundID: the login ways' answer names the permit's online ID function.
            dispatcher.utter_message(response="utter_faq/eid_elster")
            return []
        if service is None and focus and focus.kind in ("konto", "ikz", "ozg", "civento"):
            # "ok, how do I create the new one?" after the Servicekonto's answer: the BundID;
            # "kann ich die Online-Dienste dann einklagen?" after the OZG: its deadlines' answer.
            from_focus = answer_from_focus(dispatcher, tracker)
            if from_focus is not None:
                return from_focus
        if service is None:
            # No detailed service: the national catalogue may still name it (actions/katalog.py),
            # unless the online offer as a whole is asked ("bietet" is not "Waren anbieten").
            answered = (
                None
                if asks_for_online_offer(message)
                else answer_from_catalogue(dispatcher, tracker, SERVICE_QUESTION_SCORE)
            )
            if answered is not None:
                return answered
            say_overview(dispatcher, tracker)
            return []
        # "Wer bist du eigentlich, ein Mensch oder ein Computer? Und kann ich über dich
        # Wohngeld beantragen?" (bot.nlp.rules.service_beside_small_talk): both answered.
        answer_small_talk_first(dispatcher, tracker, message)
        answer_service(dispatcher, tracker, service, municipality_in_question(tracker))
        # Follow-ups ("und in Kassel?", "was kostet das?") refer to this service.
        return [focus_event("leistung", service.id)]
