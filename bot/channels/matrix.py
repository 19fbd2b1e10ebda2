"""Matrix channel for Rasa: a client-server API sync loop on plain aiohttp.

The bot is an ordinary Matrix user (not an application service): it
long-polls ``/sync``, joins rooms it is invited to and answers ``m.text``
messages.  Why not matrix-nio and why not an appservice: see
docs/messengers.md.

Behaviour in short:

* the first ``/sync`` only yields a ``next_batch`` token; its timeline (the
  history before start) is skipped, and messages older than the start are
  ignored in rooms joined later as well;
* one Rasa conversation per room and user, as a pseudonymous hash;
* links are written out as text, buttons as numbered options; a reply with
  the number is mapped back to the button's payload;
* connection errors, 5xx and 429 answers are retried with exponential
  backoff, so a homeserver restart only delays answers;
* abuse limits: invites are accepted only to direct chats (``is_direct``) or
  from allowed users or servers (``MATRIX_ALLOWED_USERS``,
  ``MATRIX_ALLOWED_SERVERS``), others are declined; each user may send at most
  ``MATRIX_RATE_LIMIT_PER_MINUTE`` messages a minute; a message longer than
  ``MAX_MESSAGE_CHARS`` is answered with the gateway's explanation and not
  passed to Rasa; the option-number regex only ever sees a few characters;
  a malformed event is skipped and the sync goes on;
* the loop is started by the blueprint's ``after_server_start`` listener and
  stopped by ``before_server_stop``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import re
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.text import render_links_as_text, split_message
from bot.nlp.language import detect
from bot.web.ratelimit import RateLimiter
from bot.web.texts import RATE_LIMITED, TOO_LONG, in_language

logger = logging.getLogger(__name__)


def _language(text: str) -> str:
    """The language of the channel's own notices: the message's (messengers have no switch)."""
    return "en" if detect(text) == "en" else "de"


OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

CLIENT_API = "/_matrix/client/v3"
# Matrix events may be up to 64 KiB; stay far below with long answers.
MATRIX_MAX_MESSAGE_LENGTH = 16000
_OPTION_REPLY = re.compile(r"(\d{1,2})\s?[.)]?")
# An option reply ("2", "2.", "12 )") is short; longer texts never reach the regex, so
# no input can make it backtrack (a 60 kB message took 9.7 s and blocked Rasa's loop).
_OPTION_REPLY_MAX_CHARS = 6
_TRANSIENT_STATUS = {429, 500, 502, 503, 504}
ENCRYPTION_NOTICE = (
    "Verschlüsselte Nachrichten kann ich leider nicht lesen. "
    "Bitte schreiben Sie mir in einem Raum ohne Ende-zu-Ende-Verschlüsselung."
)


class MatrixApiError(Exception):
    """An error answer of the homeserver (or an unexpected response)."""

    def __init__(self, status: int, errcode: str, message: str, retry_after_ms: int | None = None):
        """Keep the HTTP status, the Matrix errcode and a server retry hint."""
        super().__init__(f"{status} {errcode}: {message}")
        self.status = status
        self.errcode = errcode
        self.retry_after_ms = retry_after_ms

    @property
    def transient(self) -> bool:
        """Whether retrying later may succeed (rate limit, server down)."""
        return self.status in _TRANSIENT_STATUS


@dataclass(frozen=True)
class MatrixSettings:
    """Configuration of the Matrix channel (from credentials.yml)."""

    homeserver: str
    user_id: str
    access_token: str | None = None
    password: str | None = None
    kommune: str | None = None
    device_name: str = "Hessen-Assistent"
    sync_timeout_ms: int = 30_000
    min_backoff_s: float = 1.0
    max_backoff_s: float = 60.0
    request_timeout_s: float = 30.0
    # Same default as the website gateway (MAX_MESSAGE_CHARS).
    max_message_chars: int = 1000
    rate_limit_per_minute: int = 20
    # Invites to rooms that are not direct chats are accepted only from these.
    allowed_users: frozenset[str] = frozenset()
    allowed_servers: frozenset[str] = frozenset()

    def may_invite(self, inviter: str, is_direct: bool) -> bool:
        """Whether an invite by ``inviter`` is accepted (direct chats always)."""
        server = inviter.partition(":")[2].lower()
        return is_direct or inviter in self.allowed_users or (bool(server) and server in self.allowed_servers)


class MatrixClient:
    """The few client-server API calls the bot needs, on one aiohttp session."""

    def __init__(self, homeserver: str, session: aiohttp.ClientSession, access_token: str | None):
        """Bind the client to ``homeserver`` (base URL) and a shared session."""
        self.homeserver = homeserver.rstrip("/")
        self.session = session
        self.access_token = access_token

    async def request(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        timeout_s: float = 30.0,
    ) -> dict[str, Any]:
        """Call the API and return the JSON object, or raise MatrixApiError."""
        headers = {}
        if self.access_token:
            headers["Authorization"] = f"Bearer {self.access_token}"
        async with self.session.request(
            method,
            self.homeserver + CLIENT_API + path,
            json=body,
            params=params,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=timeout_s),
        ) as resp:
            try:
                data = await resp.json(content_type=None)
            except ValueError:
                data = None
            if not isinstance(data, dict):
                raise MatrixApiError(resp.status, "M_BAD_RESPONSE", "response is no JSON object")
            if resp.status >= 400:
                retry = data.get("retry_after_ms")
                raise MatrixApiError(
                    resp.status,
                    str(data.get("errcode", "M_UNKNOWN")),
                    str(data.get("error", "")),
                    retry if isinstance(retry, int) else None,
                )
            return data

    async def login(self, user_id: str, password: str, device_name: str) -> str:
        """Log in with a password and remember the new access token."""
        data = await self.request(
            "POST",
            "/login",
            body={
                "type": "m.login.password",
                "identifier": {"type": "m.id.user", "user": user_id},
                "password": password,
                "initial_device_display_name": device_name,
            },
        )
        self.access_token = str(data["access_token"])
        return self.access_token

    async def whoami(self) -> str:
        """Return the user ID that owns the access token."""
        data = await self.request("GET", "/account/whoami")
        return str(data["user_id"])

    async def sync(self, since: str | None, timeout_ms: int, room_filter: dict[str, Any]) -> dict[str, Any]:
        """Long-poll ``/sync``; the HTTP timeout exceeds the poll timeout."""
        params = {"timeout": str(timeout_ms), "filter": json.dumps(room_filter)}
        if since:
            params["since"] = since
        return await self.request("GET", "/sync", params=params, timeout_s=timeout_ms / 1000 + 30)

    async def join(self, room_id: str) -> None:
        """Join a room (accepts an invite)."""
        await self.request("POST", f"/rooms/{quote(room_id, safe='')}/join", body={})

    async def leave(self, room_id: str) -> None:
        """Leave a room (declines an invite)."""
        await self.request("POST", f"/rooms/{quote(room_id, safe='')}/leave", body={})

    async def send_message(self, room_id: str, content: dict[str, Any], attempts: int = 3) -> str:
        """Send an ``m.room.message``; retries reuse the transaction ID (idempotent)."""
        txn_id = uuid.uuid4().hex
        path = f"/rooms/{quote(room_id, safe='')}/send/m.room.message/{txn_id}"
        for attempt in range(1, attempts + 1):
            try:
                data = await self.request("PUT", path, body=content)
                return str(data.get("event_id", ""))
            except MatrixApiError as error:
                if not error.transient or attempt == attempts:
                    raise
                await asyncio.sleep((error.retry_after_ms or 1000 * attempt) / 1000)
            except (aiohttp.ClientError, asyncio.TimeoutError):
                if attempt == attempts:
                    raise
                await asyncio.sleep(attempt)
        raise AssertionError("unreachable")


class ButtonOptions:
    """Numbered button payloads per conversation, in memory with a size bound.

    Options of all button messages of one bot turn are numbered on; the next
    user message consumes them, so a stale "2" never selects an old option.
    """

    def __init__(self, max_conversations: int = 10_000, max_options: int = 20) -> None:
        """Keep options for at most ``max_conversations`` conversations."""
        self._options: OrderedDict[str, list[str]] = OrderedDict()
        self._max_conversations = max_conversations
        self._max_options = max_options

    def add(self, conversation_id: str, payloads: Iterable[str]) -> int:
        """Store ``payloads``; return the number of the first new option."""
        options = self._options.setdefault(conversation_id, [])
        self._options.move_to_end(conversation_id)
        first = len(options) + 1
        options.extend(payloads)
        del options[self._max_options :]
        while len(self._options) > self._max_conversations:
            self._options.popitem(last=False)
        return first

    def resolve(self, conversation_id: str, text: str) -> str:
        """Map a reply like "2" to its payload and forget the options."""
        options = self._options.pop(conversation_id, None)
        candidate = text.strip()
        match = _OPTION_REPLY.fullmatch(candidate) if len(candidate) <= _OPTION_REPLY_MAX_CHARS else None
        if options and match:
            number = int(match.group(1))
            if 1 <= number <= len(options):
                return options[number - 1]
        return text

    def __len__(self) -> int:
        """Number of conversations with pending options."""
        return len(self._options)


def conversation_id(room_id: str, user_id: str) -> str:
    """Pseudonymous Rasa sender ID: one conversation per room and user."""
    digest = hashlib.sha256(f"{room_id}\n{user_id}".encode()).hexdigest()
    return f"matrix-{digest[:32]}"


def strip_reply_fallback(body: str) -> str:
    """Remove the quoted "> ..." fallback that clients prepend to replies."""
    lines = body.split("\n")
    index = 0
    while index < len(lines) and lines[index].startswith(">"):
        index += 1
    if index and index < len(lines) and not lines[index].strip():
        return "\n".join(lines[index + 1 :]).strip()
    return body.strip()


class MatrixOutput(OutputChannel):
    """Sends the bot's answers to one room as plain-text notices."""

    @classmethod
    def name(cls) -> str:
        """Channel name used by Rasa."""
        return "matrix"

    def __init__(
        self,
        client: MatrixClient,
        room_id: str,
        conversation: str,
        options: ButtonOptions,
    ) -> None:
        """Bind the output to the room and conversation of one user message."""
        self.client = client
        self.room_id = room_id
        self.conversation = conversation
        self.options = options

    async def _send(self, text: str) -> None:
        for part in split_message(render_links_as_text(text), MATRIX_MAX_MESSAGE_LENGTH):
            # m.notice is the Matrix convention for bots: clients and other
            # bots do not answer notices, which prevents bot loops.
            await self.client.send_message(self.room_id, {"msgtype": "m.notice", "body": part})

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Send a text; Markdown links become "Titel: URL"."""
        await self._send(text)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Send a text followed by the buttons as numbered options."""
        payloads = [str(b.get("payload") or b.get("title", "")) for b in buttons]
        first = self.options.add(self.conversation, payloads)
        lines = [f"{first + i}) {b.get('title', '')}" for i, b in enumerate(buttons)]
        hint = "Bitte antworten Sie mit der Nummer Ihrer Wahl."
        await self._send("\n\n".join(p for p in (text.strip(), "\n".join(lines), hint) if p))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """Send an image as its URL (no media upload)."""
        await self._send(image)

    async def send_attachment(self, recipient_id: str, attachment: str, **kwargs: Any) -> None:
        """Send an attachment as text."""
        await self._send(attachment)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """Send the ``text`` of a custom payload; other custom data is not shown."""
        text = json_message.get("text")
        if isinstance(text, str) and text.strip():
            await self._send(text)


class MatrixBot:
    """The sync loop: joins invited rooms and forwards new messages to Rasa."""

    def __init__(
        self,
        settings: MatrixSettings,
        on_new_message: OnNewMessage,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        """Prepare the bot; nothing runs until :meth:`start`."""
        self.settings = settings
        self.on_new_message = on_new_message
        self._own_session = session is None
        self._session = session
        self.client: MatrixClient | None = None
        self.options = ButtonOptions()
        self.since: str | None = None
        self.started_ms = 0
        self.synced = False
        self.failures = 0
        self._task: asyncio.Task[None] | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._locks: dict[str, asyncio.Lock] = {}
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._encryption_notified: set[str] = set()
        self._stopping = asyncio.Event()
        self.limiter = RateLimiter(settings.rate_limit_per_minute)
        # Users told that they are rate-limited, so the notice is sent once a window.
        self._limited: RateLimiter = RateLimiter(1)

    async def start(self) -> None:
        """Start the sync loop as a background task."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        self.client = MatrixClient(self.settings.homeserver, self._session, self.settings.access_token)
        self.started_ms = int(time.time() * 1000)
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="matrix-sync")

    async def stop(self, grace_s: float = 10.0) -> None:
        """Stop syncing, let running answers finish (bounded), close the session."""
        self._stopping.set()
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._handlers:
            _done, pending = await asyncio.wait(set(self._handlers), timeout=grace_s)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        if self._own_session and self._session:
            await self._session.close()
            self._session = None

    async def _run(self) -> None:
        backoff = self.settings.min_backoff_s
        while not self._stopping.is_set():
            try:
                await self._sync_once()
                backoff = self.settings.min_backoff_s
                self.failures = 0
                continue
            except asyncio.CancelledError:
                raise
            except MatrixApiError as error:
                delay = await self._handle_api_error(error, backoff)
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
                logger.warning("Matrix homeserver unreachable (%s); retrying.", error)
                delay = backoff
            except Exception:  # a bug must not end the loop for good
                logger.exception("Unexpected error in the Matrix sync loop.")
                delay = backoff
            self.failures += 1
            backoff = min(backoff * 2, self.settings.max_backoff_s)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=delay)

    async def _handle_api_error(self, error: MatrixApiError, backoff: float) -> float:
        if error.status == 401 and self.settings.password and self.client:
            logger.warning("Matrix access token rejected; logging in again.")
            self.client.access_token = None
            return self.settings.min_backoff_s
        if error.transient:
            logger.warning("Matrix homeserver answered %s; retrying.", error)
            if error.retry_after_ms:
                return max(backoff, error.retry_after_ms / 1000)
            return backoff
        logger.error("Matrix API error: %s", error)
        # A permanent error (e.g. a revoked token) is retried slowly, so that
        # fixing it on the homeserver does not need a restart of Rasa.
        return self.settings.max_backoff_s

    async def _ensure_login(self) -> MatrixClient:
        client = self.client
        if client is None:
            raise RuntimeError("MatrixBot.start() was not called")
        if client.access_token is None:
            if not self.settings.password:
                raise MatrixApiError(401, "M_MISSING_TOKEN", "no access token and no password")
            await client.login(self.settings.user_id, self.settings.password, self.settings.device_name)
            logger.info("Logged in to Matrix as %s.", self.settings.user_id)
        return client

    async def _sync_once(self) -> None:
        client = await self._ensure_login()
        if self.since is None:
            # Initial sync: only the token matters; its timeline is history.
            data = await client.sync(None, 0, {"room": {"timeline": {"limit": 1}}})
            whoami = await client.whoami()
            if whoami != self.settings.user_id:
                logger.warning("Token belongs to %s, not %s.", whoami, self.settings.user_id)
            await self._join_invites(data)
        else:
            data = await client.sync(
                self.since,
                self.settings.sync_timeout_ms,
                {"room": {"timeline": {"limit": 50}}},
            )
            await self._join_invites(data)
            self._dispatch_messages(data)
        self.since = str(data["next_batch"])
        self.synced = True

    def _invite_of(self, room: Any) -> tuple[str, bool]:
        """Inviter and is_direct of the bot's own invite event in ``room``'s invite state."""
        events = room.get("invite_state", {}).get("events", []) if isinstance(room, dict) else []
        for event in events:
            if (
                isinstance(event, dict)
                and event.get("type") == "m.room.member"
                and event.get("state_key") == self.settings.user_id
            ):
                content = event.get("content") or {}
                return str(event.get("sender", "")), content.get("is_direct") is True
        return "", False

    async def _join_invites(self, data: dict[str, Any]) -> None:
        client = self.client
        assert client is not None
        for room_id, room in data.get("rooms", {}).get("invite", {}).items():
            inviter, is_direct = self._invite_of(room)
            accept = self.settings.may_invite(inviter, is_direct)
            try:
                if accept:
                    await client.join(room_id)
                    logger.info("Joined Matrix room %s.", room_id)
                else:
                    # Declined, so the invite does not come back with every sync.
                    await client.leave(room_id)
                    logger.info("Declined an invite to a group room from a server that is not allowed.")
            except MatrixApiError as error:
                if error.transient:
                    raise  # retry the whole sync; the since token is unchanged
                logger.warning("Could not answer the invite to %s: %s", room_id, error)

    def _dispatch_messages(self, data: dict[str, Any]) -> None:
        for room_id, room in data.get("rooms", {}).get("join", {}).items():
            for event in room.get("timeline", {}).get("events", []):
                # One malformed event (any client or server can send one) must neither
                # stop the others nor keep the since token from advancing.
                try:
                    if isinstance(event, dict) and self._is_new_foreign_event(event):
                        self._dispatch_event(room_id, event)
                except Exception:  # noqa: BLE001 - skipped and logged without content
                    logger.warning("Skipped a malformed Matrix event in %s.", room_id)

    def _is_new_foreign_event(self, event: dict[str, Any]) -> bool:
        event_id = str(event.get("event_id", ""))
        if event.get("sender") == self.settings.user_id or event_id in self._seen:
            return False
        timestamp = event.get("origin_server_ts")
        if not isinstance(timestamp, int) or isinstance(timestamp, bool):
            logger.warning("Skipped a Matrix event without an integer timestamp.")
            return False
        # Rooms joined after start deliver their recent history; skip it.
        if timestamp < self.started_ms:
            return False
        self._seen[event_id] = None
        while len(self._seen) > 10_000:
            self._seen.popitem(last=False)
        return True

    def _dispatch_event(self, room_id: str, event: dict[str, Any]) -> None:
        if event.get("type") == "m.room.encrypted":
            if room_id not in self._encryption_notified:
                self._encryption_notified.add(room_id)
                self._spawn(self._send_notice(room_id, ENCRYPTION_NOTICE))
            return
        content = event.get("content", {})
        if event.get("type") != "m.room.message" or content.get("msgtype") != "m.text":
            return
        body = content.get("body")
        sender = event.get("sender")
        if not isinstance(body, str) or not body.strip() or not isinstance(sender, str):
            return
        retry_after = self.limiter.hit_now(sender)
        if retry_after:
            if not self._limited.hit_now(sender):
                notice = in_language(RATE_LIMITED, _language(body), seconds=int(retry_after))
                self._spawn(self._send_notice(room_id, notice))
            return
        # Bounded before any further processing (option regex, Rasa's NLU), like the
        # gateway; removing a reply's quoted fallback first is linear in the length.
        text = strip_reply_fallback(body)
        if len(text) > self.settings.max_message_chars:
            notice = in_language(TOO_LONG, _language(text), max_chars=self.settings.max_message_chars)
            self._spawn(self._send_notice(room_id, notice))
            return
        self._spawn(self._handle_text(room_id, sender, text))

    def _spawn(self, coro: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._handlers.add(task)
        task.add_done_callback(self._handlers.discard)

    async def _send_notice(self, room_id: str, text: str) -> None:
        assert self.client is not None
        try:
            await self.client.send_message(room_id, {"msgtype": "m.notice", "body": text})
        except (MatrixApiError, aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.warning("Could not send a notice to %s: %s", room_id, error)

    async def _handle_text(self, room_id: str, user_id: str, text: str) -> None:
        assert self.client is not None
        conversation = conversation_id(room_id, user_id)
        # Answers of one conversation must keep their order; different
        # conversations are handled concurrently.
        lock = self._locks.setdefault(conversation, asyncio.Lock())
        try:
            async with lock:
                message = UserMessage(
                    self.options.resolve(conversation, text),
                    MatrixOutput(self.client, room_id, conversation, self.options),
                    conversation,
                    input_channel=MatrixOutput.name(),
                    metadata={"kommune": self.settings.kommune} if self.settings.kommune else None,
                )
                await self.on_new_message(message)
        except Exception:
            logger.exception("Could not answer a Matrix message in %s.", room_id)
        finally:
            if not lock.locked() and self._locks.get(conversation) is lock:
                del self._locks[conversation]


class MatrixInput(InputChannel):
    """Rasa input channel for Matrix (configured in credentials.yml)."""

    @classmethod
    def name(cls) -> str:
        """Channel name; the health route is /webhooks/matrix/."""
        return "matrix"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Create the channel from its credentials.yml section."""
        if not credentials:
            cls.raise_missing_credentials_exception()
            raise AssertionError("unreachable")
        if not credentials.get("access_token") and not credentials.get("password"):
            raise ValueError("Matrix channel needs an access_token or a password.")
        return cls(
            MatrixSettings(
                homeserver=str(credentials["homeserver"]),
                user_id=str(credentials["user_id"]),
                access_token=credentials.get("access_token"),
                password=credentials.get("password"),
                kommune=credentials.get("kommune"),
                max_message_chars=int(credentials.get("max_message_chars") or 1000),
                rate_limit_per_minute=int(credentials.get("rate_limit_per_minute") or 20),
                allowed_users=frozenset(credentials.get("allowed_users") or ()),
                allowed_servers=frozenset(s.lower() for s in credentials.get("allowed_servers") or ()),
            )
        )

    def __init__(self, settings: MatrixSettings) -> None:
        """Keep the settings; the loop starts with the server."""
        self.settings = settings
        self.bot: MatrixBot | None = None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Blueprint with a health route and the sync loop's listeners."""
        matrix = Blueprint("matrix", __name__)

        @matrix.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            synced = bool(self.bot and self.bot.synced and self.bot.failures == 0)
            return response.json({"status": "ok" if synced else "connecting"})

        @matrix.listener("after_server_start")
        async def start_sync(_app: Sanic, _loop: Any) -> None:
            self.bot = MatrixBot(self.settings, on_new_message)
            await self.bot.start()

        @matrix.listener("before_server_stop")
        async def stop_sync(_app: Sanic, _loop: Any) -> None:
            if self.bot:
                await self.bot.stop()

        return matrix
