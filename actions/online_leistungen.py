"""Online services: can a service be applied for online, where, with which account."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.antworten import say
from actions.context import entity_values, home_municipality, user_text
from actions.katalog import answer_from_catalogue
from bot.knowledge.finder import SERVICE_QUESTION_SCORE
from bot.knowledge.municipalities import Municipality, load_municipalities
from bot.knowledge.services import Service, load_services, portal_link

PORTAL_URL = "https://verwaltungsportal.hessen.de"
_STATUS = {
    "ja": "Ja, das geht online.",
    "teilweise": "Zum Teil online.",
    "nein": "Nein, das geht nicht vollständig online.",
    "unklar": "Das kann ich nicht sicher sagen.",
}
_STATUS_LEICHT = {
    "ja": "Das geht im Internet.",
    "teilweise": "Das geht zum Teil im Internet.",
    "nein": "Das geht nicht nur im Internet. Sie müssen zum Amt gehen.",
    "unklar": "Das weiß ich nicht genau. Bitte schauen Sie hier nach.",
}
# Offered as buttons when the citizen did not say which service they mean.
_POPULAR = (
    "wohnsitz_anmelden",
    "personalausweis",
    "kfz_zulassung",
    "wohngeld",
    "elterngeld",
    "fuehrungszeugnis",
)


def requested_service(tracker: Tracker) -> Service | None:
    """The service the latest message is about: entity first, then keywords in the text."""
    catalogue = load_services()
    for value in entity_values(tracker, "leistung") + entity_values(tracker, "urkundenart"):
        service = catalogue.get(value)
        if service:
            return service
    return catalogue.find(user_text(tracker))


def municipality_in_question(tracker: Tracker) -> Municipality | None:
    """A Hessian municipality named in the message, else the website's home municipality."""
    for value in entity_values(tracker, "gemeinde"):
        result = load_municipalities().resolve(value)
        if result.municipality:
            return result.municipality
    return home_municipality(tracker)


def details(service: Service) -> str:
    """Responsible office, account, trust level and fees, one short line each."""
    lines = [f"Zuständig: {service.office}."]
    if service.account:
        lines.append(f"Konto: {service.account}.")
    if service.trust_level:
        lines.append(f"Anmeldung: {service.trust_level}.")
    if service.fees:
        lines.append(f"Gebühren: {service.fees}.")
    return "\n" + "\n".join(lines)


def hint(service: Service, link: str, municipality: Municipality | None) -> str:
    """Where the link leads for this municipality, and a caveat where data is uncertain."""
    parts = []
    if municipality and link != service.url:
        parts.append(f"Der Link führt direkt zur Leistung für {municipality.label}.")
    elif municipality:
        parts.append(
            f"Die Angebote von {municipality.label} finden Sie über die Suche im Verwaltungsportal Hessen: {PORTAL_URL}"
        )
    if service.uncertain:
        stand = f" (Stand der Quelle: {service.stand})" if service.stand else ""
        parts.append(
            f"Hinweis: Diese Angabe kann veraltet sein{stand}. Verbindlich ist das Verwaltungsportal Hessen."
        )
    return "".join("\n" + p for p in parts)


class ActionOnlineLeistung(Action):
    """Answer "Kann ich X online beantragen?" from data/knowledge/leistungen.yml."""

    def name(self) -> str:
        return "action_online_leistung"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        service = requested_service(tracker)
        if service is None:
            # No detailed service: the national catalogue may still name it (actions/katalog.py).
            if answer_from_catalogue(dispatcher, tracker, SERVICE_QUESTION_SCORE):
                return []
            catalogue = load_services()
            say(
                dispatcher,
                tracker,
                "online_uebersicht",
                buttons=[
                    {"title": s.name, "payload": f'/online_beantragen{{"leistung": "{s.id}"}}'}
                    for s in (catalogue.get(i) for i in _POPULAR)
                    if s
                ],
            )
            return []
        municipality = municipality_in_question(tracker)
        link = portal_link(service, municipality.ars if municipality else None)
        say(
            dispatcher,
            tracker,
            "online_leistung",
            leistung=service.name,
            status=_STATUS[service.online],
            status_leicht=_STATUS_LEICHT[service.online],
            zusammenfassung=service.summary,
            details=details(service),
            link=link,
            hinweis=hint(service, link, municipality),
        )
        return []
