"""The project's patches to Rasa 3.6 internals, checked before they are installed.

Installed by ``python -m bot.ops.rasa_cli`` (Rasa's command line), which every Rasa server
and shell goes through (command lines from ``bot.ops.processes``), so the fixes hold
wherever the assistant runs. They replace private Rasa methods, so a Rasa upgrade could
switch them off silently: :func:`apply_patches` first checks the Rasa version
(:data:`RASA_VERSION`) and the parameters of every method it replaces, refuses to start
(:class:`RasaPatchError`, naming what changed) if either differs, and logs one line that
the fixes are active.

Fixes 1 and 2 change speed only; what Rasa computes stays the same.

1. Rasa validates every action server response with ``jsonschema.validate``, which
   first checks the whole response *schema* against the JSON-Schema meta-schema, on
   every call. That costs about 19 ms per custom action on the machine used here,
   several times per form turn: more than the NLU and policy predictions together.
   The schema never changes, so it is checked once and its validator reused;
   responses are validated exactly as before (same errors, same message).
2. ``SQLTrackerStore`` finds the latest session start with a subquery in FROM.
   PostgreSQL then re-runs that aggregate for every event row of the conversation
   (a nested loop), so the query, run twice per message (loading the tracker and
   counting the stored events before saving), grows with the square of the
   conversation's length: 78 ms at 780 events. As a scalar subquery in WHERE the
   aggregate runs once (1.3 ms); the rows returned are the same.

Two security fixes (issue 14):

3. Rasa treats any message text starting with "/" as an intent with entities
   (``/inform{"gemeinde": ...}``), on every channel. A user could so trigger any intent
   with any entity value. Such a text is now executed only when it equals a button
   payload the assistant offered in one of its recent messages of this conversation
   (widget, Telegram and Matrix buttons send exactly those); otherwise its leading
   slashes are removed and NLU reads it as ordinary words.
4. Every Sanic app Rasa creates (REST, Telegram and Matrix channels, the optional HTTP
   API) refuses request bodies with a Content-Encoding other than identity (415), like
   the gateway and the action server (``bot.ops.action_server``): nothing behind them
   expects compressed requests, and refusing them is cheaper than bounding inflation.
   Without the HTTP API (as everywhere here), bodies are limited to 1 MiB.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jsonschema
import sqlalchemy as sa
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.constants import DOCS_BASE_URL, INTENT_MESSAGE_PREFIX
from rasa.shared.core.events import BotUttered, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic
from sqlalchemy.orm import Query, Session

from bot.ops.action_server import add_body_guard

logger = logging.getLogger(__name__)

# The Rasa release the patches were written and tested against (requirements.txt, deploy/).
RASA_VERSION = "3.6.21"

# How many of the assistant's latest messages may offer a button the user presses:
# the last turn's and a few before it (a citizen may scroll up and press an older one).
OFFERED_PAYLOAD_MESSAGES = 10
# Without Rasa's HTTP API the server only takes channel messages (the gateway sends at most
# ~14 kB, Telegram updates are smaller): 1 MiB instead of Sanic's 100 MB per request.
CHANNEL_MAX_BODY_BYTES = 1024 * 1024


@functools.lru_cache(maxsize=1)
def action_response_validator() -> Any:
    """The validator of Rasa's action server response format, built and checked once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result`` with the cached validator."""
    error = best_match(action_response_validator().iter_errors(result))
    if error is None:
        return True
    # Same wording as Rasa's own method, so operators find the same log line.
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def event_query(
    self: SQLTrackerStore, session: Session, sender_id: str, fetch_events_from_all_sessions: bool
) -> Query:
    """``SQLTrackerStore._event_query`` with the session start as a scalar subquery."""
    event = self.SQLEvent
    query = session.query(event).filter(event.sender_id == sender_id)
    if not fetch_events_from_all_sessions:
        session_start = (
            session.query(sa.func.max(event.timestamp))
            .filter(event.sender_id == sender_id, event.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        # No session start yet: every event of the sender, as in Rasa's query.
        query = query.filter(sa.or_(event.timestamp >= session_start, session_start.is_(None)))
    return query.order_by(event.id)


def offered_payloads(tracker: DialogueStateTracker, last: int = OFFERED_PAYLOAD_MESSAGES) -> set[str]:
    """Button payloads of the assistant's ``last`` messages in ``tracker``."""
    payloads: set[str] = set()
    seen = 0
    for event in reversed(tracker.events):
        if not isinstance(event, BotUttered):
            continue
        for button in event.data.get("buttons") or []:
            if isinstance(button, dict) and isinstance(button.get("payload"), str):
                payloads.add(button["payload"].strip())
        seen += 1
        if seen >= last:
            break
    return payloads


def guard_slash_payload(text: str | None, tracker: DialogueStateTracker) -> str | None:
    """Return ``text``, neutralised if it is an intent payload the assistant did not offer."""
    if not text or not text.lstrip().startswith(INTENT_MESSAGE_PREFIX):
        return text
    if text.strip() in offered_payloads(tracker):
        return text
    # Plain words for NLU ("/inform{...}" -> "inform{...}"); never an empty message.
    neutral = text.lstrip().lstrip(INTENT_MESSAGE_PREFIX).strip()
    logger.info("An intent payload that was not offered was read as text.")
    return neutral or "?"


async def handle_message_with_tracker(
    self: MessageProcessor, message: UserMessage, tracker: DialogueStateTracker
) -> None:
    """``MessageProcessor._handle_message_with_tracker`` behind the slash-payload guard.

    Every channel's message passes here before NLU, so the guard covers them all.
    Messages with ``parse_data`` set (Rasa's own HTTP API, off in this project) are not
    parsed from their text and pass unchanged.
    """
    if not message.parse_data:
        message.text = guard_slash_payload(message.text, tracker)
    await _ORIGINALS["MessageProcessor._handle_message_with_tracker"](self, message, tracker)


def _with_body_guard(max_body_bytes: int | None = None) -> Callable[[Any], Any]:
    """A patch for a Sanic app factory of Rasa: its apps refuse compressed (and, with
    ``max_body_bytes``, larger) bodies."""

    def patch(create: Any) -> Any:
        @functools.wraps(create)
        def wrapper(*args: Any, **kwargs: Any) -> Sanic:
            app = add_body_guard(create(*args, **kwargs))
            if max_body_bytes is not None:
                app.config.REQUEST_MAX_SIZE = max_body_bytes
            return app

        return wrapper

    return patch


class RasaPatchError(RuntimeError):
    """Rasa is not the version, or its methods not the shape, the patches were written for."""


@dataclass(frozen=True)
class Patch:
    """One replaced Rasa attribute: where it lives, the original's parameters, the replacement."""

    name: str
    owner: Any
    attribute: str
    parameters: tuple[str, ...]
    # Given the original, returns what replaces it.
    replace: Callable[[Any], Any]

    @property
    def key(self) -> str:
        """``Owner.attribute``, as named in messages."""
        return f"{getattr(self.owner, '__name__', self.owner)}.{self.attribute}"


def patches() -> list[Patch]:
    """Every patch, with the parameter names of the Rasa method it replaces (Rasa 3.6.21)."""
    import rasa.core.run
    import rasa.server

    return [
        Patch(
            "action responses validated with a cached validator",
            RemoteAction, "_validate_action_result", ("self", "result"), lambda _: validate_action_result,
        ),
        Patch(
            "session start as a scalar subquery",
            SQLTrackerStore, "_event_query",
            ("self", "session", "sender_id", "fetch_events_from_all_sessions"), lambda _: event_query,
        ),
        Patch(
            "slash-payloads only when offered",
            MessageProcessor, "_handle_message_with_tracker", ("self", "message", "tracker"),
            lambda _: handle_message_with_tracker,
        ),
        Patch(
            "no compressed bodies (HTTP API)",
            rasa.server, "create_app",
            ("agent", "cors_origins", "auth_token", "response_timeout", "jwt_secret", "jwt_private_key",
             "jwt_method", "endpoints"),
            _with_body_guard(),
        ),
        Patch(
            "no compressed bodies, 1 MiB (channels)",
            rasa.core.run, "_create_app_without_api", ("cors",), _with_body_guard(CHANNEL_MAX_BODY_BYTES),
        ),
    ]  # fmt: skip


# The Rasa originals, by Patch.key: kept on first install, so re-installing never wraps twice.
_ORIGINALS: dict[str, Any] = {}


def _original(patch: Patch) -> Any:
    current = getattr(patch.owner, patch.attribute)
    return getattr(current, "__rasa_original__", current)


def check_rasa(found: list[Patch] | None = None) -> None:
    """Raise :class:`RasaPatchError` unless Rasa's version and the replaced methods are as expected."""
    import rasa

    problems = []
    if rasa.__version__ != RASA_VERSION:
        problems.append(f"Rasa {rasa.__version__} is installed, the patches are for Rasa {RASA_VERSION}")
    for patch in found or patches():
        original = _original(patch)
        parameters = tuple(inspect.signature(original).parameters)
        if parameters != patch.parameters:
            problems.append(f"{patch.key}{parameters} no longer has the parameters {patch.parameters}")
    if problems:
        raise RasaPatchError(
            "The project's patches to Rasa (bot/ops/rasa_patches.py) do not fit this Rasa: "
            + "; ".join(problems)
            + ". Review each patch against the new Rasa code, then update RASA_VERSION."
        )


def apply_patches() -> str:
    """Check Rasa (:func:`check_rasa`), install every patch (idempotent); return and log one line."""
    found = patches()
    check_rasa(found)
    for patch in found:
        original = _original(patch)
        _ORIGINALS[patch.key] = original
        replacement = patch.replace(original)
        if replacement is not original:
            # A marker on the replacement: the next check and install see Rasa's original.
            replacement.__rasa_original__ = original
        setattr(patch.owner, patch.attribute, replacement)
    line = f"Rasa {RASA_VERSION}: fixes active ({'; '.join(patch.name for patch in found)})"
    logger.info(line)
    return line
