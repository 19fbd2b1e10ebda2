"""Shared loading helpers for the YAML knowledge files (internal)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# bot/knowledge/sources.py -> repository root is two levels above bot/.
REPO_ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE_DIR = REPO_ROOT / "data" / "knowledge"
QUELLEN_PATH = KNOWLEDGE_DIR / "quellen.yml"


class KnowledgeError(ValueError):
    """Raised when a knowledge file is missing data or inconsistent."""


def read_yaml(path: Path) -> dict[str, Any]:
    """Read a YAML mapping from ``path`` or raise :class:`KnowledgeError`."""
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except FileNotFoundError as exc:
        raise KnowledgeError(f"knowledge file not found: {path}") from exc
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}: expected a mapping at top level")
    return data


def load_source_titles(path: Path | None = None) -> dict[str, str]:
    """Return ``{url: title}`` for every entry of quellen.yml.

    Raises :class:`KnowledgeError` on duplicates or entries without url/title.
    """
    source_path = path or QUELLEN_PATH
    entries = read_yaml(source_path).get("quellen")
    if not isinstance(entries, list):
        raise KnowledgeError(f"{source_path}: 'quellen' must be a list")
    titles: dict[str, str] = {}
    for entry in entries:
        url = entry.get("url") if isinstance(entry, dict) else None
        title = entry.get("title") if isinstance(entry, dict) else None
        if not url or not title:
            raise KnowledgeError(f"{source_path}: entry without url/title: {entry!r}")
        if url in titles:
            raise KnowledgeError(f"{source_path}: duplicate url {url}")
        titles[str(url)] = str(title)
    return titles
