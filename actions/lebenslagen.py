"""Life events (Lebenslagen): what a birth, a move, a death, ... usually needs in Hessen.

The events and their ordered steps live in data/knowledge/lebenslagen.yml; every step is a
service of the detailed catalogue (leistungen.yml), so its responsible office comes from
there and each step gets a button that answers that service (action_online_leistung).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.antworten import Var, join, label, say, text, with_translations
from actions.context import entity_values, home_municipality, user_text
from actions.fokus import current_focus, focus_event
from actions.fokus_antwort import answer_from_focus
from actions.katalog import answer_from_catalogue
from actions.online_leistungen import (
    PORTAL_URL,
    ActionOnlineLeistung,
    answer_other_topics,
    say_fees,
    say_overview,
    service_field,
    service_name,
)
from actions.orte import Place
from actions.payloads import intent_payload
from actions.urkunden import event_phrase, office_link, shared_office, urkunde_name
from bot.knowledge.dialekt import standardise
from bot.knowledge.ereignisort import EVENT_OF_CERTIFICATE, event_municipality
from bot.knowledge.finder import FALLBACK_SCORE
from bot.knowledge.languages import load_sprachen
from bot.knowledge.municipalities import Municipality, load_municipalities
from bot.knowledge.services import Service, ServiceCatalogue, load_services
from bot.knowledge.sources import KNOWLEDGE_DIR, KnowledgeError, load_source_titles, read_yaml
from bot.knowledge.text import edit_distance, variants
from bot.nlp.faq_cues import asks_for_online_offer

LEBENSLAGEN_PATH = KNOWLEDGE_DIR / "lebenslagen.yml"
# The button payload that makes the assistant answer one service in detail.
# Button titles longer than this are cut: messengers truncate long titles anyway.
_MAX_TITLE = 40
# Keywords this long may be typed with one slip ("gestorbn").
_MIN_TYPO_KEYWORD = 8
# Life events whose event place decides a certificate's Standesamt.
_EVENT_CERTIFICATES = {"geburt": "geburtsurkunde", "todesfall": "sterbeurkunde"}


@dataclass(frozen=True)
class Schritt:
    """One step of a life event: a catalogue service and a sourced hint."""

    leistung: str
    titel: str | None
    hinweis: str
    hinweis_leicht: str
    quellen: tuple[str, ...]
    # "titel_en", "hinweis_en", ...: the texts in further languages (missing: German shown).
    translations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Lebenslage:
    """A life event with its ordered steps, the first step first."""

    id: str
    titel: str
    einleitung: str
    einleitung_leicht: str
    keywords: tuple[str, ...]
    schritte: tuple[Schritt, ...]
    nachsatz: str | None
    nachsatz_quellen: tuple[str, ...]
    # "titel_en", "einleitung_en", "nachsatz_en": the texts in further languages.
    translations: dict[str, str] = field(default_factory=dict)


def _strings(raw: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in raw or ())


def _translations(raw: dict[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    """The fields ``<name>_<code>`` of ``raw`` for every further language that has them."""
    return {
        f"{name}_{code}": str(raw[f"{name}_{code}"])
        for name in names
        for code in load_sprachen().foreign
        if raw.get(f"{name}_{code}")
    }


def _check_sources(where: str, urls: tuple[str, ...], titles: dict[str, str]) -> None:
    if not urls:
        raise KnowledgeError(f"{where}: needs at least one source")
    for url in urls:
        if url not in titles:
            raise KnowledgeError(f"{where}: url not listed in quellen.yml: {url}")


def _parse_schritt(
    raw: dict[str, Any], where: str, catalogue: ServiceCatalogue, titles: dict[str, str]
) -> Schritt:
    leistung = str(raw.get("leistung", ""))
    if catalogue.get(leistung) is None:
        raise KnowledgeError(f"{where}: unknown service {leistung!r}")
    for key in ("hinweis", "hinweis_leicht"):
        if not raw.get(key):
            raise KnowledgeError(f"{where} {leistung}: missing {key!r}")
    quellen = _strings(raw.get("quellen"))
    _check_sources(f"{where} {leistung}", quellen, titles)
    titel = str(raw["titel"]) if raw.get("titel") else None
    return Schritt(
        leistung,
        titel,
        str(raw["hinweis"]),
        str(raw["hinweis_leicht"]),
        quellen,
        _translations(raw, ("titel", "hinweis")),
    )


def parse_lebenslagen(
    path: Path, catalogue: ServiceCatalogue, quellen_path: Path | None = None
) -> dict[str, Lebenslage]:
    """Parse and validate a life-events file against the service catalogue and sources."""
    titles = load_source_titles(quellen_path)
    entries = read_yaml(path).get("lebenslagen")
    if not isinstance(entries, list) or not entries:
        raise KnowledgeError(f"{path}: 'lebenslagen' must be a non-empty list")
    result: dict[str, Lebenslage] = {}
    for raw in entries:
        event_id = str(raw.get("id", ""))
        where = f"{path}: lebenslage {event_id!r}"
        if not event_id or event_id in result:
            raise KnowledgeError(f"{where}: missing or duplicate id")
        for key in ("titel", "einleitung", "einleitung_leicht"):
            if not raw.get(key):
                raise KnowledgeError(f"{where}: missing {key!r}")
        schritte = tuple(_parse_schritt(s, where, catalogue, titles) for s in raw.get("schritte") or ())
        if not schritte:
            raise KnowledgeError(f"{where}: needs at least one step")
        nachsatz = raw.get("nachsatz")
        nachsatz_quellen = _strings(raw.get("nachsatz_quellen"))
        if nachsatz:
            _check_sources(f"{where} nachsatz", nachsatz_quellen, titles)
        result[event_id] = Lebenslage(
            id=event_id,
            titel=str(raw["titel"]),
            einleitung=str(raw["einleitung"]),
            einleitung_leicht=str(raw["einleitung_leicht"]),
            # Keywords of every language detect the event ("baby" as well as "Geburt").
            keywords=tuple(
                str(k).lower()
                for name in ("keywords", *(f"keywords_{c}" for c in load_sprachen().foreign))
                for k in raw.get(name) or ()
            ),
            schritte=schritte,
            nachsatz=str(nachsatz) if nachsatz else None,
            nachsatz_quellen=nachsatz_quellen,
            translations=_translations(raw, ("titel", "einleitung", "nachsatz")),
        )
    return result


@lru_cache(maxsize=1)
def load_lebenslagen() -> dict[str, Lebenslage]:
    """All life events by id, loaded and validated once."""
    return parse_lebenslagen(LEBENSLAGEN_PATH, load_services())


_ALL_PARTS = " + "


_MOVE = "umzug"
# A move told in the past tense ("moved from", "umgezogen"): the story before the question.
_PAST_MOVE = re.compile(r"\b(?:moved|relocated|arrived|came|umgezogen|hergezogen|zugezogen|gezogen)\b")


def _haystacks(text_in: str) -> list[str]:
    # Hessian spellings are read in standard German too ("Mei Mudder is gestorbe").
    readings = dict.fromkeys((text_in, standardise(text_in)))
    return [f" {key} " for reading in readings for key in variants(reading) if key]


def _events_named(haystacks: list[str], lebenslagen: dict[str, Lebenslage]) -> dict[str, tuple[int, str]]:
    """Event id → (length, keyword) of its longest keyword that occurs as whole words."""
    found: dict[str, tuple[int, str]] = {}
    for event in lebenslagen.values():
        for keyword in event.keywords:
            # "open + shop" needs its parts anywhere in the text, as the services' keywords do.
            parts = [variants(part) for part in keyword.split(_ALL_PARTS)]
            if any(all(any(f" {key} " in hay for key in part) for part in parts) for hay in haystacks):
                length = sum(len(part[0]) for part in parts)
                if event.id not in found or length > found[event.id][0]:
                    found[event.id] = (length, keyword)
    if len(found) > 1 and _PAST_MOVE.search(found.get(_MOVE, (0, ""))[1]):
        # "I moved from Valencia to Wetzlar last month … I want to open a café here": the move
        # is the story, the other event the question.
        del found[_MOVE]
    return found


def second_event(text_in: str, first: str, lebenslagen: dict[str, Lebenslage]) -> Lebenslage | None:
    """Another life event the message names besides ``first``, the one with the longest keyword.

    "Wir ziehen im Sommer nach Marburg und im Herbst kommt unser erstes Kind. Was müssen wir
    alles erledigen?": both lists are the answer.
    """
    others = {k: v for k, v in _events_named(_haystacks(text_in), lebenslagen).items() if k != first}
    if not others:
        return None
    _, event_id = max((length, event_id) for event_id, (length, _) in others.items())
    return lebenslagen[event_id]


def _best_keyword(text_in: str, lebenslagen: dict[str, Lebenslage]) -> tuple[int, str] | None:
    """The length and event id of the longest keyword in ``text_in`` (whole words), or None.

    Hessian spellings are read in standard German too ("Mei Mudder is gestorbe"). Without an
    exact keyword, a long one-word keyword typed with one slip counts ("gestorbn",
    "verstorbn"): only words of eight letters or more, so "bezogen" never reads as "gezogen".
    """
    haystacks = _haystacks(text_in)
    found = _events_named(haystacks, lebenslagen)
    if found:
        length, event_id = max((length, event_id) for event_id, (length, _) in found.items())
        return length, event_id
    best: tuple[int, str] | None = None
    words = {w for hay in haystacks for w in hay.split() if len(w) >= _MIN_TYPO_KEYWORD}
    for event in lebenslagen.values():
        for keyword in event.keywords:
            key = variants(keyword)[0]
            if " " in key or len(key) < _MIN_TYPO_KEYWORD:
                continue
            if any(edit_distance(word, key, 1) <= 1 for word in words) and (
                best is None or len(key) > best[0]
            ):
                best = (len(key), event.id)
    return best


def detect(text_in: str, lebenslagen: dict[str, Lebenslage]) -> Lebenslage | None:
    """The life event whose longest keyword occurs in ``text_in`` (see :func:`_best_keyword`)."""
    best = _best_keyword(text_in, lebenslagen)
    return lebenslagen[best[1]] if best else None


def requested_event(tracker: Tracker) -> Lebenslage | None:
    """The life event of the latest message: the NLU entity, unless the words name another longer.

    "I moved to Marburg last year … no idea how starting a business works here": the entity
    the classifier tags ("moved") is the story, the longer keyword ("starting a business")
    the question.
    """
    lebenslagen = load_lebenslagen()
    message = user_text(tracker)
    best = _best_keyword(message, lebenslagen)
    for item in tracker.latest_message.get("entities") or []:
        value = item.get("value")
        if item.get("entity") != "lebenslage" or value not in lebenslagen:
            continue
        tagged = int(item.get("end") or 0) - int(item.get("start") or 0)
        if best is not None and best[1] != value and best[0] > max(tagged, len(str(value))):
            return lebenslagen[best[1]]
        return lebenslagen[value]
    return lebenslagen[best[1]] if best else None


def _say_event(dispatcher: CollectingDispatcher, tracker: Tracker, event: Lebenslage) -> None:
    """The event's ordered steps, each a button, with the destination's portal hint."""
    municipality = _destination(tracker)
    ort = text("lebenslage_ort", tracker, gemeinde=municipality.label) if municipality else ""
    # Both variants go into the message, so "Leichte Sprache, bitte" can repeat this answer.
    say(
        dispatcher,
        tracker,
        "lebenslage",
        buttons=step_buttons(event),
        einleitung=_event_text(event, "einleitung", event.einleitung_leicht),
        schritte=steps_text(event),
        nachsatz=_nachsatz(event),
        ort=ort,
    )


def say_told_event(dispatcher: CollectingDispatcher, tracker: Tracker, text_in: str) -> None:
    """The steps of the life event a request beside it tells, if it names one.

    "Mein Vater ist in Bad Hersfeld gestorben. Ich brauche die Sterbeurkunde, und was muss ich
    sonst noch alles erledigen?": the certificate is answered, then the list for a death.
    """
    event = detect(text_in, load_lebenslagen())
    if event is not None:
        _say_event(dispatcher, tracker, event)


def _destination(tracker: Tracker) -> Municipality | None:
    # For a move the place after "nach" is the destination ("Wir ziehen nach Korbach … geheiratet
    # in Bad Arolsen"), else the place named last ("von Köln nach Darmstadt"); places outside
    # Hessen do not resolve and are skipped.
    places = entity_values(tracker, "gemeinde")
    text = user_text(tracker).lower()
    after_nach = [value for value in places if f"nach {value}".lower() in text]
    for value in after_nach + list(reversed(places)):
        found = load_municipalities().resolve(value).municipality
        if found:
            return found
    return home_municipality(tracker)


def _event_certificate(dispatcher: CollectingDispatcher, tracker: Tracker, event: Lebenslage) -> None:
    """After a birth or a death with its place ("baby born in Hanau hospital"): that place's Standesamt.

    The certificate comes from the Standesamt of the event place (fakten.yml:
    standesamt_ereignisort), so the step the list names gets its link; a place where the
    citizen only lives gets none.
    """
    kind = _EVENT_CERTIFICATES.get(event.id)
    found = event_municipality(user_text(tracker), kind) if kind else None
    if kind is None or found is None:
        return
    say(
        dispatcher,
        tracker,
        "lebenslage_urkunde",
        urkunde=urkunde_name(kind),
        ereignis=event_phrase(kind),
        gemeinde=found.label,
        link=office_link(found),
    )
    shared_office(dispatcher, tracker, Place(municipality=found))


# "Isch hab mei Perso verbummelt … Un was kost mich de neue?": the list and the fees.
_COST_QUESTION = re.compile(
    r"\bwas\s+kost|\bwie\s*viel\s+kost|\bkostet\b|\bgeb(?:ü|ue)hr|\bhow\s+much\b|\bwhat\s+does\s+\w+(?:\s+\w+)?\s+cost",
    re.IGNORECASE,
)


def step_service(event: Lebenslage | None, aspect: str) -> Service | None:
    """The step of a life event a follow-up most likely means ("Was kostet ein neuer?").

    For costs and delivery (``aspect`` "kosten", "versand") the first step whose fees are known
    (after "Ausweis verloren" the new ID card, not the report of the loss); otherwise the first
    step.
    """
    if event is None:
        return None
    steps = [s for s in (load_services().get(step.leistung) for step in event.schritte) if s is not None]
    # The delivery home (Direktversand) is, like the fee, a matter of the new document.
    if aspect in ("kosten", "versand"):
        steps = [s for s in steps if s.fees] or steps
    return steps[0] if steps else None


def _step_fees(dispatcher: CollectingDispatcher, tracker: Tracker, event: Lebenslage) -> None:
    """The fees of the event's first step that has sourced fees, if one has."""
    service = step_service(event, "kosten")
    if service is not None and service.fees:
        say_fees(dispatcher, tracker, service, PORTAL_URL)


def _title(name: str) -> str:
    return name if len(name) <= _MAX_TITLE else name[: _MAX_TITLE - 1] + "…"


def _label(schritt: Schritt, catalogue: ServiceCatalogue) -> Var:
    """The step's name: its own title, else the service's name, in every language written."""
    service = catalogue.get(schritt.leistung)
    assert service is not None  # checked when loading
    if schritt.titel:
        return with_translations(schritt.titel, schritt.translations, "titel")
    return service_name(service)


def _office_line(schritt: Schritt, catalogue: ServiceCatalogue) -> Var:
    service = catalogue.get(schritt.leistung)
    assert service is not None  # checked when loading
    # Skip the office when the hint already names it ("... beim Standesamt des Sterbeortes").
    core = service.office.split(" (")[0]
    if core in schritt.hinweis:
        return Var("")
    return label("lebenslage_zustaendig", office=service_field(service, "office"))


def _hinweis(schritt: Schritt) -> Var:
    return with_translations(schritt.hinweis, schritt.translations, "hinweis", schritt.hinweis_leicht)


def steps_text(event: Lebenslage) -> Var:
    """The numbered steps: label, sourced hint and (not in Leichte Sprache) the office."""
    catalogue = load_services()
    lines = [
        label(
            "lebenslage_schritt",
            nummer=number,
            name=_label(schritt, catalogue),
            hinweis=_hinweis(schritt),
            zustaendig=_office_line(schritt, catalogue),
        )
        for number, schritt in enumerate(event.schritte, start=1)
    ]
    return join([line if i == 0 else join([Var("\n"), line]) for i, line in enumerate(lines)])


def step_buttons(event: Lebenslage) -> list[dict[str, str]]:
    """One button per step, in order; each answers that service in detail."""
    catalogue = load_services()
    return [
        {
            "title": _title(_label(schritt, catalogue)),
            "payload": intent_payload("online_beantragen", leistung=schritt.leistung),
        }
        for schritt in event.schritte
    ]


def _event_text(event: Lebenslage, name: str, leicht: str | None = None) -> Var:
    return with_translations(str(getattr(event, name)), event.translations, name, leicht)


def _nachsatz(event: Lebenslage) -> Var:
    """The closing remark (standard and other languages; the Leichte answer has none)."""
    if not event.nachsatz:
        return Var("")
    text_var = _event_text(event, "nachsatz", "")
    return join([Var("\n", ""), text_var])


def event_of_certificate_in_focus(tracker: Tracker) -> Lebenslage | None:
    """The life event of the certificate just answered, if one is in focus."""
    focus = current_focus(tracker)
    if focus is None or focus.kind != "urkunde":
        return None
    return load_lebenslagen().get(EVENT_OF_CERTIFICATE.get(focus.value or "", ""))


# "Lebenslagen", "life events": the menu of events is asked for, not a service.
_EVENTS_ASKED = re.compile(r"lebenslage|lebensereignis|life\s*events?", re.IGNORECASE)


class ActionLebenslage(Action):
    """Answer a life event with an ordered, sourced list of steps and a button per step."""

    def name(self) -> str:
        return "action_lebenslage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        event = requested_event(tracker)
        if event is None and load_services().find(user_text(tracker)):
            # A long story around one service ("… Hund aus dem Tierheim … muss die anmelden")
            # reads like a life event to the NLU; the service it names is the answer.
            return await ActionOnlineLeistung().run(dispatcher, tracker, domain)
        if event is None:
            # "Und was muss ich sonst noch alles erledigen?" after the death certificate: the
            # event of the certificate in focus.
            event = event_of_certificate_in_focus(tracker)
        if event is None:
            # "Werden meine Daten übernommen?" after the Servicekonto answer names no event.
            from_focus = answer_from_focus(dispatcher, tracker)
            if from_focus is not None:
                return from_focus
        if event is None and asks_for_online_offer(user_text(tracker)):
            # "Welche Behördengänge kann ich in Hessen online erledigen?": no life event, the
            # online offer ("erledigen" read as the steps of one).
            say_overview(dispatcher, tracker)
            return []
        if event is None and not _EVENTS_ASKED.search(user_text(tracker)):
            # "Die Chefin meint, ich brauche vorher noch so ein Gesundheitszeugnis.": a service
            # only the catalogue knows, told like an event (as sure as for a not-understood message).
            answered = answer_from_catalogue(dispatcher, tracker, FALLBACK_SCORE)
            if answered is not None:
                return answered
        if event is None:
            say(
                dispatcher,
                tracker,
                "lebenslage_auswahl",
                buttons=[
                    {
                        "title": _event_text(e, "titel"),
                        "payload": intent_payload("lebenslage", lebenslage=e.id),
                    }
                    for e in load_lebenslagen().values()
                ],
            )
            return []
        _say_event(dispatcher, tracker, event)
        _event_certificate(dispatcher, tracker, event)
        if _COST_QUESTION.search(user_text(tracker)):
            _step_fees(dispatcher, tracker, event)
        steps = {s.leistung for s in event.schritte}
        also = second_event(user_text(tracker), event.id, load_lebenslagen())
        if also is not None:
            # "Wir ziehen nach Marburg und im Herbst kommt unser erstes Kind": both lists.
            _say_event(dispatcher, tracker, also)
            steps |= {s.leistung for s in also.schritte}
        # "… und klappt die Gewerbeanmeldung trotzdem?": a service beside the event's steps.
        answer_other_topics(dispatcher, tracker, user_text(tracker), steps)
        # "Was kostet ein neuer?" next asks about one of its steps (actions/nachfragen.py).
        return [focus_event("lebenslage", event.id)]
