"""The national service catalogue (LeiKa with OZG mapping) as it applies in Hessen.

Data: ``data/knowledge/leistungskatalog_hessen.csv`` (provenance, attribution and limits in
``data/knowledge/LEISTUNGSKATALOG.md``). The loader checks the columns and every row and
raises :class:`KnowledgeError` on anything unexpected, like the other knowledge loaders.

The catalogue names services and says on which level they are *regulated*; it does not say
which Hessian office executes them, what they cost or whether they are online.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.knowledge.dialekt import standardise
from bot.knowledge.sources import KNOWLEDGE_DIR, KnowledgeError

if TYPE_CHECKING:
    from bot.knowledge.finder import Finder

__all__ = [
    "ATTRIBUTION",
    "CATALOGUE_PATH",
    "COLUMNS",
    "Catalogue",
    "CatalogueService",
    "Hit",
    "load_catalogue",
    "regulating_level",
]

CATALOGUE_PATH = KNOWLEDGE_DIR / "leistungskatalog_hessen.csv"
COLUMNS = (
    "leika_schluessel",
    "leistung",
    "leika_typ",
    "ozg_id",
    "ozg_leistung",
    "lebenslage",
    "themenfeld",
    "rechtsgrundlage",
    "gesetze",
    "gesetz_kuerzel",
)
ATTRIBUTION = (
    "Leistungskatalog (LeiKa) und OZG-Umsetzungskatalog (IT-Planungsrat/FITKO), "
    "über kdn-nrw/OZG-Datenbank-NRW, Stand Herbst 2019"
)
NOT_IN_LEIKA = "nicht im LeiKa"
_KEY = re.compile(r"^99\d{12}$")
_OZG_ID = re.compile(r"^\d{4,5}$")
# LeiKa types as the source uses them (README of the shared copy): 1 = Bund regelt und
# vollzieht; 2, 3, 2/3 = Bund regelt, Land oder Kommune vollziehen; 4 = Land regelt;
# 5 = Kommune regelt. "6" and "" occur in a handful of rows and say nothing we can explain.
LEIKA_TYPES = frozenset({"", "1", "2", "3", "2/3", "4", "5", "6", "1, 2/3", "1, 2"})
# Links in "rechtsgrundlage" are shown only on hosts that publish federal or EU law, which
# applies in Hessen too; other hosts (another Land's law portal, funding banks) are not
# a legal basis a Hessian citizen can rely on.
LAW_HOSTS = (
    "http://www.gesetze-im-internet.de/",
    "https://www.gesetze-im-internet.de/",
    "http://eur-lex.europa.eu/",
    "https://eur-lex.europa.eu/",
    "http://www.verwaltungsvorschriften-im-internet.de/",
    "https://www.verwaltungsvorschriften-im-internet.de/",
)
# Sentences of a message, each searched on its own as well (see Catalogue.search); only in the
# opening of a pasted long text, so that a lookup stays within the finder's latency budget.
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_MAX_SENTENCE_CHARS = 600
_MIN_SENTENCE_WORDS = 2
_BRACKETED_URL = re.compile(r"\[(https?://[^\s\]]+)\]")


@dataclass(frozen=True)
class CatalogueService:
    """One service of the catalogue, as the catalogue names it."""

    name: str
    leika_schluessel: str | None
    leika_typ: str
    ozg_id: str | None
    ozg_leistung: str
    ozg_themenfeld: str
    lebenslage: str
    rechtsgrundlage: str
    rechtsgrundlage_titel: str | None
    rechtsgrundlage_link: str | None


@dataclass(frozen=True)
class Hit:
    """A finder result: a service and its score (0..1, higher is better)."""

    service: CatalogueService
    score: float


def regulating_level(leika_typ: str) -> str | None:
    """Who regulates a service of this LeiKa type ("Bund", "Land", "Kommune"), or ``None``.

    The type says where the rules come from, not which office in Hessen does the work.
    """
    first = leika_typ.split(",")[0].strip()
    if first == "1" or first in {"2", "3", "2/3"}:
        return "Bund"
    if first == "4":
        return "Land"
    if first == "5":
        return "Kommune"
    return None


def law_link(rechtsgrundlage: str) -> tuple[str, str] | None:
    """``(title, url)`` of the first law in ``rechtsgrundlage`` linked to federal or EU law.

    The field reads "§ 36 Bundeswahlgesetz (BWahlG) [http://…], § 33 … [http://…]"; the
    title is the text before the link's bracket, after the previous link.
    """
    start = 0
    for match in _BRACKETED_URL.finditer(rechtsgrundlage):
        title = rechtsgrundlage[start : match.start()].strip(" ,;")
        start = match.end()
        if match.group(1).startswith(LAW_HOSTS) and title:
            return title, match.group(1)
    return None


class Catalogue:
    """Immutable catalogue with lookup by name and a free-text finder."""

    def __init__(self, services: tuple[CatalogueService, ...]) -> None:
        self._services = services
        self._by_name: dict[str, CatalogueService] = {}
        for service in services:
            self._by_name.setdefault(service.name.casefold(), service)

    def all(self) -> tuple[CatalogueService, ...]:
        """All services, in file order (one per LeiKa key and name)."""
        return self._services

    def by_name(self, name: str) -> CatalogueService | None:
        """The service with exactly this official name (case-insensitive), or ``None``."""
        return self._by_name.get(" ".join(name.split()).casefold())

    @cached_property
    def _finder(self) -> Finder:
        # Imported here: the finder needs the catalogue's types, the catalogue its index.
        from bot.knowledge.finder import Finder, load_synonyms

        return Finder(self._services, load_synonyms())

    def search(self, text: str, limit: int = 4) -> list[Hit]:
        """Services for a free-text question, best first (see :mod:`bot.knowledge.finder`).

        A question in Hessian dialect is also read in standard German, and a message of
        several sentences sentence by sentence too ("… Die Chefin meint, ich brauche noch so
        ein Gesundheitszeugnis."): the story around a service dilutes its score in the whole
        message.
        """
        readings = dict.fromkeys((text, standardise(text)))
        hits = self._finder.search(text, limit) if len(readings) == 1 else self._merged(readings, limit)
        # A sentence of one content word ("Wo melden wir ihn an?", "Gibt das Amt Auskunft?") names
        # only what is done, not with what.
        sentences = [
            s
            for s in _SENTENCE.findall(text[:_MAX_SENTENCE_CHARS])
            if len(self._finder.content_words(s)) >= _MIN_SENTENCE_WORDS
        ]
        if not hits or len(sentences) < 2:
            return hits
        # Only the best service is raised, to its best sentence's score: the ranking stays that
        # of the whole message (a sentence alone, "Wo beantragt man das in unserer Gemeinde?",
        # would prefer the "Vorkaufsrecht der Gemeinde"), but a clear service told inside a
        # story passes the answer gates.
        best = hits[0]
        raised = max(
            (
                hit.score
                for sentence in dict.fromkeys((*sentences, *map(standardise, sentences)))
                for hit in self._finder.search(sentence, 1)
                if hit.service is best.service
            ),
            default=best.score,
        )
        return [replace(best, score=max(best.score, raised)), *hits[1:]]

    def _merged(self, readings: Iterable[str], limit: int) -> list[Hit]:
        """The hits of several readings of one message, each service with its best score."""
        from bot.knowledge.finder import same_service

        found = [hit for reading in readings for hit in self._finder.search(reading, limit)]
        merged: list[Hit] = []
        for hit in sorted(found, key=lambda h: -h.score):
            if not any(same_service(hit.service, kept.service) for kept in merged):
                merged.append(hit)
        return merged[:limit]


def _parse_row(row: dict[str, str], line: int, path: Path) -> CatalogueService:
    where = f"{path}:{line}"
    name = " ".join((row["leistung"] or "").split())
    if not name:
        raise KnowledgeError(f"{where}: empty 'leistung'")
    key = row["leika_schluessel"].strip()
    if key != NOT_IN_LEIKA and not _KEY.match(key):
        raise KnowledgeError(
            f"{where}: leika_schluessel {key!r} is neither 14 digits (99…) nor {NOT_IN_LEIKA!r}"
        )
    typ = row["leika_typ"].strip()
    if typ not in LEIKA_TYPES:
        raise KnowledgeError(f"{where}: unknown leika_typ {typ!r}")
    ozg_id = row["ozg_id"].strip()
    if ozg_id and not _OZG_ID.match(ozg_id):
        raise KnowledgeError(f"{where}: ozg_id {ozg_id!r} is not a 4–5 digit number")
    rechtsgrundlage = " ".join(row["rechtsgrundlage"].split())
    law = law_link(rechtsgrundlage)
    return CatalogueService(
        name=name,
        leika_schluessel=None if key == NOT_IN_LEIKA else key,
        leika_typ=typ,
        ozg_id=ozg_id or None,
        ozg_leistung=row["ozg_leistung"].strip(),
        ozg_themenfeld=row["themenfeld"].strip(),
        lebenslage=row["lebenslage"].strip(),
        rechtsgrundlage=rechtsgrundlage,
        rechtsgrundlage_titel=law[0] if law else None,
        rechtsgrundlage_link=law[1] if law else None,
    )


def parse_catalogue(path: Path) -> Catalogue:
    """Read and validate a catalogue CSV (uncached; see :func:`load_catalogue`).

    A LeiKa service mapped to several OZG services occurs in several rows; the first row
    (file order) is kept, so each key and name is one service.
    """
    try:
        handle = path.open(encoding="utf-8", newline="")
    except FileNotFoundError as exc:
        raise KnowledgeError(f"catalogue not found: {path}") from exc
    with handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise KnowledgeError(f"{path}: columns {reader.fieldnames} != expected {list(COLUMNS)}")
        services: list[CatalogueService] = []
        seen: set[tuple[str | None, str]] = set()
        for line, row in enumerate(reader, start=2):
            if None in row or any(value is None for value in row.values()):
                raise KnowledgeError(f"{path}:{line}: wrong number of fields")
            service = _parse_row(row, line, path)
            identity = (service.leika_schluessel, service.name)
            if identity not in seen:
                seen.add(identity)
                services.append(service)
    if not services:
        raise KnowledgeError(f"{path}: no services")
    return Catalogue(tuple(services))


@lru_cache(maxsize=4)
def load_catalogue(path: Path | None = None) -> Catalogue:
    """Load the Hessian service catalogue once (cached per path) and validate it."""
    return parse_catalogue(path or CATALOGUE_PATH)
