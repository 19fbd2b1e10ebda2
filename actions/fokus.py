"""The topic in focus, so that follow-ups that name no topic of their own are understood.

Citizens continue a topic with a few words: "Und in Kassel?" after a Wohngeld answer,
"Und vier?" after the IKZ calculator, "Was kostet das?" after a passport answer, or a bare
"Gießen" after the offer to order a Sterbeurkunde. Every answering action records its
topic in the slot ``fokus`` ("leistung:wohngeld", "urkunde:sterbeurkunde", "standesamt",
"ikz"); a new topic replaces it. The follow-up actions (actions/nachfragen.py) read it.

Why a slot and not training data: the follow-up text is the same for every topic
("und in Kassel?"); only the previous turn tells them apart, and a slot carries that
turn deterministically (stories would need every topic × follow-up combination).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.context import previous_answer, user_text

FOKUS_SLOT = "fokus"
# A service only the national catalogue knows, by its official name ("katalog:Osterfeuer").
CATALOGUE_FOCUS = "katalog"
_CERTIFICATES = frozenset({"geburtsurkunde", "eheurkunde", "sterbeurkunde"})


@dataclass(frozen=True)
class Focus:
    """The topic a follow-up refers to: its kind and, where it has one, its value."""

    # leistung | urkunde | standesamt | lebenslage | katalog | ikz | konto | firmenkonto | civento | ozg
    # (from ikz on also from a FAQ)
    kind: str
    value: str | None = None


def focus_event(kind: str, value: str | None = None) -> SlotSet:
    """The event that puts ``kind`` (with ``value``) in focus."""
    return SlotSet(FOKUS_SLOT, f"{kind}:{value}" if value else kind)


# FAQ answers are domain responses and set no slot; the previous turn's FAQ is the topic
# in focus instead ("Was ist die BundID?" then "Wie lege ich die an?").
_FAQ_FAMILIES = (
    ("faq/ikz_", "ikz"),
    ("faq/bundid_", "konto"),
    ("faq/servicekonto_", "konto"),
    ("faq/ohne_konto", "konto"),
    ("faq/vertrauensniveau", "konto"),
    ("faq/postfach", "konto"),
    ("faq/eid_elster", "konto"),
    # "Müssen die Gemeinden dafür bezahlen?" after civento or ekom21: the civento answer says
    # the Land pays the running costs.
    ("faq/civento", "civento"),
    ("faq/ekom21", "civento"),
    ("faq/ozg_", "ozg"),
    # "was brauche ich dafür?", "und für meinen Verein, geht das genauso?" after the company
    # account: that account's answer (ELSTER organisation certificate), not the BundID's.
    ("faq/unternehmenskonto", "firmenkonto"),
)


def previous_faq(tracker: Tracker) -> str | None:
    """The FAQ key ("faq/bundid_was") the previous answer gave, if it was a FAQ answer.

    Read from the bot events of the previous turn (Rasa records each response's name as
    ``utter_action``), so a FAQ given by a rule and one given by an action both count.
    """
    for event in reversed(previous_answer(tracker)):
        action = str((event.get("metadata") or {}).get("utter_action") or "")
        if action.startswith("utter_faq/"):
            return action.removeprefix("utter_")
    return None


def current_focus(tracker: Tracker) -> Focus | None:
    """The topic in focus: the previous turn's FAQ family, else the slot ``fokus``."""
    faq = previous_faq(tracker)
    for prefix, kind in _FAQ_FAMILIES:
        if faq and faq.startswith(prefix):
            return Focus(kind, faq)
    raw = tracker.get_slot(FOKUS_SLOT)
    if not isinstance(raw, str) or not raw:
        return None
    kind, _, value = raw.partition(":")
    if kind == "leistung" and value in _CERTIFICATES:
        # "Kann ich eine Sterbeurkunde online bestellen?" then "und in Frankfurt (Oder)?":
        # a certificate asked about as a service is still a certificate.
        return Focus("urkunde", value)
    return Focus(kind, value or None)


# "ohne Ausweis", "without my ID card", "wenn ich keinen Perso habe": a way without the ID card.
WITHOUT_ID_CARD = re.compile(
    r"\b(?:ohne|without|kein(?:en)?|no)\s+(?:\w+\s+)?(?:ausweis|perso\b|personalausweis|online-?\s?ausweis|id\s*card|id\b)",
    re.IGNORECASE,
)
# Questions that name no topic but fit the one in focus ("wer berät uns da?" after the IKZ
# calculator). Used where the NLU did not understand the message.
_FOCUS_FAQS = {
    "ikz": (
        (
            # "… wenn wir uns vorher beraten lassen wollen?"
            re.compile(r"\bber(?:ä|ae|a)t|beratung|hilft|unterst(?:ü|ue)tz|ansprech", re.IGNORECASE),
            "utter_faq/ikz_beratung",
        ),
        # "Un wo muss isch des Ganze eireiche?": where to submit is the procedure.
        (
            # "wer ist da zuständig?": the procedure names who decides (district, RP, ministry).
            re.compile(
                r"antrag|beantrag|wie\s+lange|dauer|einreich|eireich|zust(?:ä|ae)ndig"
                r"|wer\s+(?:entscheidet|bearbeitet|bewilligt|genehmigt)",
                re.IGNORECASE,
            ),
            "utter_faq/ikz_antrag",
        ),
        (re.compile(r"bis\s+wann|l(?:ä|ae)uft|laufzeit|2026|2027|ende", re.IGNORECASE), "utter_faq/ikz_was"),
    ),
    "konto": (
        # "geht das auch ohne ausweis?" after the BundID's registration: the other ways (ELSTER,
        # user name and password), not the ID card as a service.
        (WITHOUT_ID_CARD, "utter_faq/bundid_registrieren"),
        # "Und wenn es gelöscht wurde, was mache ich dann?": the deletion's answer says to register
        # again (before the plain "what then", which is registering).
        (re.compile(r"gel(?:ö|oe)scht|\bdeleted\b", re.IGNORECASE), "utter_faq/bundid_was"),
        # "und was mache ich dann?" after the deleted account: register again.
        (
            re.compile(
                r"\bwas\s+(?:mache|tue|soll|muss)\s+ich\s+(?:\w+\s+)?(?:dann|jetzt|nun)\b", re.IGNORECASE
            ),
            "utter_faq/bundid_registrieren",
        ),
        # "und für meine Firma, geht das da auch?" after the BundID: the company account.
        (
            re.compile(
                r"\bfirm(?:a|en)\b|unternehm|\bbetrieb|\bgmbh\b|verein|organisation|\bcompany|business",
                re.IGNORECASE,
            ),
            "utter_faq/unternehmenskonto",
        ),
        # "Und reicht das dann für alles, oder gibt es da Unterschiede?" after the ways to
        # register: the levels of trust say which way is enough for which service.
        (
            re.compile(
                r"reicht\s+(?:das|des|es|der|die)\s+(?:\w+\s+){0,2}f(?:ü|ue)r\s+alle|unterschied"
                r"|enough\s+for\s+(?:all|every)|\bdifferen",
                re.IGNORECASE,
            ),
            "utter_faq/vertrauensniveau",
        ),
        # "Kann ich mich stattdessen mit der Smart-eID anmelden?": the login ways' answer says
        # the Smart-eID was stopped (before "anmeld", which would read as registering).
        (
            re.compile(r"smart\s*-?\s*e-?id|wallet|\belster\b", re.IGNORECASE),
            "utter_faq/eid_elster",
        ),
        (
            re.compile(
                r"daten|(?:ü|ue)bernomm|(?:ü|ue)bertrag|transfer|migrat|alte[sn]?\s+konto|old\s+account",
                re.IGNORECASE,
            ),
            "utter_faq/servicekonto_bundid",
        ),
        (
            re.compile(
                r"anleg|einricht|erstell|registrier|anmeld|eröffn|create|set\s*(?:it\s*|one\s*)?up|sign\s*up"
                # Separable verbs: "wo leg ich die an?", "wie richte ich das ein?"
                r"|\bleg(?:e|t|en)?\b.{0,30}\ban\b|\bricht(?:e|et|en)?\b.{0,30}\bein\b"
                r"|\bregister|\bopen\b|\bget\s+(?:one|it)\b"
                # "Un wo mach isch des dann?", "wo krieg ich die?": where one gets the account.
                r"|\bwo\s+(?:mach|krieg|kriech|bekomm)\w*\b|\bwhere\s+(?:do|can)\s+i\s+(?:do|get)\b",
                re.IGNORECASE,
            ),
            "utter_faq/bundid_registrieren",
        ),
        # "Can I delete it?", "… wenn ich es lange nicht benutze?" after the BundID: the deletion
        # after 24 months unused.
        (
            re.compile(
                r"l(?:ö|oe|o)sch|delet|\bremove|\bclose\b|k(?:ü|ue)ndig|deaktiv|inaktiv|unused"
                r"|\bn(?:icht?|et)\s+(?:mehr\s+)?(?:be)?nutz|(?:don'?t|do\s+not|never)\s+use\b|not\s+us(?:e|ed|ing)\b",
                re.IGNORECASE,
            ),
            "utter_faq/bundid_was",
        ),
        # "kostet das was?" after the BundID: the account is free (faq/bundid_was says so).
        (
            re.compile(r"kost|geb(?:ü|ue)hr|bezahl|\bfree\b|\bcosts?\b|how\s+much|\bpay\b", re.IGNORECASE),
            "utter_faq/bundid_was",
        ),
        # "und was brauch ich dafür?" after the BundID: what registering needs (ID card, ELSTER).
        # "ok, was muss ich jetzt machen?" after the old Servicekonto: the next step is the BundID.
        (
            re.compile(
                r"was\s+brauch|ben(?:ö|oe)tig|voraussetzung|\bneed\b|\brequire"
                r"|was\s+(?:muss|soll)\s+ich\s+(?:jetzt|nun|dann|da)?\s*(?:machen|tun)"
                r"|wie\s+geht\s*(?:'?s|es)\s+weiter|n(?:ä|ae)chste[rn]?\s+schritt|what\s+(?:do\s+i\s+do\s+)?now\b|next\s+step",
                re.IGNORECASE,
            ),
            "utter_faq/bundid_registrieren",
        ),
    ),
    "firmenkonto": (
        (
            re.compile(
                r"was\s+brauch|ben(?:ö|oe)tig|voraussetzung|\bwie\s+(?:geht|funktioniert|mach|komm|bekomm|krieg)"
                r"|\bverein|genauso|\bneed\b|\brequire|\bclub\b|\bthe\s+same\b|\bhow\s+does\b",
                re.IGNORECASE,
            ),
            "utter_faq/unternehmenskonto",
        ),
    ),
    "civento": (
        (
            re.compile(
                r"kost|geb(?:ü|ue)hr|bezahl|zahl|\bfree\b|\bcosts?\b|how\s+much|\bpay\b", re.IGNORECASE
            ),
            "utter_faq/civento",
        ),
    ),
    "ozg": (
        (
            # "Kann ich dann klagen, wenn meine Gemeinde etwas nicht online anbietet?": the
            # deadlines' answer says the right to sue is for federal services only.
            re.compile(
                r"bis\s+wann|frist|deadline|\bwann\b|\bwhen\b|by\s+when|klag(?:en|bar|e)?\b|anspruch|\bsue\b"
                # "und hab ich ein recht darauf, dass alles online geht?"
                r"|\brecht\s+(?:darauf|drauf|auf)\b|\bright\s+to\b",
                re.IGNORECASE,
            ),
            "utter_faq/ozg_frist",
        ),
        # "wer ist in hessen dafür zuständig?" after the OZG: the Land's digital ministry.
        (
            re.compile(
                r"\bwer\b.{0,40}(?:zust(?:ä|ae)ndig|verantwort|k(?:ü|ue)mmert|umsetz|\bsetzt\b)|welche[sm]?\s+ministeri"
                r"|\bwho\b.{0,40}(?:responsible|in\s+charge|implements)|which\s+ministry",
                re.IGNORECASE,
            ),
            "utter_faq/ministerium",
        ),
    ),
}


def asks_without_id_card(tracker: Tracker) -> bool:
    """Whether the message asks for a way without the ID card while an account is in focus."""
    focus = current_focus(tracker)
    return bool(focus and focus.kind == "konto" and WITHOUT_ID_CARD.search(user_text(tracker)))


def focus_faq(tracker: Tracker) -> str | None:
    """The FAQ answer a not-understood question gets from the topic in focus, if one fits."""
    focus = current_focus(tracker)
    text = user_text(tracker)
    for pattern, response in _FOCUS_FAQS.get(focus.kind if focus else "", ()):
        if pattern.search(text):
            return response
    return None
