"""Catalogue of online administrative services (data/knowledge/leistungen.yml).

Every service carries its sources; the loader refuses a catalogue whose URLs
are not listed in quellen.yml, so the bot never shows an unsourced link.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bot.knowledge.dialekt import standardise
from bot.knowledge.languages import load_sprachen
from bot.knowledge.sources import (
    KNOWLEDGE_DIR,
    KnowledgeError,
    load_source_titles,
    read_yaml,
)
from bot.knowledge.stand import StandError, parse_stand
from bot.knowledge.text import edit_distance, typo_limit, variants

__all__ = [
    "LEVEL_VALUES",
    "ONLINE_VALUES",
    "KnowledgeError",
    "Service",
    "ServiceCatalogue",
    "Source",
    "load_services",
    "names_a_service",
    "portal_link",
    "sibling_service",
]

SERVICES_PATH = KNOWLEDGE_DIR / "leistungen.yml"
# Words shorter than this are never corrected (too many real words lie one edit apart).
_MIN_CORRECTED = 6
# Only the opening of a long message is corrected, and the cache of looked-up words stays small.
_MAX_CORRECTED_CHARS = 1000
_MAX_CACHED_CORRECTIONS = 10_000
PORTAL_LEISTUNG_URL = "https://verwaltungsportal.hessen.de/leistung"
ONLINE_VALUES = frozenset({"ja", "teilweise", "nein", "unklar"})
LEVEL_VALUES = frozenset({"Gemeinde", "Kreis/Zulassungsstelle", "Land", "Bund"})
# A regional key (ARS) is exactly 12 digits; anything else must not reach a URL.
_ARS = re.compile(r"^\d{12}$")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
# Fields an answer shows that leistungen.yml may carry in further languages ("summary_en").
TRANSLATED_FIELDS = ("name", "summary", "office", "account", "fees", "trust_level")


def _foreign_codes() -> tuple[str, ...]:
    return load_sprachen().foreign


@dataclass(frozen=True)
class Source:
    """A cited web page."""

    url: str
    title: str


@dataclass(frozen=True)
class Service:
    """One administrative service and what is known about doing it online."""

    id: str
    name: str
    online: str
    summary: str
    level: str | None
    office: str
    account: str | None
    trust_level: str | None
    fees: str | None
    url: str
    portal_leistung_id: str | None
    keywords: tuple[str, ...]
    sources: tuple[Source, ...]
    # Date the sources were published or read (YYYY-MM-DD, YYYY-MM or YYYY); never missing.
    stand: str
    uncertain: bool
    # The one municipality or Kreis whose page ``url`` is (None: not a municipality's page).
    url_gemeinde: str | None = None
    # Name and summary in Leichte Sprache, the same facts (None: not written yet).
    name_leicht: str | None = None
    summary_leicht: str | None = None
    # The answer's fields in further languages, "<field>_<code>" as in leistungen.yml
    # ("name_en", "summary_en", "office_en", ...); a missing one shows the German text.
    translations: Mapping[str, str] = field(default_factory=dict)

    def translated(self, name: str, code: str) -> str | None:
        """Field ``name`` ("summary", "office", ...) in language ``code``, if written."""
        return self.translations.get(f"{name}_{code}")


# Separates the parts of a keyword whose words may stand anywhere in the text.
_ALL_PARTS = " + "
# German separable verbs: "Wie melde ich ein Gewerbe an?" reads "… ein Gewerbe anmelden" too, so
# the keyword "gewerbe anmelden" finds it.
_SEPARABLE = re.compile(
    r"\b(meld(?:e|en|et)?)\s+((?:[\w-]+\s+){1,4}?)(an|ab|um)\b(?=\s*[?.!,]|\s*$)", re.IGNORECASE
)


# Words that stand between a service's noun and its verb without changing it ("mein Gewerbe
# online anmelden", "den Hund auch noch anmelden"): a reading without them finds the phrase.
_FILLERS = re.compile(
    r"\b(?:online|digital|auch|eigentlich|noch|schon|mal|jetzt|denn|bitte|gleich|sofort|hier|dort|da)\s+",
    re.IGNORECASE,
)


def _without_fillers(text: str) -> str:
    return _FILLERS.sub("", text)


# The zu-infinitive of a separable verb: "mein Auto online abzumelden" is "abmelden".
_ZU_INFINITIVE = re.compile(r"\b(an|ab|um)zu(melden|schreiben|stellen)\b", re.IGNORECASE)


def _joined_separable_verbs(text: str) -> str:
    joined = _SEPARABLE.sub(lambda m: f"{m.group(2)}{m.group(3)}melden", text)
    return _ZU_INFINITIVE.sub(lambda m: f"{m.group(1)}{m.group(2)}", joined)


def _keyword_keys(keyword: str) -> set[str]:
    """The normalised keys of a keyword; "a + b" keeps its parts apart (see ServiceCatalogue)."""
    parts = [p for p in keyword.split("+") if p.strip()]
    if len(parts) < 2:
        return set(variants(keyword))
    # Canonical and plain spellings part by part (umlauts folded the same way in each).
    canonical = _ALL_PARTS.join(variants(p)[0] for p in parts)
    plain = _ALL_PARTS.join(variants(p)[-1] for p in parts)
    return {canonical, plain}


def _haystacks(text: str) -> list[str]:
    """The normalised readings of ``text`` that keywords are looked up in, padded with spaces."""
    # A question in Hessian dialect ("aus de Kersch austrede") is read in standard German too.
    readings = dict.fromkeys(
        (
            *variants(text),
            *variants(standardise(text)),
            *variants(_joined_separable_verbs(text)),
            *variants(_without_fillers(text)),
        )
    )
    return [f" {key} " for key in readings if key]


class ServiceCatalogue:
    """Immutable lookup over all services."""

    def __init__(self, services: tuple[Service, ...]) -> None:
        self._services = services
        self._by_id = {service.id: service for service in services}
        # (normalised keyword, service); longest first so the most specific wins. A keyword
        # "anwohner + ausweis" needs its parts anywhere in the text, in any order ("Anwohner
        # können so einen Ausweis bekommen"); as one key its parts are joined by " + ".
        pairs = {
            (key, service.id)
            for service in services
            for keyword in (service.name, *service.keywords)
            for key in _keyword_keys(keyword)
            if key
        }
        self._keywords = tuple(sorted(pairs, key=lambda pair: (-len(pair[0]), pair[0], pair[1])))
        self._single_words = tuple(
            (key, sid) for key, sid in self._keywords if " " not in key and _ALL_PARTS not in key
        )
        # The words of the keywords, by first letter and length, for correcting typos inside phrases.
        self._vocabulary: dict[tuple[str, int], set[str]] = {}
        # Words already looked up (a cache; the catalogue itself never changes).
        self._corrections: dict[str, str | None] = {}
        for key, _ in self._keywords:
            for word in key.replace(_ALL_PARTS, " ").split():
                if len(word) >= _MIN_CORRECTED:
                    self._vocabulary.setdefault((word[:1], len(word)), set()).add(word)

    def get(self, service_id: str) -> Service | None:
        """Return the service with ``service_id`` or ``None``."""
        return self._by_id.get(service_id)

    def all(self) -> tuple[Service, ...]:
        """Return all services in file order."""
        return self._services

    def find(self, text: str) -> Service | None:
        """Return the service whose longest keyword occurs in ``text`` as whole words.

        Matching runs on normalised text (see :mod:`bot.knowledge.text`), so
        case, umlaut spelling and punctuation do not matter. ``None`` if no
        keyword occurs.
        """
        haystacks = _haystacks(text)
        return self._find_exact(haystacks) or self._find_typo(haystacks) or self._find_corrected(haystacks)

    def find_other(self, text: str, excluded: Collection[str]) -> Service | None:
        """The service whose longest keyword occurs in ``text``, other than those ``excluded``.

        "kann ich wohngeld online beantragen elterngeld auch??": Elterngeld beside Wohngeld.
        """
        return self._find_exact(_haystacks(text), excluded)

    def _find_exact(self, haystacks: list[str], excluded: Collection[str] = ()) -> Service | None:
        for keyword, service_id in self._keywords:
            if service_id in excluded:
                continue
            needles = [f" {part} " for part in keyword.split(_ALL_PARTS)]
            if any(all(needle in haystack for needle in needles) for haystack in haystacks):
                return self._by_id[service_id]
        return None

    def _find_corrected(self, haystacks: list[str]) -> Service | None:
        """A phrase keyword with a slip in one of its words ("registr a buisness" → register a business).

        Each word of six letters or more that no keyword has is replaced by the one keyword
        word (same first letter) one edit away, if exactly one is; then the phrases are
        matched again.
        """
        corrected: list[str] = []
        changed = False
        for haystack in haystacks:
            words = haystack[:_MAX_CORRECTED_CHARS].split()
            for position, word in enumerate(words):
                correction = self._correction(word)
                if correction:
                    words[position] = correction
                    changed = True
            corrected.append(f" {' '.join(words)} ")
        if not changed:
            return None
        for keyword, service_id in self._keywords:
            needles = [f" {part} " for part in keyword.split(_ALL_PARTS)]
            if any(all(needle in haystack for needle in needles) for haystack in corrected):
                return self._by_id[service_id]
        return None

    def _correction(self, word: str) -> str | None:
        """The one keyword word one edit away from ``word`` (not itself a keyword word), if exactly one."""
        if len(word) < _MIN_CORRECTED or word in self._vocabulary.get((word[:1], len(word)), ()):
            return None
        if word not in self._corrections:
            if len(self._corrections) >= _MAX_CACHED_CORRECTIONS:
                self._corrections.clear()
            near = [
                v
                for size in (len(word) - 1, len(word), len(word) + 1)
                for v in self._vocabulary.get((word[:1], size), ())
                if edit_distance(word, v, 1) <= 1
            ]
            self._corrections[word] = near[0] if len(near) == 1 else None
        return self._corrections[word]

    def _find_typo(self, haystacks: list[str]) -> Service | None:
        """A one-word keyword typed with a typo ("persoanlausweis", "reisepas"), longest first."""
        words = {word for haystack in haystacks for word in haystack.split()}
        for keyword, service_id in self._single_words:
            limit = typo_limit(keyword)
            # Same first letter: typos rarely hit it, and real words that differ there are
            # other words ("Wintergarten" is not a typo of "Kindergarten").
            if limit and any(
                word[:1] == keyword[:1] and edit_distance(word, keyword, limit) <= limit for word in words
            ):
                return self._by_id[service_id]
        return None


def portal_link(service: Service, ars: str | None) -> str:
    """Return the Verwaltungsportal link for ``service`` in municipality ``ars``.

    Only services with a verified portal id get a municipality-specific link
    (``leistung?leistung_id=<id>&regschl=<ars>``); all others, and calls
    without a valid 12-digit ARS, get the service's own sourced ``url``.
    """
    if service.portal_leistung_id and ars and _ARS.match(ars):
        leistung_id = quote(service.portal_leistung_id, safe="")
        return f"{PORTAL_LEISTUNG_URL}?leistung_id={leistung_id}&regschl={ars}"
    return service.url


def _optional_str(raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    return None if value is None else str(value)


def _parse_service(raw: dict[str, Any], titles: dict[str, str], origin: Path) -> Service:
    service_id = str(raw.get("id", ""))
    where = f"{origin}: service {service_id or raw!r}"
    if not _ID.match(service_id):
        raise KnowledgeError(f"{where}: id must be ASCII snake_case")
    for key in ("name", "online", "summary", "office", "url"):
        if not raw.get(key):
            raise KnowledgeError(f"{where}: missing '{key}'")
    online = str(raw["online"])
    if online not in ONLINE_VALUES:
        raise KnowledgeError(f"{where}: online={online!r} not in {sorted(ONLINE_VALUES)}")
    level = _optional_str(raw, "level")
    if level is not None and level not in LEVEL_VALUES:
        raise KnowledgeError(f"{where}: level={level!r} not in {sorted(LEVEL_VALUES)}")
    source_urls = raw.get("sources") or []
    if not source_urls:
        raise KnowledgeError(f"{where}: needs at least one source")
    url = str(raw["url"])
    for cited in (url, *source_urls):
        if cited not in titles:
            raise KnowledgeError(f"{where}: url not listed in quellen.yml: {cited}")
    # Keywords of every language find the service ("housing benefit" as well as "Wohngeld").
    keyword_lists = [raw.get("keywords") or ()]
    keyword_lists += [raw.get(f"keywords_{code}") or () for code in _foreign_codes()]
    keywords = tuple(str(k).lower() for words in keyword_lists for k in words)
    try:
        stand = parse_stand(raw.get("stand"), where)
    except StandError as exc:
        raise KnowledgeError(str(exc)) from None
    summary_leicht = _optional_str(raw, "summary_leicht")
    return Service(
        id=service_id,
        name=str(raw["name"]),
        online=online,
        summary=" ".join(str(raw["summary"]).split()),
        level=level,
        office=str(raw["office"]),
        account=_optional_str(raw, "account"),
        trust_level=_optional_str(raw, "trust_level"),
        fees=_optional_str(raw, "fees"),
        url=url,
        portal_leistung_id=_optional_str(raw, "portal_leistung_id"),
        keywords=keywords,
        sources=tuple(Source(url=str(u), title=titles[str(u)]) for u in source_urls),
        stand=stand,
        uncertain=bool(raw.get("uncertain", False)),
        url_gemeinde=_optional_str(raw, "url_gemeinde"),
        name_leicht=_optional_str(raw, "name_leicht"),
        summary_leicht=" ".join(summary_leicht.split()) if summary_leicht else None,
        translations={
            f"{name}_{code}": " ".join(str(raw[f"{name}_{code}"]).split())
            for name in TRANSLATED_FIELDS
            for code in _foreign_codes()
            if raw.get(f"{name}_{code}")
        },
    )


def parse_catalogue(path: Path, quellen_path: Path | None = None) -> ServiceCatalogue:
    """Parse and validate a catalogue file (uncached; see :func:`load_services`)."""
    titles = load_source_titles(quellen_path)
    entries = read_yaml(path).get("leistungen")
    if not isinstance(entries, list) or not entries:
        raise KnowledgeError(f"{path}: 'leistungen' must be a non-empty list")
    services: list[Service] = []
    seen: set[str] = set()
    for raw in entries:
        if not isinstance(raw, dict):
            raise KnowledgeError(f"{path}: each service must be a mapping")
        service = _parse_service(raw, titles, path)
        if service.id in seen:
            raise KnowledgeError(f"{path}: duplicate service id {service.id}")
        seen.add(service.id)
        services.append(service)
    return ServiceCatalogue(tuple(services))


@lru_cache(maxsize=8)
def load_services(path: Path | None = None) -> ServiceCatalogue:
    """Load the service catalogue once (cached per path) and validate it.

    Default path: ``data/knowledge/leistungen.yml`` in the repository.
    Raises :class:`KnowledgeError` with a clear message on invalid data.
    """
    return parse_catalogue(path or SERVICES_PATH)


def names_a_service(text: str) -> bool:
    """Whether ``text`` names one of the detailed services (data/knowledge/leistungen.yml)."""
    return load_services().find(text) is not None


# The same thing's other step: "muss ich das dann extra abmelden?" after registering a trade is
# the trade's deregistration, "und ummelden?" its change. By the verb's particle.
_SIBLINGS: dict[str, dict[str, str]] = {
    "gewerbeanmeldung": {"ab": "gewerbe_abmelden", "um": "gewerbe_ummelden"},
    "gewerbe_abmelden": {"an": "gewerbeanmeldung", "um": "gewerbe_ummelden"},
    "gewerbe_ummelden": {"an": "gewerbeanmeldung", "ab": "gewerbe_abmelden"},
    "kfz_zulassung": {"ab": "kfz_abmeldung"},
    "kfz_abmeldung": {"an": "kfz_zulassung", "um": "kfz_zulassung"},
}
_STEP_VERB = re.compile(
    r"\b(an|ab|um)(?:melden|meldung|melde|zumelden)\b|\bmeld\w*\s+(?:\w+\s+){0,3}(an|ab|um)\b", re.IGNORECASE
)


def sibling_service(service_id: str | None, text: str) -> Service | None:
    """The other step of the service in focus that ``text`` asks for ("abmelden" after the trade)."""
    steps = _SIBLINGS.get(service_id or "")
    match = _STEP_VERB.search(text) if steps else None
    if not steps or not match:
        return None
    particle = (match.group(1) or match.group(2)).casefold()
    return load_services().get(steps[particle]) if particle in steps else None
