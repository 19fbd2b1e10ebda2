"""Client for the two Rasa endpoints the gateway uses."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from bot.web.chat import ChatRequest, normalise_rasa_messages

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/rest/webhook"
READY_PREFIX = "Hello from Rasa"


class UpstreamError(Exception):
    """Rasa could not be reached or gave an unusable answer."""


class RasaClient:
    """Talks to Rasa over one shared :class:`aiohttp.ClientSession`."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")

    async def send(self, request: ChatRequest) -> list[dict[str, Any]]:
        """Forward one message to Rasa's REST channel and return its messages."""
        url = self._base_url + WEBHOOK_PATH
        try:
            async with self._session.post(url, json=request.to_rasa()) as response:
                if response.status != 200:
                    raise UpstreamError(f"Rasa answered HTTP {response.status}")
                payload = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            # Only the exception type: its text may quote the upstream body.
            raise UpstreamError(type(exc).__name__) from exc
        try:
            return normalise_rasa_messages(payload)
        except TypeError as exc:
            raise UpstreamError("unexpected answer format") from exc

    async def is_ready(self) -> bool:
        """True when Rasa's root endpoint answers with its greeting."""
        try:
            async with self._session.get(self._base_url + "/") as response:
                if response.status != 200:
                    return False
                text = await response.text()
        except (aiohttp.ClientError, asyncio.TimeoutError, UnicodeDecodeError):
            return False
        return text.startswith(READY_PREFIX)
