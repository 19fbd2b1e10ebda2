"""Validation of chat requests and normalisation of Rasa's answers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.knowledge.ags import is_hessian_ags
from bot.knowledge.languages import load_sprachen
from bot.web import texts

SPRACHEN = frozenset(load_sprachen().codes)
UUID_PATTERN = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


@dataclass(frozen=True)
class ChatRequest:
    """A validated chat message, ready to be forwarded to Rasa."""

    sender: str
    message: str
    kommune: str | None
    # The widget's DE/EN switch; the assistant still follows the language a message is written in.
    sprache: str | None = None

    def to_rasa(self) -> dict[str, Any]:
        """JSON body for Rasa's REST channel (only whitelisted metadata)."""
        metadata: dict[str, str] = {}
        if self.kommune is not None:
            metadata["kommune"] = self.kommune
        if self.sprache is not None:
            metadata["sprache"] = self.sprache
        return {"sender": self.sender, "message": self.message, "metadata": metadata}


class ChatRequestError(Exception):
    """A request that cannot be served; carries HTTP status, a text of bot.web.texts and its values."""

    def __init__(self, status: int, text: str, **values: object) -> None:
        super().__init__(status)
        self.status = status
        self.text = text
        self.values = values


def parse_chat_request(body: object, max_chars: int, default_kommune: str | None) -> ChatRequest:
    """Validate a decoded JSON body from the widget.

    Raises :class:`ChatRequestError` with a citizen-readable reason. An
    invalid ``metadata.kommune`` is dropped rather than rejected, so a badly
    configured embed still gets answers (without the municipal context).
    """
    if not isinstance(body, dict):
        raise ChatRequestError(400, texts.MALFORMED)
    sender = body.get("sender")
    message = body.get("message")
    if not isinstance(sender, str) or not _is_uuid(sender):
        raise ChatRequestError(400, texts.BAD_SENDER)
    if not isinstance(message, str):
        raise ChatRequestError(400, texts.MALFORMED)
    message = message.strip()
    if not message:
        raise ChatRequestError(400, texts.EMPTY_MESSAGE)
    if len(message) > max_chars:
        raise ChatRequestError(413, texts.TOO_LONG, max_chars=max_chars)
    metadata = body.get("metadata", {})
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise ChatRequestError(400, texts.MALFORMED)
    kommune = metadata.get("kommune")
    if not is_hessian_ags(kommune):
        kommune = default_kommune
    # Only the languages the assistant speaks pass; anything else is dropped like a bad kommune.
    sprache = metadata.get("sprache")
    if not isinstance(sprache, str) or sprache not in SPRACHEN:
        sprache = None
    return ChatRequest(sender=sender.lower(), message=message, kommune=kommune, sprache=sprache)


def _is_uuid(value: str) -> bool:
    # Only the canonical 8-4-4-4-12 form: the sender id ends up in Rasa's
    # tracker store and logs, so nothing else should get through.
    return UUID_PATTERN.fullmatch(value) is not None


def normalise_rasa_messages(payload: object) -> list[dict[str, Any]]:
    """Reduce Rasa's REST channel answer to ``{"text", "buttons"}`` messages.

    Anything else Rasa may send (images, custom payloads, recipient ids) is
    dropped, so the widget only ever renders plain text and buttons.
    """
    if not isinstance(payload, list):
        raise TypeError("Rasa answer is not a list")
    messages: list[dict[str, Any]] = []
    for item in payload:
        if not isinstance(item, dict):
            continue
        text = item.get("text")
        text = text if isinstance(text, str) else ""
        buttons = [
            {"title": b["title"], "payload": b["payload"]}
            for b in item.get("buttons") or []
            if isinstance(b, dict) and isinstance(b.get("title"), str) and isinstance(b.get("payload"), str)
        ]
        if text or buttons:
            messages.append({"text": text, "buttons": buttons})
    return messages
