"""List ordinary German words that are one typo away from a municipality name.

Run by hand when the municipality list or its name variants change::

    python -m bot.tooling.ordinary_words

The place resolver forgives one typo in a name of five letters or more ("Offenbch"). Some
ordinary words are one edit from a name: "wie lange dauert das?" is not Langen, "das hilft
mir nicht weiter" is not Wetter, "Krankenkassen" no Kassel. This writes
``data/knowledge/keine_ortsnamen.yml``: every word form of the German lemma table of
``spacy-lookups-data`` (MIT licence) within one edit of a municipality key, except forms of
the name itself (the genitive "Kassels"). The resolver reads only the written file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from bot.knowledge.finder import full_lemma_table
from bot.knowledge.municipalities import (
    NO_FUZZY_BELOW,
    ORDINARY_WORDS_YML,
    damerau_at_most_one,
    load_municipalities,
    normalise,
)

# Hessian names that are also word forms: "Gieße" is how Gießen is said, far more often than
# the verb "gießen" is written to the assistant.
SPOKEN_NAMES = frozenset({"giesse"})


def ordinary_words() -> list[str]:
    """The sorted word forms (normalised) one edit from a municipality key."""
    index = load_municipalities()
    keys = index.fuzzy_keys()
    every_key = index.all_keys()
    words = {normalise(w) for w in full_lemma_table() if " " not in w and len(w) >= NO_FUZZY_BELOW - 1}
    found: set[str] = set()
    for word in words:
        if not word or word in every_key or word in SPOKEN_NAMES or " " in word:
            continue
        for key in (k for length in (len(word) - 1, len(word), len(word) + 1) for k in keys.get(length, ())):
            # "Kassels", "Fuldas": the genitive of a name is the place, not a word.
            if word in (f"{key}s", f"{key}es"):
                continue
            if damerau_at_most_one(word, key):
                found.add(word)
                break
    return sorted(found)


def write(path: Path = ORDINARY_WORDS_YML) -> int:
    """Write the list with its provenance; returns the number of words."""
    words = ordinary_words()
    header = (
        "# Ordinary German words one typo from a municipality name (bot/tooling/ordinary_words.py).\n"
        '# The resolver never reads them as a misspelt place inside a sentence: "wie lange" is not\n'
        '# Langen, "nicht weiter" not Wetter. Source: the German lemma table of spacy-lookups-data\n'
        "# (MIT licence, https://github.com/explosion/spacy-lookups-data).\n"
    )
    body = {"version": 1, "erzeugt": dt.date.today().isoformat(), "woerter": words}
    path.write_text(header + yaml.safe_dump(body, allow_unicode=True, width=100), encoding="utf-8")
    return len(words)


if __name__ == "__main__":
    print(f"{write()} words written to {ORDINARY_WORDS_YML}")
