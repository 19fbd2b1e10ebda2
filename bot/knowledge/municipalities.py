"""Hessian municipalities and a resolver from the free text citizens type.

The data (422 municipalities plus 4 unincorporated areas) comes from
``data/knowledge/gemeinden_hessen.csv``; its provenance is documented in
``data/knowledge/QUELLEN_GEMEINDEN.md``. Everything here is loaded once and
pure afterwards, so actions and the NLP builder can call it freely.

The same name variants feed two consumers: the spaCy entity ruler built by
``bot.nlp`` (which finds place names inside a sentence) and :meth:`resolve`
(which turns such a name, a postal code or a typo into a municipality). Keeping
one source of variants means a form the NLU recognises is a form the resolver
understands.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

from bot.knowledge.sources import KNOWLEDGE_DIR
from bot.knowledge.text import normalise, normalise_plain

MUNICIPALITIES_CSV = KNOWLEDGE_DIR / "gemeinden_hessen.csv"
OUTSIDE_HESSEN_YML = KNOWLEDGE_DIR / "orte_ausserhalb_hessen.yml"

Status = Literal["found", "ambiguous", "outside_hessen", "unknown"]

# Suffixes that people drop when they name a town ("Frankfurt" for "Frankfurt am
# Main", "Kronberg" for "Kronberg im Taunus"). Longest first so that
# "an der Straße" is removed before "an der".
_DROPPABLE_SUFFIX = re.compile(r"\s+(?:am|im|an der|a\. ?d\.|v\. ?d\.|vor der|ob der|in der|i\. ?)\s+.+$")
_PARENTHESIS = re.compile(r"\s*\(.*?\)")
# Official abbreviations people spell out, and vice versa.
_SPELLED_OUT = (("v. d. ", "vor der "), ("a. d. ", "an der "), ("i. Odw.", "im Odenwald"))
# Extra forms citizens use that no rule derives.
_EXTRA_ALIASES = {
    "06412000": ("Frankfurt/Main", "Frankfurt a. M.", "Frankfurt a.M.", "FFM"),
    "06413000": ("Offenbach/Main", "Offenbach a. M."),
    "06611000": ("Kassel documenta-Stadt",),
}
_POSTAL_CODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
_AGS = re.compile(r"^\d{8}$")
_ARS = re.compile(r"^\d{12}$")
# Words so common in questions that a one-letter typo must never turn them
# into a place ("ich" is one letter from "Lich", "haben" near "Haiger" ...).
_NO_FUZZY_BELOW = 5
_MAX_NGRAM = 6


@dataclass(frozen=True)
class Municipality:
    """One Hessian municipality (or unincorporated area) with its keys."""

    ags: str
    ars: str
    name: str
    short_name: str
    kreis: str
    regierungsbezirk: str
    postal_codes: tuple[str, ...]
    typ: str
    einwohner: int

    @property
    def is_municipality(self) -> bool:
        """False for the four unincorporated areas (no inhabitants, no offices)."""
        return self.typ != "gemeindefreies Gebiet"

    @property
    def label(self) -> str:
        """The name shown to citizens, e.g. "Homberg (Efze)" or "Frankfurt am Main"."""
        return self.short_name

    @property
    def kreis_label(self) -> str:
        """The Kreis in words, "kreisfreie Stadt" for the five independent cities."""
        if self.typ == "kreisfreie Stadt":
            return "kreisfreie Stadt"
        return self.kreis


@dataclass(frozen=True)
class Resolution:
    """What a piece of free text says about a place.

    ``status`` is ``found`` (``municipality`` set), ``ambiguous`` (several
    ``candidates``, ask the user), ``outside_hessen`` (``place`` and ``land``
    name it) or ``unknown``.
    """

    status: Status
    municipality: Municipality | None = None
    candidates: tuple[Municipality, ...] = ()
    place: str | None = None
    land: str | None = None
    kreis: str | None = None


@dataclass
class _Index:
    by_key: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    kreis_by_key: dict[str, str] = field(default_factory=dict)


def _variants_of(m: Municipality) -> list[str]:
    """Surface forms of one municipality name, as people write them."""
    official_main = m.name.split(",")[0].strip()
    forms = [m.short_name, official_main]
    for form in list(forms):
        without_parenthesis = _PARENTHESIS.sub("", form).strip()
        forms.append(without_parenthesis)
        forms.append(_DROPPABLE_SUFFIX.sub("", without_parenthesis).strip())
        for short, long in _SPELLED_OUT:
            if short in form:
                forms.append(form.replace(short, long))
    forms.extend(_EXTRA_ALIASES.get(m.ags, ()))
    seen: dict[str, None] = {}
    for form in forms:
        if form and form not in seen:
            seen[form] = None
    return list(seen)


def _kreis_variants(kreis: str) -> list[str]:
    """Forms of a Landkreis name: "Landkreis Fulda", "Kreis Fulda", "LK Fulda"."""
    forms = [kreis]
    core = re.sub(r"^(Landkreis|Kreis)\s+", "", kreis)
    if core != kreis:
        forms += [f"Landkreis {core}", f"Kreis {core}", f"LK {core}"]
    return list(dict.fromkeys(forms))


def _keys(text: str) -> set[str]:
    return {k for k in (normalise(text), normalise_plain(text)) if k}


def _damerau_at_most_one(a: str, b: str) -> bool:
    """True if ``a`` and ``b`` differ by at most one edit or one transposition."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True  # substitution
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    if la > lb:
        return a[i + 1 :] == b[i:]  # deletion
    return a[i:] == b[i + 1 :]  # insertion


class MunicipalityIndex:
    """All municipalities with lookups by key, name variant and postal code."""

    def __init__(self, municipalities: Iterable[Municipality], outside: dict[str, str]):
        self._all = tuple(municipalities)
        self._by_ags = {m.ags: m for m in self._all}
        self._by_ars = {m.ars: m for m in self._all}
        self._by_postal: dict[str, list[Municipality]] = defaultdict(list)
        self._index = _Index()
        for m in self._all:
            for code in m.postal_codes:
                self._by_postal[code].append(m)
            for form in _variants_of(m):
                for key in _keys(form):
                    self._index.by_key[key].add(m.ags)
        for kreis in self.kreise():
            for form in _kreis_variants(kreis):
                for key in _keys(form):
                    self._index.kreis_by_key[key] = kreis
        self._outside = {key: (place, land) for place, land in outside.items() for key in _keys(place)}
        # Grouped by length: a one-edit neighbour differs in length by at most one.
        self._fuzzy_by_len: dict[int, list[str]] = defaultdict(list)
        for key in self._index.by_key:
            if len(key) >= _NO_FUZZY_BELOW:
                self._fuzzy_by_len[len(key)].append(key)

    # --- plain lookups ---------------------------------------------------------
    def all(self) -> tuple[Municipality, ...]:
        """Every entry, the 422 municipalities first-class and the 4 unincorporated areas."""
        return self._all

    def municipalities(self) -> tuple[Municipality, ...]:
        """The 422 municipalities (without unincorporated areas)."""
        return tuple(m for m in self._all if m.is_municipality)

    def by_ags(self, ags: str) -> Municipality | None:
        """The municipality with this 8-digit Amtlicher Gemeindeschlüssel."""
        return self._by_ags.get(ags.strip())

    def kreise(self) -> list[str]:
        """The 21 Landkreise (kreisfreie Städte are municipalities, not listed)."""
        return sorted({m.kreis for m in self._all if m.typ != "kreisfreie Stadt"})

    def outside_places(self) -> list[str]:
        """Names of the listed places outside Hessen ("München"), to recognise in text."""
        return sorted({place for place, _ in self._outside.values()})

    def name_variants(self, m: Municipality) -> list[str]:
        """Forms of the municipality's name to recognise in text (without typos)."""
        return _variants_of(m)

    def kreis_variants(self, kreis: str) -> list[str]:
        """Forms of a Landkreis name to recognise in text."""
        return _kreis_variants(kreis)

    # --- resolution ------------------------------------------------------------
    def resolve(self, text: str) -> Resolution:
        """Find the municipality a citizen means in ``text``.

        Understands 8-digit AGS and 12-digit ARS (button payloads), postal
        codes, official and short names in any case, without umlauts, a name
        with its Kreis ("Homberg im Schwalm-Eder-Kreis"), one typo in names of
        five letters or more, and big cities outside Hessen.
        """
        raw = (text or "").strip()
        if not raw:
            return Resolution("unknown")
        if _AGS.match(raw) and raw in self._by_ags:
            return Resolution("found", self._by_ags[raw])
        if _ARS.match(raw) and raw in self._by_ars:
            return Resolution("found", self._by_ars[raw])

        kreis, words = self._split_kreis(normalise(raw).split())
        plain_kreis, plain_words = self._split_kreis(normalise_plain(raw).split())
        kreis = kreis or plain_kreis

        candidates = self._whole_text_candidates(words) or self._whole_text_candidates(plain_words)
        if not candidates:
            candidates = self._exact_candidates(words) or self._exact_candidates(plain_words)
        if not candidates:
            outside = self._find_outside(words) or self._find_outside(plain_words)
            if outside:
                return Resolution("outside_hessen", place=outside[0], land=outside[1])
            candidates = self._postal_candidates(raw)
        if not candidates:
            candidates = self._fuzzy_candidates(words)
        if kreis and len(candidates) > 1:
            in_kreis = {a for a in candidates if self._by_ags[a].kreis == kreis}
            candidates = in_kreis or candidates
        return self._decide(candidates, kreis)

    def _decide(self, ags_set: set[str], kreis: str | None) -> Resolution:
        found = sorted((self._by_ags[a] for a in ags_set), key=lambda m: -m.einwohner)
        if not found:
            return Resolution("unknown", kreis=kreis)
        if len(found) == 1:
            return Resolution("found", found[0], kreis=kreis)
        return Resolution("ambiguous", candidates=tuple(found), kreis=kreis)

    @staticmethod
    def _ngrams(words: list[str]) -> Iterable[tuple[int, int, str]]:
        for size in range(min(_MAX_NGRAM, len(words)), 0, -1):
            for start in range(0, len(words) - size + 1):
                yield start, start + size, " ".join(words[start : start + size])

    def _split_kreis(self, words: list[str]) -> tuple[str | None, list[str]]:
        """The Kreis named in the words, and the words without it.

        "Kreis Offenbach" names the Kreis, not the city, so its words must not
        be matched as a municipality afterwards (not even by the typo search).
        """
        for start, end, gram in self._ngrams(words):
            if gram in self._index.kreis_by_key:
                return self._index.kreis_by_key[gram], words[:start] + ["|"] + words[end:]
        return None, words

    def _whole_text_candidates(self, words: list[str]) -> set[str]:
        """A short reply that is a name, maybe with one typo ("Bad Soden-Salmnster").

        Checked before partial matches so that a typo in a long name does not make a
        shorter name inside it win ("Roteburg a. d. Fulda" is not Fulda).
        """
        whole = " ".join(words)
        if not whole or len(words) > _MAX_NGRAM:
            return set()
        if whole in self._index.by_key:
            return set(self._index.by_key[whole])
        return self._fuzzy_candidates([whole]) if len(words) > 1 else set()

    def _exact_candidates(self, words: list[str]) -> set[str]:
        """Longest name matches; several places in one text stay candidates."""
        taken = [False] * len(words)
        found: set[str] = set()
        for start, end, gram in self._ngrams(words):
            if any(taken[start:end]):
                continue
            ags = self._index.by_key.get(gram)
            if ags:
                found |= ags
                taken[start:end] = [True] * (end - start)
        return found

    def _find_outside(self, words: list[str]) -> tuple[str, str] | None:
        for _, _, gram in self._ngrams(words):
            if gram in self._outside:
                return self._outside[gram]
        return None

    def _postal_candidates(self, raw: str) -> set[str]:
        found: set[str] = set()
        for code in _POSTAL_CODE.findall(raw):
            found |= {m.ags for m in self._by_postal.get(code, [])}
        return found

    def _fuzzy_candidates(self, words: list[str]) -> set[str]:
        """One typo in a name of five letters or more ("Offenbch", "Marbrug")."""
        found: set[str] = set()
        for _, _, gram in self._ngrams(words[:40]):
            if len(gram) < _NO_FUZZY_BELOW or gram.count(" ") >= _MAX_NGRAM or "|" in gram:
                continue
            for length in (len(gram) - 1, len(gram), len(gram) + 1):
                for key in self._fuzzy_by_len.get(length, ()):
                    if _damerau_at_most_one(gram, key):
                        found |= self._index.by_key[key]
            if found:
                return found
        return found


def _read_csv(path: Path) -> list[Municipality]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Municipality(
                ags=row["ags"],
                ars=row["ars"],
                name=row["name"],
                short_name=row["name_kurz"],
                kreis=row["kreis"],
                regierungsbezirk=row["regierungsbezirk"],
                postal_codes=tuple(row["plz"].split()),
                typ=row["typ"],
                einwohner=int(row["einwohner"] or 0),
            )
            for row in csv.DictReader(handle)
        ]


@lru_cache(maxsize=1)
def load_municipalities() -> MunicipalityIndex:
    """The municipality index, read once from ``data/knowledge``."""
    outside = yaml.safe_load(OUTSIDE_HESSEN_YML.read_text(encoding="utf-8"))["orte"]
    return MunicipalityIndex(_read_csv(MUNICIPALITIES_CSV), outside)
