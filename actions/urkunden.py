"""Certificate names, the phrase of their event and the link to the responsible Standesamt.

Shared by the certificate answer (actions/standesamt.py) and the life events
(actions/lebenslagen.py), which names the Standesamt of a birth's or death's place.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.antworten import Var, label, say
from actions.orte import Place
from bot.knowledge.ereignisort import event_municipality, mandat_of, standesamtsbezirk_of, tells_event
from bot.knowledge.municipalities import Municipality, load_municipalities
from bot.knowledge.services import load_services, portal_link


def urkunde_name(kind: str) -> Var:
    """The certificate's name in both variants (antworten.yml ``knopf_<kind>``)."""
    return label(f"knopf_{kind}")


def event_phrase(kind: str) -> Var:
    """ "… das Standesamt des Ortes, an dem {ereignis}" (antworten.yml ``ereignis_<kind>``)."""
    return label(f"ereignis_{kind}")


def office_link(m: Municipality) -> str:
    """The portal page that names the Standesamt responsible for ``m``.

    The Geburtsurkunde page of the Verwaltungsportal names the Standesamt responsible for a
    municipality (regschl = ARS); it is the one verified page that does.
    """
    service = load_services().get("geburtsurkunde")
    return portal_link(service, m.ars) if service else "https://verwaltungsportal.hessen.de"


def say_office(dispatcher: CollectingDispatcher, tracker: Tracker, m: Municipality) -> None:
    """Say which Standesamt is responsible for ``m``, with its portal link."""
    say(
        dispatcher, tracker, "standesamt_auskunft", gemeinde=m.label, kreis=m.kreis_label, link=office_link(m)
    )


def shared_office(dispatcher: CollectingDispatcher, tracker: Tracker, place: Place) -> None:
    """Name the seat of a joint Standesamt district (standesamtsbezirke.yml).

    In a joint district "the Standesamt of the event place" is the office at the seat
    (fakten.yml: standesamt_gemeinsamer_bezirk). Uncertain districts are named with a caveat.
    """
    m = place.municipality
    if m is None:
        return
    bezirk = standesamtsbezirk_of(m.ags)
    if bezirk is None:
        _mandated_office(dispatcher, tracker, m)
        return
    sitz = load_municipalities().by_ags(bezirk.sitz)
    if bezirk.sitz == m.ags or sitz is None:
        return
    link = office_link(m)
    key = "standesamt_bezirk" if bezirk.gesichert else "standesamt_bezirk_unsicher"
    say(dispatcher, tracker, key, gemeinde=m.label, sitz=sitz.label, bezirk=bezirk.name, link=link)


def _mandated_office(dispatcher: CollectingDispatcher, tracker: Tracker, m: Municipality) -> None:
    """Name the Standesamt that works for ``m`` under a mandate (standesamtsbezirke.yml: mandate).

    "Geburtsurkunde Kriftel": Kriftel keeps its Standesamt district, but the Standesamt of
    Hofheim am Taunus does its work, so that is where the citizen turns.
    """
    mandat = mandat_of(m.ags)
    standesamt = load_municipalities().by_ags(mandat.standesamt) if mandat else None
    if mandat is None or standesamt is None:
        return
    key = "standesamt_mandat" if mandat.gesichert else "standesamt_mandat_unsicher"
    say(dispatcher, tracker, key, gemeinde=m.label, standesamt=standesamt.label, link=office_link(m))


# How many earlier messages a told event stays in reach: "und die Geburtsurkunde?" two turns
# after "Unser Kind ist in Gelnhausen geboren. Was müssen wir erledigen?" still means Gelnhausen.
_EVENT_REACH = 3


def told_event_place(tracker: Tracker, kind: str | None) -> str | None:
    """The place of an event of ``kind`` that one of the last messages told, for its certificate.

    A certificate comes from the Standesamt of the event place, so a birth or death told
    with its place a few turns earlier (typically for the life event's list) answers where a
    later "und wo bekomme ich die Sterbeurkunde?" must go. A place named only as the
    residence is none.
    """
    if not kind:
        return None
    earlier = [e for e in tracker.events if e.get("event") == "user"][-_EVENT_REACH - 1 : -1]
    for event in reversed(earlier):
        told = str(event.get("text") or "")
        found = event_municipality(told, kind) if tells_event(told, kind) else None
        if found is not None:
            return found.label
    return None
