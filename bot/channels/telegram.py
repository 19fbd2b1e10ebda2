"""Telegram channel: Rasa's connector plus municipal metadata and safe output.

Differences from ``rasa.core.channels.telegram`` (Rasa 3.6):

* every user message carries ``{"kommune": BOT_KOMMUNE}`` as metadata;
* the Bot API base URL is configurable (``api_url``), so tests and private
  API servers work;
* the webhook is registered in the server's ``after_server_start`` listener
  instead of via ``asyncio.run`` while the app is built: aiogram's HTTP
  session must belong to the loop that serves requests;
* texts are split into messages of at most 4096 characters, on paragraph,
  then sentence, then word boundaries (Rasa only splits on blank lines and
  fails on a longer paragraph);
* button payloads longer than Telegram's 64-byte ``callback_data`` limit are
  replaced by a short token and mapped back when the button is pressed;
* buttons default to one per row, since German titles are long;
* a pressed button is acknowledged (``answerCallbackQuery``): without it the
  Telegram app shows a spinner on the button until its own timeout;
* updates are authenticated: the webhook is registered with a ``secret_token``
  (``TELEGRAM_SECRET_TOKEN``), which Telegram sends back in the
  ``X-Telegram-Bot-Api-Secret-Token`` header of every update. A request without
  the matching header is answered 403 before its body is parsed, so nothing of it
  reaches Rasa. (Rasa's own ``verify`` compares the bot's name with itself and
  protects nothing: anyone knowing a chat id could write into that conversation.)
* Rasa's ``GET/POST .../set_webhook`` route, which let anyone re-register the
  webhook, answers 404; the webhook is registered at server start only;
* Telegram's automatic "/start" of a new chat is read as a greeting ("Hallo"):
  Rasa executes only slash-payloads the assistant offered (bot/ops/rasa_patches.py).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiogram.bot import api as bot_api
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from aiogram.types import User
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from sanic import Blueprint, Sanic, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.telegram_secret import SECRET_HEADER, check_secret_token
from bot.channels.text import split_message

logger = logging.getLogger(__name__)

TELEGRAM_MAX_MESSAGE_LENGTH = 4096
CALLBACK_DATA_MAX_BYTES = 64
_TOKEN_PREFIX = "cb:"
_MAX_STORED_PAYLOADS = 5000
START_COMMAND = "/start"
START_GREETING = "Hallo"


class PayloadStore:
    """Bounded map from short callback tokens to long button payloads."""

    def __init__(self, max_items: int = _MAX_STORED_PAYLOADS) -> None:
        """Create an empty store keeping at most ``max_items`` payloads."""
        self._items: OrderedDict[str, str] = OrderedDict()
        self._max_items = max_items

    def encode(self, payload: str) -> str:
        """Return callback data for ``payload`` that fits Telegram's limit."""
        if len(payload.encode("utf-8")) <= CALLBACK_DATA_MAX_BYTES and not (
            payload.startswith(_TOKEN_PREFIX)
        ):
            return payload
        # Deterministic token: the same payload always maps to the same data,
        # so buttons sent before a restart of this store still decode after
        # the payload is sent again.
        token = _TOKEN_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]
        self._items[token] = payload
        self._items.move_to_end(token)
        while len(self._items) > self._max_items:
            self._items.popitem(last=False)
        return token

    def decode(self, data: str) -> str:
        """Map callback data back to its payload (unknown data is returned as is)."""
        return self._items.get(data, data)


class KommuneTelegramOutput(TelegramOutput):
    """Telegram output with a configurable API server and length-safe messages."""

    def __init__(
        self,
        access_token: str | None,
        api_url: str | None = None,
        payloads: PayloadStore | None = None,
    ) -> None:
        """Create the bot client; ``api_url`` defaults to the official Bot API."""
        server = TelegramAPIServer.from_base(api_url) if api_url else TELEGRAM_PRODUCTION
        # TelegramOutput.__init__ accepts only the token, so call Bot directly.
        super(TelegramOutput, self).__init__(access_token, server=server)
        self.payloads = payloads or PayloadStore()
        self._me: User | None = None

    async def get_me(self) -> User:
        """Return the bot's own user, cached: Rasa calls this for every update."""
        if self._me is None:
            self._me = await super().get_me()
        return self._me

    async def set_webhook_with_secret(self, url: str | None, secret_token: str) -> bool:
        """Register the webhook with ``secret_token`` (aiogram 2.15's set_webhook lacks it)."""
        result = await self.request(bot_api.Methods.SET_WEBHOOK, {"url": url, "secret_token": secret_token})
        return bool(result)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Send ``text`` as few messages of at most 4096 characters."""
        for part in split_message(text, TELEGRAM_MAX_MESSAGE_LENGTH):
            await self.send_message(recipient_id, part)

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: list[dict[str, Any]],
        button_type: str | None = "vertical",
        **kwargs: Any,
    ) -> None:
        """Send ``text`` with a keyboard attached to its last part."""
        parts = split_message(text, TELEGRAM_MAX_MESSAGE_LENGTH) or [""]
        for part in parts[:-1]:
            await self.send_message(recipient_id, part)
        safe_buttons = [
            {**button, "payload": self.payloads.encode(str(button.get("payload", "")))} for button in buttons
        ]
        await super().send_text_with_buttons(
            recipient_id, parts[-1], safe_buttons, button_type=button_type, **kwargs
        )


async def close_session(bot: KommuneTelegramOutput) -> None:
    """Close aiogram's HTTP session (``Bot.close`` is deprecated in aiogram 2)."""
    session = bot._session  # noqa: SLF001 - aiogram 2 exposes no public accessor
    if session is not None and not session.closed:
        await session.close()


class KommuneTelegramInput(TelegramInput):
    """Rasa's Telegram input channel with municipal metadata (BOT_KOMMUNE)."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Create the channel from its credentials.yml section."""
        if not credentials:
            cls.raise_missing_credentials_exception()
            raise AssertionError("unreachable")  # for type checkers
        return cls(
            credentials.get("access_token"),
            credentials.get("verify"),
            credentials.get("webhook_url"),
            api_url=credentials.get("api_url"),
            kommune=credentials.get("kommune"),
            secret_token=credentials.get("secret_token"),
        )

    def __init__(
        self,
        access_token: str | None,
        verify: str | None,
        webhook_url: str | None,
        debug_mode: bool = False,
        api_url: str | None = None,
        kommune: str | None = None,
        secret_token: str | None = None,
    ) -> None:
        """Configure the channel; ``kommune`` is an 8-digit AGS or None.

        ``secret_token`` is required: without it the webhook cannot tell Telegram's
        updates from forged ones (ValueError).
        """
        super().__init__(access_token, verify, webhook_url, debug_mode=debug_mode)
        self.secret_token = check_secret_token(secret_token)
        self.api_url = api_url
        self.kommune = kommune
        self._payloads = PayloadStore()
        self._outputs: list[KommuneTelegramOutput] = []
        self._acknowledger: KommuneTelegramOutput | None = None

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        """Attach the deployment's municipality to every incoming message."""
        return {"kommune": self.kommune} if self.kommune else None

    def get_output_channel(self) -> KommuneTelegramOutput:
        """Create the output channel without touching the network."""
        output = KommuneTelegramOutput(self.access_token, self.api_url, self._payloads)
        self._outputs.append(output)
        return output

    async def acknowledge_button(self, update: Any) -> None:
        """Answer the callback query of a pressed button, if ``update`` is one.

        Failures are logged and never stop the message from reaching Rasa.
        """
        query = update.get("callback_query") if isinstance(update, dict) else None
        if not isinstance(query, dict) or not query.get("id"):
            return
        if self._acknowledger is None:
            self._acknowledger = self.get_output_channel()
        try:
            await self._acknowledger.answer_callback_query(str(query["id"]))
        except (TelegramAPIError, asyncio.TimeoutError, aiohttp.ClientError) as error:
            logger.warning("Could not acknowledge a Telegram button: %s", type(error).__name__)

    def is_authentic(self, request: Request) -> bool:
        """Whether ``request`` carries the webhook's secret token (constant-time compare)."""
        sent = request.headers.get(SECRET_HEADER, "")
        return hmac.compare_digest(sent.encode("utf-8", "replace"), self.secret_token.encode("utf-8"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's webhook blueprint, plus authentication, payload decoding and webhook set-up."""

        async def decode_and_forward(message: UserMessage) -> Any:
            if message.text:
                message.text = self._payloads.decode(message.text)
                if message.text.strip() == START_COMMAND:
                    message.text = START_GREETING
            return await on_new_message(message)

        telegram_webhook = super().blueprint(decode_and_forward)

        # Registered first, so it runs before every other middleware and handler: an
        # update without the secret is never parsed, acknowledged or forwarded.
        @telegram_webhook.middleware("request")
        async def authenticate(request: Request) -> HTTPResponse | None:
            path = request.path.rstrip("/")
            if path.endswith("/set_webhook"):
                return response.text("not found", status=404)
            if path.endswith("/webhook") and not self.is_authentic(request):
                logger.warning("Rejected a Telegram webhook request without the secret token.")
                return response.text("forbidden", status=403)
            return None

        @telegram_webhook.middleware("request")
        async def acknowledge(request: Request) -> None:
            if request.method != "POST":
                return
            try:
                update = request.json
            except InvalidUsage:
                return  # Rasa's handler answers malformed bodies itself
            await self.acknowledge_button(update)

        @telegram_webhook.listener("after_server_start")
        async def register_webhook(app: Sanic, _loop: Any) -> None:
            # A failure must not stop the server: the REST channel for the web
            # widget runs in the same process. A restart of Rasa retries.
            output = self.get_output_channel()
            try:
                if await output.set_webhook_with_secret(self.webhook_url, self.secret_token):
                    logger.info("Telegram webhook registered.")
                else:
                    logger.error("Telegram refused the webhook URL.")
            except (TelegramAPIError, asyncio.TimeoutError) as error:
                logger.error("Could not register the Telegram webhook: %s", error)
            finally:
                await close_session(output)

        @telegram_webhook.listener("before_server_stop")
        async def close_sessions(app: Sanic, _loop: Any) -> None:
            for output in self._outputs:
                await close_session(output)
            self._outputs.clear()
            self._acknowledger = None

        return telegram_webhook
