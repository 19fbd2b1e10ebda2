"""Whether a message asks the IKZ funding calculator's question (Rasa-free).

A number of municipalities and a word of cooperation or funding ("Wir sind zwei Gemeinden und
wollen die Bauhöfe zusammenlegen") is the calculator's question, whatever the classifier says.
"""

from __future__ import annotations

import re

from bot.knowledge.dialekt import standardise
from bot.knowledge.ikz import parse_count, special_cases

_IKZ_WORDS = r"interkommunal|\bikz\b|inter-?\s?municipal|zusammenarbeit|cooperat|fusion|merge|zusammenleg"
_COUNTED_MUNICIPALITY = re.compile(
    r"\b(?:zwaa|zwoo|zwei|drei|vier|f(?:ü|ue)nf|sechs|\d+)\s+gemeinde\b", re.IGNORECASE
)
# Hessian "zusamme", "zammelege", "zammeschmeiße" (to put together, to merge).
_COOPERATION_DIALECT = re.compile(r"\bzusamme\b|\bzamme\w*", re.IGNORECASE)
MUNICIPALITIES = re.compile(
    r"\b(?:gemeinden|kommunen|st(?:ä|ae)dte|orte|municipalities|towns|communities|villages)\b"
    # "with only one neighbour village", "mit einer Nachbargemeinde"
    r"|\bneighbou?r(?:ing)?\s+(?:village|town|municipality|community)\b|\bnachbar(?:gemeinde|kommune|stadt|ort|dorf)",
    re.IGNORECASE,
)
_COOPERATION = re.compile(
    # "Und wenn vier Gemeinden im Verband sind?" after the Verband rule.
    r"f(?:ö|oe)rder|zuschuss|geld|zusammen|gemeinsam|kooperation|ikz|interkommunal|verbund|verband|teilen"
    r"|fund|grant|subsid|money|together|joint|cooperat|co-operat|share|merge",
    re.IGNORECASE,
)


# How to apply, who advises: their own FAQ answers, even with a number of municipalities.
_IKZ_OTHER_QUESTION = re.compile(
    r"antrag|beantrag|berat|ber(?:ä|ae)t|wie\s+lange|dauer|wer\s+hilft"
    r"|\bapply|application|advice|advis|how\s+long|who\s+helps",
    re.IGNORECASE,
)


# How to apply or how long it takes, asked beside the amount ("… und wie man das beantragt").
PROCEDURE_ASKED = re.compile(
    r"beantrag|antrag\s+stell|wie\s+lange|bearbeitungs|\bapply\b|how\s+long"
    # "… und bei wem reichen wir den Antrag ein?", "wo geht der Antrag hin?"
    r"|einreich|antrag\s+(?:\w+\s+){0,2}ein\b|\bwo(?:hin)?\s+(?:\w+\s+){0,3}antrag|submit"
    # "… und über wen läuft der Antrag?"
    r"|l(?:ä|ae)uft\s+(?:der|das|die)\s+antr|\bantrag\s+l(?:ä|ae)uft",
    re.IGNORECASE,
)


_AMOUNT_ASKED = re.compile(
    r"how\s+much|wie\s*viel|wieviel|welche\s+f(?:ö|oe)rders"
    # "… ob es dafür Geld vom Land gibt und wie man das beantragt": the amount, then the procedure.
    r"|\bob\s+es\s+(?:\w+\s+){0,2}(?:geld|f(?:ö|oe)rder\w*|zusch(?:u|ü)ss\w*)",
    re.IGNORECASE,
)


def ikz_funding_question(text: str) -> bool:
    """Whether ``text`` asks about IKZ funding for a number of municipalities."""
    return bool(
        parse_count(text) is not None
        # Hessian drops the plural's -n: "mir sin vier Gemeinde … wolle unsern Bauhof zusamme mache".
        and (MUNICIPALITIES.search(text) or _COUNTED_MUNICIPALITY.search(text))
        and (_COOPERATION.search(text) or _COOPERATION_DIALECT.search(text))
        # "… how much and where we apply?": the amount first; the calculator names the advice.
        and (not _IKZ_OTHER_QUESTION.search(text) or _AMOUNT_ASKED.search(text))
    )


_FUNDING = re.compile(
    r"f(?:ö|oe)rder|zuschuss|zuwendung|geld|betrag|wie\s*viel|fund|grant|subsid|money|amount|how\s+much",
    re.IGNORECASE,
)


def ikz_special_funding_question(text: str) -> bool:
    """Whether ``text`` asks what IKZ pays for a special case (merged fire brigades, a Verband)."""
    cases = special_cases(text)
    # A Verwaltungsverband is cooperation by itself; fire brigades are not.
    return bool(
        cases
        and ("verband" in cases or re.search(_IKZ_WORDS, text, re.IGNORECASE))
        and _FUNDING.search(text)
        and not _IKZ_OTHER_QUESTION.search(text)
    )


# Questions about the totals the Land has paid so far ("Wie viele Kooperationen wurden gefördert?").
_TOTALS = re.compile(
    r"insgesamt|bisher|bislang|wie\s+viele|ausgegeben|bilanz|so\s+far|in\s+total|altogether|how\s+many"
    # Past tense means the totals paid: "Wie viel Geld floss …?", "How much was granted?"
    r"|gefördert|gefoerdert|geflossen|floss|ausgezahlt|ausgeschüttet|bereitgestellt|investiert"
    r"|\bwurden?\b|\bhat\b.{0,30}\bgegeben|\bpaid\b|\bgiven\b|\bspent\b|\bgranted\b|\bfunded\b"
    r"|\b(?:was|were|has|have)\s+been\b|\bdid\b"
    # "Gesamtsumme IKZ Förderung", "Statistik zur Förderung", "Kennzahlen IKZ-Förderung"
    r"|gesamt|statisti|kennzahl|zahlen\s+(?:und|&)\s+fakten|\btotal|figures",
    re.IGNORECASE,
)


# "Wird das vom Land gefördert?", "Würde unser Projekt gefördert?": funding asked for a plan,
# not the totals paid (whose past participle is the same word).
_PROSPECTIVE_FUNDED = re.compile(
    r"(\b(?:wird|werden|w(?:ü|ue)rden?|kann|k(?:ö|oe)nnen|k(?:ö|oe)nnte|will)\b.{0,60}?)\bgef(?:ö|oe)rdert\b",
    re.IGNORECASE,
)


def asks_totals(text: str) -> bool:
    """Whether ``text`` asks about the totals the Land has paid (not a plan's funding)."""
    return bool(_TOTALS.search(_PROSPECTIVE_FUNDED.sub(r"\1", text)))


def funding_misread_as_totals(text: str, response_key: str | None) -> bool:
    """Whether the FAQ on the Land's totals was picked for "how much funding does a project get?".

    "Wie viel Förderung gibt es für IKZ-Projekte?" reads like "Wie viele IKZ-Projekte gibt es?"
    to the classifier; without a word about totals it asks for the amounts per cooperation.
    """
    return bool(response_key == "faq/ikz_kennzahlen" and _FUNDING.search(text) and not asks_totals(text))


def totals_misread_as_funding(text: str, response_key: str | None) -> bool:
    """Whether the calculator was picked for a question about the Land's totals.

    "Gesamtsumme IKZ Förderung Hessen" reads like "IKZ Förderung für drei Gemeinden"; the
    ResponseSelector's pick, the totals, is right when a word about totals says so and no
    number of municipalities asks for the calculator.
    """
    return bool(response_key == "faq/ikz_kennzahlen" and asks_totals(text) and not ikz_funding_question(text))


# A plan of cooperation ("gemeinsam", "mit Weilburg und Löhnberg … bilden") and a question about
# funding: the IKZ calculator, even where the partners' names pull the classifier to the
# Standesamt search ("einen gemeinsamen Standesamtsbezirk bilden").
_PLAN = re.compile(
    r"gemeinsam|zusammen|kooper|interkommunal|\bikz\b|fusion"
    r"|\bmit\b.{0,80}\b(?:bilden|gr(?:ü|ue)nden|betreiben|teilen)\b",
    re.IGNORECASE,
)
_FUNDING_ASKED = re.compile(
    r"gef(?:ö|oe)rdert|f(?:ö|oe)rder(?:ung|geld|mittel|summe)|zuschuss|zuwendung|geld\s+vom\s+land"
    # "Was gibt'n do des Land dezu?"
    r"|\bwas\s+gibt\S*\s+(?:\w+\s+){0,3}land\b",
    re.IGNORECASE,
)


def named_cooperation_funding(text: str) -> bool:
    """Whether ``text`` asks about funding for a cooperation it describes (partners named, no count)."""
    # Dialect read as standard German too ("… unser Bauhöf zammelege").
    text = f"{text} {standardise(text)}"
    return bool(
        _FUNDING_ASKED.search(text)
        and _PLAN.search(text)
        and not asks_totals(text)
        and (not _IKZ_OTHER_QUESTION.search(text) or _AMOUNT_ASKED.search(text))
    )


# "Gibt's da Geld defür?", "Geld dafür": money asked without the word Förderung.
_MONEY_ASKED = re.compile(
    r"\bgibt\S*\s+(?:\w+\s+){0,3}geld\b|\bgeld\s+(?:\w+\s+)?(?:daf(?:ü|ue)r|def(?:ü|ue)r|dazu|vom\s+land)\b"
    r"|\bf(?:ö|oe)rder(?:ung|geld|mittel)\b|\bzusch(?:u|ü)ss|\bfunding\b|\bmoney\b|\bgrants?\b",
    re.IGNORECASE,
)
_PROGRAMME_TIME = re.compile(
    r"bis\s+wann|l(?:ä|ae)uft|laufzeit|\b20[2-3]\d\b|until\s+when|how\s+long|still", re.IGNORECASE
)
_IKZ_NAMED = re.compile(r"interkommunal|\bikz\b|inter-?\s?municipal", re.IGNORECASE)


def ikz_funding_without_count(text: str) -> bool:
    """Whether ``text`` asks whether IKZ is funded, naming IKZ and no number of municipalities.

    "Unser Bürgermeister babbelt vun IKZ. Was is des eichentlich un gibt's da Geld defür?": the
    calculator (it says what IKZ is and the amounts, then asks the number), not a person to call.
    """
    readings = (text, standardise(text))
    return bool(
        any(_IKZ_NAMED.search(r) and _MONEY_ASKED.search(r) for r in readings)
        and parse_count(text) is None
        and not asks_totals(text)
        and not _IKZ_OTHER_QUESTION.search(text)
        # "Gibt es die IKZ-Förderung 2027 noch?" asks how long the programme runs.
        and not _PROGRAMME_TIME.search(text)
    )
