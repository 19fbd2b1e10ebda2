"""Build the German spaCy pipeline that Rasa's ``SpacyNLP`` loads by path.

No German spaCy model can be downloaded here, and the NLU needs only three
things from spaCy: German tokenisation, lemmas (so "Urkunden" and "Urkunde"
share features) and reliable place names. So the pipeline is assembled from
code: ``spacy.blank("de")`` + the lookup lemmatizer whose tables ship in
``spacy-lookups-data`` + an entity ruler whose patterns are every name variant
of the 422 Hessian municipalities and of big cities elsewhere (label ``gemeinde``)
and the 21 Landkreise (label ``kreis``). The ruler matches on ``LOWER``, so case does not matter, and
gets umlaut-free copies of each name ("Ruesselsheim", "Russelsheim").

Places that are not municipality names are tagged ``gemeinde`` too, so the NLU passes them
to the actions: the listed districts ("Frankfurt-Höchst", "Höchst in Frankfurt", "Biebrich",
"Mainz-Kastel"), the "Town-District" hyphen form of every municipality ("Lich-Eberstadt",
one token for spaCy's German tokenizer, matched by one regular expression per first word)
and namesakes outside Hessen ("Frankfurt (Oder)", id ``extern``).

Run ``python -m bot.nlp [OUTPUT_DIR]`` (``make nlp``); the output folder is
git-ignored and rebuilt by make whenever the data or this code changes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from bot.knowledge.municipalities import MunicipalityIndex, load_municipalities

DEFAULT_OUTPUT = Path(__file__).resolve().parents[2] / "build" / "spacy_de"
GEMEINDE_LABEL = "gemeinde"
KREIS_LABEL = "kreis"

_GERMAN_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
_PLAIN_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U", "ß": "ss"})


def spellings(name: str) -> set[str]:
    """The ways a name is typed: as written, without umlauts, hyphen as space."""
    # "ß" alone becomes "ss" too: that is what upper case does ("GROSSENLÜDER").
    forms = {name, name.replace("ß", "ss"), name.translate(_GERMAN_FOLD), name.translate(_PLAIN_FOLD)}
    forms |= {f.replace("-", " ") for f in forms if "-" in f}
    return forms


def _hyphen_patterns(index: MunicipalityIndex, taken: set[str]) -> list[dict[str, Any]]:
    """Token patterns for "Town-District" ("Lich-Eberstadt" is one token in German spaCy).

    One regular expression on the lower-cased token for all one-word names, one more per
    first word of longer names ("Bad Homburg-Kirdorf": "bad" exactly, then a regex), so
    the ruler stays small and loads fast. The part after the hyphen must not be a
    municipality itself ("Darmstadt-Dieburg" names two places or a Kreis). The id is
    "bindestrich": the resolver decides which town the text means.
    """
    municipality_words = sorted(
        {form.lower() for form in taken if " " not in form and "-" not in form}, key=len, reverse=True
    )
    not_a_town = "(?!(?:" + "|".join(re.escape(w) for w in municipality_words) + ")$)"
    by_prefix: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for m in index.municipalities():
        for variant in index.name_variants(m):
            for form in spellings(variant):
                words = form.lower().split()
                if not words or any(ch in form for ch in "(),/") or "-" in words[-1]:
                    continue
                by_prefix[tuple(words[:-1])].add(words[-1])
    patterns: list[dict[str, Any]] = []
    for prefix, lasts in sorted(by_prefix.items()):
        towns = "|".join(re.escape(last) for last in sorted(lasts, key=len, reverse=True))
        regex = "^(?:" + towns + ")-" + not_a_town + r"[^\W\d_][\w-]*$"
        tokens: list[dict[str, Any]] = [{"LOWER": word} for word in prefix]
        tokens.append({"LOWER": {"REGEX": regex}})
        patterns.append({"label": GEMEINDE_LABEL, "pattern": tokens, "id": "bindestrich"})
    return patterns


def entity_patterns(index: MunicipalityIndex) -> list[dict[str, Any]]:
    """Entity-ruler patterns: one per spelling, the AGS (or AGS list) as id."""
    ags_by_form: dict[str, set[str]] = defaultdict(set)
    for m in index.municipalities():
        for variant in index.name_variants(m):
            for form in spellings(variant):
                ags_by_form[form].add(m.ags)
    municipality_forms = set(ags_by_form)
    # Districts: "Frankfurt-Höchst", "Höchst in Frankfurt", "Biebrich" -> their town.
    for district in index.districts():
        for variant in index.district_forms(district):
            for form in spellings(variant):
                ags_by_form[form].add(district.ags)
    patterns: list[dict[str, Any]] = [
        {"label": GEMEINDE_LABEL, "pattern": form, "id": "|".join(sorted(ags))}
        for form, ags in sorted(ags_by_form.items())
    ]
    patterns += _hyphen_patterns(index, municipality_forms)
    # Places outside Hessen are tagged too, so the assistant can say "that is not in
    # Hessen" instead of asking again; their id is "extern". Namesakes ("Frankfurt
    # (Oder)") are longer than the Hessian name inside them, so the ruler prefers them.
    outside = set(index.outside_places())
    for namesake in index.namesakes():
        outside |= set(index.namesake_forms(namesake))
    for place in sorted(outside):
        # No hyphen-as-space copies here: "Frankfurt-Oder" must not become "Frankfurt oder".
        for form in sorted(f for f in spellings(place) if f.count(" ") == place.count(" ")):
            if form not in ags_by_form:
                patterns.append({"label": GEMEINDE_LABEL, "pattern": form, "id": "extern"})
    for kreis in index.kreise():
        for variant in index.kreis_variants(kreis):
            for form in sorted(spellings(variant)):
                patterns.append({"label": KREIS_LABEL, "pattern": form, "id": kreis})
    return patterns


def build_pipeline(index: MunicipalityIndex | None = None) -> Language:
    """Assemble the German pipeline in memory (tokenizer, lemmatizer, entity ruler)."""
    nlp = spacy.blank("de")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True})
    # initialize() loads the lemma tables from spacy-lookups-data; to_disk() then
    # stores them inside the pipeline, so loading needs no lookups package.
    nlp.initialize()
    ruler.add_patterns(entity_patterns(index or load_municipalities()))  # type: ignore[attr-defined]
    nlp.meta["name"] = "hessen_de"
    nlp.meta["description"] = "spacy.blank('de') + lookup lemmatizer + Hessian place names"
    return nlp


def main(argv: list[str]) -> int:
    """Build the pipeline and save it to ``argv[0]`` (default ``build/spacy_de``)."""
    output = Path(argv[0]) if argv else DEFAULT_OUTPUT
    nlp = build_pipeline()
    output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    patterns = len(nlp.get_pipe("entity_ruler").patterns)  # type: ignore[attr-defined]
    print(f"spaCy pipeline with {patterns} place patterns written to {output}")
    return 0
