"""IKZ (Interkommunale Zusammenarbeit) funding estimate for Hessen.

Amounts follow the Kommunales Beratungszentrum Hessen page "Förderhöhe"
(undated) and the 2020 state press release on digital IKZ projects; see
FACTS.md sections 4 and 5. Every estimate names its rule and source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge.text import normalise

__all__ = [
    "DIGITAL_2020_URL",
    "FOERDERHOEHE_URL",
    "FundingEstimate",
    "estimate_funding",
    "format_eur",
    "parse_count",
]

FOERDERHOEHE_URL = "https://beratungszentrum.hessen.de/interkommunale-zusammenarbeit/foerderung/foerderhoehe/"
DIGITAL_2020_URL = (
    "https://crisis-prevention.de/kommunikation-it/digitalisierungsschub-fuer-hessens-kommunen.html"
)

REGEL_2 = 50_000
REGEL_3 = 75_000
REGEL_MEHR = 100_000
VERWALTUNGSVERBAND_JE_GEMEINDE = 150_000
DIGITAL_JE_KOMMUNE = 25_000

# Counts above this are not plausible for one cooperation and are most likely
# something else (inhabitants, money); years and postal codes are far above it.
_MAX_COUNT = 100

_UNITS = {
    "eins": 1,
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "fuenf": 5,
    "funf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
}
_SPECIAL = {
    "zehn": 10,
    "elf": 11,
    "zwoelf": 12,
    "zwolf": 12,
    "dreizehn": 13,
    "vierzehn": 14,
    "fuenfzehn": 15,
    "funfzehn": 15,
    "sechzehn": 16,
    "siebzehn": 17,
    "achtzehn": 18,
    "neunzehn": 19,
    "beide": 2,
    "beiden": 2,
}
_TENS = {
    "zwanzig": 20,
    "dreissig": 30,
    "vierzig": 40,
    "fuenfzig": 50,
    "funfzig": 50,
    "sechzig": 60,
    "siebzig": 70,
    "achtzig": 80,
    "neunzig": 90,
}
# "zu zweit", "zu dritt", "zu viert", ... (collective numerals)
_COLLECTIVE = {
    "zweit": 2,
    "dritt": 3,
    "viert": 4,
    "fuenft": 5,
    "funft": 5,
    "sechst": 6,
    "siebt": 7,
    "acht": 8,
    "neunt": 9,
    "zehnt": 10,
    "elft": 11,
    "zwoelft": 12,
    "zwolft": 12,
}
# Indefinite articles look like "one"; they only count right before a count noun.
_ARTICLES = {"ein": 1, "eine": 1, "einer": 1, "einen": 1, "einem": 1}
_COUNT_NOUN = re.compile(
    r"^(gemeinde|kommune|stadt|staedte|stadte|ort|partner|kooperationspartner|"
    r"mitglied|verwaltung|landkreis|kreis|teilnehmer|beteiligte)"
)
_NOT_A_COUNT_UNIT = re.compile(
    r"^(einwohner|euro|eur|prozent|jahr|km|quadratkilometer|mio|millionen|tsd|tausend|uhr)"
)


def _word_value(word: str) -> int | None:
    """Value of a German numeral word (normalised spelling) or ``None``."""
    if word.isdigit():
        return int(word)
    if word in _UNITS:
        return _UNITS[word]
    if word in _SPECIAL:
        return _SPECIAL[word]
    if word in _TENS:
        return _TENS[word]
    # Compounds such as "einundzwanzig", "dreiundvierzig".
    unit, sep, tens = word.partition("und")
    if sep and tens in _TENS and (unit in _UNITS or unit == "ein"):
        return _TENS[tens] + (1 if unit == "ein" else _UNITS[unit])
    return None


def parse_count(text: str) -> int | None:
    """Return how many municipalities ``text`` talks about, or ``None``.

    Understands digits ("2 Kommunen"), German numerals ("drei", "zwölf",
    "einundzwanzig"), collective forms ("zu viert") and "beide".
    Numbers directly before a count noun (Gemeinden, Kommunen, Städte, …)
    win over loose numbers. Postal codes, years, amounts and numbers with
    a non-count unit (Einwohner, Euro, Prozent, …) are ignored.

    >>> parse_count("Wir sind drei Gemeinden")
    3
    >>> parse_count("Wir machen das zu viert")
    4
    >>> parse_count("Gemeinde mit PLZ 35390 im Jahr 2024") is None
    True
    """
    words = normalise(text).split()
    loose: int | None = None
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        previous = words[index - 1] if index > 0 else ""
        if previous == "zu" and word in _COLLECTIVE:
            return _COLLECTIVE[word]
        value = _word_value(word)
        if value is None and word in _ARTICLES and _COUNT_NOUN.match(following):
            value = _ARTICLES[word]
        if value is None or not 1 <= value <= _MAX_COUNT:
            continue
        if _NOT_A_COUNT_UNIT.match(following):
            continue
        if _COUNT_NOUN.match(following):
            return value
        if loose is None:
            loose = value
    return loose


def format_eur(amount: int) -> str:
    """Format an amount the German way: ``100000`` -> ``"100.000 €"``."""
    return f"{amount:,}".replace(",", ".") + " €"


@dataclass(frozen=True)
class FundingEstimate:
    """Result of :func:`estimate_funding`; all texts are German."""

    count: int
    amount_eur: int | None
    rule: str
    source_url: str
    note: str
    alternatives: tuple[tuple[str, str], ...]


_UNDATED_NOTE = (
    "Die Beträge stammen von der Seite „Förderhöhe“ des Kommunalen Beratungszentrums Hessen. "
    "Die Seite ist nicht datiert; ob sie der aktuellen Rahmenvereinbarung entspricht, ist nicht bestätigt. "
    "Kooperationen mit besonderem Vorbildcharakter können mehr erhalten. "
    "Verbindlich berät das Kompetenzzentrum für Interkommunale Zusammenarbeit (KIKZ)."
)
_DIGITAL_NOTE = (
    "Diese Regel stammt aus einer Mitteilung der Landesregierung von 2020 zu gemeinsam entwickelten "
    "digitalen Verwaltungsleistungen. Ob sie heute noch gilt, ist nicht bestätigt. "
    "Verbindlich berät das Kompetenzzentrum für Interkommunale Zusammenarbeit (KIKZ)."
)


def _regel(count: int) -> tuple[int, str]:
    if count == 2:
        return REGEL_2, (
            f"Regelzuwendung je Kooperation: Bei 2 Kommunen gibt es {format_eur(REGEL_2)}, "
            "aber nur, wenn ein besonderer Grund anerkannt ist."
        )
    if count == 3:
        return (
            REGEL_3,
            f"Regelzuwendung je Kooperation: Bei 3 Kommunen gibt es {format_eur(REGEL_3)}.",
        )
    return REGEL_MEHR, (
        f"Regelzuwendung je Kooperation: Bei mehr als 3 Kommunen gibt es {format_eur(REGEL_MEHR)} "
        "für die Kooperation insgesamt, nicht je Kommune."
    )


def _digital(count: int) -> tuple[int, str]:
    amount = DIGITAL_JE_KOMMUNE * count
    return amount, (
        f"Digitalförderung 2020: {format_eur(DIGITAL_JE_KOMMUNE)} je Kommune und Projekt, "
        f"bei {count} Kommunen also {format_eur(amount)}."
    )


def _verband(count: int) -> str:
    amount = VERWALTUNGSVERBAND_JE_GEMEINDE * count
    return (
        "Bilden die Gemeinden einen Gemeindeverwaltungsverband oder eine Verwaltungsgemeinschaft, "
        f"gibt es {format_eur(VERWALTUNGSVERBAND_JE_GEMEINDE)} je Gemeinde, bei {count} Gemeinden "
        f"also {format_eur(amount)}."
    )


def estimate_funding(count: int, digital: bool = False) -> FundingEstimate:
    """Estimate the IKZ grant for a cooperation of ``count`` municipalities.

    ``digital=True`` applies the 2020 rule for jointly developed digital
    services (25.000 € per municipality and project) as the main rule and
    lists the general lump sum as an alternative; otherwise the other way
    round. Fewer than two municipalities yield ``amount_eur=None``.
    """
    if count < 2:
        return FundingEstimate(
            count=count,
            amount_eur=None,
            rule=(
                "Interkommunale Zusammenarbeit braucht mindestens zwei Kommunen; "
                "die kleinste Regelzuwendung gilt für 2 Kommunen."
            ),
            source_url=FOERDERHOEHE_URL,
            note="Eine einzelne Kommune kann keine IKZ-Förderung erhalten. " + _UNDATED_NOTE,
            alternatives=(),
        )
    regel_amount, regel_rule = _regel(count)
    digital_amount, digital_rule = _digital(count)
    verband = (_verband(count), FOERDERHOEHE_URL)
    if digital:
        return FundingEstimate(
            count=count,
            amount_eur=digital_amount,
            rule=digital_rule,
            source_url=DIGITAL_2020_URL,
            note=_DIGITAL_NOTE,
            alternatives=((regel_rule, FOERDERHOEHE_URL), verband),
        )
    note = _UNDATED_NOTE
    if count == 2:
        note = "Im Regelfall sollen drei Kommunen beteiligt sein. " + note
    return FundingEstimate(
        count=count,
        amount_eur=regel_amount,
        rule=regel_rule,
        source_url=FOERDERHOEHE_URL,
        note=note,
        alternatives=((digital_rule, DIGITAL_2020_URL), verband),
    )
