"""Which place in a message is the place of the event, not the place of residence.

A certificate (Geburts-, Ehe-, Sterbeurkunde) comes from the Standesamt where the
event happened (data/knowledge/fakten.yml: standesamt_ereignisort). Citizens often
name both places: "Ich wohne in Kassel, bin aber in Marburg geboren". This module
picks the clause that talks about the event and drops clauses about residence.

"The Standesamt of the event place" is, as a rule, the office of the municipality where
the event happened (fakten.yml: standesamt_ereignisort). Some municipalities share one Standesamt
(data/knowledge/standesamtsbezirke.yml): there it is the office at the seat of the
joint district. :func:`standesamtsbezirk_of` finds that district.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial

import yaml

from bot.knowledge.municipalities import Municipality, load_municipalities
from bot.knowledge.sources import KNOWLEDGE_DIR

STANDESAMTSBEZIRKE_YML = KNOWLEDGE_DIR / "standesamtsbezirke.yml"

# Clauses end at punctuation or at a conjunction that starts a new statement.
_CLAUSE_SPLIT = re.compile(
    # Hessian "un" is "und" ("ich bin in Hofgeismar gebore un wohn etz in Kassel").
    r"[,.;:!?\n]+|\s+(?:aber|und|un|jedoch|doch|sondern|but|and|however|though|although)\s+",
    re.IGNORECASE,
)
# The same, keeping the separators (to tell a particle "aber" from a comma).
_CLAUSE_SPLIT_KEEP = re.compile(f"({_CLAUSE_SPLIT.pattern})", re.IGNORECASE)
_BEFORE_RESIDENCE = re.compile(
    # Only a main clause that starts with the verb ("wohn aber in gießen", "wir wohnen in
    # maintal"), not a verb at the end of "wenn ich in Limburg wohne".
    r"(?<![,.;:!?])\s+(?=(?:ich\s+|wir\s+|isch\s+|mer\s+|mir\s+)?wohn(?:e|en|t)?\s+(?:\w+\s+){0,3}?(?:in|im|bei|am)\b)",
    re.IGNORECASE,
)
# Conjunctions that are also particles inside a clause ("wir wohnen jetzt aber in Kassel").
_PARTICLES = frozenset({"aber", "jedoch", "doch", "though"})
# A short place phrase with no verb of its own ("in Kassel", "in Bad Soden am Taunus").
# "wohnen aber inzwischen in Weilburg": an adverb of time may come first.
_PLACE_PHRASE = re.compile(
    r"^(?:(?:jetzt|etz|inzwischen|mittlerweile|heute|nun|derzeit|aktuell|seit\s+\w+)\s+)?"
    r"(?:in|im|nach|bei)\s+\S+(?:\s+\S+){0,3}$",
    re.IGNORECASE,
)
# The event words of the three certificates, the one list for every module that asks which
# event a message names. German (Hessian dialect drops the final n: "gebore", "gestorbe", "uff die
# Welt komme"), English ("born in", "passed away in", "got married in") and non-native English
# ("my papa he die yesterday in Offenbach").
EVENT_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "geburtsurkunde",
        re.compile(
            # Not "Geburtstag": a birthday tells no birth to certify.
            r"geboren?|geborn|geburt(?!s?tag)|entbind|entbunden|zur\s+welt|auf\s+die\s+welt|uff\s+die\s+welt|\bborn\b|\bbirth\b"
            # "Meine Frau hat im März unser zweites Kind bekommen, im Klinikum in Wetzlar."
            r"|\b(?:kind|baby|sohn|tochter|zwillinge|nachwuchs)\s+(?:\w+\s+){0,2}?(?:bekommen|gekriegt)\b",
            re.I,
        ),
    ),
    (
        "sterbeurkunde",
        re.compile(
            r"gestorben?|verstorben?|sterbe|\btod|starb|eingeschlafen|entschlafen"
            r"|\bdied\b|\bdyed\b|\bdeath\b|pass\w*\s+away|\b(?:he|she)\s+dies?\b",
            re.I,
        ),
    ),
    (
        "eheurkunde",
        re.compile(
            r"geheiratet|heirat|hochzeit|trauung|getraut|eheschlie|ehe\s+geschlossen"
            r"|\bmarried\b|\bwedding\b|\bmarriage\b",
            re.I,
        ),
    ),
)


# The certificate of each life event that has one (data/knowledge/lebenslagen.yml ids), the one
# table for every module that goes from an event to its certificate or back.
CERTIFICATE_OF_EVENT = {"geburt": "geburtsurkunde", "todesfall": "sterbeurkunde", "heirat": "eheurkunde"}
EVENT_OF_CERTIFICATE = {kind: event for event, kind in CERTIFICATE_OF_EVENT.items()}


# An event abroad ("im Urlaub in Spanien geboren", "we married in Turkey"): its certificate comes
# from a German register only after a Nachbeurkundung (fakten.yml: nachbeurkundung_ausland). The
# countries most Hessian residents come from or travel to, in German and English.
_ABROAD = re.compile(
    r"\bim\s+ausland\b|\babroad\b|\b(?:in|aus)\s+(?:der\s+|den\s+)?(?:"
    r"spanien|italien|frankreich|portugal|griechenland|kroatien|(?:ö|oe)sterreich|schweiz|polen|rum(?:ä|ae)nien"
    r"|bulgarien|ungarn|tschechien|serbien|bosnien|kosovo|albanien|mazedonien|nordmazedonien|t(?:ü|ue)rkei"
    r"|ukraine|russland|syrien|irak|iran|afghanistan|eritrea|somalia|marokko|tunesien|(?:ä|ae)gypten|indien"
    r"|pakistan|china|vietnam|thailand|usa|amerika|vereinigten\s+staaten|kanada|brasilien|england"
    r"|gro(?:ß|ss)britannien|niederlande|holland|belgien|d(?:ä|ae)nemark|schweden"
    r"|spain|italy|france|greece|croatia|austria|switzerland|poland|romania|bulgaria|hungary|turkey"
    r"|russia|syria|iraq|india|the\s+us|the\s+usa|america|canada|brazil|the\s+uk|netherlands)\b",
    re.IGNORECASE,
)


# "… und wohne jetzt in Polen": a country named as the residence is no event place.
_RESIDENCE_BEFORE = re.compile(
    r"\b(?:wohn\w*|leb(?:e|en|t)|lived?|living|wohnhaft|zuhause|daheim)\s+(?:\w+\s+){0,3}$", re.IGNORECASE
)


# A told event (past: "heiratet im Sommer in Italien" is a plan, not a register entry) in the
# same clause as the country ("Unser Kind wurde im Urlaub in Spanien geboren").
_TOLD_EVENT = re.compile(
    r"geboren|gestorben|verstorben|geheiratet|zur\s+welt\s+gekommen|\bborn\b|\bdied\b|\bmarried\b"
    r"|passed\s+away",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[.?!;,]|\bund\b|\baber\b|\band\b|\bbut\b", re.IGNORECASE)


def abroad_event(text: str) -> bool:
    """Whether ``text`` tells a birth, death or marriage that happened abroad (not a residence there)."""
    return any(
        _TOLD_EVENT.search(clause)
        and any(not _RESIDENCE_BEFORE.search(clause[: match.start()]) for match in _ABROAD.finditer(clause))
        for clause in _CLAUSE.split(text)
    )


def names_event(text: str) -> bool:
    """Whether ``text`` names a birth, death or marriage."""
    return any(pattern.search(text) for _, pattern in EVENT_KINDS)


# A certificate's name, which contains an event word without telling that the event happened.
_CERTIFICATE_NAME = re.compile(
    r"\w*urk[ou]nde?n?\w*|\b(?:birth|death|marriage)\s+cert\w*|\bcert\w*", re.IGNORECASE
)


def tells_event(text: str, kind: str | None = None) -> bool:
    """Whether ``text`` tells a birth, death or marriage (of ``kind``), not only a certificate's name."""
    told = _CERTIFICATE_NAME.sub(" ", text)
    return any(pattern.search(told) for k, pattern in EVENT_KINDS if kind in (None, k))


# "… in Mainz-Kastel gewohnt und ist auch dort eingeschlafen": the event happened at the place
# of the clause before.
_THERE = re.compile(
    r"\bdort\b|\bebenda\b|\bauch\s+da\b|\b(?:born|died|married|away)\s+there\b"
    # "… at the hospital in Fulda, that's where she died."
    r"|\bthat(?:'|’)?s\s+where\b|\bthat\s+is\s+where\b",
    re.IGNORECASE,
)
# "Ich bin gar nicht in Kassel geboren, sondern in Eschwege": a denied event place is none; the
# place of the next clause is.
_NEGATED = re.compile(r"\b(?:nicht|nich|net|not|never|kein)\b|n't\b", re.IGNORECASE)
_RESIDENCE = re.compile(
    r"wohn|lebe|leben|zuhause|zu hause|gemeldet|umgezogen|hergezogen"
    r"|\blive\b|\blives\b|\blived\b|\bliving\b|\bresid(?:e|es|ed|ing)\b|\bmoved\b|\bstay(?:ing)?\b|registered"
    # "we rent a flat in Eschborn", "wir haben eine Wohnung in Eschborn gemietet"
    r"|\brent(?:s|ed|ing)?\s+(?:a|an|our|my)\s+(?:flat|apartment|house|room)\b|gemietet|zur\s+miete"
    # "Ich bin Landwirt hier in Tann": who speaks and where (not where they work: "Ich arbeite im
    # Pflegeheim in Bad Karlshafen. Ein Bewohner ist verstorben" tells the event place). Not
    # "ich bin 1950 in Korbach geboren", "ich bin geboren in Kassel".
    r"|\bich\s+bin\s+(?!in\b|im\b|aus\b|hier\b|gebor|gestorb|verheirat|getraut)[^\W\d]+\s+(?:hier\s+)?in\b",
    re.IGNORECASE,
)


def event_place_text(text: str, kind: str | None = None) -> str:
    """The part of ``text`` that names the event place, for the place resolver.

    Prefers a clause with an event word ("geboren", "geheiratet", ...), of the certificate
    ``kind`` asked for where given; otherwise drops clauses about residence; otherwise
    returns the whole text.
    """
    clauses, there = _clauses(text)
    event_clauses = [
        c
        for i, c in enumerate(clauses)
        if names_event(c) and (i in there or not _RESIDENCE.search(c)) and not _NEGATED.search(c)
    ]
    # An event told ("Entbindung", "geboren") decides before a certificate's name ("… wo gibt es
    # dann die Geburtsurkunde – in Bad Vilbel oder in Frankfurt?"); the name alone counts too
    # ("isch bräucht mei Geburtsurkund, bin in Offebach gebore").
    # "Wir heiraten im Mai in Michelstadt. … Ich bin in Erbach geboren und brauche eine
    # Geburtsurkunde": the birth's place for the birth certificate.
    tells_kind: list[Callable[[str], bool]] = [partial(tells_event, kind=kind)] if kind else []
    for names in (*tells_kind, tells_event, names_event):
        # The clause that names the event and a place.
        with_place = [c for c in event_clauses if names(c) and _names_a_place(c)]
        if with_place:
            return " ".join(with_place)
        # "Geboren bin ich aber in Schlüchtern": "aber" splits the event word from its place,
        # which then is the next clause (before any other place the message names).
        following = [
            clauses[i + 1]
            for i, c in enumerate(clauses[:-1])
            if names(c)
            and not _RESIDENCE.search(clauses[i + 1])
            and not _NEGATED.search(clauses[i + 1])
            and _names_a_place(clauses[i + 1])
        ]
        if following:
            return following[0]
    # "… ist auf die Welt gekommen, allerdings nicht bei uns, sondern im Krankenhaus in Bad
    # Nauheim": the event clause names no place, a clause that is not about residence does.
    placed = [c for c in clauses if not _RESIDENCE.search(c) and _names_a_place(c)]
    if event_clauses and placed:
        return " ".join(placed)
    if event_clauses:
        return " ".join(event_clauses)
    other = [c for c in clauses if not _RESIDENCE.search(c)]
    if other and len(other) < len(clauses):
        return " ".join(other)
    return text or ""


# A clause that is only a place phrase ("im Klinikum in Wetzlar", "in Bad Nauheim").
_PLACE_OPENING = re.compile(r"\s*(?:im|in|am|auf|at|in\s+the)\b", re.IGNORECASE)


def event_named_with_place(text: str) -> bool:
    """Whether a clause of ``text`` names an event together with a place ("baby born in Hanau")."""
    clauses, there = _clauses(text)
    return any(
        names_event(c)
        and (
            _names_a_place(c)
            and (i in there or not _RESIDENCE.search(c))
            # "… unser zweites Kind bekommen, im Klinikum in Wetzlar": the place in the next
            # clause, as event_place_text reads it.
            or i + 1 < len(clauses)
            and not names_event(clauses[i + 1])
            and not _RESIDENCE.search(clauses[i + 1])
            and not _NEGATED.search(clauses[i + 1])
            and _PLACE_OPENING.match(clauses[i + 1])
            and _names_a_place(clauses[i + 1])
        )
        for i, c in enumerate(clauses)
    )


def is_residence(clause: str) -> bool:
    """Whether ``clause`` talks about where someone lives, not where an event happened."""
    return bool(_RESIDENCE.search(clause)) and not names_event(clause)


def lives_there(text: str, place: str) -> bool:
    """Whether ``place`` occurs in ``text`` only in clauses about residence ("We live in Fulda")."""
    clauses, there = _clauses(text)
    named = [i for i, c in enumerate(clauses) if place.casefold() in c.casefold()]
    return bool(named) and all(i not in there and is_residence(clauses[i]) for i in named)


def event_municipality(text: str, kind: str | None = None) -> Municipality | None:
    """The Hessian municipality where ``text`` says the event (of certificate ``kind``) happened.

    "Unser Kind ist in Gelnhausen geboren" → Gelnhausen; a place named only as the residence
    ("Wir wohnen in Gelnhausen") is none, nor is a message that tells no event with a place.
    """
    if not event_named_with_place(text):
        return None
    found = load_municipalities().resolve(event_place_text(text, kind)).municipality
    return found if found is not None and not lives_there(text, found.label) else None


def named_as_residence(text: str, place: str) -> bool:
    """Whether ``text`` names ``place`` as a residence and never as an event place.

    "Wir haben aber in Viernheim gewohnt. Muss ich dann nicht nach Viernheim?": lived there,
    nothing happened there.
    """
    clauses, there = _clauses(text)
    named = [i for i, c in enumerate(clauses) if place.casefold() in c.casefold()]
    return any(is_residence(clauses[i]) for i in named) and not any(
        i in there or names_event(clauses[i]) for i in named
    )


def _clauses(text: str) -> tuple[list[str], set[int]]:
    """The clauses of ``text``, and the indexes of those where an event happened "there".

    A clause saying the event happened "there" ("und ist auch dort eingeschlafen") is joined to
    the clause before it, whose place it means.
    """
    clauses: list[str] = []
    there: set[int] = set()
    separator = ""
    # Typed without commas ("bin in wetzlar geboren wohn aber in gießen"): a residence verb
    # starts a clause of its own.
    text = _BEFORE_RESIDENCE.sub(", ", text or "")
    for raw in _CLAUSE_SPLIT_KEEP.split(text):
        if _CLAUSE_SPLIT.fullmatch(raw or ""):
            separator = raw.strip().lower() if raw.strip() else separator
            continue
        clause = raw.strip() if raw else ""
        if not clause:
            continue
        particle, separator = separator, ""
        if (
            particle in _PARTICLES
            and clauses
            and _PLACE_PHRASE.match(clause)
            and not _names_a_place(clauses[-1])
        ):
            # "wohnen jetzt aber in Kassel": "aber" is a particle inside the clause, not the
            # start of a new one; the place belongs to the verb before it (a residence here).
            clauses[-1] = f"{clauses[-1]} {particle} {clause}"
            continue
        if clauses and names_event(clause) and _THERE.search(clause) and not _names_a_place(clause):
            clauses[-1] = f"{clauses[-1]} {clause}"
            there.add(len(clauses) - 1)
        else:
            clauses.append(clause)
    return clauses, there


def _names_a_place(clause: str) -> bool:
    return load_municipalities().resolve(clause).status != "unknown"


@dataclass(frozen=True)
class Standesamtsbezirk:
    """A joint Standesamt district: its seat and member municipalities (AGS)."""

    name: str
    sitz: str
    mitglieder: tuple[str, ...]
    gesichert: bool
    unsicher: str | None
    quellen: tuple[str, ...]


@lru_cache(maxsize=1)
def load_standesamtsbezirke() -> tuple[Standesamtsbezirk, ...]:
    """The joint Standesamt districts of standesamtsbezirke.yml, read once."""
    data = yaml.safe_load(STANDESAMTSBEZIRKE_YML.read_text(encoding="utf-8"))
    return tuple(
        Standesamtsbezirk(
            name=entry["name"],
            sitz=str(entry["sitz"]),
            mitglieder=tuple(str(a) for a in entry["mitglieder"]),
            gesichert=bool(entry["gesichert"]),
            unsicher=entry.get("unsicher"),
            quellen=tuple(entry.get("quellen") or ()),
        )
        for entry in data["bezirke"]
    )


def standesamtsbezirk_of(ags: str) -> Standesamtsbezirk | None:
    """The joint district a municipality belongs to, or None (its own Standesamt or unknown)."""
    for bezirk in load_standesamtsbezirke():
        if ags in bezirk.mitglieder:
            return bezirk
    return None


@dataclass(frozen=True)
class Mandat:
    """A municipality whose Standesamt's tasks another town's Standesamt carries out.

    Unlike a joint district, the municipality keeps its own Standesamt district (its
    registers and its link in the Verwaltungsportal); only the work is done elsewhere.
    """

    gemeinde: str
    standesamt: str
    gesichert: bool
    unsicher: str | None
    quellen: tuple[str, ...]


@lru_cache(maxsize=1)
def load_mandate() -> tuple[Mandat, ...]:
    """The mandates ("Mandatierung") of standesamtsbezirke.yml, read once."""
    data = yaml.safe_load(STANDESAMTSBEZIRKE_YML.read_text(encoding="utf-8"))
    return tuple(
        Mandat(
            gemeinde=str(entry["gemeinde"]),
            standesamt=str(entry["standesamt"]),
            gesichert=bool(entry["gesichert"]),
            unsicher=entry.get("unsicher"),
            quellen=tuple(entry.get("quellen") or ()),
        )
        for entry in data.get("mandate") or ()
    )


def mandat_of(ags: str) -> Mandat | None:
    """The mandate under which another Standesamt works for the municipality ``ags``, if any."""
    return next((m for m in load_mandate() if m.gemeinde == ags), None)
