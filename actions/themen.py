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

from actions.antworten import label
from actions.payloads import intent_payload
from bot.knowledge.ereignisort import event_municipality, tells_event
from bot.knowledge.services import Service, load_services
from bot.nlp.certificates import certificate_kind
from bot.nlp.faq_cues import clause_faqs

# Clause boundaries: a second topic usually follows "und", "oder", "außerdem" ("and", "or",
# "also"), a comma or a new sentence ("Soll ich Wohngeld beantragen oder doch Bürgergeld?").
_CLAUSES = re.compile(
    r"[.?!;:,]|\b(?:und|oder|sowie|au(?:ß|ss)erdem|ausserdem|noch|auch|and|or|also|plus|as\s+well)\b",
    re.IGNORECASE,
)
_MAX_TOPICS = 2
# A request for a person beside the question ("… und wenn nicht, eine Telefonnummer bitte",
# "if not, give me a phone number"): the handoff is added after the answer.
_HANDOFF = re.compile(
    r"telefonnummer|telefon\b|anrufen|hotline|mit\s+einem\s+menschen|mitarbeiter"
    r"|phone|\bcall\s+(?:someone|somebody|you)|talk\s+to\s+(?:a|someone|somebody)|speak\s+to\s+(?:a|someone)"
    # "which number i can call if i need help", "welche Nummer kann ich anrufen?"
    r"|\bnumber\b.{0,20}\bcall\b|welche\s+nummer"
    # "Is there ANY human I can talk to?"
    r"|\b(?:a|any|real)\s+human\b",
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

    @property
    def contact_key(self) -> str:
        """The text naming a person to contact: with a word of sympathy after distress."""
        return "kontakt_mitgefuehl" if self.distress else "kontakt"


def other_topics(text: str, handled: Collection[str]) -> OtherTopics:
    """The detailed services, certificates and FAQ questions in ``text`` other than ``handled``."""
    services: list[Service] = []
    certificates: list[tuple[str, str]] = []
    buttons: list[dict[str, str]] = []
    seen = set(handled)
    for clause in _CLAUSES.split(text):
        if not clause.strip() or len(services) + len(certificates) + len(buttons) >= _MAX_TOPICS:
            continue
        kind = certificate_kind(clause)
        if kind and kind not in seen:
            seen.add(kind)
            place = event_municipality(text, kind) if tells_event(text, kind) else None
            if place:
                # "… und wo bekomme ich eine Geburtsurkunde für meine Tochter, die in
                # Lauterbach geboren ist?": the place is told, so the answer, not a button.
                certificates.append((kind, place.label))
                continue
            payload = intent_payload("urkunde_beantragen", urkundenart=kind)
            title = label("knopf_urkundenart_bestellen", urkunde=label(f"knopf_{kind}"))
            buttons.append({"title": title, "payload": payload})
            continue
        service = load_services().find(clause)
        if service and service.id not in seen and not kind:
            seen.add(service.id)
            services.append(service)
    # Questions about the certificate itself are answered with it (follow_on_certificate_question).
    faqs = tuple(k for k in clause_faqs(text) if not k.startswith("faq/urkunde_") and k not in seen)
    return OtherTopics(
        tuple(services),
        tuple(certificates),
        tuple(buttons),
        bool(_HANDOFF.search(text)),
        faqs[:1],
        bool(_DISTRESS.search(text)),
    )


def request_text(tracker: Tracker, intents: tuple[str, ...]) -> str:
    """The text of the latest user message with one of ``intents`` (the one that started a request)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent in intents:
                return str(event.get("text") or "")
    return ""
