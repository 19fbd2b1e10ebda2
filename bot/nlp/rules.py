"""Rules for the phrasings a classifier trained on sentences misses (Rasa-free).

Decided by rule instead of by DIET, because the words make them certain and a statistical
model keeps getting them wrong on short input (applied in Rasa by
:mod:`bot.nlp.understanding`; the actions use the certificate words too):

- **Certificate word + place** ("Geburtsurkunde Kassel", "Sterbeurkunde Offenbch",
  "Gebrutsurkunde Offenbach") is a certificate request. DIET read such keyword queries as a
  bare place (intent ``angabe``): on a sweep of all 422 municipalities 86 were routed right.
- **A question about a certificate** (who may, how long, which language, which account, what
  it costs), judged in the certificate's own clause, is that FAQ, not an order.
- **A message that is only a place** ("Und in Kassel?") is a place answer.
- **"Personalausweis Kosten"** is a question about the service, not the lost-card life event.
- **"hier", "bei uns", "in unserer Stadt"** mean the municipality of the page the widget is
  on (``metadata.kommune``, also set by the messenger channels from ``BOT_KOMMUNE``): it is
  added as a ``gemeinde`` entity (its AGS). Without a known municipality nothing is added,
  so the assistant asks.
- **Unmistakable dissatisfaction** ("nicht hilfreich", "Quatsch", "not helpful") is
  ``unzufrieden`` (an apology and a person), whatever question follows it.
- **Another language** the assistant does not answer in (marker words or script, see
  :func:`bot.nlp.language.other_language`) is ``andere_sprache``.
- **Questions only one FAQ answers** (topic word + cue, :func:`cued_faq`: "BundID gelöscht",
  "Servicekonto Login", "Wer berät uns zur IKZ?") get that FAQ.
- **Several certificates with their event places** in one message are paired by
  :func:`certificate_requests`; the Standesamt answer answers each for its own place.
"""

from __future__ import annotations

import re
from typing import Any

from bot.knowledge.ags import kommune_from_metadata
from bot.knowledge.ereignisort import is_residence
from bot.knowledge.ikz import parse_count, special_cases
from bot.knowledge.municipalities import load_municipalities
from bot.knowledge.services import load_services
from bot.knowledge.text import edit_distance, typo_limit
from bot.nlp.language import other_language

PLACE_LABEL = "gemeinde"
KIND_LABEL = "urkundenart"
# Intents that mean "no question of its own": a keyword query lands here.
_OVERRIDABLE = frozenset({"angabe", "out_of_scope", "chitchat", "standesamt_suchen", "nlu_fallback"})
# Below this confidence the FallbackClassifier (config.yml, threshold 0.5) or a near tie would
# answer with the topic menu; a named service is the better guess.
_UNSURE = 0.6
# "und meine Schwester ist in Göttingen geboren, wo kriegt die ihre?" (read as out of scope).
_EVENT_WHERE_OVERRIDABLE = frozenset({"lebenslage", "out_of_scope", "chitchat", "nachfrage", "angabe"})
# Short-message intents too: "Fuehrerschein umschreiben lassen" was read as "abbrechen" (0.55).
_UNSURE_OVERRIDABLE = frozenset(
    {"out_of_scope", "chitchat", "nlu_fallback", "abbrechen", "affirm", "deny", "greet", "goodbye"}
    | {"leichte_sprache_aus"}
)
_UNSURE_EVENT_OVERRIDABLE = _UNSURE_OVERRIDABLE | {
    "angabe",
    "nachfrage",
    "standesamt_suchen",
    "urkunde_beantragen",
}
# "und für meine Tochter, die ist 8?": a short message that starts like a follow-up.
_FOLLOW_UP_OPENING = re.compile(r"^\s*(?:und|auch|and|also|what\s+about|how\s+about)\b", re.IGNORECASE)
_MAX_FOLLOW_UP_WORDS = 10
# "Geburtsurkunde Kassel" is also read as "can I get it online?"; only words about the
# online way keep that intent.
_ONLINE_CUE = re.compile(
    r"online|internet|digital|elektronisch|im\s+netz|per\s+mail|von\s+zu\s*hause|from\s+home",
    re.IGNORECASE,
)
# A message that is only a place ("Und in Kassel?", "und Mainz-Kastel?") answers a question
# or continues a topic; the classifier sometimes calls it out of scope.
_ID_CARD = re.compile(r"ausweis|perso\b|reisepass|\bpass\b|\bid\s*card|passport", re.IGNORECASE)
# Only words that certainly mean the card is gone ("nicht mehr" is also "nicht mehr gültig").
_LOST_CARD = re.compile(
    r"verlor|verlier|gestohlen|geklaut|abhanden|verschwunden|verbummel|verschlamp|verschussel"
    r"|\blost\b|stolen|misplaced|can'?t\s+find|cannot\s+find",
    re.IGNORECASE,
)
# A message that names the ID card and its loss is about the loss, however sure the classifier
# is of small talk or "out of scope" (dialect: "Perso verbummelt … was mach isch dann jetz?").
_LOST_CARD_OVERRIDABLE = frozenset({"online_beantragen", "out_of_scope", "chitchat", "nlu_fallback"})
_LOSS = re.compile(
    r"verlor|verlier|gestohlen|geklaut|weg\b|abhanden|vermiss|nicht\s+mehr|finde|verschwunden|gefunden"
    r"|verbummel|verschlamp|verschussel|misplaced"
    r"|\blost\b|\blose\b|stolen|missing|can'?t\s+find|cannot\s+find",
    re.IGNORECASE,
)
_PLACE_ONLY_OVERRIDABLE = frozenset(
    # "angabe" and "nachfrage" too: "und für Großauheim?" is read as either, too unsure to pass.
    {"out_of_scope", "chitchat", "nlu_fallback", "greet", "goodbye", "affirm", "angabe", "nachfrage"}
)
_PLACE_ONLY_FILLER = re.compile(
    r"^(?:und|auch|in|im|aus|für|fuer|nach|bei|was|wie|ist|mit|dann|denn|noch|bitte|nein|ja|ne|nee|"
    r"ist\s+es|es|das|dort|da|mit|so|ok|okay"
    # The same in English ("and in Kassel?", "what about Fulda?").
    r"|and|also|from|for|at|what|about|how|is|it|then|please|no|yes|the|there|too)$",
    re.IGNORECASE,
)
_CERTIFICATE_INTENT = "urkunde_beantragen"
_BARE_CERTIFICATE_WORD = re.compile(
    r"^\s*(?:a\s+|an\s+|eine\s+)?(?:certificates?|urk[ou]n[dt]en?)\s*[?!.]*\s*$", re.IGNORECASE
)
# Intents of "no question of its own" that a named service with a place turns into a service question.
# Not out_of_scope: "Termin beim Jobcenter Offenbach" names a service but is rightly out of scope.
_SERVICE_KEYWORD_OVERRIDABLE = frozenset({"angabe", "chitchat", "nlu_fallback"})
# Certificate words as citizens type them: compounds, hyphens, common typos ("urkunte"),
# missing umlauts don't occur in these words. The stem before "urkunde" decides the kind.
_KIND_PATTERNS = (
    (
        "geburtsurkunde",
        re.compile(r"\bgeb[uü]?r?t?s?[- ]?(?:urk[ou]n[dt]e?n?|schein)\b|\bgeburtenregister", re.I),
    ),
    (
        "eheurkunde",
        re.compile(r"\b(?:ehe|heirats?|hochzeits?|trau)[- ]?urk[ou]n[dt]e?n?\b|\beheregister", re.I),
    ),
    ("sterbeurkunde", re.compile(r"\b(?:sterbe?|todes)[- ]?urk[ou]n[dt]e?n?\b|\bsterberegister", re.I)),
    # English, with the usual typos of "certificate" ("certifcate", "sertificate", "cert").
    ("geburtsurkunde", re.compile(r"\bbirth\s+(?:c|s)er?t\w*", re.I)),
    ("eheurkunde", re.compile(r"\b(?:marriage|marrige|mariage|wedding)\s+(?:c|s)er?t\w*", re.I)),
    ("sterbeurkunde", re.compile(r"\bdeath\s+(?:c|s)er?t\w*", re.I)),
    # The two words apart: "Urkunde Geburt Korbach", "Urkunde für die Hochzeit".
    ("geburtsurkunde", re.compile(r"\burk[ou]n[dt]e?n?\b(?:\s+\w+){0,2}?\s+geburt\w*", re.I)),
    ("eheurkunde", re.compile(r"\burk[ou]n[dt]e?n?\b(?:\s+\w+){0,2}?\s+(?:ehe|heirat|hochzeit)\w*", re.I)),
    ("sterbeurkunde", re.compile(r"\burk[ou]n[dt]e?n?\b(?:\s+\w+){0,2}?\s+(?:tod|sterbe)\w*", re.I)),
)
# "hier" and its paraphrases, only where they point at a place (not "hier steht", "ich bin
# hier richtig"): followed or preceded by words of place, birth or office, or "bei uns".
_HERE = re.compile(
    r"\b(?:bei\s+uns|in\s+unserer\s+(?:stadt|gemeinde|kommune)|in\s+meiner\s+(?:stadt|gemeinde|kommune)"
    r"|unsere[mnrs]?\s+(?:stadt|gemeinde|kommune|rathaus|standesamt)|hier\s+vor\s+ort|vor\s+ort"
    r"|hier(?=(?:\s+\w+){0,3}\s+(?:geboren|gestorben|verstorben|geheiratet|verheiratet|zur\s+welt))"
    r"|hier(?=\s+(?:in\s+der\s+stadt|in\s+der\s+gemeinde|im\s+ort|bei\s+ihnen|im\s+krankenhaus|im\s+klinikum))"
    r"|(?:geboren|gestorben|geheiratet|heiraten|bestellen|beantragen|bekomme|bekommen|kriege|gibt\s+es|geht\s+das)\s+(?:ich\s+)?(?:das\s+|die\s+|den\s+|eine?n?\s+\w+\s+)?hier\b"
    r"|(?:\w*urkunde\w*|standesamt|rathaus|b(?:ü|ue)rgerb(?:ü|ue)ro)\s+(?:von\s+|aus\s+|f(?:ü|ue)r\s+)?hier\b"
    r"|\bhier\s+(?:eine?n?|die|das|den)\s+\w+\s+(?:bestellen|beantragen|bekommen|anmelden|ummelden)"
    # English: "born here", "in our town", "the Standesamt here", "the local registry office".
    r"|\b(?:born|died|married|wed|passed\s+away)\s+(?:right\s+)?here\b"
    r"|\bin\s+(?:our|my|this)\s+(?:town|city|municipality|village|community)\b|\bhere\s+in\s+(?:town|the\s+city)"
    r"|\b(?:standesamt|registry\s+office|register\s+office|town\s+hall|city\s+hall)\s+(?:here|in\s+town)\b"
    r"|\b(?:the\s+)?local\s+(?:standesamt|registry|register\s+office|town\s+hall|office))",
    re.IGNORECASE,
)


# Typos in the long certificate words ("Gebrutsurkunde", "Eheurkude"): one edit for
# words up to 11 letters, two for longer ones, against these spellings.
_KIND_WORDS = {
    "geburtsurkunde": "geburtsurkunde",
    "eheurkunde": "eheurkunde",
    "heiratsurkunde": "eheurkunde",
    "sterbeurkunde": "sterbeurkunde",
    "todesurkunde": "sterbeurkunde",
}
_WORD = re.compile(r"[a-zäöüß]+", re.IGNORECASE)
_CANONICAL_KINDS = frozenset({"geburtsurkunde", "eheurkunde", "sterbeurkunde"})


# "Des Kind is in Friedberg gebore, wo hol isch die Urkund?": the bare word "Urkunde" and
# an event word elsewhere in the message name the kind (Hessian dialect drops the final n).
_BARE_CERTIFICATE = re.compile(
    r"\burk[ou]n[dt]e?n?\b"
    # English, but not another document's name ("certificate of good conduct", "registration
    # certificate", "vehicle registration cert").
    r"|(?<!registration\s)(?<!vehicle\s)(?<!police\s)(?<!residence\s)(?<!school\s)(?<!medical\s)"
    r"\bcert(?:ificate|ficate|ifcate)?s?\b(?!\s+of\b)",
    re.IGNORECASE,
)
# Event words of the three certificates, German (dialect drops the final n) and English
# ("born in Nidda, married in Schotten").
_EVENT_KIND = (
    ("geburtsurkunde", re.compile(r"\bgebore?n?\b|\bgeburt|zur\s+welt|uff\s+die\s+welt", re.IGNORECASE)),
    ("sterbeurkunde", re.compile(r"\bgestorbe?n?\b|\bverstorbe?n?\b|\btod\b|\bsterbe", re.IGNORECASE)),
    ("eheurkunde", re.compile(r"\bgeheirat\w*|\bheirat|\bhochzeit|\bgetraut", re.IGNORECASE)),
    ("geburtsurkunde", re.compile(r"\bborn\b|\bbirth\b", re.IGNORECASE)),
    ("sterbeurkunde", re.compile(r"\bdied\b|pass\w*\s+away|\bdeath\b", re.IGNORECASE)),
    ("eheurkunde", re.compile(r"\bmarried\b|\bwedding\b|\bmarriage\b", re.IGNORECASE)),
)


def _event_kind(text: str) -> str | None:
    """The certificate an event word points to ("born" → Geburtsurkunde), if exactly one."""
    kinds = list(dict.fromkeys(kind for kind, pattern in _EVENT_KIND if pattern.search(text)))
    return kinds[0] if len(kinds) == 1 else None


def _event_entity(text: str) -> dict[str, Any]:
    """The certificate kind entity of the one event word in ``text``, with its span.

    The span matters: Rasa's NLU evaluation and story tests sort and compare entities by it.
    """
    for kind, pattern in _EVENT_KIND:
        match = pattern.search(text)
        if match:
            return _entity(KIND_LABEL, kind, match)
    raise ValueError(f"no event word in {text!r}")


def _certificate_match(text: str) -> tuple[str, re.Match[str]] | None:
    for kind, pattern in _KIND_PATTERNS:
        match = pattern.search(text)
        if match:
            return kind, match
    bare = _BARE_CERTIFICATE.search(text)
    event_kind = _event_kind(text) if bare else None
    if bare and event_kind:
        return event_kind, bare
    for match in _WORD.finditer(text):
        word = match.group(0).lower()
        if len(word) < 8:
            continue
        limit = typo_limit(word)
        for spelling, kind in _KIND_WORDS.items():
            if edit_distance(word, spelling, limit) <= limit:
                return kind, match
    return None


def certificate_kind(text: str) -> str | None:
    """The certificate kind a text names by its word ("Geburtsurkunde"), if any."""
    found = _certificate_match(text)
    return found[0] if found else None


_REQUEST_CLAUSES = re.compile(r"[,.;:!?\n]+|\s+(?:und|sowie|aber|and|but)\s+", re.IGNORECASE)


_SHARED_GERMAN = re.compile(r"\b(\w+)-(?=\s+(?:und|oder)\b)", re.IGNORECASE)
_SHARED_ENGLISH = re.compile(
    r"\b(birth|death|marriage)(?=\s+(?:and|or|&)\s+(?:(?:a|the|his|her|my|our)\s+)?\w+\s+certificates?)",
    re.IGNORECASE,
)


def certificate_requests(text: str) -> list[tuple[str, str]]:
    """Certificates for two or more event places in one message: ``(kind, place text)`` pairs.

    "Geburtsurkunde Hünfeld und Heiratsurkunde Fulda", "Ich bin in Nidda geboren und habe in
    Schotten geheiratet. Wo bekomme ich die Geburts- und die Heiratsurkunde?", "Meine Kinder
    sind in Heusenstamm und in Mainz geboren": each certificate comes from the Standesamt of
    its own event place. A clause pairs its place with its certificate or event word; a place
    without one takes it from the next clause if that names a place too ("in Heusenstamm und
    in Mainz geboren"). Places of residence are not event places. Empty unless at least two
    different places pair up.
    """
    index = load_municipalities()
    items: list[tuple[str | None, str | None]] = []
    for raw in _REQUEST_CLAUSES.split(text):
        clause = raw.strip()
        if not clause:
            continue
        kind = certificate_kind(clause) or next((k for k, p in _EVENT_KIND if p.search(clause)), None)
        names_place = index.resolve(clause).status in ("found", "outside_hessen")
        place = clause if names_place and not is_residence(clause) else None
        items.append((kind, place))
    pairs: list[tuple[str, str]] = []
    for position, (kind, place) in enumerate(items):
        if place is None:
            continue
        if kind is None and position + 1 < len(items) and all(items[position + 1]):
            kind = items[position + 1][0]
        if kind is not None:
            pairs.append((kind, place))
    # Where certificates are named, only those are asked for: in "… my mum lives in Kassel
    # because she married again. … I need his birth certificate" the marriage is no request.
    # "die Geburts- und die Heiratsurkunde", "birth and marriage certificates" name both.
    spelled_out = _SHARED_ENGLISH.sub(r"\1 certificate", _SHARED_GERMAN.sub(r"\1urkunde", text))
    # "sowohl meine Geburtsurkunde als auch die Eheurkunde": every kind in the clause.
    named = {kind for kind, pattern in _KIND_PATTERNS if pattern.search(spelled_out)}
    pairs = [(kind, place) for kind, place in pairs if not named or kind in named]
    places = {index.resolve(place).municipality or place for _, place in pairs}
    return pairs if len(places) >= 2 else []


def _entity(label: str, value: str, match: re.Match[str]) -> dict[str, Any]:
    # Start and end as the other extractors give them: Rasa's story evaluation sorts by them.
    return {
        "entity": label,
        "value": value,
        "start": match.start(),
        "end": match.end(),
        "extractor": "ContextualUnderstanding",
    }


def refers_to_here(text: str) -> bool:
    """Whether the text points at "this place" ("hier geboren", "bei uns", "in unserer Stadt")."""
    return bool(_HERE.search(text))


# Questions *about* a certificate (who may, how long, which language, which account, what
# it costs) are answered, not taken as an order: DIET confuses "Kann ich die
# Geburtsurkunde für meine Oma beantragen?" with an order because of "Geburtsurkunde …
# beantragen". Each rule needs the certificate word and a question cue; the FAQ answer
# offers the order as a button. A named place keeps the order (its answer says who may
# order and what it costs).
_RELATIVE = (
    r"(?:oma|opa|gro(?:ß|ss)(?:mutter|vater|eltern)|urgro\w+|mutter|mama|vater|papa|eltern|bruder|schwester"
    r"|geschwister|tante|onkel|cousine?|neffen?|nichte|nachbar\w*|freund\w*|sohn|tochter|enkel\w*|kind(?:er)?"
    r"|ehemann|ehefrau|mann|frau|partner\w*|lebensgef\w+|verstorbenen?|jemand\w*|andere\w*)"
)
_CERTIFICATE_QUESTIONS = (
    (
        "faq/urkunde_berechtigt",
        re.compile(
            r"\b(?:darf|dürfen|duerfen|kann|können|koennen|bekomme|bekommt|kriege|krieg)\b.*\b(?:für|fuer|von|meine[mnrs]?|meines|der|des)\s+"
            + _RELATIVE
            + r"(?:e?s|e?n)?\b",
            re.I,
        ),
    ),
    (
        "faq/urkunde_international",
        re.compile(
            r"englisch|international|mehrsprachig|übersetz|uebersetz|fremdsprach|in\s+anderen?\s+sprache",
            re.I,
        ),
    ),
    (
        "faq/urkunde_dauer",
        re.compile(
            r"wie\s+lange?\b|dauert|dauer\b|wann\s+(?:bekomm|krieg|hab|ist)|bearbeitungszeit|wie\s+schnell",
            re.I,
        ),
    ),
    (
        "faq/urkunde_konto",
        re.compile(r"bundid|bund\s*id|servicekonto|nutzerkonto|\bkonto\b|registrier", re.I),
    ),
    # "kost" but not "Kostheim" (Mainz-Kostheim is a place).
    (
        "faq/urkunde_gebuehr",
        re.compile(r"\bkost(?!heim)|gebühr|gebuehr|\bteuer|\bpreis|bezahlen|zahlen", re.I),
    ),
    # English cues of the same questions ("death certificate fee", "how long does it take").
    # "Who can order my grandma's death certificate?", "Wer darf die Sterbeurkunde beantragen?"
    # Not "Wer kann mir helfen …" / "who can help me …": that asks for help, not who may.
    (
        "faq/urkunde_berechtigt",
        re.compile(
            r"\b(?:who|wer)\s+(?:can|may|is\s+allowed\s+to|darf|kann|d(?:ü|ue)rfen)\s+(?!mir\b|me\b|help|helfen)",
            re.I,
        ),
    ),
    (
        "faq/urkunde_berechtigt",
        re.compile(
            r"\b(?:can|may|could|allowed)\b.*\bfor\s+(?:my|his|her|our|a|the)\s+(?:late\s+)?"
            r"(?:grand\w*|mother|mum|mom|father|dad|parents?|brother|sister|siblings?|son|daughter|wife"
            r"|husband|partner|aunt|uncle|cousin|friend|neighbou?r|child\w*|kids?|relatives?|someone)\b",
            re.I,
        ),
    ),
    # "Can I request my mother's birth certificate?", "… on behalf of my father", "Am I allowed to …"
    (
        "faq/urkunde_berechtigt",
        re.compile(
            r"\b(?:can|may|could|allowed)\b.*\b(?:my|his|her|our)\s+(?:late\s+)?(?:grand\w*|mother|mum|mom|father|dad|parents|brother|sister"
            r"|son|daughter|wife|husband|partner|aunt|uncle|cousin|friend|child|relative)(?:'s|s')"
            r"|on\s+behalf\s+of|someone\s+else|another\s+person|am\s+i\s+allowed|entitled|eligible"
            r"|\bof\s+my\s+(?:late\s+)?(?:grand\w*|mother|mum|mom|father|dad|parents|brother|sister|son|daughter"
            r"|wife|husband|partner|aunt|uncle|cousin|child|relatives?)\b",
            re.I,
        ),
    ),
    (
        "faq/urkunde_international",
        re.compile(
            r"in\s+english|international|multilingual|translat|other\s+languages?|another\s+language"
            r"|foreign\s+(?:language|authorit|country)|\babroad\b|apostille|bilingual"
            r"|(?:for|to)\s+use\s+(?:it\s+)?in\s+(?!germany|hessen)\w+|consulate|embassy",
            re.I,
        ),
    ),
    (
        "faq/urkunde_dauer",
        re.compile(
            r"how\s+long|how\s+fast|how\s+quick|how\s+soon|processing\s+time|when\s+will\s+i\s+(?:get|receive)"
            r"|how\s+many\s+(?:days|weeks)|take\s+long|\bwait(?:ing)?\b|turnaround|\barriv|expect\s+(?:my|the|it|them|to\s+(?:get|receive))\b"
            r"|when\s+(?:can|will|do|would)\s+(?:i|we)\s+(?:get|receive|have|expect)",
            re.I,
        ),
    ),
    (
        "faq/urkunde_konto",
        re.compile(r"\baccount\b|log\s*-?\s*in|sign\s*-?\s*(?:in|up)|as\s+a\s+guest|\bals\s+gast", re.I),
    ),
    (
        "faq/urkunde_gebuehr",
        re.compile(
            r"\bcosts?\b|\bfees?\b|\bprice|how\s+much|\bpay\b|\bcharge|expensive|\bfree\b|€|\beuros?\b", re.I
        ),
    ),
)
# Intents a certificate question may be misread as; the FAQ it belongs to is set instead.
_QUESTION_OVERRIDABLE = frozenset(
    {"urkunde_beantragen", "angabe", "online_beantragen", "standesamt_suchen", "faq", "chitchat"}
)
FAQ_INTENT = "faq"


# A second topic starts after these ("Sterbeurkunde aus Gernsheim, und was kostet ein Pass?").
_CLAUSES = re.compile(
    r"[.?!;:]|,\s*(?:und|aber|au(?:ß|ss)erdem|and|but|also)\b"
    r"|\b(?:und|au(?:ß|ss)erdem)\s+(?=wer|was|wie|wo|wann|ob|brauche|kann|muss|bis\s+wann|welche|gibt)"
    r"|\b(?:and|also)\s+(?=who|what|how|where|when|whether|if|can|do|does|need)",
    re.I,
)


def certificate_question(text: str) -> str | None:
    """The FAQ key ("faq/urkunde_dauer") for a question about a certificate, if it is one.

    Only the clause that names the certificate counts: in "Geburtsurkunde aus Bad Camberg,
    und was kostet ein Reisepass?" the question about the fee belongs to the passport.
    """
    clauses = [
        c for c in _CLAUSES.split(text) if c and (certificate_kind(c) or re.search(r"urkunde", c, re.I))
    ]
    for clause in clauses[:1]:
        for key, pattern in _CERTIFICATE_QUESTIONS:
            if pattern.search(clause):
                return key
    return None


_FOLLOW_ON_CLAUSES = re.compile(r"[.?!;:,]|\b(?:und|and|also)\b", re.IGNORECASE)


def follow_on_certificate_question(text: str) -> str | None:
    """The FAQ key of a question about the certificate in a later clause, if there is one.

    "I need a birth certificate from Darmstadt, and do I need a BundID for that?": the order
    is answered, and the second clause asks about it without naming it again.
    """
    clauses = [c for c in _FOLLOW_ON_CLAUSES.split(text) if c and c.strip()]
    named = [i for i, c in enumerate(clauses) if certificate_kind(c) or re.search(r"urkunde", c, re.I)]
    if not named:
        return None
    for clause in clauses[named[0] + 1 :]:
        if certificate_kind(clause) or names_a_service(clause):
            # Another certificate or service ("… und wie lange dauert ein Reisepass?").
            continue
        for key, pattern in _CERTIFICATE_QUESTIONS:
            if pattern.search(clause):
                return key
    return None


# Words around a keyword query that are not part of the place ("Geburtsurkunde Kassel bitte").
_FILLER_WORDS = frozenset(
    {"bitte", "in", "aus", "von", "für", "fuer", "nach", "eine", "einen", "ein", "die", "der", "das", "den",
     "ich", "brauche", "brauch", "bestellen", "beantragen", "anfordern", "holen", "neue", "neu", "kopie",
     "standesamt", "urkunde", "und", "mit", "wo", "hallo", "moin", "gude", "geboren", "gestorben", "geheiratet",
     # English keyword queries ("birth certificate Kassel please", "death cert from Fulda").
     "please", "from", "for", "of", "a", "an", "the", "my", "i", "need", "order", "get", "copy", "new",
     "and", "with", "where", "hello", "hi", "born", "died", "married", "certificate", "cert"}
)  # fmt: skip
_MAX_PLACE_WORDS = 4
# Keyword queries are short; a longer message names its place in words the ruler finds.
_MAX_KEYWORD_WORDS = 6


def keyword_place(text: str, certificate: re.Match[str]) -> re.Match[str] | None:
    """The place in a keyword query whose place the entity ruler missed ("Sterbeurkunde Offenbch").

    The words beside the certificate word, without fillers, are a place when the
    municipality resolver (typos, districts, postal codes) finds one there.
    """
    rest = (
        text[: certificate.start()]
        + " " * (certificate.end() - certificate.start())
        + text[certificate.end() :]
    )
    words = [m for m in re.finditer(r"[\w.()/-]+", rest) if m.group(0).lower() not in _FILLER_WORDS]
    if not words or len(words) > _MAX_PLACE_WORDS or len(text.split()) > _MAX_KEYWORD_WORDS:
        return None
    span = re.search(re.escape(text[words[0].start() : words[-1].end()]), text)
    if span is None or load_municipalities().resolve(span.group(0)).status == "unknown":
        return None
    return span


def only_places(text: str, entities: list[dict[str, Any]]) -> bool:
    """Whether ``text`` is nothing but its place entities and filler words ("Und in Kassel?")."""
    rest = text
    for entity in sorted(
        (e for e in entities if e.get("entity") == PLACE_LABEL and "start" in e),
        key=lambda e: -int(e["start"]),
    ):
        rest = rest[: int(entity["start"])] + " " + rest[int(entity["end"]) :]
    words = re.findall(r"\w+", rest)
    return len(words) <= _MAX_PLACE_WORDS and all(_PLACE_ONLY_FILLER.match(w) for w in words)


# A number of municipalities and a word of cooperation or funding is the IKZ calculator's question.
_IKZ_OVERRIDABLE = frozenset(
    {
        "angabe",
        "out_of_scope",
        "chitchat",
        "nlu_fallback",
        "lebenslage",
        "faq",
        "nachfrage",
        "unzufrieden",
        "deny",
    }
)
_IKZ_WORDS = r"interkommunal|\bikz\b|inter-?\s?municipal|zusammenarbeit|cooperat|fusion|merge|zusammenleg"
_COUNTED_MUNICIPALITY = re.compile(
    r"\b(?:zwaa|zwoo|zwei|drei|vier|f(?:ü|ue)nf|sechs|\d+)\s+gemeinde\b", re.IGNORECASE
)
_COOPERATION_DIALECT = re.compile(r"\bzusamme\b", re.IGNORECASE)
_MUNICIPALITIES = re.compile(
    r"\b(?:gemeinden|kommunen|st(?:ä|ae)dte|orte|municipalities|towns|communities|villages)\b",
    re.IGNORECASE,
)
_COOPERATION = re.compile(
    r"f(?:ö|oe)rder|zuschuss|geld|zusammen|gemeinsam|kooperation|ikz|interkommunal|verbund|teilen"
    r"|fund|grant|subsid|money|together|joint|cooperat|co-operat|share|merge",
    re.IGNORECASE,
)


# How to apply, who advises: their own FAQ answers, even with a number of municipalities.
_IKZ_OTHER_QUESTION = re.compile(
    r"antrag|beantrag|berat|ber(?:ä|ae)t|wie\s+lange|dauer|wer\s+hilft"
    r"|\bapply|application|advice|advis|how\s+long|who\s+helps",
    re.IGNORECASE,
)


def ikz_funding_question(text: str) -> bool:
    """Whether ``text`` asks about IKZ funding for a number of municipalities."""
    return bool(
        parse_count(text) is not None
        # Hessian drops the plural's -n: "mir sin vier Gemeinde … wolle unsern Bauhof zusamme mache".
        and (_MUNICIPALITIES.search(text) or _COUNTED_MUNICIPALITY.search(text))
        and (_COOPERATION.search(text) or _COOPERATION_DIALECT.search(text))
        and not _IKZ_OTHER_QUESTION.search(text)
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


def names_a_service(text: str) -> bool:
    """Whether ``text`` names one of the detailed services (data/knowledge/leistungen.yml)."""
    return load_services().find(text) is not None


# Unmistakable dissatisfaction with the answers ("hilft mir nicht weiter", "Quatsch", "not
# helpful"); the classifier reads such a message as small talk or as the question that
# follows it. Not "falsch" or "nein" alone: after a question they are a plain no.
_DISSATISFIED = re.compile(
    r"nicht\s+(?:sehr\s+|wirklich\s+|so\s+)?hilfreich|hilft\s+(?:mir\s+|mer\s+)?(?:nicht|nichts|net|kein|kaa)"
    r"|bringt\s+(?:mir\s+)?nichts|\bquatsch\b|\bunsinn\b|nutzlos|unbrauchbar|kokolores|\bhumbug\b|schwachsinn"
    r"|bl(?:ö|oe)dsinn|(?:null|nicht|nichts|kaum|gar\s+nicht)\s+geholfen"
    r"|verstehen?\s+mich\s+nicht|verstehst\s+mich\s+nicht|verstehen\s+sie\s+mich\s+nicht"
    r"|\bbin\s+(?:\w+\s+)?(?:bedient|genervt|frustriert|verärgert|veraergert)\b|schick\w*\s+(?:mich|einen|uns)\s+(?:\w+\s+)?im\s+kreis"
    r"|am\s+ende\s+mit\s+(?:meinen|den)\s+nerven"
    r"|not\s+(?:very\s+|really\s+)?helpful|(?:does|did)n[o']?t\s+help|\buseless\b|\bnonsense\b|\brubbish\b"
    r"|you\s+(?:do\s+not|don'?t)\s+understand|(?:not|n'?t)\s+(?:\w+\s+)?helping|\bfrustrat"
    r"|\b(?:unhappy|fed\s+up)\s+with|in\s+circles|waste\s+of\s+(?:my\s+)?time",
    re.IGNORECASE,
)
_DISSATISFACTION_OVERRIDABLE = frozenset(
    {"chitchat", "out_of_scope", "faq", "nachfrage", "deny", "kontakt_mensch", "nlu_fallback", "angabe"}
    | {"leichte_sprache_aus", "greet", "goodbye", "affirm", "lebenslage"}
)


# Asking for Leichte Sprache (easy-to-read German) or back to the standard answers, in words the
# classifier does not know well ("talk more easy", "disable easy-to-read").
_EASY_ON = re.compile(
    r"leichte[rn]?\s+sprache|einfache(?:re)?n?\s+(?:sprache|worte|w(?:ö|oe)rter|s(?:ä|ae)tze)"
    r"|einfacher\s+(?:erkl|schreib|sagen|formulier)|easy[-\s]+to[-\s]+read|easy\s+language"
    r"|(?:easier|simpler|simple|plain)\s+(?:words|language|english|german|sentences)"
    r"|(?:talk|speak|write|explain)\s+(?:it\s+)?(?:more\s+)?(?:easy|easier|simpl\w*)",
    re.IGNORECASE,
)
_EASY_OFF = re.compile(
    r"(?:normale|standard|schwere)\s+sprache|normal\s+(?:language|text|german|english)"
    r"|\bkeine\s+(?:\w+\s+)?(?:einfache|leichte)n?\s+sprache|nicht\s+mehr\s+(?:in\s+)?(?:einfache|leichte)"
    r"|(?:einfache|leichte)r?\s+sprache\s+(?:\w+\s+)?(?:deaktiv|ausschalt|aus\b|beend|stopp|abschalt)"
    r"|(?:disable|turn\s+off|switch\s+off|stop|deactivate|no\s+more|ausschalten|beenden)\b.*"
    r"(?:easy|leicht|einfach|simple)|(?:easy[-\s]+to[-\s]+read|leichte\s+sprache)\s+(?:aus|off)\b",
    re.IGNORECASE,
)
_EASY_OVERRIDABLE = frozenset(
    {
        "faq",
        "chitchat",
        "out_of_scope",
        "nachfrage",
        "angabe",
        "affirm",
        "deny",
        "unzufrieden",
        "nlu_fallback",
    }
    | {"leichte_sprache_an", "leichte_sprache_aus"}
)
_CANCEL = re.compile(
    r"\s*(?:start\s+(?:over|again)|reset|nvm|never\s*mind|cancel|von\s+vorne|neu\s+anfangen|vergiss\s+es"
    r"|abbrechen|abbruch)\b",
    re.IGNORECASE,
)
_CANCEL_OVERRIDABLE = frozenset(
    {
        "lebenslage",
        "affirm",
        "deny",
        "angabe",
        "chitchat",
        "out_of_scope",
        "nachfrage",
        "nlu_fallback",
        "goodbye",
    }
)
_MAX_CANCEL_WORDS = 3


# "where / which office": the certificate's place is asked ("get" alone is too common).
_WHERE_CUE = re.compile(
    r"\b(?:where|wo|woher|which\s+office|welche[sm]?\s+(?:amt|standesamt))\b", re.IGNORECASE
)


def refine(
    text: str, intent: dict[str, Any] | None, entities: list[dict[str, Any]], metadata: Any
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The message's intent and entities after the two rules in the module docstring."""
    entities = list(entities)
    has_place = any(e.get("entity") == PLACE_LABEL for e in entities)
    kommune = kommune_from_metadata(metadata)
    here = _HERE.search(text)
    if not has_place and kommune and here:
        entities.append(_entity(PLACE_LABEL, kommune, here))
        has_place = True
    found = _certificate_match(text)
    kind = found[0] if found else None
    # DIET tags a typo ("Gebrutsurkunde") as the kind but the synonym table cannot map it.
    entities = [
        {**e, "value": kind}
        if e.get("entity") == KIND_LABEL and e.get("value") not in _CANONICAL_KINDS and kind
        else e
        for e in entities
    ]
    if found and not any(e.get("entity") == KIND_LABEL for e in entities):
        entities.append(_entity(KIND_LABEL, found[0], found[1]))
    if found and not has_place:
        span = keyword_place(text, found[1])
        if span:
            entities.append(_entity(PLACE_LABEL, span.group(0), span))
            has_place = True
    entities.sort(key=lambda e: (e.get("start", 0), e.get("end", 0)))
    name = (intent or {}).get("name")
    unsure = float((intent or {}).get("confidence") or 0.0) < _UNSURE
    if (name in _DISSATISFACTION_OVERRIDABLE or unsure) and _DISSATISFIED.search(text):
        # "Das war nicht hilfreich. Wer kann mir sonst helfen?": an apology and a person.
        intent = {"name": "unzufrieden", "confidence": 1.0}
    elif other_language(text):
        # "Je cherche l'état civil de Darmstadt": the notice in German and English, with 115.
        intent = {"name": "andere_sprache", "confidence": 1.0}
    elif name in _EASY_OVERRIDABLE and _EASY_OFF.search(text):
        # "disable easy-to-read", "normale Sprache bitte" (before the next rule: both say "easy").
        intent = {"name": "leichte_sprache_aus", "confidence": 1.0}
    elif name in _EASY_OVERRIDABLE and _EASY_ON.search(text):
        # "use easier words, my english is not good", "Bitte in einfachen Worten".
        intent = {"name": "leichte_sprache_an", "confidence": 1.0}
    elif name in _CANCEL_OVERRIDABLE and _CANCEL.match(text) and len(text.split()) <= _MAX_CANCEL_WORDS:
        # "start over", "nvm", "von vorne": short words that only ever mean "stop this".
        intent = {"name": "abbrechen", "confidence": 1.0}
    elif _BARE_CERTIFICATE_WORD.match(text):
        # "certificate", "Urkunde?": the order; the form asks which one.
        intent = {"name": _CERTIFICATE_INTENT, "confidence": 1.0}
    elif has_place and not kind and name in _PLACE_ONLY_OVERRIDABLE and only_places(text, entities):
        intent = {"name": "angabe", "confidence": 1.0}
    elif (
        kind
        and has_place
        and (
            name in _OVERRIDABLE
            or name == _CERTIFICATE_INTENT
            # "Wo bekomme ich eine Sterbeurkunde aus Bad Arolsen?" is no FAQ question
            # (fees, who may, how long …); with a place it is a request. "Where do I order …,
            # and how much does it cost?" too: the answer names the fees.
            or (name == FAQ_INTENT and (certificate_question(text) is None or _WHERE_CUE.search(text)))
            # "… in Fritzlar gestorben, wo bekomme ich die Sterbeurkunde?" asks for the
            # certificate, not for the whole life event.
            or name == "lebenslage"
            # "Where do I order a marriage certificate, we married in Heppenheim, …?"
            or (name == "nachfrage" and _WHERE_CUE.search(text))
            or (name == "online_beantragen" and not _ONLINE_CUE.search(text))
        )
    ):
        # Also when the classifier already said "certificate" but too unsure to pass the
        # fallback threshold: the words leave no doubt.
        intent = {"name": _CERTIFICATE_INTENT, "confidence": 1.0}
    elif (
        name == "ikz_foerderung"
        and names_a_service(text)
        and not _MUNICIPALITIES.search(text)
        and not re.search(r"\bikz\b|interkommunal|inter-municipal", text, re.IGNORECASE)
    ):
        # "How much does a passport cost if I am 35?": a number and "how much" are no IKZ
        # question when a citizen's service is named and no municipalities are.
        intent = {"name": "online_beantragen", "confidence": 1.0}
    elif name in _SERVICE_KEYWORD_OVERRIDABLE and has_place and names_a_service(text):
        # "Hundesteuer Gießen", "Wohngeld Kassel": a service and a place is a service question
        # (the classifier reads such keyword queries as a bare place).
        intent = {"name": "online_beantragen", "confidence": 1.0}
    elif name in _IKZ_OVERRIDABLE and ikz_funding_question(text):
        # "Wir sind zwei Gemeinden und wollen die Bauhöfe zusammenlegen": the calculator.
        intent = {"name": "ikz_foerderung", "confidence": 1.0}
    elif name in _IKZ_OVERRIDABLE and ikz_special_funding_question(text):
        # "IKZ funding merger fire brigades amount": the calculator, which names the special rule
        # (15.000 € per fire brigade) before it asks for the number of municipalities.
        intent = {"name": "ikz_foerderung", "confidence": 1.0}
    elif (
        name == "lebenslage"
        and not any(e.get("entity") == "lebenslage" for e in entities)
        and names_a_service(text)
    ):
        # No life event named, but a service is ("Hund aus dem Tierheim … anmelden?").
        intent = {"name": "online_beantragen", "confidence": 1.0}
    elif name in _EVENT_WHERE_OVERRIDABLE and has_place and _event_kind(text) and _WHERE_CUE.search(text):
        # "Oh, and my wife was born in Munich, where does she get hers?": an event word, its
        # place and "where / get" ask for the certificate, not for the life event's list.
        intent = {"name": _CERTIFICATE_INTENT, "confidence": 1.0}
        if not any(e.get("entity") == KIND_LABEL for e in entities):
            entities.append(_event_entity(text))
    elif (
        (name in _LOST_CARD_OVERRIDABLE or (name in _UNSURE_OVERRIDABLE and unsure))
        and _ID_CARD.search(text)
        and _LOST_CARD.search(text)
    ):
        # "hab meinen persnalausweiss verlorn": the lost card is the life event, not the service.
        intent = {"name": "lebenslage", "confidence": 1.0}
        entities = [e for e in entities if e.get("entity") != "lebenslage"]
        loss = _LOST_CARD.search(text)
        assert loss is not None  # checked above
        entities.append(_entity("lebenslage", "ausweis_verloren", loss))
    elif name == "lebenslage" and _ID_CARD.search(text) and not _LOSS.search(text):
        # "Personalausweis Kosten" is a question about the service, not the life event
        # "ID card lost", whose training examples all name the card.
        intent = {"name": "online_beantragen", "confidence": 1.0}
    elif (
        name in _UNSURE_EVENT_OVERRIDABLE
        and unsure
        and has_place
        and not kind
        and _event_kind(text)
        and not names_a_service(text)
    ):
        # "Ich bin in Kostheim geboren, ist das hier zuständig?": an event and its place, and
        # the classifier unsure what is asked; the certificate of that event is the likely need.
        intent = {"name": _CERTIFICATE_INTENT, "confidence": 1.0}
        # DIET's own guess of the kind ("birth paper" → "geburt") is no kind the actions know.
        entities = [e for e in entities if e.get("entity") != KIND_LABEL]
        entities.append(_event_entity(text))
    elif (
        kind
        and not has_place
        and name == FAQ_INTENT
        and _FOLLOW_UP_OPENING.match(text)
        and len(text.split()) <= _MAX_FOLLOW_UP_WORDS
        and certificate_question(text) is None
    ):
        # "und eine Sterbeurkunde?" after a certificate answer asks for it from the same place;
        # the fee FAQ the classifier picked answers nothing that was asked.
        intent = {"name": "nachfrage", "confidence": 1.0}
    elif (
        unsure
        and name not in _CUE_KEEPS
        and _FOLLOW_UP_OPENING.match(text)
        and len(text.split()) <= _MAX_FOLLOW_UP_WORDS
        and not names_a_service(text)
    ):
        # The topic in focus decides (actions/nachfragen.py), not the topic menu.
        intent = {"name": "nachfrage", "confidence": 1.0}
    elif name in _UNSURE_OVERRIDABLE and unsure and not kind and names_a_service(text):
        # A long story the classifier is unsure about, but which names one of the detailed
        # services ("… ein altes Schlafsofa und zwei Schränke, wie werde ich das los?"):
        # the service's answer instead of the topic menu.
        intent = {"name": "online_beantragen", "confidence": 1.0}
    entities.sort(key=lambda e: (e.get("start", 0), e.get("end", 0)))
    return intent, entities


# Questions whose answer is one FAQ however they are worded: a topic word and a cue. "Wird
# meine BundID gelöscht, wenn ich sie nicht benutze?" (the deletion after 24 months is in
# faq/bundid_was), "Brauche ich die BundID oder gibt es was für Firmen?", "Servicekonto
# Hessen Login", "Wer hilft uns bei de interkommunale Zusammenarbeit?". The classifier
# spreads them over neighbouring FAQs or, in long messages, falls back.
_ACCOUNT = r"bund\s*-?\s*id|servicekonto|nutzerkonto|\bkonto\b|\baccount\b"
_IKZ = r"interkommunal|\bikz\b|inter-?\s?municipal"
_MINISTRY = r"ministeri|ministry|\bhmdi\b"
_CUED_FAQS = (
    (
        # "Wie unterstützt das Land Gemeinden, die zusammenarbeiten wollen?": IKZ, not the
        # digitalisation programme.
        "faq/ikz_was",
        re.compile(
            r"(?:gemeinden|kommunen|municipalities)\b.{0,40}(?:zusammenarbeit|kooperier|cooperat|work\s+together)",
            re.IGNORECASE,
        ),
        re.compile(r"unterst(?:ü|ue)tz|f(?:ö|oe)rder|\bhilft\b|support|\bfund", re.IGNORECASE),
    ),
    (
        # "no german passport only aufenthaltstitel card, can i still make this BundID?"
        "faq/bundid_registrieren",
        re.compile(r"bund\s*-?\s*id", re.IGNORECASE),
        re.compile(
            r"aufenthaltstitel|residence\s+(?:permit|title|card)|no\s+german\s+(?:passport|id)"
            r"|ohne\s+(?:deutschen?\s+)?(?:pass|ausweis)|kein(?:en)?\s+deutschen?\s+(?:pass|ausweis)",
            re.IGNORECASE,
        ),
    ),
    (
        # "Wer setzt das in Hessen technisch für die Kommunen um?": the municipal IT provider.
        "faq/ekom21",
        re.compile(
            r"technisch|\bit-?dienstleister|rechenzentrum|\btechnically\b|it\s+provider", re.IGNORECASE
        ),
        re.compile(
            r"\bsetz\w*\b.{0,60}\bum\b|umsetz|betreib|\bwer\s+macht|who\s+(?:runs|builds|implements|does)",
            re.IGNORECASE,
        ),
    ),
    (
        "faq/bundid_was",
        re.compile(_ACCOUNT, re.IGNORECASE),
        re.compile(
            r"l(?:ö|oe|o)sch|existiert\s+nicht\s+mehr|gibt\s+es\s+nicht\s+mehr|verf(?:ä|ae)llt|inaktiv"
            r"|nicht\s+(?:mehr\s+)?(?:be)?nutz|nicht\s+(?:mehr\s+)?einlogg|irgendwann\s+weg|dann\s+weg\b"
            r"|delet|no\s+longer\s+exist|expire|inactive|not\s+used|(?:never|don'?t|do\s+not)\s+log\s*in",
            re.IGNORECASE,
        ),
    ),
    (
        "faq/unternehmenskonto",
        re.compile(_ACCOUNT, re.IGNORECASE),
        # The company must be the account's owner ("für Firmen", "business account"), not the
        # employer of a newcomer's story ("my company transferred me").
        re.compile(
            r"unternehmenskonto|(?:f(?:ü|ue)r|als)\s+(?:eine?n?\s+|meine?n?\s+|unsere?n?\s+)?"
            r"(?:firm(?:a|en)|unternehm\w*|betrieb\w*|gewerbe\w*)"
            r"|(?:business|company|companies|firm)\s+account|account\s+for\s+(?:a\s+|my\s+|our\s+)?"
            r"(?:business(?:es)?|compan(?:y|ies)|firm)|for\s+(?:businesses|companies)",
            re.IGNORECASE,
        ),
    ),
    (
        "faq/servicekonto_bundid",
        re.compile(r"servicekonto|service\s+account", re.IGNORECASE),
        re.compile(
            r"geworden|log\s*-?\s*in|einlogg|noch\s+(?:be)?nutz|(?:ü|ue)bernomm|(?:ü|ue)bertrag|still\s+use"
            r"|what\s+happened|transferr|wird\s+aus|what\s+happens\s+(?:to|with)",
            re.IGNORECASE,
        ),
    ),
    (
        "faq/servicekonto_bundid",
        re.compile(r"servicekonto|service\s+account", re.IGNORECASE),
        re.compile(r"gibt\s+es\s+.*\bnoch\b|existiert\s+.*\bnoch\b|still\s+exist", re.IGNORECASE),
    ),
    (
        "faq/bundid_registrieren",
        re.compile(_ACCOUNT, re.IGNORECASE),
        re.compile(
            r"\banleg|\blege\b.*\ban\b|einricht|erstell|registrier|er(?:ö|oe)ffn|\bcreate|set\s*(?:it\s*|one\s*)?up"
            r"|sign\s*up|register\s+(?:for\s+)?(?:a|an|the|my)?\s*(?:bund\s*id|account)"
            r"|\beu[-\s]?(?:b(?:ü|ue)rger|citizen)|ausl(?:ä|ae)nd|foreign"
            r"|no\s+german\s+id|kein(?:en)?\s+deutschen\s+(?:ausweis|pass)|residence\s+permit"
            # "… braucht so eine BundID. Was braucht man denn dafür?": what registering needs.
            r"|was\s+brauch\w*\s+(?:man|ich|sie|wir)\b|what\s+do\s+(?:i|you|we)\s+need\b",
            re.IGNORECASE,
        ),
    ),
    (
        # "Und brauch ich da so ein Konto für?" after the Verwaltungsportal: whether an account
        # is needed at all. Only with a word pointing back or "ohne": "Brauche ich für die
        # Geburtsurkunde eine BundID?" is the certificate's own question (urkunde_konto).
        "faq/ohne_konto",
        re.compile(r"\bkonto\b|\baccount\b", re.IGNORECASE),
        re.compile(
            r"brauch\w*\s+(?:ich|man|wir)\s+(?:da(?:f(?:ü|ue)r)?|dort|hier)\b|ohne\s+(?:ein\s+|eine\s+)?\w*konto"
            r"|need\s+an?\s+account\s+(?:for\s+(?:it|that|this)|there)|without\s+(?:an?\s+)?account",
            re.IGNORECASE,
        ),
    ),
    (
        # "Welches Ministerium ist heute für die Digitalisierung zuständig?" (the classifier
        # reads the question about digitalisation as the OZG deadline).
        "faq/ministerium",
        re.compile(_MINISTRY, re.IGNORECASE),
        re.compile(
            r"zust(?:ä|ae)ndig|verantwort|k(?:ü|ue)mmert|responsible|in\s+charge|digital", re.IGNORECASE
        ),
    ),
    (
        "faq/ikz_beratung",
        re.compile(_IKZ, re.IGNORECASE),
        re.compile(
            r"wer\s+(?:hilft|ber(?:ä|ae)t|unterst(?:ü|ue)tzt)|beratung|ansprechpartner|who\s+(?:helps|advises)"
            r"|\badvi[cs]e",
            re.IGNORECASE,
        ),
    ),
    (
        # "inter municipal cooperation what is it": what IKZ is, unless it asks about money.
        "faq/ikz_was",
        re.compile(
            r"^(?!.*(?:f(?:ö|oe)rder|funding|grant|zuschuss|zuwendung|geld|money|cost|kost))(?:.*?)(?:"
            + _IKZ
            + ")",
            re.IGNORECASE | re.DOTALL,
        ),
        re.compile(
            r"\b(?:what|was)\s+(?:is|ist|bedeutet|means?)\b|\bwhat'?s\b|\bmeaning\b|erkl(?:ä|ae)r|explain",
            re.IGNORECASE,
        ),
    ),
    (
        "faq/ikz_was",
        re.compile(_IKZ + r"|f(?:ö|oe)rder(?:programm|ung)|funding\s+program", re.IGNORECASE),
        re.compile(r"bis\s+wann|laufzeit|until\s+when|when\s+does\s+the\s+\w+\s+end", re.IGNORECASE),
    ),
)
# Intents a cued FAQ does not override: they ask for something else than an answer.
_CUE_KEEPS = frozenset(
    {
        "kontakt_mensch",
        "unzufrieden",
        "andere_sprache",
        "leichte_sprache_an",
        "leichte_sprache_aus",
        "abbrechen",
    }
)


def cued_faq(text: str) -> str | None:
    """The FAQ key of a question that only one FAQ answers (topic word and cue), if it is one."""
    if ikz_funding_question(text):
        return None
    for key, topic, cue in _CUED_FAQS:
        if topic.search(text) and cue.search(text):
            return key
    return None


def faq_override(text: str, intent: dict[str, Any] | None, has_place: bool) -> str | None:
    """The FAQ key a certificate or cued question must get instead of the classifier's intent."""
    name = (intent or {}).get("name")
    # A question about a named service keeps its answer ("Wohngeld mit der BundID beantragen").
    service_question = name == "online_beantragen" and names_a_service(text)
    # "Sterbeurkunde …, der ist in Hünfeld gestorben. Und außerdem: Wie lege ich eine BundID an?":
    # the order is answered, the question after it (actions/themen.py).
    certificate_order = name == _CERTIFICATE_INTENT and has_place
    if name not in _CUE_KEEPS and not service_question and not certificate_order:
        cued = cued_faq(text)
        if cued:
            return cued
    if has_place or name not in _QUESTION_OVERRIDABLE:
        return None
    return certificate_question(text)


# "Where do I get a death certificate?" read as the FAQ on duration or fees: those FAQs have
# reliable cues (certificate_question); without one, a "where / get" question is the order.
# Not for "who may" (faq/urkunde_berechtigt): "Wer darf eine Sterbeurkunde beantragen?" has no
# relative to cue on and is still that question.
_ORDER_CUE = re.compile(r"\b(?:where|wo|woher|get|bekomme?n?|kriege?n?|krieg)\b", re.IGNORECASE)
_CUED_CERTIFICATE_FAQS = frozenset(
    {"faq/urkunde_dauer", "faq/urkunde_gebuehr", "faq/urkunde_konto", "faq/urkunde_international"}
)


def certificate_order_misread_as_faq(text: str, response_key: str | None) -> bool:
    """Whether a certificate FAQ answer ("faq/urkunde_dauer") was picked for an order."""
    return bool(
        response_key in _CUED_CERTIFICATE_FAQS
        and certificate_kind(text)
        and certificate_question(text) is None
        and _ORDER_CUE.search(text)
    )


_CERTIFICATE_SERVICES = frozenset({"geburtsurkunde", "eheurkunde", "sterbeurkunde"})


_COST_CUE = re.compile(
    r"kost(?!heim)|geb(?:ü|ue)hr|\bpreis|\bteuer|\bcosts?\b|\bfees?\b|how\s+much", re.IGNORECASE
)


# Background answers about digitalisation in general, which a question about one service's
# online way is read as.
_BACKGROUND_FAQS = frozenset({"faq/digitalprogramm", "faq/ozg_frist", "faq/ozg_was", "faq/ikz_digital"})


def service_misread_as_faq(text: str, response_key: str | None) -> bool:
    """Whether a FAQ was picked for a question about a detailed service.

    "Reisepass Gebühren" reads like "Urkunde Gebühren" to the classifier, "Was kostet ein
    Reisepass?" like the FAQ on passport photos; the service's own answer names its fees.
    "Geht Elterngeld komplett digital?" reads like the Land's digitalisation programme; the
    service's answer says how far it is online.
    """
    key = response_key or ""
    about_the_service = key.startswith("faq/urkunde_") or _COST_CUE.search(text) or key in _BACKGROUND_FAQS
    if certificate_kind(text) or not about_the_service:
        return False
    service = load_services().find(text)
    return service is not None and service.id not in _CERTIFICATE_SERVICES


def ministry_misread_as_faq(text: str, response_key: str | None, has_place: bool) -> bool:
    """Whether the ministry FAQ was picked for "who handles it in <place>?" about the topic in focus.

    "I live in Wetzlar, who handles it there?" after a Wohngeld answer asks for that service's
    office in Wetzlar; only a question that names the ministry (or none of the places) wants the
    Land's ministry.
    """
    return response_key == "faq/ministerium" and has_place and not re.search(_MINISTRY, text, re.IGNORECASE)


def response_key(selector: Any) -> str | None:
    """The sub-intent ("faq/urkunde_dauer") the ResponseSelector picked, if any."""
    try:
        key = selector["default"]["response"]["intent_response_key"]
    except (KeyError, TypeError):
        return None
    return key if isinstance(key, str) else None


# Background topics a "what is …" clause names ("… und was hat civento damit zu tun?").
_TOPIC_FAQS = (
    ("faq/civento", re.compile(r"\bcivento\b", re.IGNORECASE)),
    ("faq/ekom21", re.compile(r"\bekom\s*21\b", re.IGNORECASE)),
    ("faq/ministerium", re.compile(_MINISTRY, re.IGNORECASE)),
    ("faq/verwaltungsportal", re.compile(r"verwaltungsportal|administration\s+portal", re.IGNORECASE)),
    ("faq/ozg_was", re.compile(r"\bozg\b|onlinezugangsgesetz|online\s+access\s+act", re.IGNORECASE)),
    ("faq/smarte_regionen", re.compile(r"smarte?\s+regionen|smart\s+regions", re.IGNORECASE)),
    ("faq/bundid_was", re.compile(r"bund\s*-?\s*id", re.IGNORECASE)),
    ("faq/servicekonto_was", re.compile(r"servicekonto", re.IGNORECASE)),
    ("faq/ikz_was", re.compile(r"interkommunal|\bikz\b", re.IGNORECASE)),
)
MAX_FAQ_ANSWERS = 3
# Only the opening of a pasted 10 kB text is split into questions.
_MAX_FAQ_CHARS = 1000


_WHAT_IS = re.compile(
    r"\b(?:was|wer)\s+(?:genau\s+|eigentlich\s+)?(?:ist|sind|war|hat|macht|bedeutet|steckt)\b"
    r"|\bwhat(?:'s|\s+(?:exactly\s+|actually\s+|even\s+)?(?:is|are|does|has))|\bwho(?:'s|\s+is|\s+runs)\b",
    re.IGNORECASE,
)


def _clause_faq(clause: str) -> str | None:
    found = cued_faq(clause) or certificate_question(clause)
    if found or not _WHAT_IS.search(clause):
        return found
    return next((key for key, pattern in _TOPIC_FAQS if pattern.search(clause)), None)


def faqs_asked(text: str) -> list[str]:
    """The FAQ keys that the clauses of ``text`` ask, in order.

    Only unmistakable ones: a cued FAQ, a question about a certificate, or "what is" + a topic.
    """
    clauses = [c for c in _CLAUSES.split(text[:_MAX_FAQ_CHARS]) if c and c.strip()]
    return list(dict.fromkeys(k for k in map(_clause_faq, clauses) if k))


def clause_faqs(text: str) -> list[str]:
    """:func:`faqs_asked` for a message with two or more clauses (one clause: the classifier's)."""
    clauses = [c for c in _CLAUSES.split(text[:_MAX_FAQ_CHARS]) if c and c.strip()]
    return faqs_asked(text) if len(clauses) > 1 else []


def faq_answers(text: str, selected: str | None) -> list[str]:
    """The FAQ answers for ``text``: the selected one, or one per question when it asks several.

    "Was ist das Verwaltungsportal Hessen und was hat civento damit zu tun?" gets both answers,
    in the order asked; a single question keeps the ResponseSelector's choice.
    """
    keys = clause_faqs(text)
    if len(keys) >= 2:
        # Two or more questions the words decide: each answered, in the order asked.
        return keys[:MAX_FAQ_ANSWERS]
    if selected and keys and keys[0] != selected:
        return [selected, keys[0]]
    return [selected] if selected else keys[:1]


def select_response(selector: Any, key: str) -> dict[str, Any]:
    """The ResponseSelector output with ``key`` ("faq/urkunde_dauer") as its prediction."""
    data = dict(selector) if isinstance(selector, dict) else {}
    default = dict(data.get("default") or {})
    response = dict(default.get("response") or {})
    response.update({"intent_response_key": key, "utter_action": f"utter_{key}", "confidence": 1.0})
    default["response"] = response
    data["default"] = default
    return data
