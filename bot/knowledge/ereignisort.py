"""Which place in a message is the place of the event, not the place of residence.

A certificate (Geburts-, Ehe-, Sterbeurkunde) comes from the Standesamt where the
event happened (data/knowledge/fakten.yml: standesamt_ereignisort). Citizens often
name both places: "Ich wohne in Kassel, bin aber in Marburg geboren". This module
picks the clause that talks about the event and drops clauses about residence.
"""

from __future__ import annotations

import re

# Clauses end at punctuation or at a conjunction that starts a new statement.
_CLAUSE_SPLIT = re.compile(r"[,.;:!?\n]+|\s+(?:aber|und|jedoch|doch|sondern)\s+", re.IGNORECASE)
_EVENT = re.compile(
    r"geboren|geburt|zur welt|gestorben|verstorben|sterbe|tod|starb|geheiratet|heirat|"
    r"hochzeit|trauung|getraut|eheschlie|ehe geschlossen",
    re.IGNORECASE,
)
_RESIDENCE = re.compile(r"wohn|lebe|leben|zuhause|zu hause|gemeldet|umgezogen|hergezogen", re.IGNORECASE)


def event_place_text(text: str) -> str:
    """The part of ``text`` that names the event place, for the place resolver.

    Prefers a clause with an event word ("geboren", "geheiratet", ...); otherwise
    drops clauses about residence; otherwise returns the whole text.
    """
    clauses = [c.strip() for c in _CLAUSE_SPLIT.split(text or "") if c and c.strip()]
    event_clauses = [c for c in clauses if _EVENT.search(c) and not _RESIDENCE.search(c)]
    if event_clauses:
        return " ".join(event_clauses)
    other = [c for c in clauses if not _RESIDENCE.search(c)]
    if other and len(other) < len(clauses):
        return " ".join(other)
    return text or ""
