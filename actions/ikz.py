"""IKZ funding calculator for municipalities ("Wir sind drei Gemeinden")."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.antworten import Var, join, say, text
from actions.context import entity_values, user_text
from actions.fokus import current_focus, focus_event
from actions.kontakt import gemeinde_hinweis
from actions.themen import other_topics
from bot.knowledge.ikz import (
    DIGITAL_2020_URL,
    FOERDERHOEHE_URL,
    FundingEstimate,
    estimate_funding,
    format_eur,
    parse_count,
    parse_counts,
    partners_named,
    special_cases,
)
from bot.knowledge.municipalities import load_municipalities
from bot.nlp.ikz_cues import PROCEDURE_ASKED

# FAQ answers the funding answer already holds (what IKZ is, the advice centre, the 2020 digital
# funding): asked beside the amount, they would repeat it.
_IN_FUNDING_ANSWER = frozenset({"faq/ikz_was", "faq/ikz_beratung", "faq/ikz_digital"})
# The procedure and its duration (fakten.yml: ikz_verfahren, ikz_dauer).
IKZ_PROCEDURE = "faq/ikz_antrag"


def _eur(amount: int) -> Var:
    """An amount in every language's format: "75.000 €" in German, "€75,000" in English."""
    return Var(format_eur(amount), en=f"€{amount:,}")


def _alternatives(estimate: FundingEstimate, tracker: Tracker) -> list[tuple[Var, str]]:
    """Other rules that may apply, each with its source (none for a single municipality)."""
    if estimate.verband_eur is None:
        return []
    if estimate.digital_eur is not None:
        digital = text("ikz_digital", tracker, anzahl=estimate.count, betrag=_eur(estimate.digital_eur))
    else:
        digital = text("ikz_digital_ohne_betrag", tracker)
    verband = text("ikz_verband", tracker, anzahl=estimate.count, betrag=_eur(estimate.verband_eur))
    return [(digital, DIGITAL_2020_URL), (verband, FOERDERHOEHE_URL)]


class ActionIkzVorbereiten(Action):
    """Take the number of municipalities from the question itself, if it names one."""

    def name(self) -> str:
        return "action_ikz_vorbereiten"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        message = user_text(tracker)
        count = parse_count(message)
        if count is None:
            count = partners_named(message, named_municipalities(tracker))
        return [SlotSet("anzahl_kommunen", float(count) if count is not None else None)]


def named_municipalities(tracker: Tracker) -> int:
    """How many different Hessian municipalities the latest message names."""
    index = load_municipalities()
    found = {index.resolve(str(value)).municipality for value in entity_values(tracker, "gemeinde")}
    return len({m.ags for m in found if m is not None})


class ValidateIkzForm(FormValidationAction):
    """Accepts "3", "drei", "wir sind zu viert"; asks again otherwise."""

    def name(self) -> str:
        return "validate_ikz_form"

    async def validate_anzahl_kommunen(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            # action_ikz_vorbereiten found no number: the form's question follows, no complaint.
            return {"anzahl_kommunen": None}
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            count: int | None = int(value)
        else:
            count = parse_count(str(value or ""))
        if count is None or count < 1:
            say(dispatcher, tracker, "anzahl_unklar")
            return {"anzahl_kommunen": None}
        return {"anzahl_kommunen": float(count)}


class ActionIkzFoerderung(Action):
    """Name the amount, the rule it follows and its source (bot.knowledge.ikz)."""

    def name(self) -> str:
        return "action_ikz_foerderung"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        count = int(tracker.get_slot("anzahl_kommunen") or 0)
        events = answer_funding(dispatcher, tracker, count)
        # "… bei drei Kommunen, und wie viel, wenn wir fünf sind?": the other numbers briefly.
        for other in parse_counts(user_text(tracker)):
            if other != count:
                estimate = estimate_funding(other)
                betrag = _eur(estimate.amount_eur) if estimate.amount_eur is not None else ""
                say(dispatcher, tracker, f"ikz_ergebnis_{estimate.case}", anzahl=other, betrag=betrag)
        return events


# A number with a unit that no count of municipalities has.
_OTHER_UNIT = re.compile(
    r"\d+\s*(?:seiten|pages|euro|€|jahre?n?|years?|tage?n?|days?|wochen|weeks?|monate?n?|months?|prozent|%)",
    re.IGNORECASE,
)


def ikz_recount(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """Answer "Und für vier?" / "and if we are only two?" for that number, with IKZ in focus.

    Answered here, not by a FollowupAction: after a fallback or follow-up intent no rule or
    story continues from action_ikz_foerderung, and the policies would loop.
    """
    focus = current_focus(tracker)
    if focus is None or focus.kind != "ikz":
        return None
    message = user_text(tracker)
    if _OTHER_UNIT.search(message):
        # "und der Pass mit 48 Seiten?" after the IKZ and the passport: pages, not municipalities.
        return None
    count = parse_count(message)
    if count is None:
        cases = special_cases(message)
        if not cases:
            return None
        # "and if we merge our volunteer fire brigades?": the special rule, amount per brigade.
        for case in cases:
            say(dispatcher, tracker, f"ikz_{case}_regel")
        return [focus_event("ikz")]
    return answer_funding(dispatcher, tracker, count)


def answer_funding(dispatcher: CollectingDispatcher, tracker: Tracker, count: int) -> list[EventType]:
    """Send the funding for ``count`` municipalities; put IKZ in focus for the next number."""
    estimate = estimate_funding(count)
    betrag = _eur(estimate.amount_eur) if estimate.amount_eur is not None else ""
    alternativen = [
        text("ikz_alternative", tracker, text=line, url=url) for line, url in _alternatives(estimate, tracker)
    ]
    say(
        dispatcher,
        tracker,
        "ikz_foerderung",
        ergebnis=text(f"ikz_ergebnis_{estimate.case}", tracker, anzahl=count, betrag=betrag),
        quelle=estimate.source_url,
        hinweis=text("ikz_hinweis", tracker),
        alternativen=join(alternativen),
    )
    if "feuerwehr" in special_cases(user_text(tracker)):
        say(dispatcher, tracker, "ikz_feuerwehr_regel")
    answer_beside_funding(dispatcher, tracker)
    # "Und für vier?" next recalculates (actions/fokus.py).
    return [SlotSet("anzahl_kommunen", None), focus_event("ikz")]


def answer_beside_funding(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Answer what the message asks besides the funding: FAQs and detailed services.

    "Was ist das OZG 2.0 und was zahlt das Land bei IKZ für zwei Gemeinden?", "… und privat: wie
    melde ich meinen neuen Hund an?": the other question too, never dropped.
    """
    message = user_text(tracker)
    others = other_topics(message, ())
    faqs = others.faqs
    if PROCEDURE_ASKED.search(message) and IKZ_PROCEDURE not in faqs:
        # "… ob es dafür Geld vom Land gibt und wie man das beantragt": no IKZ word in the
        # clause, but the calculator's question is IKZ.
        faqs = (*faqs, IKZ_PROCEDURE)
    for key in faqs:
        # What IKZ is and who advises are part of the funding answer; the procedure and its
        # duration ("… und wie lange dauert die Bearbeitung?") are not.
        if key not in _IN_FUNDING_ANSWER:
            dispatcher.utter_message(response=f"utter_{key}")
    if others.services:
        # Imported here: online_leistungen imports (through katalog) this module.
        from actions.online_leistungen import answer_service, municipality_in_question

        for service in others.services:
            answer_service(
                dispatcher, tracker, service, municipality_in_question(tracker), answer_others=False
            )
    if others.handoff:
        # "… Und außerdem möchte ich mich beschweren, wo kann ich mich da melden?"
        say(dispatcher, tracker, others.contact_key, gemeinde_hinweis=gemeinde_hinweis(tracker))


class ActionAskAnzahlKommunen(Action):
    """Form question for the number of municipalities, with quick answers as buttons."""

    def name(self) -> str:
        return "action_ask_anzahl_kommunen"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        buttons: list[dict[str, str]] = [{"title": n, "payload": n} for n in ("2", "3", "4")]
        buttons.append({"title": text("knopf_5_oder_mehr", tracker), "payload": "5"})
        # "Was gibt es, wenn Ortsteilfeuerwehren fusionieren?" is answered before the question.
        for case in special_cases(user_text(tracker)):
            say(dispatcher, tracker, f"ikz_{case}_regel")
        # The count is asked last: what else the message asked is answered before it.
        answer_beside_funding(dispatcher, tracker)
        say(dispatcher, tracker, "ask_anzahl_kommunen", buttons)
        return []
