"""Follow-ups answered for the topic in focus (actions/fokus.py), and dissatisfaction."""

from __future__ import annotations

import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.antworten import say
from actions.context import (
    entity_values,
    home_municipality,
    previous_entity_values,
    previous_user_text,
    user_text,
)
from actions.fokus import CATALOGUE_FOCUS, Focus, current_focus, focus_event
from actions.fokus_antwort import answer_from_focus
from actions.ikz import answer_funding, ikz_recount
from actions.katalog import answer_catalogue_follow_up
from actions.kontakt import gemeinde_hinweis, topic_menu
from actions.lebenslagen import load_lebenslagen, step_service
from actions.online_leistungen import (
    PORTAL_URL,
    answer_other_topics,
    answer_service,
    municipality_in_question,
    online_status_text,
    popular_buttons,
    portal_page,
    requested_service,
    say_fees,
    service_field,
    service_name,
)
from actions.standesamt_regeln import answer_standesamt_rule
from actions.themen import other_topics
from actions.urkunden import event_phrase, say_office, told_event_place
from bot.knowledge.dialekt import standardise
from bot.knowledge.ereignisort import (
    CERTIFICATE_OF_EVENT,
    event_municipality,
    event_place_text,
    named_as_residence,
    tells_event,
)
from bot.knowledge.ikz import parse_count
from bot.knowledge.municipalities import Municipality, load_municipalities
from bot.knowledge.services import Service, load_services, sibling_service
from bot.knowledge.text import normalise
from bot.nlp.certificates import ORDER_WAY, certificate_kind, event_kind

URKUNDENARTEN = ("geburtsurkunde", "eheurkunde", "sterbeurkunde")


# What a follow-up asks about; the first matching aspect wins.
# Ages written as words ("die ist acht", "der is zwölf").
AGE_WORDS = (
    r"(?:eins|zwei|drei|vier|f(?:ü|ue)nf|sechs|sieben|acht|neun|zehn|elf|zw(?:ö|oe)lf|dreizehn|vierzehn"
    r"|f(?:ü|ue)nfzehn|sechzehn|siebzehn|achtzehn|neunzehn|zwanzig|\w+undzwanzig)"
)
_ASPECTS = (
    (
        "kosten",
        re.compile(
            # "und im Expressverfahren?": the express surcharge is part of the fees.
            r"kost|teuer|gebühr|gebuehr|preis|zahl|kosch[dt]|express|\bcost|\bfees?\b|\bprice|how\s+much|\bpay\b"
            # "Und wenn es schnell gehen muss?": urgency is the express surcharge of the fees.
            r"|schnell\s+gehen\s+muss|\beilig|\bdringend|\bschneller\b|(?:ü|ue)bermorgen"
            # "Bekomme ich sofort einen Ersatz?" after a lost ID card: the provisional one's fee.
            r"|\bsofort\b"
            r"|\bfree\b"
            # "gibt es bis dahin einen vorläufigen?" after a lost ID card: its fee line names it.
            r"|vorl(?:ä|ae)ufig",
            re.I,
        ),
    ),
    # "Darf ich die als Mutter für ihn beantragen? Er ist 17.", "kann isch die fer den aach
    # beantrage?": who may order (before the age, which otherwise reads as the fees' question).
    (
        "berechtigt",
        re.compile(
            r"\bdarf\b|\bd(?:ü|ue)rfen\b|berechtigt|\bmay\s+(?:i|we|my)\b|\ballowed\b"
            # "ab welchem Alter geht das?" after who may order a certificate.
            r"|ab\s+welchem\s+alter|wie\s+alt\s+muss|how\s+old\s+(?:do|must)"
            # "kann die auch unsere Tochter für uns bestellen?": someone else ordering.
            r"|\b(?:kann|darf|k(?:ö|oe)nnte)\s+(?:die|der|das|des)?\s*(?:auch\s+|aach\s+)?(?:unsere?|meine?|mei)\s+\w+"
            r"\s+(?:\w+\s+){0,3}(?:beantrag|bestell)"
            r"|\b(?:f(?:ü|ue)r|fer|for)\s+(?:den|ihn|sie|die|meine?[nmr]?|mei|him|her|my)\b.{0,40}"
            r"\b(?:auch|aach|ach|also|too)\b.{0,20}\b(?:beantrag|bestell|order|request|apply)",
            re.I,
        ),
    ),
    # "wie lange dauert das, wenn ich per Post bestelle?": the question is how long; the way
    # to order or the delivery is only its circumstance.
    ("dauer", re.compile(r"wie\s+lange?\b|dauert|how\s+long", re.I)),
    # "kann ich mir den dann nach Hause schicken lassen?": the delivery, said in the summary
    # of the documents that have it (Direktversand); before "bestellweg" ("per Post nach Hause").
    (
        "versand",
        re.compile(
            r"nach\s+hause|zuschick|zusend|zugeschickt|direktversand|schicken\s+lassen"
            r"|deliver|send\s+(?:it\s+)?(?:to\s+)?(?:my\s+)?home|mailed\s+to\s+me",
            re.I,
        ),
    ),
    # "und kann ich die per E-Mail bestellen?": the ways to order (before "online").
    ("bestellweg", ORDER_WAY),
    (
        "online",
        re.compile(
            r"online|internet|digital|zu\s+hause|persönlich|persoenlich|selbst\s+hin|vorbei|from\s+home"
            r"|in\s+person",
            re.I,
        ),
    ),
    ("dauer", re.compile(r"lange?\b|dauer|schnell|wann|how\s+long|\bfast\b|quick|\bwhen\b", re.I)),
    # An age ("und wenn ich 19 bin?", "für meine Tochter, die ist 8", "I am 19"): the fees of
    # ID documents depend on it, and the fee answer names every age group.
    (
        "kosten",
        re.compile(
            r"(?:\b(?:bin|ist|sind|wird|werde|am|is|turns?)|\bi['’]?m)\s+(?:aber\s+|doch\s+|ja\s+|halt\s+|but\s+)?(?:erst\s+|schon\s+|only\s+|already\s+)?(?:\d{1,2}|"
            + AGE_WORDS
            + r")\b"
            r"|\b\d{1,2}\s*(?:jahre|jahren|years?|bin|ist|bist)\b",
            re.I,
        ),
    ),
)


# "und die Stadtverwaltung hier?": the municipality's administration asked for.
_ADMINISTRATION = re.compile(r"verwaltung|rathaus|b(?:ü|ue)rgerb(?:ü|ue)ro|stadtb(?:ü|ue)ro", re.IGNORECASE)
# "und wo genau muss ich mich da melden?": where to go for the certificate just answered (not "und
# für meine Tochter?", whose birth place is not told).
_WHERE = re.compile(
    r"\bwo\b|\bwohin\b|\bwhere\b|zust(?:ä|ae)ndig|responsible|welche[sr]?\s+(?:amt|stelle|standesamt)"
    r"|which\s+office",
    re.IGNORECASE,
)


def aspect_of(text: str) -> str:
    """What a follow-up asks: ``kosten``, ``versand``, ``bestellweg``, ``online``, ``dauer`` or ``allgemein``."""
    # Hessian is read in standard German too ("kann isch des iwwers Indernet mache?").
    readings = (text, standardise(text))
    for name, pattern in _ASPECTS:
        if any(pattern.search(reading) for reading in readings):
            return name
    return "allgemein"


def aspects_asked(text: str) -> set[str]:
    """Every aspect ``text`` asks ("Was kostet der Perso, und geht das online?": two)."""
    readings = (text, standardise(text))
    return {name for name, pattern in _ASPECTS if any(pattern.search(reading) for reading in readings)}


# The life event whose document the citizen names ("Ich habe meinen Reisepass verloren").
_LOST_DOCUMENTS = "ausweis_verloren"


# Words of six letters or more that say nothing about one service (compared by their first six).
_COMMON_WORDS = frozenset(
    {
        *("koenne", "online", "werden", "wieder", "persoe", "verwal", "hessen", "einfac", "muesse"),
        *("moecht", "sollte", "nichts", "ueberh", "eigent", "wirkli", "throug", "should", "please"),
    }
)
_LONG_WORD = re.compile(r"[^\W\d_]{6,}")


# "Und der Reisepass?", "und für den Kinderreisepass?": a follow-up that only names a service.
_ONLY_A_SERVICE = re.compile(r"^\s*(?:und|and|what\s+about|how\s+about)\b[^.!?]{0,40}\??\s*$", re.IGNORECASE)
_MAX_ONLY_A_SERVICE_WORDS = 5


def names_only_another_service(tracker: Tracker) -> bool:
    """Whether the message is a short "und …?" that names a service and asks nothing of its own."""
    text = user_text(tracker)
    return (
        bool(_ONLY_A_SERVICE.match(text))
        and len(text.split()) <= _MAX_ONLY_A_SERVICE_WORDS
        and requested_service(tracker) is not None
    )


def speaks_of_focus_service(tracker: Tracker) -> bool:
    """Whether a message the classifier did not understand speaks of the service in focus.

    "Der Wagen ist Baujahr 2008 und hat noch die alten Papiere und Plaketten von damals." after
    the Kfz-Abmeldung: two words of that service's own text ("Papiere", "Plaketten") make it a
    remark about it, which the service's answer (papers from before 2015) meets better than the
    topic menu.
    """
    focus = current_focus(tracker)
    service = load_services().get(focus.value or "") if focus and focus.kind == "leistung" else None
    if service is None:
        return False

    def stems(text: str) -> set[str]:
        return {w[:6] for w in _LONG_WORD.findall(normalise(text))} - _COMMON_WORDS

    own = stems(" ".join((service.name, service.summary, *service.translations.values())))
    return len(stems(user_text(tracker)) & own) >= 2


def lost_document(event_id: str | None, tracker: Tracker) -> Service | None:
    """The document the citizen said was lost, for a follow-up to the lost-documents list.

    "Ich fliege schon übermorgen – geht das schneller?" after "Ich habe meinen Reisepass
    verloren": the passport's express way, not the ID card the list starts with.
    """
    event = load_lebenslagen().get(event_id or "")
    if event_id != _LOST_DOCUMENTS or event is None:
        return None
    named = load_services().find(previous_user_text(tracker))
    # A document the list has steps for (the ID card) is answered from its steps: the fee is
    # the new card's, not the loss report's.
    if named is None or any(step.leistung == named.id for step in event.schritte):
        return None
    return named


class ActionNachfrage(Action):
    """Answer a follow-up ("Was kostet das?", "Geht das auch online?") for the topic in focus."""

    def name(self) -> str:
        return "action_nachfrage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        rule = answer_standesamt_rule(dispatcher, tracker)
        if rule is not None:
            return rule
        from_focus = answer_from_focus(dispatcher, tracker)
        if from_focus is not None:
            return from_focus
        if entity_values(tracker, "gemeinde") or entity_values(tracker, "urkundenart"):
            # "and for my wife? she was born in Friedberg": the certificate or service in focus
            # for the place just named; "und eine Sterbeurkunde?": another certificate, same place.
            continued = await continue_focus(dispatcher, tracker)
            if continued is not None:
                return continued
        certificate = certificate_follow_up(tracker)
        if certificate is not None:
            return certificate
        focus = current_focus(tracker)
        aspect = aspect_of(user_text(tracker))
        if aspect == "allgemein" and names_only_another_service(tracker):
            # "Was kostet der Personalausweis?" then "Und der Reisepass?": the same question
            # (its fees) for the service just named.
            aspect = aspect_of(previous_user_text(tracker))
        # A service the message names wins over the one in focus ("Und was kostet eigentlich
        # ein Reisepass?" after the ID card); "Wo beantrage ich hier einen neuen Perso und was
        # kostet der?" needs no focus at all.
        service = requested_service(tracker)
        if service is None and focus and focus.kind == "leistung":
            # "muss ich das dann extra abmelden?" after registering a trade: its deregistration.
            sibling = sibling_service(focus.value, user_text(tracker))
            if sibling is not None:
                answer_service(dispatcher, tracker, sibling, municipality_in_question(tracker))
                return [focus_event("leistung", sibling.id)]
        if (
            service is None
            and focus
            and focus.kind == CATALOGUE_FOCUS
            and answer_catalogue_follow_up(dispatcher, tracker, focus.value)
        ):
            # "geht das auch online?" after the catalogue's Polizei-Internetwache: where to look.
            return []
        if service is None and focus and focus.kind in ("leistung", "urkunde") and focus.value:
            service = load_services().get(focus.value)
        if service is None and focus and focus.kind == "lebenslage":
            service = lost_document(focus.value, tracker) or step_service(
                load_lebenslagen().get(focus.value or ""), aspect
            )
        if aspect == "berechtigt" and (
            focus and focus.kind == "urkunde" or service is not None and service.id in URKUNDENARTEN
        ):
            dispatcher.utter_message(response="utter_faq/urkunde_berechtigt")
            return []
        if focus and focus.kind == "urkunde" and aspect == "kosten":
            dispatcher.utter_message(response="utter_faq/urkunde_gebuehr")
            return []
        if focus and focus.kind == "urkunde" and aspect == "dauer":
            dispatcher.utter_message(response="utter_faq/urkunde_dauer")
            return []
        if focus and focus.kind == "urkunde" and aspect == "bestellweg":
            dispatcher.utter_message(response="utter_faq/urkunde_bestellweg")
            return []
        previous_place = tracker.get_slot("ort")
        if (
            focus
            and focus.kind == "urkunde"
            and focus.value in URKUNDENARTEN
            and aspect == "allgemein"
            and previous_place
            and _WHERE.search(user_text(tracker))
            and requested_service(tracker) is None
        ):
            # "und wo genau muss ich mich da melden?" after the certificate answer for Gelnhausen:
            # that answer again (office, link), not the certificate's general description.
            return [
                SlotSet("anliegen", "urkunde"),
                SlotSet("urkundenart", focus.value),
                SlotSet("ort", previous_place),
                FollowupAction("action_standesamt_auskunft"),
            ]
        if service is None:
            # "Do I have to pay anything for it?" after "What is the BundID?": that answer (it
            # says the account is free), not a menu of services.
            from_focus = answer_from_focus(dispatcher, tracker)
            if from_focus is not None:
                return from_focus
            if home_municipality(tracker) and (
                _WHERE.search(user_text(tracker)) or _ADMINISTRATION.search(user_text(tracker))
            ):
                # "wer ist denn hier zuständig?" on a municipality's page, no topic in focus: its
                # administration (and 115), not a menu of services.
                say(dispatcher, tracker, "kontakt", gemeinde_hinweis=gemeinde_hinweis(tracker))
                return []
            say(dispatcher, tracker, "nachfrage_ohne_fokus", popular_buttons())
            return []
        if len(aspects_asked(user_text(tracker))) > 1:
            # "Was kostet ein neuer Personalausweis und kann ich den auch online beantragen?":
            # the service's whole answer says both.
            answer_service(dispatcher, tracker, service, municipality_in_question(tracker))
            return [focus_event("leistung", service.id)]
        municipality = focus_municipality(tracker, focus) or home_municipality(tracker)
        link = portal_page(service, municipality)
        if aspect == "kosten":
            say_fees(dispatcher, tracker, service, link)
        elif aspect in ("online", "bestellweg"):
            # A service's way to apply ("per Post?") is said by its online status and summary.
            say(
                dispatcher,
                tracker,
                "nachfrage_online",
                leistung=service_name(service),
                status=online_status_text(service, tracker),
                # How it is done instead ("persönlich bei der Personalausweisbehörde").
                zusammenfassung=service_field(service, "summary", service.summary_leicht),
                link=link,
            )
            _say_where(dispatcher, tracker, focus, municipality, link)
        else:
            say(
                dispatcher,
                tracker,
                "nachfrage_allgemein",
                leistung=service_name(service),
                zusammenfassung=service_field(service, "summary", service.summary_leicht),
                zustaendig=service_field(service, "office"),
                link=link,
            )
        # "how much cost a new ID card for me and how much the passport?": the other one too.
        answer_other_topics(dispatcher, tracker, user_text(tracker), (service.id,))
        if focus and focus.kind == "lebenslage" and requested_service(tracker) is None:
            # A step of the life event was meant ("geht das auch online?" after the lost ID card):
            # the event stays in focus, so "und was kostet der neue?" finds the step with fees.
            return [focus_event("lebenslage", focus.value)]
        # "Was kostet ein Reisepass?" answered here: "und für meine Tochter, die ist 8?" next.
        return [focus_event("leistung", service.id)]


def focus_municipality(tracker: Tracker, focus: Focus | None) -> Municipality | None:
    """The place the topic in focus was asked for, when this follow-up names none.

    "geht das auch online?" after "Wie melde ich meinen Hund in Marburg an?" is about Marburg;
    after a certificate answer it is about the event place of that answer (slot ``ort``).
    """
    if entity_values(tracker, "gemeinde") or focus is None:
        return None
    index = load_municipalities()
    if focus.kind == "urkunde":
        place = tracker.get_slot("ort")
        return index.resolve(str(place)).municipality if place else None
    if focus.kind != "leistung":
        return None
    for value in previous_entity_values(tracker, "gemeinde"):
        found = index.resolve(value).municipality
        if found:
            return found
    return None


def _say_where(
    dispatcher: CollectingDispatcher, tracker: Tracker, focus: Focus | None, m: Municipality | None, link: str
) -> None:
    """After the online status: where the place in focus offers it (its Standesamt, its portal page)."""
    if m is None:
        return
    if focus and focus.kind == "urkunde":
        say_office(dispatcher, tracker, m)
    elif link == PORTAL_URL:
        say(dispatcher, tracker, "hinweis_portal_suche", gemeinde=m.label)


def _life_event_step_for(
    dispatcher: CollectingDispatcher, tracker: Tracker, event_id: str | None, place: str
) -> list[EventType] | None:
    """ "Wir wohnen in Lorsch – wo melden wir das an?" after the wedding: the first step, for that place."""
    service = step_service(load_lebenslagen().get(event_id or ""), aspect_of(user_text(tracker)))
    municipality = load_municipalities().resolve(place).municipality
    if service is None or municipality is None:
        return None
    answer_service(dispatcher, tracker, service, municipality)
    # "Geht das auch online?" next is about this step.
    return [focus_event("leistung", service.id)]


_FOLLOW_UP_START = re.compile(r"^\s*(?:und|auch|noch|dann|und\s+noch)\b", re.IGNORECASE)


def follow_up_place(tracker: Tracker) -> str | None:
    """The place of the previous certificate answer, when this message continues it without a place.

    "Und eine Sterbeurkunde?" right after the Eheurkunde for Taunusstein means Taunusstein.
    Only a message that starts like a follow-up ("und", "auch", "noch") reuses the place.
    """
    focus = current_focus(tracker)
    if focus is None or focus.kind not in ("urkunde", "standesamt"):
        return None
    if entity_values(tracker, "gemeinde") or not _FOLLOW_UP_START.search(user_text(tracker)):
        return None
    previous = tracker.get_slot("ort")
    return str(previous) if previous else None


def residence_objection(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """ "Wir haben aber in Viernheim gewohnt. Muss ich nicht nach Viernheim?" after a certificate answer.

    The residence does not decide (the event place does): say so, and give the answer for
    the event place again. None unless the message names places only as residences.
    """
    focus = current_focus(tracker)
    previous = tracker.get_slot("ort")
    if focus is None or focus.kind != "urkunde" or focus.value not in URKUNDENARTEN or not previous:
        return None
    text = user_text(tracker)
    places = entity_values(tracker, "gemeinde")
    if not places or not all(named_as_residence(text, place) for place in places):
        return None
    say(
        dispatcher, tracker, "wohnort_nicht_zustaendig", ereignis=event_phrase(focus.value), wohnort=places[0]
    )
    return [
        SlotSet("anliegen", "urkunde"),
        SlotSet("urkundenart", focus.value),
        SlotSet("ort", previous),
        FollowupAction("action_standesamt_auskunft"),
    ]


def certificate_follow_up(tracker: Tracker) -> list[EventType] | None:
    """ "und mein Schwiegervater, der ist in Heidelberg geboren?" after a certificate answer.

    Also "und wo bekomme ich die Sterbeurkunde?" after a death told with its place.

    An event and its place (in Hessen or not) continue the certificate request when the
    classifier did not place the message; None unless a certificate is in focus and the words
    name both.
    """
    text = user_text(tracker)
    named = certificate_kind(text)
    told = told_event_place(tracker, named) if named and not entity_values(tracker, "gemeinde") else None
    if named and told:
        # "und wo bekomme ich die Sterbeurkunde?" after "Mein Vater ist in Korbach gestorben.
        # Was muss ich erledigen?": the certificate of the told event, from its place.
        return [
            SlotSet("anliegen", "urkunde"),
            SlotSet("urkundenart", named),
            SlotSet("ort", told),
            FollowupAction("action_standesamt_auskunft"),
        ]
    focus = current_focus(tracker)
    if focus is None or focus.kind not in ("urkunde", "standesamt"):
        return None
    kind = event_kind(text)
    if kind is None:
        return None
    place = event_place_text(text, kind)
    if load_municipalities().resolve(place).status == "unknown":
        return None
    return [
        SlotSet("anliegen", "urkunde"),
        SlotSet("urkundenart", kind),
        SlotSet("ort", place),
        FollowupAction("action_standesamt_auskunft"),
    ]


def _told_certificate_place(event_id: str | None, text: str) -> tuple[str, str] | None:
    """The certificate kind and the AGS of its event place, if ``text`` tells the event with it."""
    kind = CERTIFICATE_OF_EVENT.get(event_id or "")
    if kind is None or not tells_event(text, kind):
        return None
    place = event_municipality(text, kind)
    return (kind, place.ags) if place is not None else None


async def continue_focus(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """Continue the topic in focus with the place or number just given; None if it does not apply.

    "Und in Kassel?" after a service answer answers that service for Kassel; a place after
    a certificate answer or offer answers the certificate for that place; a number after
    the IKZ calculator recalculates. Anything else is left to the caller.
    """
    focus = current_focus(tracker)
    if focus is None:
        return None
    if focus.kind == "ikz":
        return ikz_recount(dispatcher, tracker)
    objection = residence_objection(dispatcher, tracker)
    if objection is not None:
        return objection
    places = entity_values(tracker, "gemeinde")
    kinds = [k for k in entity_values(tracker, "urkundenart") if k in URKUNDENARTEN]
    previous = follow_up_place(tracker)
    # "und die Geburtsurkunde?" after a certificate answer, or after a birth told with its place.
    previous = previous or (told_event_place(tracker, kinds[0]) if kinds and not places else None)
    if kinds and previous:
        return [
            SlotSet("anliegen", "urkunde"),
            SlotSet("urkundenart", kinds[0]),
            SlotSet("ort", previous),
            FollowupAction("action_standesamt_auskunft"),
        ]
    if not places:
        return None
    if focus.kind == "leistung" and focus.value:
        service = load_services().get(focus.value)
        result = load_municipalities().resolve(places[0])
        if service is None or result.municipality is None:
            return None
        answer_service(dispatcher, tracker, service, result.municipality)
        return [focus_event("leistung", service.id)]
    if focus.kind == "urkunde" and focus.value in URKUNDENARTEN:
        return [
            SlotSet("anliegen", "urkunde"),
            SlotSet("urkundenart", focus.value),
            SlotSet("ort", places[0]),
            FollowupAction("action_standesamt_auskunft"),
        ]
    if focus.kind == "lebenslage":
        told = _told_certificate_place(focus.value, user_text(tracker))
        if told is not None:
            # "Er ist im Krankenhaus in Hanau gestorben, gewohnt hat er in Maintal" after the
            # death's list: the certificate from the event place, not the list's first step.
            return [
                SlotSet("anliegen", "urkunde"),
                SlotSet("urkundenart", told[0]),
                SlotSet("ort", told[1]),
                FollowupAction("action_standesamt_auskunft"),
            ]
        return _life_event_step_for(dispatcher, tracker, focus.value, places[0])
    if focus.kind == "standesamt":
        return [
            SlotSet("anliegen", "standesamt"),
            SlotSet("urkundenart", None),
            SlotSet("ort", places[0]),
            FollowupAction("action_standesamt_auskunft"),
        ]
    return None


_MUNICIPALITY_COUNT = re.compile(r"gemeinde|kommune|zweit|dritt|viert|st(?:ä|ae)dte", re.IGNORECASE)


def redirect_non_place(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """Where a message taken for a bare place names no place, answer what fits it, if anything.

    A number of municipalities gets the IKZ funding, a named service its answer. Both are
    answered here, not by a FollowupAction: after the place intent no rule or story continues
    from those actions, and the policies would predict the topic menu again and again until
    Rasa's limit ("Und wenn wir zu viert sind?" got eight menus, the next message no reply).
    """
    text = user_text(tracker)
    count = parse_count(text)
    if count is not None and _MUNICIPALITY_COUNT.search(text):
        return answer_funding(dispatcher, tracker, count)
    service = load_services().find(text)
    if service is not None:
        answer_service(dispatcher, tracker, service, municipality_in_question(tracker))
        return [focus_event("leistung", service.id)]
    return None


def _last_bot_buttons(tracker: Tracker) -> list[str]:
    """Payloads of the buttons in the assistant's latest message (before this turn)."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            buttons = (event.get("data") or {}).get("buttons") or []
            return [str(b.get("payload")) for b in buttons if isinstance(b, dict)]
    return []


class ActionUnzufrieden(Action):
    """Dissatisfaction: apologise, name a person to contact, offer the topics at most once.

    The menu is left out when the previous answer already showed it, so the same menu
    never appears twice in a row.
    """

    def name(self) -> str:
        return "action_unzufrieden"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        menu = topic_menu()
        shown = set(_last_bot_buttons(tracker))
        others = other_topics(user_text(tracker), ())
        # "… ich will das mit einem Menschen klären. Und nebenbei: wie melde ich ein Gewerbe an?":
        # the question is answered after the apology, and then no menu is needed.
        asked = bool(others.services or others.certificates or others.certificate_buttons or others.faqs)
        buttons = [] if asked or {b["payload"] for b in menu} <= shown else menu
        say(dispatcher, tracker, "unzufrieden", buttons, gemeinde_hinweis=gemeinde_hinweis(tracker))
        if asked:
            answer_other_topics(dispatcher, tracker, user_text(tracker), (), contact=False)
        return []
