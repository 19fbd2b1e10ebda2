"""IKZ (Interkommunale Zusammenarbeit) funding estimate for Hessen.

Amounts follow the Kommunales Beratungszentrum Hessen page "Förderhöhe"
(undated, read 2026-11-29) and the 2020 state press release on digital IKZ projects
(data/knowledge/fakten.yml: ikz_regelzuwendung, ikz_digital_2020, ikz_verwaltungsverband).
This module computes amounts only; the citizen texts for each case are in
actions/antworten.yml (ikz_ergebnis_*, ikz_digital*, ikz_verband), with Leichte Sprache.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge.dialekt import standardise
from bot.knowledge.text import normalise

__all__ = [
    "DIGITAL_2020_URL",
    "DIGITAL_MAX_KOMMUNEN",
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
# The 2020 release names 25.000 € per municipality with four municipalities as its example
# (100.000 €); it gives no amount beyond that, so none is computed for more.
DIGITAL_MAX_KOMMUNEN = 4

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
# English numerals (issue 16): "three municipalities", "both towns".
_ENGLISH = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "both": 2,
}  # fmt: skip
# "Und wenn eine vierte Gemeinde dazukommt?", "and if a fourth village joins?": the newcomer's
# ordinal is the new count (only right before a count noun or "one").
_ORDINALS = {
    "zweite": 2, "dritte": 3, "vierte": 4, "fuenfte": 5, "funfte": 5, "sechste": 6, "siebte": 7,
    "achte": 8, "neunte": 9, "zehnte": 10,
    "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10,
}  # fmt: skip
# Indefinite articles look like "one"; they only count right before a count noun.
_ARTICLES = {"ein": 1, "eine": 1, "einer": 1, "einen": 1, "einem": 1, "one": 1}
_COUNT_NOUN = re.compile(
    r"^(gemeinde|kommune|stadt|staedte|stadte|ort|partner|kooperationspartner|"
    r"mitglied|verwaltung|landkreis|kreis|teilnehmer|beteiligte|"
    r"municipalit|town|village|communit|cities|city|district|member)"
)
# Only the plain noun after an article: "einen Gemeindeverwaltungsverband" is no count of one.
_ARTICLE_NOUN = re.compile(
    r"^(gemeinde|kommune|stadt|ort|partner|kooperationspartner|mitglied|landkreis|kreis|"
    r"municipality|town|village|community|city|district|member)$"
)
_NOT_A_COUNT_UNIT = re.compile(
    r"^(einwohner|euro|eur|prozent|jahr|km|quadratkilometer|mio|millionen|tsd|tausend|uhr|"
    r"ortsteil|feuerwehr|wehr|bauhof|bauhoef|"
    r"inhabitant|resident|people|percent|year|million|thousand|fire|thing|question|frage|ding)"
)
_THOUSANDS = re.compile(r"\d{3}")
# "mit zwei Nachbargemeinden", "with 2 other villages": the speaker's own municipality is one more.
_WITH = frozenset({"mit", "with", "plus"})
_ONLY = frozenset({"nur", "only", "just"})
# "Mir un zwaa Nachbargemaane, also drei": "also" restates the total too.
_TOTAL = frozenset({"insgesamt", "gesamt", "total", "altogether", "also"})
_OTHER = re.compile(r"^(andere|weitere|nachbar|other|further|neighbo|more)")


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
    if word in _ENGLISH:
        return _ENGLISH[word]
    # Compounds such as "einundzwanzig", "dreiundvierzig".
    unit, sep, tens = word.partition("und")
    if sep and tens in _TENS and (unit in _UNITS or unit == "ein"):
        return _TENS[tens] + (1 if unit == "ein" else _UNITS[unit])
    return None


_ABOVE = frozenset({"ueber", "uber", "over", "above"})
_MORE = frozenset({"mehr", "more"})
_THAN = frozenset({"als", "than", "then"})


def _more_than(words: list[str], index: int) -> bool:
    """Whether the number at ``index`` follows "mehr als", "more than" or "über"."""
    previous = words[index - 1] if index > 0 else ""
    before = words[index - 2] if index > 1 else ""
    return previous in _ABOVE or (previous in _THAN and before in _MORE)


# A count the speaker corrects ("also drei Kommunen – ach nein, die vierte ist auch dabei"):
# only what follows the last correction counts.
_CORRECTION = re.compile(
    r"\b(?:ach\s+nein|nee|korrektur|ich\s+meinte|ich\s+meine|entschuldigung|sorry|actually|i\s+mean"
    r"|correction)\b",
    re.IGNORECASE,
)


def _corrected(text: str) -> str:
    """The part after the last correction, where it names a count; else the whole text."""
    tail = _CORRECTION.split(text)[-1]
    return tail if tail != text and _parse_count(tail) is not None else text


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
    >>> parse_count("we are a village, want to work together with 2 other villages")
    3
    >>> parse_count("mehr als drei Gemeinden")
    4
    >>> parse_count("if we run the Bauhof together with only one neighbour village")
    2
    >>> parse_count("jemand hat von 25.000 Euro pro Kommune erzählt. Was bekommen wir drei?")
    3
    >>> parse_count("And if a fourth village joins?")
    4
    >>> parse_count("Two things: how much do three cooperating municipalities get?")
    3
    >>> parse_count("wir und noch drei andere Gemeinden, insgesamt vier")
    4
    >>> parse_count("wir und noch zwei andere Gemeinden")
    3
    >>> parse_count("insgesamt drei Kommunen – ach nein, die vierte Gemeinde ist auch dabei")
    4
    """
    corrected = _corrected(text)
    now = _PAST_SENTENCE.sub(" ", corrected)
    if now != corrected and (current := _parse_count(now)) is not None:
        # "2019 hatten wir mit zwei Nachbarn schon mal … überlegt. Jetzt wollen wir zu viert …":
        # the plan asked about, not the one that failed.
        return current
    return _parse_count(corrected)


# A sentence about an earlier attempt: its count is history.
_PAST_SENTENCE = re.compile(
    r"[^.!?]*\b(?:damals|fr(?:ü|ue)her|schon\s+(?:ein)?mal|vor\s+\w+\s+jahren|back\s+then|years\s+ago)\b[^.!?]*[.!?]?",
    re.IGNORECASE,
)


def _parse_count(text: str) -> int | None:
    # Hessian numerals too ("mit zwaa Nachbargemeinde").
    # "our village + 2 neighbours": the plus sign reads as "plus" (= with).
    words = normalise(standardise(text.replace("+", " plus "))).split()
    loose: int | None = None
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        previous = words[index - 1] if index > 0 else ""
        if previous == "zu" and word in _COLLECTIVE:
            return _COLLECTIVE[word]
        # "mit zwei Nachbargemeinden", "with only one neighbour village": one more.
        if previous in _TOTAL and (value := _word_value(word)) is not None and 1 <= value <= _MAX_COUNT:
            # "wir und noch drei andere, insgesamt vier": the total the speaker counted wins.
            return value
        # "und noch drei andere Gemeinden" counts the speaker's own like "mit drei anderen".
        with_others = bool(_OTHER.match(following)) and (
            previous in _WITH
            or previous == "noch"
            or (previous in _ONLY and index > 1 and words[index - 2] in _WITH)
        )
        value = _word_value(word)
        if value is None and word in _ARTICLES and (_ARTICLE_NOUN.match(following) or with_others):
            value = _ARTICLES[word]
            if not with_others and not _more_than(words, index):
                # "Bürgermeister einer Gemeinde … Mit zwei Nachbargemeinden …": the article says
                # who speaks; a count said later wins, else "eine Gemeinde" alone is one.
                loose = value if loose is None else loose
                continue
        ordinal = _ORDINALS.get(word.removesuffix("n")) if value is None else None
        # "Und wenn noch eine vierte mitmacht?": an ordinal after an article counts too.
        if ordinal and (_COUNT_NOUN.match(following) or following == "one" or previous in _ORDINAL_ARTICLES):
            return ordinal
        if value is None or not 1 <= value <= _MAX_COUNT:
            continue
        if _NOT_A_COUNT_UNIT.match(following) or _THOUSANDS.fullmatch(following):
            # "25.000 Euro" is normalised to "25 000 euro": an amount, not 25 municipalities.
            continue
        if _more_than(words, index) and value < _MAX_COUNT:
            # "mehr als drei Gemeinden", "more then 3 towns": the smallest count above it.
            return value + 1
        if with_others and value < _MAX_COUNT:
            return value + 1
        if _COUNT_NOUN.match(following):
            return value
        after = words[index + 2] if index + 2 < len(words) else ""
        if (
            _COUNT_NOUN.match(after)
            and not _NOT_A_COUNT_UNIT.match(following)
            and not _OTHER.match(following)
            and value > 1
        ):
            # "three cooperating municipalities": one word between. Not "we and two neighbouring
            # municipalities", where the speaker's own is one more (counted further on).
            return value
        if loose is None:
            loose = value
    return loose


# Articles before an ordinal that counts ("eine vierte", "a fourth").
_ORDINAL_ARTICLES = frozenset({"eine", "ein", "einer", "a"})


# Not the separator inside an amount ("25.000 Euro").
_COUNT_CLAUSES = re.compile(r"[;?!]|(?<!\d)[,.]|[,.](?!\d)|\b(?:und|oder|and|or)\b", re.IGNORECASE)
_ASKED = re.compile(r"\b(?:wenn|falls|bei|f(?:ü|ue)r|if|for|with)\b", re.IGNORECASE)


# "Wir in unserer Gemeinde …", "our village": the asking municipality takes part too.
_WE = re.compile(r"\b(?:wir|uns|unsere?[mnrs]?|we|our|us)\b", re.IGNORECASE)


def partners_named(text: str, named: int) -> int | None:
    """The number of municipalities from the ``named`` partners, or ``None`` when unclear.

    "Wir überlegen, mit Weilburg und Löhnberg einen gemeinsamen Standesamtsbezirk zu bilden":
    two named and the asking one, three. One named place alone says no number.

    >>> partners_named("Wir wollen mit Weilburg und Löhnberg zusammenarbeiten", 2)
    3
    >>> partners_named("Kooperation von Weilburg, Löhnberg und Weilmünster", 3)
    3
    >>> partners_named("Kooperation mit Weilburg", 1) is None
    True
    """
    count = named + (1 if _WE.search(text) else 0)
    return count if named >= 1 and count >= 2 else None


def parse_counts(text: str) -> list[int]:
    """Every number of municipalities ``text`` asks about, clause by clause, in order.

    >>> parse_counts("Wie hoch ist die Förderung bei drei Kommunen, und wie viel, wenn wir fünf sind?")
    [3, 5]
    """
    counts: list[int] = []
    for clause in _COUNT_CLAUSES.split(_corrected(text)):
        count = parse_count(clause)
        # A later number counts only where it is asked about ("wenn wir fünf sind"), not in
        # "wir sind drei Gemeinden und zwei davon haben …".
        if count is not None and count not in counts and (not counts or _ASKED.search(clause)):
            counts.append(count)
    return counts


# Funding that follows other rules than the lump sum per cooperation (fakten.yml: ikz_feuerwehr,
# ikz_verwaltungsverband): named when the question is about it.
_SPECIAL_CASES = (
    # Also typed or said otherwise: "feuerwher", "Feuer-Wehr", Hessian "Feierwehr".
    (
        "feuerwehr",
        re.compile(
            r"f(?:eu|ei)er\s*-?\s*w(?:eh|he|e)h?r|fire\s*(?:brigade|department|service)", re.IGNORECASE
        ),
    ),
    (
        "verband",
        re.compile(
            r"verwaltungsverband|verwaltungsgemeinschaft|joint\s+administration|administrative\s+(?:association|community)",
            re.IGNORECASE,
        ),
    ),
)


def special_cases(text: str) -> tuple[str, ...]:
    """The special funding rules ``text`` asks about: "feuerwehr", "verband" (in that order)."""
    return tuple(case for case, pattern in _SPECIAL_CASES if pattern.search(text))


def format_eur(amount: int) -> str:
    """Format an amount the German way: ``100000`` -> ``"100.000 €"``."""
    return f"{amount:,}".replace(",", ".") + " €"


@dataclass(frozen=True)
class FundingEstimate:
    """Result of :func:`estimate_funding`: amounts only, the texts are in antworten.yml.

    ``case`` is "keine" (fewer than two), "zwei" (only for a recognised special reason),
    "drei" or "mehr" (lump sum per cooperation, not per municipality).
    """

    count: int
    case: str
    amount_eur: int | None
    source_url: str
    # 25.000 € per municipality (2020 release), only up to DIGITAL_MAX_KOMMUNEN.
    digital_eur: int | None
    # 150.000 € per municipality for a Gemeindeverwaltungsverband / Verwaltungsgemeinschaft.
    verband_eur: int | None


def estimate_funding(count: int) -> FundingEstimate:
    """Estimate the IKZ lump sum for a cooperation of ``count`` municipalities.

    Two municipalities get 50.000 € only when a special reason is recognised (the rule is
    three); fewer than two get nothing (``amount_eur=None``). The 2020 digital rule and the
    Verwaltungsverband rule are returned as alternatives with their own amounts.
    """
    if count < 2:
        return FundingEstimate(count, "keine", None, FOERDERHOEHE_URL, None, None)
    if count == 2:
        case, amount = "zwei", REGEL_2
    elif count == 3:
        case, amount = "drei", REGEL_3
    else:
        case, amount = "mehr", REGEL_MEHR
    digital = DIGITAL_JE_KOMMUNE * count if count <= DIGITAL_MAX_KOMMUNEN else None
    return FundingEstimate(
        count=count,
        case=case,
        amount_eur=amount,
        source_url=FOERDERHOEHE_URL,
        digital_eur=digital,
        verband_eur=VERWALTUNGSVERBAND_JE_GEMEINDE * count,
    )
