"""The languages the assistant answers in (data/knowledge/sprachen.yml; issue 16).

German is the default. Each further language brings its marker words (read by
bot/nlp/language.py to tell the language of a message) and, elsewhere, its texts: a variant
named by its code in actions/antworten.yml, domain responses with the condition
``sprache: <code>``, fields ``<field>_<code>`` in leistungen.yml and lebenslagen.yml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.knowledge.sources import KNOWLEDGE_DIR, KnowledgeError, read_yaml

SPRACHEN_PATH = KNOWLEDGE_DIR / "sprachen.yml"


@dataclass(frozen=True)
class Sprachen:
    """The default language and the marker words of every language, by code."""

    standard: str
    woerter: dict[str, frozenset[str]]
    # Languages recognised but not answered in ("erkannt"), with their marker words.
    erkannt: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def codes(self) -> tuple[str, ...]:
        """Every language, the default included, in file order."""
        return tuple(self.woerter)

    @property
    def foreign(self) -> tuple[str, ...]:
        """Every language but the default, in file order."""
        return tuple(code for code in self.woerter if code != self.standard)


@lru_cache(maxsize=1)
def load_sprachen(path: Path = SPRACHEN_PATH) -> Sprachen:
    """The languages of ``path`` (cached; the file is read once per process)."""
    data = read_yaml(path)
    woerter = {
        str(entry["code"]): frozenset(str(w).casefold() for w in entry["woerter"])
        for entry in data["sprachen"]
    }
    standard = str(data["standard"])
    if standard not in woerter:
        raise KnowledgeError(f"{path}: standard language {standard!r} is not listed")
    erkannt = {
        str(entry["code"]): frozenset(str(w).casefold() for w in entry["woerter"])
        for entry in data.get("erkannt") or ()
    }
    return Sprachen(standard=standard, woerter=woerter, erkannt=erkannt)
