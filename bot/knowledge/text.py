"""Text normalisation shared by every free-text matcher of the bot.

Citizens type place and service names in many spellings: with or without
umlauts ("Rüsselsheim", "Ruesselsheim", "Russelsheim"), in any case, with
hyphens, commas or doubled spaces. Matchers compare *normalised* keys so
that these variants meet. All functions here are pure (no I/O, no state).

- :func:`normalise` is the canonical key: German transliteration
  (ä→ae, ö→oe, ü→ue, ß→ss).
- :func:`normalise_plain` is the "plain letter" key (ä→a, ö→o, ü→u, ß→ss)
  for people whose keyboard has no umlauts and who just drop the dots.
- :func:`variants` returns both keys; two texts match if their variant
  sets intersect.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["edit_distance", "normalise", "normalise_plain", "variants"]

# Transliteration used by German officialdom (e.g. in e-mail addresses).
_GERMAN_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# What people write when they simply leave out the umlaut dots.
_PLAIN_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
# Apostrophes vanish instead of splitting a word ("geht's" -> "gehts").
_APOSTROPHES = re.compile(r"['’`´]")
# Everything that is not a letter or digit separates words.
_NON_WORD = re.compile(r"[^0-9a-z]+")


def _fold(text: str, table: dict[int, str]) -> str:
    # NFC first so that a decomposed "u + combining diaeresis" becomes "ü"
    # and is transliterated like a precomposed one.
    lowered = unicodedata.normalize("NFC", text).lower()
    folded = lowered.translate(table)
    # Remaining accents (é, ç, ł is left alone) are stripped to their base letter.
    decomposed = unicodedata.normalize("NFKD", folded)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_only = _APOSTROPHES.sub("", ascii_only)
    return _NON_WORD.sub(" ", ascii_only).strip()


def normalise(text: str) -> str:
    """Return the canonical matching key of ``text``.

    Lower-cases, transliterates German umlauts (ä→ae, ö→oe, ü→ue, ß→ss),
    strips other accents, removes apostrophes and turns any run of
    punctuation or whitespace into a single space.

    >>> normalise("  Frankfurt am Main, Stadt ")
    'frankfurt am main stadt'
    >>> normalise("Mörfelden-Walldorf")
    'moerfelden walldorf'
    """
    return _fold(text, _GERMAN_FOLD)


def normalise_plain(text: str) -> str:
    """Return the "plain letter" key of ``text`` (ä→a, ö→o, ü→u, ß→ss).

    Same as :func:`normalise` otherwise.

    >>> normalise_plain("Rüsselsheim am Main")
    'russelsheim am main'
    """
    return _fold(text, _PLAIN_FOLD)


def variants(text: str) -> tuple[str, ...]:
    """Return the distinct keys of ``text``: canonical first, then plain.

    Both sides of a comparison should be expanded; a match is any common key.

    >>> variants("Büdingen")
    ('buedingen', 'budingen')
    >>> variants("Kassel")
    ('kassel',)
    """
    canonical = normalise(text)
    plain = normalise_plain(text)
    return (canonical,) if plain == canonical else (canonical, plain)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edit distance with transpositions (optimal string alignment), cut off above ``limit``.

    Typos in long words ("Gebrutsurkunde", "persoanlausweis") are one or two such edits;
    the cut-off keeps a lookup over a few hundred keywords cheap.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before_previous, previous = previous, current
    return previous[-1]


def typo_limit(word: str) -> int:
    """How many edits a typo in ``word`` may have: none below 7 letters, one up to 11, else two."""
    return 0 if len(word) < 7 else 1 if len(word) < 12 else 2
