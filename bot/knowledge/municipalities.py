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

Places people name that are not municipalities (issue 12):

- Districts: ``data/knowledge/ortsteile_hessen.yml`` lists the Stadtteile/Ortsbezirke of the
  kreisfreie Städte and Sonderstatusstädte ("Frankfurt-Höchst", "Mainz-Kastel", "Biebrich");
  the "Town-District" hyphen form works for every municipality ("Lich-Eberstadt").
- Namesakes outside Hessen (``orte_ausserhalb_hessen.yml``, ``namensvettern``): a qualified
  name ("Frankfurt (Oder)", "Weimar in Thüringen", "99423 Weimar") is outside Hessen; a bare
  name is asked back where the outside place is the better-known one ("Weimar").
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

from bot.knowledge.ags import is_hessian_ags
from bot.knowledge.sources import KNOWLEDGE_DIR
from bot.knowledge.text import edit_distance, normalise, normalise_plain, typo_limit

MUNICIPALITIES_CSV = KNOWLEDGE_DIR / "gemeinden_hessen.csv"
OUTSIDE_HESSEN_YML = KNOWLEDGE_DIR / "orte_ausserhalb_hessen.yml"
# Ordinary words one typo from a name ("lange" – Langen), written by bot/tooling/ordinary_words.py.
ORDINARY_WORDS_YML = KNOWLEDGE_DIR / "keine_ortsnamen.yml"
DISTRICTS_YML = KNOWLEDGE_DIR / "ortsteile_hessen.yml"

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
_ARS = re.compile(r"^\d{12}$")
# Words so common in questions that a one-letter typo must never turn them
# into a place ("ich" is one letter from "Lich", "haben" near "Haiger" ...).
NO_FUZZY_BELOW = 5
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

    ``district`` names the Stadtteil the text used ("Mainz-Kastel" for Wiesbaden).
    When ambiguous, ``districts`` maps a candidate's AGS to the district that made it a
    candidate ("Höchst" -> Frankfurt am Main), and ``outside_options`` lists places
    outside Hessen to offer as well (("Weimar (Thüringen)", "Thüringen"),).
    """

    status: Status
    municipality: Municipality | None = None
    candidates: tuple[Municipality, ...] = ()
    place: str | None = None
    land: str | None = None
    kreis: str | None = None
    district: str | None = None
    districts: tuple[tuple[str, str], ...] = ()
    outside_options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Namesake:
    """A place outside Hessen with the name of a Hessian municipality ("Weimar (Thüringen)")."""

    place: str
    land: str
    name: str
    hessian_ags: str
    ask: bool
    forms: tuple[str, ...]
    hessian_forms: tuple[str, ...]


@dataclass(frozen=True)
class District:
    """A Stadtteil/Ortsbezirk: its name, the AGS of its municipality, the names it goes by."""

    name: str
    ags: str
    names: tuple[str, ...]
    alone: bool


@dataclass
class _Index:
    by_key: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    kreis_by_key: dict[str, str] = field(default_factory=dict)


def _variants_of(m: Municipality, extra: Iterable[str] = ()) -> list[str]:
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
    forms.extend(extra)
    seen: dict[str, None] = {}
    for form in forms:
        if form and form not in seen:
            seen[form] = None
    return list(seen)


# Words that join a name to its river or region ("an der Lumda", "im Odenwald").
_CONNECTIVES = re.compile(r"\s+(?:an\s+der|an\s+dem|am|im|in\s+der|bei|ob\s+der)\s+", re.IGNORECASE)
# Hessian drops the n before a place name's last part and at its end: "Offebach",
# "Aschaffeburg", "Sachsehause". Tried only when the text as written finds nothing.
_DIALECT_N = (
    (
        re.compile(r"(?<=[a-zäöüß]{3})e(?=(?:hause|hausen|burg|bach|berg|heim|dorf|feld|stadt|tal)\b)", re.I),
        "en",
    ),
    (re.compile(r"(?<=[a-zäöüß]{2})hause\b", re.I), "hausen"),
)


def _kreis_variants(kreis: str) -> list[str]:
    """Forms of a Landkreis name: "Landkreis Fulda", "Kreis Fulda", "LK Fulda"."""
    forms = [kreis]
    core = re.sub(r"^(Landkreis|Kreis)\s+", "", kreis)
    if core != kreis:
        forms += [f"Landkreis {core}", f"Kreis {core}", f"LK {core}"]
    return list(dict.fromkeys(forms))


def _keys(text: str) -> set[str]:
    return {k for k in (normalise(text), normalise_plain(text)) if k}


def damerau_at_most_one(a: str, b: str) -> bool:
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


# Words that tie a district to its town: "Höchst in Frankfurt", "Kastel bei Wiesbaden".
_DISTRICT_JOINERS = ("{d} {v}", "{v} {d}", "{d} in {v}", "{d} bei {v}", "{d} von {v}", "{v} {d}")
# A hyphen compound "Town-District" ("Lich-Eberstadt"): the last word before the hyphen
# (plus up to two words before it, for "Bad Homburg-Kirdorf") and the word after it.
_HYPHEN_COMPOUND = re.compile(r"((?:[^\W\d_][\w.]*\s+){0,2}[^\W\d_][\w.]*)-([^\W\d_][\w]+)", re.UNICODE)
# Land names people add to a place ("Münster NRW"), for the namesakes' generated forms.
_LAND_ALIASES = {"Nordrhein-Westfalen": ("NRW",), "Rheinland-Pfalz": ("RLP",)}
_HESSEN_FORMS = ("{n} in Hessen", "{n} (Hessen)", "{n}/Hessen", "{n} Hessen")


def _light(text: str) -> str:
    """Lower case, umlauts dropped, spacing around "(", ")", "/", "." made uniform.

    Unlike :func:`normalise` this keeps the punctuation that tells "Frankfurt (Oder)"
    apart from "Frankfurt oder Offenbach?" (oder = "or").
    """
    light = " ".join(re.sub(r"[^\w()/.-]+", " ", text.lower()).split())
    light = light.replace("ß", "ss").replace("ä", "a").replace("ö", "o").replace("ü", "u")
    light = re.sub(r"\s*/\s*", "/", light)
    light = re.sub(r"\(\s*", "(", light)
    light = re.sub(r"\s*\)", ")", light)
    return re.sub(r"\.\s*", ". ", light).strip()


def _light_keys(text: str) -> set[str]:
    """The light key with umlauts dropped and with umlauts transliterated (ae, oe, ue)."""
    plain = _light(text)
    german = _light(text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue"))
    return {plain, german}


def _contains(haystack: str, needle: str) -> bool:
    return re.search(r"(?<![\w])" + re.escape(needle) + r"(?![\w])", haystack) is not None


def _covering_name(candidates: tuple[Municipality, ...]) -> Municipality | None:
    """The one candidate whose name holds every other candidate's name ("Rotenburg a. d. Fulda").

    "Eheurkunde Rotenburg Fulda" names Rotenburg and Fulda, but Fulda is the river in
    Rotenburg's full name: the citizen means Rotenburg an der Fulda.
    """
    words = {m.ags: set(normalise(m.label).split()) for m in candidates}
    covering = [
        m for m in candidates if all(words[o.ags] < words[m.ags] for o in candidates if o.ags != m.ags)
    ]
    return covering[0] if len(covering) == 1 else None


def _city_of_compound(text: str, candidates: Iterable[Municipality]) -> Municipality | None:
    """The city of a "city-district" compound whose district is another town's name.

    "in Maintal-Bischofsheim geboren": Bischofsheim is Maintal's district here, not the town in
    Kreis Groß-Gerau; the compound names the city first, like "Frankfurt-Höchst".
    """
    towns = list(candidates)
    # "Darmstadt-Dieburg" is the Kreis, not Darmstadt's district Dieburg.
    kreise = " | ".join(normalise(town.kreis) for town in towns)
    for city in towns:
        for district in towns:
            if normalise(f"{city.short_name} {district.short_name}") in kreise:
                continue
            if city is not district and re.search(
                rf"(?<!\w){re.escape(city.short_name)}\s*-\s*{re.escape(district.short_name)}(?!\w)",
                text,
                re.IGNORECASE,
            ):
                return city
    return None


def _said_any(qualifiers: set[str], said: set[str]) -> bool:
    """Whether one of ``qualifiers`` is among the ``said`` words, exactly or with a typo."""
    return any(
        q in said or any(edit_distance(q, w, typo_limit(q)) <= typo_limit(q) for w in said)
        for q in qualifiers
    )


class MunicipalityIndex:
    """All municipalities with lookups by key, name variant and postal code."""

    def __init__(
        self,
        municipalities: Iterable[Municipality],
        outside: dict[str, str],
        namesakes: Iterable[Namesake] = (),
        districts: Iterable[District] = (),
    ):
        self._all = tuple(municipalities)
        self._by_ags = {m.ags: m for m in self._all}
        self._by_ars = {m.ars: m for m in self._all}
        self._by_postal: dict[str, list[Municipality]] = defaultdict(list)
        self._namesakes = tuple(namesakes)
        self._extra_forms: dict[str, list[str]] = defaultdict(list)
        for ns in self._namesakes:
            self._extra_forms[ns.hessian_ags].extend(ns.hessian_forms)
        self._index = _Index()
        # Keys of the official and short names: these always mean the municipality, even
        # when a district elsewhere has the same name ("Griesheim").
        self._full_name_keys: set[str] = set()
        for m in self._all:
            for code in m.postal_codes:
                self._by_postal[code].append(m)
            for form in self.name_variants(m):
                for key in _keys(form):
                    self._index.by_key[key].add(m.ags)
            for form in (m.short_name, m.name.split(",")[0].strip()):
                self._full_name_keys |= _keys(form)
        for kreis in self.kreise():
            for form in _kreis_variants(kreis):
                for key in _keys(form):
                    self._index.kreis_by_key[key] = kreis
        self._outside = {key: (place, land) for place, land in outside.items() for key in _keys(place)}
        # Grouped by length: a one-edit neighbour differs in length by at most one.
        self._fuzzy_by_len: dict[int, list[str]] = defaultdict(list)
        for key in self._index.by_key:
            if len(key) >= NO_FUZZY_BELOW:
                self._fuzzy_by_len[len(key)].append(key)
        self._districts = tuple(districts)
        self._district_keys: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for district in self._districts:
            for form in self.district_forms(district):
                for key in _keys(form):
                    self._district_keys[key].add((district.ags, district.name))
        self._namesake_forms: list[tuple[str, Namesake]] = sorted(
            (
                (key, ns)
                for ns in self._namesakes
                for form in self.namesake_forms(ns)
                for key in _light_keys(form)
            ),
            key=lambda item: -len(item[0]),
        )

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
        return _variants_of(m, self._extra_forms.get(m.ags, ()))

    def kreis_variants(self, kreis: str) -> list[str]:
        """Forms of a Landkreis name to recognise in text."""
        return _kreis_variants(kreis)

    def districts(self) -> tuple[District, ...]:
        """The listed Stadtteile/Ortsbezirke (ortsteile_hessen.yml)."""
        return self._districts

    def namesakes(self) -> tuple[Namesake, ...]:
        """Places outside Hessen named like a Hessian municipality."""
        return self._namesakes

    def district_forms(self, district: District) -> list[str]:
        """Ways to write a district: "Frankfurt-Höchst", "Höchst in Frankfurt", "Höchst".

        The bare name only for districts that may stand alone (``District.alone``).
        """
        town = self._by_ags[district.ags]
        towns = [v for v in self.name_variants(town) if "," not in v]
        forms: list[str] = []
        for name in district.names:
            if district.alone:
                forms.append(name)
            forms.extend(f"{v}-{name}" for v in towns)
            forms.extend(joiner.format(d=name, v=v) for v in towns for joiner in _DISTRICT_JOINERS)
        return list(dict.fromkeys(forms))

    def namesake_forms(self, ns: Namesake) -> list[str]:
        """Ways to write the outside namesake: its forms plus "<name> in <Land>" and the like."""
        lands = (ns.land, *_LAND_ALIASES.get(ns.land, ()))
        generated = [
            form.format(n=ns.name, land=land)
            for land in lands
            for form in ("{n} in {land}", "{n} ({land})", "{n}/{land}", "{n} {land}")
        ]
        return list(dict.fromkeys([*ns.forms, ns.place, *generated]))

    # --- resolution ------------------------------------------------------------
    def resolve(self, text: str) -> Resolution:
        """Find the municipality a citizen means in ``text``.

        A name with its river or region in words ("Allendorf an der Lumda", "Lautertal im
        Odenwald") is tried again without the connecting words, and taken only if that
        finds exactly one municipality. A name in Hessian dialect ("Sachsehause") is tried
        again with its dropped n.
        """
        result = self._resolve(text)
        if result.status in ("ambiguous", "unknown"):
            simpler = _CONNECTIVES.sub(" ", text or "")
            if simpler != (text or ""):
                retry = self._resolve(simpler)
                if retry.status == "found":
                    return retry
        if result.status == "unknown":
            spoken = text or ""
            for pattern, replacement in _DIALECT_N:
                spoken = pattern.sub(replacement, spoken)
            if spoken != (text or ""):
                retry = self._resolve(spoken)
                if retry.status in ("found", "ambiguous", "outside_hessen"):
                    return retry
        if result.status == "ambiguous" and len(result.candidates) == 2:
            city = _city_of_compound(text or "", result.candidates)
            if city is not None:
                return Resolution("found", city, kreis=result.kreis)
        if (
            result.status == "ambiguous"
            and len(result.candidates) > 1
            and not (result.districts or result.outside_options)
        ):
            covering = _covering_name(result.candidates)
            if covering is not None:
                return Resolution("found", covering, kreis=result.kreis)
        return result

    def _resolve(self, text: str) -> Resolution:
        """Find the municipality a citizen means in ``text`` (one attempt).

        Understands 8-digit AGS and 12-digit ARS (button payloads), postal
        codes, official and short names in any case, without umlauts, a name
        with its Kreis ("Homberg im Schwalm-Eder-Kreis"), one typo in names of
        five letters or more, big cities outside Hessen, districts
        ("Frankfurt-Höchst", "Mainz-Kastel", "Lich-Eberstadt") and namesakes outside
        Hessen ("Frankfurt (Oder)"; a bare "Weimar" is asked back).
        """
        raw = (text or "").strip()
        if not raw:
            return Resolution("unknown")
        if is_hessian_ags(raw) and raw in self._by_ags:
            return Resolution("found", self._by_ags[raw])
        if _ARS.match(raw) and raw in self._by_ars:
            return Resolution("found", self._by_ars[raw])

        namesake = self._qualified_namesake(raw)
        if namesake:
            return Resolution("outside_hessen", place=namesake.place, land=namesake.land)

        kreis, words = self._split_kreis(normalise(raw).split())
        plain_kreis, plain_words = self._split_kreis(normalise_plain(raw).split())
        kreis = kreis or plain_kreis

        whole = " ".join(words)
        if whole in self._full_name_keys or " ".join(plain_words) in self._full_name_keys:
            # An official or short name as the whole answer: the municipality, always.
            return self._with_namesake(
                raw,
                self._decide(
                    set(
                        self._index.by_key.get(whole) or self._index.by_key.get(" ".join(plain_words), set())
                    ),
                    kreis,
                ),
            )

        candidates = self._whole_text_candidates(words) or self._whole_text_candidates(plain_words)
        # A typo in a hyphenated name ("Bad Soden-Samünster") is that name, not a district.
        hyphen = None if candidates else self._hyphen_compound(raw)
        if hyphen:
            return self._with_namesake(raw, hyphen)
        district = self._district_match(words) or self._district_match(plain_words)
        if not candidates:
            candidates = self._exact_candidates(words) or self._exact_candidates(plain_words)
        # A district written alone ("Bad Soden", a core of Bad Soden-Salmünster), not with its town.
        bare = district is not None and district[2] in {key for _, name in district[1] for key in _keys(name)}
        if (
            district
            and (district[0] == 1 or bare)
            and (
                district[2] in self._full_name_keys
                or district[0] < max(self._longest_name_match(words), self._longest_name_match(plain_words))
            )
        ):
            # "Griesheim" in a sentence is still the town Griesheim; "Höchst im Odenwald"
            # and "Bad Sooden-Allendorf" are longer names than the district inside them.
            district = None
        if district:
            size, hits, form = district
            if bare and size > 1:
                # A district of two words written alone may be a short form of a municipality too:
                # "Bad Soden" (Bad Soden-Salmünster, Bad Soden am Taunus) is asked, as one word is.
                # Only that name counts: "Bad Sooden" is no typo of Bad Soden, "Mainz-Amöneburg" no
                # Amöneburg.
                candidates = set(self._index.by_key.get(form, ()))
            if not candidates or (size > 1 and not bare):
                return self._district_resolution(hits, kreis)
            # A bare district that is also a short form of a municipality ("Höchst"): ask.
            extra = {ags for ags, _ in hits}
            result = self._decide(candidates | extra, kreis)
            if result.status == "ambiguous":
                named = tuple((ags, name) for ags, name in sorted(hits) if ags not in candidates)
                return Resolution("ambiguous", candidates=result.candidates, kreis=kreis, districts=named)
            return result
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
        return self._with_namesake(raw, self._decide(candidates, kreis))

    def qualified(self, name: str, text: str) -> Municipality | None:
        """The one candidate of an ambiguous ``name`` that the rest of ``text`` qualifies.

        "Mei Mudder is in Bad Soden gestorbe, die im Taunus": Bad Soden am Taunus; "Homberg, das
        an der Efze": Homberg (Efze); "frankfrut höchst": Frankfurt's district Höchst. A qualifier
        is a word of four letters or more of the candidate's name or Kreis that ``name`` itself
        does not have, said as it is or with a typo (:func:`typo_limit`); it counts only when it
        fits exactly one candidate.
        """
        result = self.resolve(name)
        if result.status != "ambiguous":
            return None
        said = set(normalise(text).split()) - set(normalise(name).split())
        words = {
            m.ags: {w for w in normalise(f"{m.short_name} {m.kreis}").split() if len(w) >= 4}
            for m in result.candidates
        }
        fitting = [
            m
            for m in result.candidates
            # Only words the other candidates lack: "Main" is in Main-Taunus- and Main-Kinzig-Kreis.
            if _said_any(words[m.ags] - set().union(*(w for a, w in words.items() if a != m.ags)), said)
        ]
        return fitting[0] if len(fitting) == 1 else None

    def _decide(self, ags_set: set[str], kreis: str | None) -> Resolution:
        found = sorted((self._by_ags[a] for a in ags_set), key=lambda m: -m.einwohner)
        if kreis and len(found) > 1:
            found = [m for m in found if m.kreis == kreis] or found
        if not found:
            return Resolution("unknown", kreis=kreis)
        if len(found) == 1:
            return Resolution("found", found[0], kreis=kreis)
        return Resolution("ambiguous", candidates=tuple(found), kreis=kreis)

    # --- districts ---------------------------------------------------------------
    def _district_match(self, words: list[str]) -> tuple[int, set[tuple[str, str]], str] | None:
        """The longest district form in the words: (number of words, hits, the form)."""
        for start, end, gram in self._ngrams(words):
            hits = self._district_keys.get(gram)
            if hits:
                return end - start, hits, gram
        return None

    def _longest_name_match(self, words: list[str]) -> int:
        """Number of words of the longest municipality name in the words (0 if none)."""
        for start, end, gram in self._ngrams(words):
            if gram in self._index.by_key:
                return end - start
        return 0

    def _district_resolution(self, hits: set[tuple[str, str]], kreis: str | None) -> Resolution:
        towns = {ags for ags, _ in hits}
        if len(towns) == 1:
            ags = next(iter(towns))
            names = sorted(name for _, name in hits)
            return Resolution("found", self._by_ags[ags], kreis=kreis, district=names[0])
        result = self._decide(towns, kreis)
        return Resolution(
            result.status, result.municipality, result.candidates, kreis=kreis, districts=tuple(sorted(hits))
        )

    def _hyphen_compound(self, raw: str) -> Resolution | None:
        """ "Town-District" for any Hessian town: "Lich-Eberstadt" is Lich.

        Not when the compound is itself a municipality ("Mörfelden-Walldorf", "Bad
        Soden-Salmünster"), a Kreis ("Darmstadt-Dieburg"), a listed district
        ("Mainz-Kastel"), or when the second part is a municipality.
        """
        for match in _HYPHEN_COMPOUND.finditer(raw):
            before, after = match.group(1).split(), match.group(2)
            after_key = normalise(after)
            if after_key in self._index.by_key or normalise_plain(after) in self._index.by_key:
                continue
            for size in range(len(before), 0, -1):
                town = " ".join(before[-size:])
                compound = normalise(f"{town} {after}")
                if (
                    compound in self._index.by_key
                    or compound in self._index.kreis_by_key
                    or compound in self._district_keys
                    or any(key.startswith(compound + " ") for key in self._index.kreis_by_key)
                ):
                    break
                ags = self._index.by_key.get(normalise(town)) or self._index.by_key.get(normalise_plain(town))
                if ags:
                    result = self._decide(set(ags), None)
                    if result.status == "found":
                        return Resolution("found", result.municipality, district=after)
                    return result
        return None

    # --- namesakes outside Hessen -----------------------------------------------------
    def _qualified_namesake(self, raw: str) -> Namesake | None:
        """A namesake the text names with its suffix, river or Land ("Frankfurt (Oder)")."""
        keys = _light_keys(raw)
        for key, ns in self._namesake_forms:
            if any(_contains(k, key) for k in keys):
                return ns
        return None

    def _with_namesake(self, raw: str, result: Resolution) -> Resolution:
        """A Hessian result for a name that a place outside Hessen has too.

        A postal code of no Hessian municipality means the outside place; a bare name
        whose outside namesake is the better-known place is asked back (``fragen``).
        """
        m = result.municipality
        if result.status != "found" or m is None or result.district:
            return result
        namesakes = [ns for ns in self._namesakes if ns.hessian_ags == m.ags]
        if not namesakes:
            return result
        codes = _POSTAL_CODE.findall(raw)
        if codes:
            if any(code in m.postal_codes for code in codes):
                return result
            if all(code not in self._by_postal for code in codes):
                ns = namesakes[0]
                return Resolution("outside_hessen", place=ns.place, land=ns.land)
        asked = [ns for ns in namesakes if ns.ask]
        if not asked or result.kreis:
            return result
        keys = _light_keys(raw)
        bare = _light_keys(asked[0].name)
        hessian_forms = [
            key for form in self.name_variants(m) for key in _light_keys(form) if key not in bare
        ]
        if any(_contains(k, form) for k in keys for form in hessian_forms):
            return result  # "Weimar (Lahn)", "Münster bei Dieburg"
        return Resolution(
            "ambiguous", candidates=(m,), outside_options=tuple((ns.place, ns.land) for ns in asked)
        )

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

    def fuzzy_keys(self) -> dict[int, list[str]]:
        """The keys a typo may reach, by length."""
        return self._fuzzy_by_len

    def all_keys(self) -> set[str]:
        """Every key of a municipality name variant."""
        return set(self._index.by_key)

    def _fuzzy_candidates(self, words: list[str]) -> set[str]:
        """One typo in a name of five letters or more ("Offenbch", "Marbrug").

        Not for an ordinary word inside a sentence ("wie lange dauert das?" is not Langen); a
        word alone is the answer to "where?" ("Schoten" is Schotten).
        """
        found: set[str] = set()
        ordinary = ordinary_words() if len(words) > 1 else frozenset()
        for _, _, gram in self._ngrams(words[:40]):
            if len(gram) < NO_FUZZY_BELOW or gram.count(" ") >= _MAX_NGRAM or "|" in gram:
                continue
            if gram in ordinary:
                continue
            for length in (len(gram) - 1, len(gram), len(gram) + 1):
                for key in self._fuzzy_by_len.get(length, ()):
                    if damerau_at_most_one(gram, key):
                        found |= self._index.by_key[key]
            if found:
                return found
        return found


@lru_cache(maxsize=1)
def ordinary_words(path: Path = ORDINARY_WORDS_YML) -> frozenset[str]:
    """Normalised ordinary words that are one typo from a municipality name."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return frozenset(data["woerter"])


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


def _read_namesakes(data: dict) -> list[Namesake]:
    return [
        Namesake(
            place=entry["ort"],
            land=entry["land"],
            name=entry["name"],
            hessian_ags=entry["hessisch"],
            ask=bool(entry["fragen"]),
            forms=tuple(entry.get("formen") or ()),
            hessian_forms=tuple(form.format(n=entry["name"]) for form in _HESSEN_FORMS)
            + tuple(entry.get("hessisch_formen") or ()),
        )
        for entry in data.get("namensvettern") or []
    ]


def read_districts(path: Path = DISTRICTS_YML) -> list[District]:
    """The districts of ortsteile_hessen.yml; a name used in two towns never stands alone."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    towns_by_name: dict[str, set[str]] = defaultdict(set)
    raw: list[tuple[str, str, list[str], bool]] = []
    for town in data["staedte"].values():
        ags = str(town["ags"])
        aliases: dict[str, str] = town.get("aliase") or {}
        for names, alone in ((town.get("stadtteile") or [], True), (town.get("nur_mit_stadt") or [], False)):
            for name in names:
                all_names = [name, *(alias for alias, target in aliases.items() if target == name)]
                raw.append((name, ags, all_names, alone))
                for n in all_names:
                    towns_by_name[normalise(n)].add(ags)
    return [
        District(
            name=name,
            ags=ags,
            names=tuple(names),
            alone=alone and all(len(towns_by_name[normalise(n)]) == 1 for n in names),
        )
        for name, ags, names, alone in raw
    ]


@lru_cache(maxsize=1)
def load_municipalities() -> MunicipalityIndex:
    """The municipality index, read once from ``data/knowledge``."""
    data = yaml.safe_load(OUTSIDE_HESSEN_YML.read_text(encoding="utf-8"))
    return MunicipalityIndex(
        _read_csv(MUNICIPALITIES_CSV),
        {**data["orte"], **data.get("grenznahe_orte", {})},
        _read_namesakes(data),
        read_districts(),
    )
