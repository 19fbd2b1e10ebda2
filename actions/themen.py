"""A second topic in the same message is answered next or offered as a button, never dropped.

"Ich brauche eine Geburtsurkunde und will wissen, ob Wohngeld online geht": the
classifier picks one intent, so the answer to the first topic would silently drop the
second. After answering, the actions call
:func:`actions.online_leistungen.answer_other_topics` with the topic they handled: every
other detailed service the message names is answered right away; another certificate is
answered for the event place the message tells, or else offered as a button that starts exactly
that request (it needs its own place); a question
that only one FAQ answers ("… und was ist die BundID?") gets that answer; a request for a person
gets the handoff (115, the home municipality's administration).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.antworten import label, say
from actions.payloads import intent_payload
from bot.knowledge.dialekt import standardise
from bot.knowledge.ereignisort import event_municipality, is_residence, tells_event
from bot.knowledge.ikz import special_cases
from bot.knowledge.municipalities import Municipality, load_municipalities
from bot.knowledge.services import Service, load_services
from bot.nlp.certificates import HERE, certificate_kind
from bot.nlp.faq_cues import clause_faqs, faqs_asked
from bot.nlp.ikz_cues import ikz_special_funding_question
from bot.nlp.rules import asks_how_the_bot_is, asks_what_the_bot_is

# Clause boundaries: a second topic usually follows "und", "oder", "außerdem" ("and", "or",
# "also"), a comma or a new sentence ("Soll ich Wohngeld beantragen oder doch Bürgergeld?").
_CLAUSES = re.compile(
    # Hessian "un" is "und" ("Was koscht'n en Reisepass un was en Perso?").
    r"[.?!;:,]|\b(?:und|un|oder|sowie|au(?:ß|ss)erdem|ausserdem|noch|auch|and|or|also|plus|as\s+well)\b",
    re.IGNORECASE,
)
_MAX_TOPICS = 2
# A request for a person beside the question ("… und wenn nicht, eine Telefonnummer bitte",
# "if not, give me a phone number"): the handoff is added after the answer.
_HANDOFF = re.compile(
    r"telefonnummer|telefon\b|anrufen|hotline|mitarbeiter"
    # "mit einem echten Menschen sprechen", "mit em richtige Mensch"
    r"|\bmit\s+(?:einem|einer|em|nem|ner)\s+(?:echten?\s+|richtigen?\s+|realen?\s+)?mensch(?:en)?\b"
    r"|phone|\bcall\s+(?:someone|somebody|you)|talk\s+to\s+(?:a|someone|somebody)|speak\s+to\s+(?:a|someone)"
    # "which number i can call if i need help", "welche Nummer kann ich anrufen?"
    r"|\bnumber\b.{0,20}\bcall\b|welche\s+nummer"
    # "Gibts da ne Nummer, wo ich nen echten Menschen erreiche?"
    r"|\b(?:echte|richtige|reale)[nmr]?\s+(?:mensch|person)|\bnummer\b.{0,40}\b(?:erreich|mensch|person)"
    # "Is there ANY human I can talk to?"
    r"|\b(?:a|any|real)\s+human\b"
    # "Und kann ich auch mit jemandem persönlich sprechen?"
    r"|\bmit\s+jemandem?\s+(?:\w+\s+){0,4}(?:sprechen|reden|telefonieren)",
    re.IGNORECASE,
)

# Distress beside the request for a person ("I'm at the end of my rope … Is there ANY human I can
# talk to?"): the person to contact comes with a word of sympathy.
_DISTRESS = re.compile(
    r"verzweifel|am\s+ende\s+mit|keine\s+kraft\s+mehr|\bangst\b|frustrier|genervt"
    r"|niemand\s+(?:geht\s+ran|antwortet|meldet\s+sich)|end\s+of\s+my\s+(?:rope|tether)|wits'?\s+end"
    r"|desperate|\bscared\b|frustrat|nobody\s+(?:picks\s+up|answers|replies)",
    re.IGNORECASE,
)


# A complaint beside the question ("seit einer Stunde in der Warteschleife, eine Frechheit! Und
# wie beantrage ich Wohngeld?"): the answer, then an apology-worded person to contact.
_COMPLAINT = re.compile(
    r"frechheit|unversch(?:ä|ae)mt|zumutung|warteschleife|skandal(?:ös|oes)?\b|so\s+geht\s+man\s+nicht"
    # "euer online formular is schon wieder abgestürzt, echt ärgerlich!!"
    r"|(?:ä|ae)rgerlich|abgest(?:ü|ue)rzt"
    # "… und außerdem möchte ich mich beschweren": a complaint needs a person to take it.
    r"|\bbeschwer(?:en|de)\b"
    r"|outrageous|unacceptable|on\s+hold\s+for",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class OtherTopics:
    """What else a message asks besides the topic already answered."""

    services: tuple[Service, ...] = ()
    # (kind, its event place's name): a certificate whose place the message tells.
    certificates: tuple[tuple[str, str], ...] = ()
    certificate_buttons: tuple[dict[str, str], ...] = ()
    handoff: bool = False
    faqs: tuple[str, ...] = ()
    distress: bool = False
    # IKZ special cases whose funding the message asks beside its topic ("feuerwehr").
    ikz_cases: tuple[str, ...] = ()

    @property
    def contact_key(self) -> str:
        """The text naming a person to contact: with a word of sympathy after distress."""
        return "kontakt_mitgefuehl" if self.distress else "kontakt"


def other_topics(text: str, handled: Collection[str], here: Municipality | None = None) -> OtherTopics:
    """The detailed services, certificates and FAQ questions in ``text`` other than ``handled``.

    ``here`` is the page's municipality when the message says "hier" or "bei uns".
    """
    services: list[Service] = []
    certificates: list[tuple[str, str]] = []
    buttons: list[dict[str, str]] = []
    seen = set(handled)
    previous = ""
    for clause in _CLAUSES.split(text):
        if not clause.strip() or len(services) + len(certificates) + len(buttons) >= _MAX_TOPICS:
            continue
        # "Wir ziehen im Sommer nach Gießen, wie melde ich mich da an?": a clause that points
        # back needs the one before it to name its service.
        pair, previous = f"{previous} {clause}", clause
        kind = certificate_kind(clause)
        if kind and kind not in seen:
            seen.add(kind)
            place = event_municipality(text, kind) if tells_event(text, kind) else None
            if place is None and here is not None and (tells_event(text, kind) or HERE.search(clause)):
                # "… unser Kind ist letzte Woche hier geboren. Wo melde ich die neue Adresse, und
                # wo bekomme ich die Geburtsurkunde?" on Seligenstadt's website.
                place = here
            if place is None and not is_residence(clause) and not tells_event(text):
                # "Ich brauche eine Geburtsurkunde aus Gießen – brauche ich dafür eine BundID?":
                # the certificate's own clause names its place.
                place = load_municipalities().resolve(clause).municipality
            if place:
                # "… und wo bekomme ich eine Geburtsurkunde für meine Tochter, die in
                # Lauterbach geboren ist?": the place is told, so the answer, not a button.
                certificates.append((kind, place.label))
                continue
            payload = intent_payload("urkunde_beantragen", urkundenart=kind)
            title = label("knopf_urkundenart_bestellen", urkunde=label(f"knopf_{kind}"))
            buttons.append({"title": title, "payload": payload})
            continue
        if faqs_asked(clause):
            # "… und wie richte ich die BundID mit meinem Personalausweis ein?": the FAQ's clause
            # (answered below), not the ID card as a service.
            continue
        service = load_services().find(clause) or load_services().find(pair)
        if service and service.id in seen:
            # "kann ich wohngeld online beantragen elterngeld auch??": a second service in the
            # clause of the one answered.
            service = load_services().find_other(clause, seen)
        if service and service.id not in seen and not kind:
            seen.add(service.id)
            services.append(service)
    # Questions about the certificate itself are answered with it (follow_on_certificate_question).
    faqs = tuple(k for k in clause_faqs(text) if not k.startswith("faq/urkunde_") and k not in seen)
    return OtherTopics(
        tuple(services),
        tuple(certificates),
        tuple(buttons),
        bool(_HANDOFF.search(text) or _HANDOFF.search(standardise(text)) or _COMPLAINT.search(text)),
        faqs[:1],
        bool(_DISTRESS.search(text) or _COMPLAINT.search(text)),
        # "Wir wollen zwei Ortsteilfeuerwehren zusammenlegen, gibt es dafür Geld vom Land? Und
        # privat: wo melde ich meinen neuen Hund zur Steuer an?": the fire brigades' rule too.
        special_cases(text) if ikz_special_funding_question(text) else (),
    )


def request_text(tracker: Tracker, intents: tuple[str, ...]) -> str:
    """The text of the latest user message with one of ``intents`` (the one that started a request)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent in intents:
                return str(event.get("text") or "")
    return ""


def answer_small_talk_first(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> None:
    """Small talk before a question gets its short answer first, then the question its own.

    "Hallo, wer bist du eigentlich? Und was heißt IKZ?": that it is a computer program (and
    115 for a person); "Hallo du! Wie geht's dir? Und wo beantrage ich Elterngeld?": fine, thanks.
    Callers answer a question that is not small talk, so the small talk is only beside it.
    """
    if asks_what_the_bot_is(text):
        dispatcher.utter_message(response="utter_chitchat/bot_challenge")
    elif asks_how_the_bot_is(text):
        say(dispatcher, tracker, "wie_gehts_kurz")
