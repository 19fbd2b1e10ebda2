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
from dataclasses import dataclass
from functools import lru_cache

import yaml

from bot.knowledge.municipalities import load_municipalities
from bot.knowledge.sources import KNOWLEDGE_DIR

STANDESAMTSBEZIRKE_YML = KNOWLEDGE_DIR / "standesamtsbezirke.yml"

# Clauses end at punctuation or at a conjunction that starts a new statement.
_CLAUSE_SPLIT = re.compile(
    r"[,.;:!?\n]+|\s+(?:aber|und|jedoch|doch|sondern|but|and|however|though|although)\s+", re.IGNORECASE
)
# Hessian dialect drops the final n ("gebore", "gestorbe", "uff die Welt komme").
_EVENT = re.compile(
    r"geboren?|geburt|zur welt|auf die welt|uff die welt|gestorben?|verstorben?|sterbe|tod|starb|geheiratet|heirat|"
    r"hochzeit|trauung|getraut|eheschlie|ehe geschlossen|eingeschlafen|entschlafen"
    # English: "born in", "died in", "passed away in", "got married in", "wedding in".
    r"|\bborn\b|\bbirth\b|\bdied\b|\bdyed\b|\bdeath\b|pass\w*\s+away|\bmarried\b|\bwedding\b|\bmarriage\b"
    # Non-native English: "my papa he die yesterday in Offenbach".
    r"|\b(?:he|she)\s+dies?\b",
    re.IGNORECASE,
)
# "… in Mainz-Kastel gewohnt und ist auch dort eingeschlafen": the event happened at the place
# of the clause before.
_THERE = re.compile(
    r"\bdort\b|\bebenda\b|\bauch\s+da\b|\b(?:born|died|married|away)\s+there\b", re.IGNORECASE
)
_RESIDENCE = re.compile(
    r"wohn|lebe|leben|zuhause|zu hause|gemeldet|umgezogen|hergezogen"
    r"|\blive\b|\blives\b|\bliving\b|\bmoved\b|\bstay(?:ing)?\b|registered",
    re.IGNORECASE,
)


def event_place_text(text: str) -> str:
    """The part of ``text`` that names the event place, for the place resolver.

    Prefers a clause with an event word ("geboren", "geheiratet", ...); otherwise
    drops clauses about residence; otherwise returns the whole text.
    """
    clauses, there = _clauses(text)
    event_clauses = [
        c for i, c in enumerate(clauses) if _EVENT.search(c) and (i in there or not _RESIDENCE.search(c))
    ]
    # "isch bräucht mei Geburtsurkund, bin in Offebach gebore": the certificate word is an
    # event word too; the clause that also names a place wins.
    with_place = [c for c in event_clauses if _names_a_place(c)]
    if with_place:
        return " ".join(with_place)
    # "Geboren bin ich aber in Schlüchtern": "aber" splits the event word from its place,
    # which then is the next clause (before any other place the message names).
    following = [
        clauses[i + 1]
        for i, c in enumerate(clauses[:-1])
        if _EVENT.search(c) and not _RESIDENCE.search(clauses[i + 1]) and _names_a_place(clauses[i + 1])
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


def event_named_with_place(text: str) -> bool:
    """Whether a clause of ``text`` names an event together with a place ("baby born in Hanau")."""
    clauses, there = _clauses(text)
    return any(
        _EVENT.search(c) and _names_a_place(c) and (i in there or not _RESIDENCE.search(c))
        for i, c in enumerate(clauses)
    )


def is_residence(clause: str) -> bool:
    """Whether ``clause`` talks about where someone lives, not where an event happened."""
    return bool(_RESIDENCE.search(clause)) and not _EVENT.search(clause)


def lives_there(text: str, place: str) -> bool:
    """Whether ``place`` occurs in ``text`` only in clauses about residence ("We live in Fulda")."""
    clauses, there = _clauses(text)
    named = [i for i, c in enumerate(clauses) if place.casefold() in c.casefold()]
    return bool(named) and all(i not in there and is_residence(clauses[i]) for i in named)


def _clauses(text: str) -> tuple[list[str], set[int]]:
    """The clauses of ``text``, and the indexes of those where an event happened "there".

    A clause saying the event happened "there" ("und ist auch dort eingeschlafen") is joined to
    the clause before it, whose place it means.
    """
    clauses: list[str] = []
    there: set[int] = set()
    for raw in _CLAUSE_SPLIT.split(text or ""):
        clause = raw.strip() if raw else ""
        if not clause:
            continue
        if clauses and _EVENT.search(clause) and _THERE.search(clause) and not _names_a_place(clause):
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
