"""Services of the national catalogue (LeiKa) that the detailed catalogue does not describe.

The answer says what the catalogue says and no more: the official name, the OZG topic, on
which level the service is regulated, the legal basis link where the catalogue has one, and
where to go next (Verwaltungsportal Hessen, the municipality, 115). Whether a service can be
done online is not in the catalogue, so the answer never says it is.
"""

from __future__ import annotations

import json
import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.antworten import say, text
from actions.context import entity_values, home_municipality, user_text
from actions.fokus import CATALOGUE_FOCUS, current_focus, focus_event
from actions.fokus_antwort import answer_from_focus
from actions.kontakt import ActionFallbackThemen, missed_before
from bot.knowledge.catalogue import CatalogueService, Hit, load_catalogue, regulating_level
from bot.knowledge.finder import CONFIDENT_SCORE, FALLBACK_SCORE, is_confident
from bot.knowledge.municipalities import Municipality, load_municipalities
from bot.knowledge.services import load_services
from bot.nlp.faq_cues import ACCOUNT_WORD

# Topics whose follow-ups (cost, online, duration) action_nachfrage answers.
_SERVICE_FOCUS = frozenset({"leistung", "urkunde", "lebenslage", CATALOGUE_FOCUS})
# Hits within this share of the best score are "just as plausible": several of them that are
# not variants of the best one are offered as buttons instead of guessing.
AMBIGUOUS_SHARE = 0.85
MAX_BUTTONS = 4
_BUTTON_TITLE_CHARS = 60
_LEVEL_KEYS = {"Bund": "katalog_ebene_bund", "Land": "katalog_ebene_land", "Kommune": "katalog_ebene_kommune"}
# LeiKa type 1 means the Bund also executes the service itself (see LEISTUNGSKATALOG.md).
_BUND_SELBST = "katalog_ebene_bund_selbst"


def choice_payload(service: CatalogueService) -> str:
    """Button payload that makes the next turn answer exactly this service."""
    return "/online_beantragen" + json.dumps({"leistung": service.name}, ensure_ascii=False)


def _button_title(name: str) -> str:
    return name if len(name) <= _BUTTON_TITLE_CHARS else name[: _BUTTON_TITLE_CHARS - 1] + "…"


def plausible(hits: list[Hit]) -> list[CatalogueService]:
    """The services to offer: one if the best hit is clear, else up to four to choose from.

    Variants of the best service ("Hundesteuer Befreiung" after "Hundesteuer") do not make
    a question ambiguous: the general service answers it.
    """
    if not hits:
        return []
    best = hits[0]
    distinct: list[CatalogueService] = []
    for hit in hits:
        if hit.score < best.score * AMBIGUOUS_SHARE:
            break
        # A variant of a service already offered adds nothing to choose from.
        if not any(hit.service.name.casefold().startswith(s.name.casefold()) for s in distinct):
            distinct.append(hit.service)
    return distinct[:MAX_BUTTONS]


def municipality_named(tracker: Tracker) -> Municipality | None:
    """A Hessian municipality named in the latest message ("Jagdschein in Kassel"), if any."""
    for value in entity_values(tracker, "gemeinde"):
        result = load_municipalities().resolve(value)
        if result.municipality:
            return result.municipality
    return None


def _level_text(service: CatalogueService, tracker: Tracker) -> str:
    level = regulating_level(service.leika_typ)
    if level is None:
        return text("katalog_ebene_unbekannt", tracker)
    if service.leika_typ.strip() == "1":
        return text(_BUND_SELBST, tracker)
    return text(_LEVEL_KEYS[level], tracker)


def _administration_line(tracker: Tracker) -> str:
    """The next step at the administration: of the place named or the page's, else "your" one."""
    municipality = municipality_named(tracker) or home_municipality(tracker)
    if municipality:
        return text("katalog_kommune", tracker, gemeinde=municipality.label)
    return text("katalog_kommune_unbekannt", tracker)


def answer_service(dispatcher: CollectingDispatcher, tracker: Tracker, service: CatalogueService) -> None:
    """Send the catalogue answer for one service."""
    gesetz = (
        text(
            "katalog_gesetz", tracker, titel=service.rechtsgrundlage_titel, link=service.rechtsgrundlage_link
        )
        if service.rechtsgrundlage_link
        else ""
    )
    say(
        dispatcher,
        tracker,
        "katalog_leistung",
        leistung=service.name,
        thema=service.ozg_themenfeld or service.ozg_leistung or "–",
        ebene=_level_text(service, tracker),
        gesetz=gesetz,
        suchbegriff=service.name,
        kommune=_administration_line(tracker),
    )


def answer_from_catalogue(
    dispatcher: CollectingDispatcher, tracker: Tracker, min_score: float | None = None
) -> list[EventType] | None:
    """Answer the latest message from the catalogue; ``None`` (nothing sent) if nothing fits.

    A button choice (entity ``leistung`` with an official name) is answered exactly. Free
    text goes to the finder; with ``min_score`` the best hit must reach it. The events put
    the service answered in focus, so "geht das online?" refers to it.
    """
    catalogue = load_catalogue()
    for value in entity_values(tracker, "leistung"):
        chosen = catalogue.by_name(value)
        if chosen:
            answer_service(dispatcher, tracker, chosen)
            return [focus_event(CATALOGUE_FOCUS, chosen.name)]
    hits = catalogue.search(user_text(tracker), limit=MAX_BUTTONS + 2)
    if not hits or (min_score is not None and not is_confident(hits, min_score)):
        return None
    services = plausible(hits)
    if len(services) == 1:
        answer_service(dispatcher, tracker, services[0])
        return [focus_event(CATALOGUE_FOCUS, services[0].name)]
    buttons = [{"title": _button_title(s.name), "payload": choice_payload(s)} for s in services]
    say(dispatcher, tracker, "katalog_auswahl", buttons=buttons)
    return []


def answer_catalogue_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker, name: str | None) -> bool:
    """A follow-up on a catalogue service ("geht das online?", "was kostet das?", "und bei uns?").

    The catalogue says neither fees nor online status: the answer says so and where to look
    (the portal's search for the service's name, the municipality's administration, 115).
    """
    service = load_catalogue().by_name(name or "")
    if service is None:
        return False
    say(
        dispatcher,
        tracker,
        "katalog_nachfrage",
        leistung=service.name,
        suchbegriff=service.name,
        kommune=_administration_line(tracker),
    )
    return True


# A short question that names nothing new continues the topic in focus.
_SHORT_QUESTION = re.compile(
    r"^\W*(?:und\s+|and\s+|so\s+)?(?:wo|wer|wie|was|where|who|how|what)\b", re.IGNORECASE
)
_SHORT_WORDS = 8
_BACK_REFERENCE = re.compile(
    r"\b(?:it|him|her|them|that|this|there|then|es|ihn|ihm|sie|das|daf(?:ü|ue)r|dazu|dort|da)\b",
    re.IGNORECASE,
)


def continues_focus(message: str, aspect: str = "allgemein") -> bool:
    """Whether a message the NLU did not place asks about the service in focus."""
    if load_services().find(message):
        return False
    if aspect != "allgemein":
        return True
    # "where i register him then": short, a question word and a word pointing back; not
    # "What can I do online?", which asks something new.
    return points_back(message) and bool(_SHORT_QUESTION.search(message))


# A circumstance told against the answer, with a year ("Mein Fahrzeugschein ist aber noch von
# 2012.", "… ist von 2012, geht das trotzdem?" after the car's online deregistration): the
# service's answer says what the year means.
# "der is aber schon verschrottet": a state told against the answer ("aber schon", "aber noch").
_OBJECTION = re.compile(
    r"^(?=.*\b(?:aber|allerdings|jedoch|trotzdem|dennoch|but|still|anyway|though)\b).*\b(?:19|20)\d{2}\b"
    r"|\baber\s+(?:schon|bereits|noch)\b|\balready\b",
    re.IGNORECASE | re.DOTALL,
)


def objects_to_answer(message: str) -> bool:
    """Whether a short message objects to the answer with a year or a state ("aber schon …").

    Not about an account ("Ich habe aber schon eine BundID"): that is the account's question.
    """
    return (
        len(message.split()) <= _SHORT_FOLLOW_UP_WORDS
        and bool(_OBJECTION.search(message))
        and not ACCOUNT_WORD.search(message)
    )


def points_back(message: str) -> bool:
    """Whether a short message points back to what was just said ("Can I apply for it online?")."""
    return len(message.split()) <= _SHORT_WORDS and bool(_BACK_REFERENCE.search(message))


# A short condition on what was just answered ("Und wenn …?", "What if …?").
_CONDITION_FOLLOW_UP = re.compile(
    r"^\s*(?:und\s+|and\s+)?(?:wenn|falls|was\s+(?:ist|passiert),?\s+wenn|what\s+if|if)\b(?=.{0,80}$)",
    re.IGNORECASE,
)

# A short message saying it is urgent ("Ich fliege schon übermorgen – geht das schneller?"):
# the express way of the service in focus, even where the NLU found it out of scope.
_URGENT = re.compile(
    r"\bschneller\b|\beilig|\bdringend|(?:ü|ue)bermorgen|\bexpress|\bsofort\b", re.IGNORECASE
)
# Urgency or a cost question continues the topic in focus only in a short (last) sentence.
_SHORT_FOLLOW_UP_WORDS = 12
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

# Only the opening of a pasted long text is searched for a life event's words.
_MAX_EVENT_CHARS = 1000


class ActionLeistungSuchen(Action):
    """Out-of-scope and not-understood messages: look for a service before giving up.

    Detailed services (data/knowledge/leistungen.yml) win over the catalogue. Without a
    confident hit the message gets the usual answer: the out-of-scope text, or the
    two-stage fallback of actions/kontakt.py.
    """

    def name(self) -> str:
        return "action_leistung_suchen"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        min_score = CONFIDENT_SCORE if intent == "out_of_scope" else FALLBACK_SCORE
        message = user_text(tracker)
        from_focus = answer_from_focus(dispatcher, tracker)
        if from_focus is not None:
            return from_focus
        # Imported here: nachfragen imports online_leistungen, which imports this module.
        from actions.nachfragen import ActionNachfrage, aspect_of, certificate_follow_up, residence_objection

        # "Wir haben aber in Viernheim gewohnt. Muss ich dann nicht nach Viernheim?"
        objection = residence_objection(dispatcher, tracker) or certificate_follow_up(tracker)
        if objection is not None:
            return objection
        focus = current_focus(tracker)
        # Not for out-of-scope messages: "Wie wird das Wetter?" is no question about Wohngeld.
        in_scope = intent != "out_of_scope"
        # "Und wenn der Wagen schon beim Verwerter steht?" after deregistering a car: a condition
        # on the service in focus, however unusual its words.
        # "Muss ich die bezahlen, wenn sie für die Rente sind?": the fees of what is in focus
        # ("Ich brauche mehrere Exemplare, für die Bank. Was kostet das?": the last sentence).
        last = [s for s in _SENTENCE_END.split(message) if s.strip()][-1:] or [message]
        short = len(last[0].split()) <= _SHORT_FOLLOW_UP_WORDS
        condition = (
            bool(_CONDITION_FOLLOW_UP.match(message))
            or (short and (bool(_URGENT.search(message)) or aspect_of(message) == "kosten"))
            # "der is aber schon verschrottet" after the car's deregistration.
            or objects_to_answer(message)
        ) and not load_services().find(message)
        if (
            (in_scope or condition)
            and focus
            and focus.kind in _SERVICE_FOCUS
            and (condition or continues_focus(message, aspect_of(message)))
        ):
            # "und für meine Tochter, die ist 8?" after a passport answer: its fee; "where i
            # register him then" after the dog tax: who is responsible.
            return await ActionNachfrage().run(dispatcher, tracker, domain)
        if load_services().find(message):
            # A detailed service's keyword ("Reisepass", "Kirchenaustritt") is precise enough
            # on its own; the catalogue's score is for the long tail.
            # Imported here: online_leistungen imports this module for its own not-found case.
            from actions.online_leistungen import ActionOnlineLeistung

            return await ActionOnlineLeistung().run(dispatcher, tracker, domain)
        if in_scope and entity_values(tracker, "lebenslage"):
            # "Mer kriehe e Bobbelsche! Was muss mer dann alles mache …": an event the NLU tagged
            # and the lists know is that event's list, not the catalogue's "Anzeige einer Geburt".
            from actions.lebenslagen import ActionLebenslage, detect, load_lebenslagen

            if detect(message[:_MAX_EVENT_CHARS], load_lebenslagen()) is not None:
                return await ActionLebenslage().run(dispatcher, tracker, domain)
        if is_confident(load_catalogue().search(message, limit=1), min_score):
            answered = answer_from_catalogue(dispatcher, tracker, min_score)
            if answered is not None:
                return answered
        if in_scope:
            # "I found a flat in Bessungen … what I have to do after I move in?": a life event's
            # words in a message the classifier did not place. Imported here: lebenslagen
            # imports online_leistungen, which imports this module.
            from actions.lebenslagen import ActionLebenslage, detect, load_lebenslagen

            if detect(message[:_MAX_EVENT_CHARS], load_lebenslagen()) is not None:
                return await ActionLebenslage().run(dispatcher, tracker, domain)
        if intent == "out_of_scope" and not missed_before(tracker):
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        # Not understood, or a second miss in a row: topics first, then a person (never the
        # same menu twice in a row).
        return await ActionFallbackThemen().run(dispatcher, tracker, domain)


# Build the finder's index when the action server imports its actions (about 2 s once), not
# during the first citizen's question.
load_catalogue().search("Personalausweis")
