"""Which of the assistant's languages a citizen's message is written in (issue 16).

Pure and deterministic: each language of data/knowledge/sprachen.yml lists frequent words
the others (almost) never use; the language with clearly more of its words in the message
wins. A message without such words ("Kassel", "Wohngeld", "ok") has no language of its own
and keeps the conversation's one, so a place name or a German service name inside an English
conversation stays English. Why not a statistical identifier: none ships offline with Rasa,
and the citizen's messages are short, full of German names in English sentences, where
character statistics mislead and a word list is both right and explainable.
"""

from __future__ import annotations

import re

from bot.knowledge.dialekt import load_dialekt
from bot.knowledge.languages import Sprachen, load_sprachen

# Texts are cut before counting: a 10 kB paste must not cost time, and its opening decides.
_MAX_CHARS = 2000
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_GERMAN = "de"


def detect(text: str, sprachen: Sprachen | None = None) -> str | None:
    """The code of the language ``text`` is written in, or None when its words do not tell.

    One marker word is enough when no other language has any ("birth certificate Kassel");
    otherwise the winner needs more than the runner-up ("Ich bin in Kassel born" stays open
    only when both count the same).
    """
    sprachen = sprachen or load_sprachen()
    words = _WORD.findall(text[:_MAX_CHARS].casefold())
    if not words:
        return None
    # In a message with Hessian words ("unn mei alt Servicekonto, was is do demit?"), the
    # Hessian words that are also another language's markers ("is", "do") tell nothing for it.
    dialect = load_dialekt()
    foreign = frozenset().union(*(m for code, m in sprachen.woerter.items() if code != _GERMAN))
    hessian = frozenset(dialect) if any(w in dialect and w not in foreign for w in words) else frozenset()
    counts = sorted(
        (
            (sum(1 for w in words if w in markers and (code == _GERMAN or w not in hessian)), code)
            for code, markers in sprachen.woerter.items()
        ),
        reverse=True,
    )
    best, code = counts[0]
    runner_up = counts[1][0] if len(counts) > 1 else 0
    if best == 0 or best == runner_up:
        return None
    return code


# Letters of the Latin script (with accents); a message mostly in other letters (Cyrillic,
# Arabic, Greek, …) is in a language the assistant does not answer in.
_LATIN = re.compile(r"[a-zà-ɏ]", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_MIN_FOREIGN_WORDS = 2


def other_language(text: str, sprachen: Sprachen | None = None) -> bool:
    """Whether ``text`` is written in a language the assistant recognises but does not answer in.

    "Je cherche l'état civil de Darmstadt" (two French words, none German or English),
    "Где получить свидетельство о рождении?" (Cyrillic letters).
    """
    sprachen = sprachen or load_sprachen()
    cut = text[:_MAX_CHARS]
    letters = _LETTER.findall(cut)
    if len(letters) >= 3 and sum(1 for c in letters if _LATIN.match(c)) < len(letters) / 2:
        return True
    words = _WORD.findall(cut.casefold())
    answered = max((sum(1 for w in words if w in m) for m in sprachen.woerter.values()), default=0)
    other = max((sum(1 for w in words if w in m) for m in sprachen.erkannt.values()), default=0)
    return other >= _MIN_FOREIGN_WORDS and other > answered
