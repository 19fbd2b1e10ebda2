"""Hessian dialect spellings read as standard German (data/knowledge/dialekt.yml; issue 11).

The keyword lists of the detailed services and the national catalogue are standard German;
"Isch will aus de Kersch austrede" should find the Kirchenaustritt all the same. The
matchers look at the original text *and* at its standard reading, so a listed word that
happens to be meant literally ("de" in a French name) costs nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from bot.knowledge.sources import KNOWLEDGE_DIR, KnowledgeError, read_yaml

DIALEKT_PATH = KNOWLEDGE_DIR / "dialekt.yml"
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=1)
def load_dialekt(path: Path = DIALEKT_PATH) -> dict[str, str]:
    """Dialect word → standard word, both lower case (cached)."""
    data = read_yaml(path)
    words = data.get("woerter")
    if not isinstance(words, dict) or not words:
        raise KnowledgeError(f"{path}: 'woerter' must map dialect words to standard words")
    return {str(k).casefold(): str(v).casefold() for k, v in words.items()}


def standardise(text: str) -> str:
    """``text`` with every listed dialect word replaced by its standard word.

    >>> standardise("Isch will aus de Kersch austrede")
    'ich will aus der kirche austreten'
    """
    words = load_dialekt()
    return _WORD.sub(lambda m: words.get(m.group(0).casefold(), m.group(0)), text)
