"""Certificate words in a citizen's message: which certificate, which place, which question.

Rasa-free rules shared by the NLU step (:mod:`bot.nlp.rules`) and the actions:

- **Certificate word + place** ("Geburtsurkunde Kassel", "Sterbeurkunde Offenbch",
  "Gebrutsurkunde Offenbach") names the kind and, where the entity ruler missed it, the place
  (:func:`keyword_place`).
- **A question about a certificate** (who may, how long, which language, which account, what
  it costs), judged in the certificate's own clause, is that FAQ (:func:`certificate_question`).
- **Several certificates with their event places** in one message are paired by
  :func:`certificate_requests`; each is answered for its own place.
- **"hier", "bei uns", "in unserer Stadt"** point at the page's municipality (:data:`HERE`).
"""

from __future__ import annotations

import re
from typing import Any

from bot.knowledge.dialekt import standardise
from bot.knowledge.ereignisort import EVENT_KINDS, is_residence, tells_event
from bot.knowledge.municipalities import load_municipalities
from bot.knowledge.services import names_a_service
from bot.knowledge.text import edit_distance, typo_limit

KIND_LABEL = "urkundenart"
CERTIFICATE_INTENT = "urkunde_beantragen"

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
    ("geburtsurkunde", re.compile(r"\b(?:birth|brith|bith|birht)\s+(?:c|s)er?t\w*", re.I)),
    ("eheurkunde", re.compile(r"\b(?:marriage|marrige|mariage|wedding)\s+(?:c|s)er?t\w*", re.I)),
    ("sterbeurkunde", re.compile(r"\b(?:death|deth|daeth|deaht)\s+(?:c|s)er?t\w*", re.I)),
    # The two words apart: "Urkunde Geburt Korbach", "Urkunde für die Hochzeit".
    ("geburtsurkunde", re.compile(r"\burk[ou]n[dt]e?n?\b(?:\s+\w+){0,2}?\s+geburt\w*", re.I)),
    ("eheurkunde", re.compile(r"\burk[ou]n[dt]e?n?\b(?:\s+\w+){0,2}?\s+(?:ehe|heirat|hochzeit)\w*", re.I)),
    ("sterbeurkunde", re.compile(r"\burk[ou]n[dt]e?n?\b(?:\s+\w+){0,2}?\s+(?:tod|sterbe)\w*", re.I)),
)
# "hier" and its paraphrases, only where they point at a place (not "hier steht", "ich bin
# hier richtig"): followed or preceded by words of place, birth or office, or "bei uns".
HERE = re.compile(
    r"\b(?:be(?:i)?\s+uns|in\s+unserer\s+(?:stadt|gemeinde|kommune)|in\s+meiner\s+(?:stadt|gemeinde|kommune)"
    r"|unsere[mnrs]?\s+(?:stadt|gemeinde|kommune|rathaus|standesamt)|hier\s+vor\s+ort|vor\s+ort"
    # "isch bin hier gebore": Hessian drops the final n.
    r"|hier(?=(?:\s+\w+){0,3}\s+(?:gebore|gestorbe|gestorwe|verstorbe|geheirat|verheiratet|heirat|zur\s+welt))"
    # "mir hawwe hier bei eusch uff'm Standesamt geheirat", "Isch bin do bei eich in de Stadt
    # gebore": the municipality whose page it is.
    r"|\b(?:hier\s+)?bei\s+(?:euch|eusch|eich)\b"
    # "wer ist denn hier zuständig?", "wo melde ich den hier an?", "und die Stadtverwaltung hier?"
    # on a municipality's page: that municipality.
    r"|\bhier\s+(?=zust(?:ä|ae)ndig)|(?<=\bwo\b)[^.?!]{0,30}\bhier\b"
    r"|\b(?:stadt|gemeinde)?verwaltung\s+hier\b"
    r"|hier(?=\s+(?:in\s+der\s+stadt|in\s+der\s+gemeinde|im\s+ort|bei\s+ihnen|im\s+krankenhaus|im\s+klinikum))"
    r"|(?:geboren|gestorben|geheiratet|heiraten|bestellen|beantragen|bekomme|bekommen|bekomm|kriege|krieg|gibt\s+es|geht\s+das)\s+(?:ich\s+)?(?:das\s+|die\s+|den\s+|eine?n?\s+\w+\s+)?hier\b"
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
CANONICAL_KINDS = frozenset({"geburtsurkunde", "eheurkunde", "sterbeurkunde"})


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


def event_kind(text: str) -> str | None:
    """The certificate an event word points to ("born" → Geburtsurkunde), if exactly one."""
    kinds = list(dict.fromkeys(kind for kind, pattern in EVENT_KINDS if pattern.search(text)))
    return kinds[0] if len(kinds) == 1 else None


def event_entity(text: str) -> dict[str, Any]:
    """The certificate kind entity of the one event word in ``text``, with its span.

    The span matters: Rasa's NLU evaluation and story tests sort and compare entities by it.
    """
    for kind, pattern in EVENT_KINDS:
        match = pattern.search(text)
        if match:
            return span_entity(KIND_LABEL, kind, match)
    raise ValueError(f"no event word in {text!r}")


def certificate_match(text: str) -> tuple[str, re.Match[str]] | None:
    """The certificate kind a text names and the words that name it (word, bare word + event, typo)."""
    for kind, pattern in _KIND_PATTERNS:
        match = pattern.search(text)
        if match:
            return kind, match
    bare = _BARE_CERTIFICATE.search(text)
    kind_of_event = event_kind(text) if bare else None
    if bare and kind_of_event:
        return kind_of_event, bare
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
    found = certificate_match(text)
    return found[0] if found else None


# Hessian "un" is "und" ("Isch bin in Gedern gebore un mei Fraa in Nidda").
_REQUEST_CLAUSES = re.compile(r"[,.;:!?\n]+|\s+(?:und|un|sowie|aber|and|but)\s+", re.IGNORECASE)


_SHARED_GERMAN = re.compile(r"\b(\w+)-(?=\s+(?:und|oder)\b)", re.IGNORECASE)
_SHARED_ENGLISH = re.compile(
    r"\b(birth|death|marriage)(?=\s+(?:and|or|&)\s+(?:(?:a|the|his|her|my|our)\s+)?\w+\s+certificates?)",
    re.IGNORECASE,
)


# "beim Standesamt in Mainz", "go to the Rathaus in Eschborn": an office named, not an event.
_OFFICE_ASKED = re.compile(
    r"(?:standesamt\w*|rathaus|b(?:ü|ue)rgeramt)\s+(?:in|von|of)\s|(?:registry|register)\s+office\s+(?:in|of)\s"
    r"|town\s+hall\s+(?:in|of)\s",
    re.IGNORECASE,
)


# A clause that only names a person and a place ("unser Sohn in Gießen", "mei Fraa in Nidda").
_ELLIPSIS = re.compile(
    r"^(?:und\s+|un\s+)?(?:unser|unsere|mein|meine|mei|sein|seine|ihr|ihre|der|die)\s+\w+\s+(?:in|im|zu)\s+"
    r"[^\s]+(?:\s+[^\s]+){0,3}$",
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
    offices: list[int] = []
    for raw in _REQUEST_CLAUSES.split(text):
        clause = raw.strip()
        if not clause:
            continue
        # Dialect read as standard German too ("Isch bin in Gedern gebore").
        standard = standardise(clause)
        kind = certificate_kind(clause) or next((k for k, p in EVENT_KINDS if p.search(standard)), None)
        names_place = index.resolve(clause).status in ("found", "outside_hessen")
        place = clause if names_place and not is_residence(clause) else None
        if place and _OFFICE_ASKED.search(clause) and not tells_event(clause):
            offices.append(len(items))
        items.append((kind, place))
    if len(offices) < len(items):
        # "Mein Sohn ist in Mainz-Kastel geboren. Bekomme ich seine Geburtsurkunde dann beim
        # Standesamt in Mainz?": the office the citizen guesses is asked about, not an event place.
        items = [(kind, None) if i in offices else (kind, place) for i, (kind, place) in enumerate(items)]
    pairs: list[tuple[str, str]] = []
    for position, (kind, place) in enumerate(items):
        if place is None:
            continue
        if kind is None and position + 1 < len(items) and all(items[position + 1]):
            kind = items[position + 1][0]
        if kind is None and position > 0 and all(items[position - 1]) and _ELLIPSIS.match(place):
            # "Unsere Tochter ist in Marburg geboren und unser Sohn in Gießen": the second
            # clause leaves out "ist … geboren"; it is the same event in another place.
            kind = items[position - 1][0]
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


def span_entity(label: str, value: str, match: re.Match[str]) -> dict[str, Any]:
    """An entity as this module's rules add it: ``label`` = ``value`` over the span of ``match``."""
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
    return bool(HERE.search(text))


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
# The ways to order or apply: by e-mail, by post, by phone (also a follow-up's aspect,
# actions/nachfragen.py).
ORDER_WAY = re.compile(
    r"e-?mail|\bmail\b|per\s+post\b|postweg|per\s+brief|schriftlich|\bfax|telefonisch|by\s+(?:post|letter|phone)",
    re.IGNORECASE,
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
            r"englisch|international|mehrsprachig|übersetz|uebersetz|fremdsprach|in\s+anderen?\s+sprache"
            # "In welcher Sprache bekomme ich sie, wenn ich sie im Ausland vorlegen muss?"
            r"|welche[mnrs]?\s+sprache|im\s+ausland\s+(?:vorleg|vorzeig|brauch|benutz|verwend)|f(?:ü|ue)rs\s+ausland",
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
    # The way to order: by e-mail, by post, by phone (after cost and duration: "Was kostet es
    # per Post?" asks the fee).
    ("faq/urkunde_bestellweg", ORDER_WAY),
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


# A second topic starts after these ("Sterbeurkunde aus Gernsheim, und was kostet ein Pass?").
CLAUSES = re.compile(
    # A dash before "und" too ("… brauche meine Geburtsurkunde – und gilt mein altes Servicekonto noch?").
    # Not the point in "OZG 2.0" or a date ("24.07.2024").
    r"[?!;:]|\.(?!\d)|(?:,|\s[–—])\s*(?:und|aber|au(?:ß|ss)erdem|and|but|also)\b"
    # Hessian "un" too ("Was is'n des OZG 2.0 un gibt's des Servicekonto Hesse noch?").
    r"|\b(?:und|un|au(?:ß|ss)erdem)\s+(?=wer|was|wie|wo|wann|ob|brauche|kann|muss|bis\s+wann|welche|gibt|gilt"
    # "Ich brauche eine Geburtsurkunde aus Limburg und möchte mich für die BundID registrieren."
    r"|(?:m(?:ö|oe)chte|will|w(?:ü|ue)rde)\s+(?:mich|gern|gerne|noch|auch|wissen)\b"
    # "Was ist das OZG 2.0 und heißt die BundID jetzt DeutschlandID?": a verb-first question.
    r"|(?:hei(?:ß|ss)t|ist|sind|stimmt|l(?:ä|ae)uft|funktioniert|geht|kostet)\s+(?:die|der|das|es|mein|meine)\b"
    # "sterbeurkunde fulda und mein servicekonto geht nicht mehr": a new subject of one's own.
    r"|(?:mein|meine|meinen|meinem)\s+\w+\s+(?:geht|ist|wurde|hat|funktioniert|l(?:ä|ae)uft|klappt)\b)"
    # "hundesteuer anmelden + ikz antrag wie geht das": a plus or ampersand between keywords.
    r"|\s[+&]\s"
    # A dash before a question ("Ich brauche eine Geburtsurkunde aus Gießen – brauche ich dafür
    # eine BundID?").
    r"|\s[–—]\s*(?=(?:wer|was|wie|wo|wann|ob|brauche|kann|muss|welche|gibt|gilt)\b)"
    r"|\b(?:and|also)\s+(?=who|what|how|where|when|whether|if|can|do|does|need)",
    re.I,
)


def has_cue_of(text: str, key: str) -> bool:
    """Whether ``text`` has a cue of the certificate question ``key`` ("faq/urkunde_dauer")."""
    return any(pattern.search(text) for found, pattern in _CERTIFICATE_QUESTIONS if found == key)


def certificate_question(text: str) -> str | None:
    """The FAQ key ("faq/urkunde_dauer") for a question about a certificate, if it is one.

    Only the clause that names the certificate counts: in "Geburtsurkunde aus Bad Camberg,
    und was kostet ein Reisepass?" the question about the fee belongs to the passport.
    """
    clauses = [
        c for c in CLAUSES.split(text) if c and (certificate_kind(c) or re.search(r"urkunde", c, re.I))
    ]
    for clause in clauses[:1]:
        for key, pattern in _CERTIFICATE_QUESTIONS:
            if pattern.search(clause):
                return key
    # "Und wenn ich einfach eine E-Mail ans Standesamt schreibe?": the way to order, asked with
    # the office's name instead of the certificate's.
    if any(_OFFICE.search(c) and has_cue_of(c, "faq/urkunde_bestellweg") for c in CLAUSES.split(text) if c):
        return "faq/urkunde_bestellweg"
    return None


_OFFICE = re.compile(r"standesamt|registry\s+office", re.IGNORECASE)


_FOLLOW_ON_CLAUSES = re.compile(r"[.?!;:,]|\b(?:und|and|also)\b", re.IGNORECASE)
_SENTENCES = re.compile(r"[.?!;]")


def follow_on_certificate_question(text: str) -> str | None:
    """The FAQ key of a question about the certificate in its sentence or a later clause, if any.

    "I need a birth certificate from Darmstadt, and do I need a BundID for that?": the order
    is answered, and the second clause asks about it without naming it again.
    """
    clauses = [c for c in _FOLLOW_ON_CLAUSES.split(text) if c and c.strip()]
    named = [i for i, c in enumerate(clauses) if certificate_kind(c) or re.search(r"urkunde", c, re.I)]
    if not named:
        return None
    # The sentence that names it may ask too ("Wie lange dauert es, bis die Geburtsurkunde bei
    # mir ist?"), unless it also names a service the question may be about.
    sentence = next(
        (s for s in _SENTENCES.split(text) if certificate_kind(s) or re.search(r"urkunde", s, re.I)), ""
    )
    if not names_a_service(re.sub(r"\w*urk[ou]nde?\w*", " ", sentence, flags=re.IGNORECASE)):
        for key, pattern in _CERTIFICATE_QUESTIONS:
            if pattern.search(sentence):
                return key
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
MAX_PLACE_WORDS = 4
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
    if not words or len(words) > MAX_PLACE_WORDS or len(text.split()) > _MAX_KEYWORD_WORDS:
        return None
    span = re.search(re.escape(text[words[0].start() : words[-1].end()]), text)
    if span is None or load_municipalities().resolve(span.group(0)).status == "unknown":
        return None
    return span


# The words of an event clause after its event word ("we got maried in Bad Nauhiem last yaer").
_EVENT_PLACE = re.compile(
    r"\b(?:geboren|gestorben|verstorben|geheiratet|getraut|born|died|dyed|married|maried|marryed|wed)\s+"
    r"(?:in|im|at|zu)\s+((?:[\w.-]+\s*){1,4})",
    re.IGNORECASE,
)


# German puts the place before the event word, Hessian too ("die is in Offebach gebore", "des Kind
# kimmt in Gieße uff die Welt").
_PLACE_BEFORE_EVENT = re.compile(
    r"\b(?:in|im|zu)\s+((?:(?!(?:in|im|zu)\s)[\w.-]+\s+){1,5}?)"
    r"(?:geboren?|geborn|gestorben?|verstorben?|geheirat(?:et)?|getraut|zur\s+welt|auf\s+die\s+welt|uff\s+die\s+welt)\b",
    re.IGNORECASE,
)


def typed_event_place(text: str) -> re.Match[str] | None:
    """The place beside an event word that the entity ruler missed ("in Bad Nauhiem", "in Offebach").

    Tried on the one to four words after "born/married/died in …" (or before the event word: "in
    Offebach gebore"); the shortest run of them that the municipality resolver finds (typos,
    districts, dialect) is the place.
    """
    match = _EVENT_PLACE.search(text) or _PLACE_BEFORE_EVENT.search(text)
    if match is None:
        return None
    words = list(re.finditer(r"[\w.-]+", match.group(1)))
    index = load_municipalities()
    for end in range(1, len(words) + 1):
        candidate = match.group(1)[: words[end - 1].end()]
        if index.resolve(candidate).status == "found":
            start = match.start(1)
            return re.compile(re.escape(candidate)).search(text, start)
    return None


# How long a Standesamt keeps its registers before they go to the archive (fakten.yml:
# register_archiv): births 110 years, marriages 80, deaths 30.
REGISTER_YEARS = {"geburtsurkunde": 110, "eheurkunde": 80, "sterbeurkunde": 30}
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_YEAR_CLAUSES = re.compile(r"[,.;:!?()]|\s[–—]\s")


def register_in_archive(text: str, kind: str | None, this_year: int) -> bool:
    """Whether ``text`` tells an event year whose register the archive now keeps.

    "Mein Urgroßvater ist 1920 in Fulda gestorben": the death register went to the archive
    after 30 years. Only a year in a clause that tells this event and no other ("Mein Vater,
    geboren 1940, ist letzte Woche gestorben" tells no old death).
    """
    limit = REGISTER_YEARS.get(kind or "")
    if not limit:
        return False
    years = [
        int(year)
        for clause in _YEAR_CLAUSES.split(text)
        if tells_event(clause, kind)
        and not any(tells_event(clause, other) for other in REGISTER_YEARS if other != kind)
        for year in _YEAR.findall(clause)
        if int(year) <= this_year
    ]
    return bool(years) and this_year - min(years) > limit
