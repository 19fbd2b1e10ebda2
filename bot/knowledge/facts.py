"""Sourced facts for FAQ answers (data/knowledge/fakten.yml)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from bot.knowledge.sources import (
    KNOWLEDGE_DIR,
    KnowledgeError,
    load_source_titles,
    read_yaml,
)
from bot.knowledge.stand import StandError, parse_stand, stand_label

__all__ = ["Fact", "KnowledgeError", "fact", "load_facts", "parse_facts", "stand_of"]

FACTS_PATH = KNOWLEDGE_DIR / "fakten.yml"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Fact:
    """One short, sourced statement in German."""

    id: str
    text: str
    sources: tuple[str, ...]
    # Date the source was published or read (YYYY-MM-DD, YYYY-MM or YYYY); never missing.
    stand: str
    uncertain: bool


def parse_facts(path: Path, quellen_path: Path | None = None) -> Mapping[str, Fact]:
    """Parse and validate a facts file (uncached; see :func:`load_facts`)."""
    titles = load_source_titles(quellen_path)
    entries = read_yaml(path).get("fakten")
    if not isinstance(entries, list) or not entries:
        raise KnowledgeError(f"{path}: 'fakten' must be a non-empty list")
    facts: dict[str, Fact] = {}
    for raw in entries:
        if not isinstance(raw, dict):
            raise KnowledgeError(f"{path}: each fact must be a mapping")
        fact_id = str(raw.get("id", ""))
        if not _ID.match(fact_id):
            raise KnowledgeError(f"{path}: fact id must be ASCII snake_case: {fact_id!r}")
        if fact_id in facts:
            raise KnowledgeError(f"{path}: duplicate fact id {fact_id}")
        text = " ".join(str(raw.get("text") or "").split())
        if not text:
            raise KnowledgeError(f"{path}: fact {fact_id} has no text")
        sources = tuple(str(url) for url in raw.get("sources") or ())
        if not sources:
            raise KnowledgeError(f"{path}: fact {fact_id} needs at least one source")
        for url in sources:
            if url not in titles:
                raise KnowledgeError(f"{path}: fact {fact_id}: url not in quellen.yml: {url}")
        try:
            stand = parse_stand(raw.get("stand"), f"{path}: fact {fact_id}")
        except StandError as exc:
            raise KnowledgeError(str(exc)) from None
        facts[fact_id] = Fact(
            id=fact_id,
            text=text,
            sources=sources,
            stand=stand,
            uncertain=bool(raw.get("uncertain", False)),
        )
    return MappingProxyType(facts)


@lru_cache(maxsize=8)
def _cached_facts(path: Path) -> Mapping[str, Fact]:
    return parse_facts(path)


def load_facts(path: Path | None = None) -> dict[str, Fact]:
    """Return all facts keyed by id.

    The file is parsed and validated once per path; each call returns a new
    dict, so callers cannot corrupt the cache.
    """
    return dict(_cached_facts(path or FACTS_PATH))


def fact(fact_id: str) -> Fact:
    """Return the fact ``fact_id``; raise ``KeyError`` naming it if unknown."""
    try:
        return _cached_facts(FACTS_PATH)[fact_id]
    except KeyError:
        raise KeyError(f"unknown fact id: {fact_id}") from None


def stand_of(fact_id: str) -> str:
    """The "Stand: MM/JJJJ" label of fact ``fact_id`` (from its ``stand`` in fakten.yml)."""
    return f"Stand: {stand_label(fact(fact_id).stand)}"
