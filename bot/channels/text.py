"""Plain-text helpers shared by the messenger channels."""

from __future__ import annotations

import re

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# A sentence ends with . ! ? (optionally followed by a closing quote or
# bracket) and whitespace; German abbreviations such as "z. B." may split
# early, which only costs a line break, never text.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]»]?\s+")
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")


def text_length(text: str) -> int:
    """Length as messengers count it: UTF-16 code units (never less than code points)."""
    return len(text.encode("utf-16-le")) // 2


def _hard_split(text: str, limit: int) -> list[str]:
    parts: list[str] = []
    current = ""
    used = 0
    for char in text:
        size = text_length(char)
        if used + size > limit:
            parts.append(current)
            current, used = "", 0
        current += char
        used += size
    if current:
        parts.append(current)
    return parts


def _split_units(text: str, limit: int, level: int) -> list[str]:
    """Split ``text`` into pieces within ``limit`` using ever finer boundaries."""
    if text_length(text) <= limit:
        return [text]
    if level == 0:
        units, joiner = _PARAGRAPH_BREAK.split(text), "\n\n"
    elif level == 1:
        units, joiner = _SENTENCE_END.split(text), " "
    elif level == 2:
        units, joiner = text.split(" "), " "
    else:
        return _hard_split(text, limit)
    pieces: list[str] = []
    current = ""
    for unit in (u.strip() for u in units):
        if not unit:
            continue
        for piece in _split_units(unit, limit, level + 1):
            candidate = f"{current}{joiner}{piece}" if current else piece
            if text_length(candidate) <= limit:
                current = candidate
            else:
                if current:
                    pieces.append(current)
                current = piece
    if current:
        pieces.append(current)
    return pieces


def split_message(text: str, limit: int) -> list[str]:
    """Split ``text`` into as few messages of at most ``limit`` characters as possible.

    Paragraphs are kept together where they fit; a longer paragraph is cut
    between sentences, a longer sentence between words, and only a single
    word longer than the limit (e.g. a huge URL) is cut inside.
    """
    stripped = text.strip()
    if not stripped:
        return []
    return _split_units(stripped, limit, 0)


def render_links_as_text(text: str) -> str:
    """Turn Markdown links ``[Titel](https://...)`` into ``Titel: https://...``.

    Plain-text clients show the URL itself, so the citizen can see and copy it.
    """
    return _MARKDOWN_LINK.sub(lambda m: f"{m.group(1)}: {m.group(2)}", text)
