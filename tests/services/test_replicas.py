"""Two Rasa replicas sharing a PostgreSQL tracker store and a Redis lock store.

Started once per module with this project's trained model (``models/``) and
action server. Requires PostgreSQL and Redis; fails when they are missing.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered

from bot.ops.processes import ServerProcess
from bot.tooling.replicas import REST_WEBHOOK, ReplicaStack

PROJECT_DIR = Path(__file__).resolve().parents[2]
LOGGING_CONFIG = PROJECT_DIR / "bot" / "ops" / "logging.yml"
KOMMUNE_MARBURG = "06534014"

# A realistic multi-turn conversation across the project's topics.
CONVERSATION = [
    "Hallo",
    "Was ist das Servicekonto Hessen?",
    "Kann ich Wohngeld online beantragen?",
    "Wie hoch ist die IKZ-Förderung für drei Kommunen?",
    "Vielen Dank",
    "Tschüss",
]
# Distinct messages that each get an answer, sent at the same time.
CONCURRENT = [
    "Hallo",
    "Guten Tag",
    "Was ist die BundID?",
    "Servicekonto",
    "Kann ich meinen Personalausweis online beantragen?",
    "Danke",
]
# The Standesamt form (standesamt_form): start, then fill the place of birth.
FORM_START = "Ich brauche eine Geburtsurkunde"
FORM_START_EXPECT = ("Geburtsort", "geboren")  # any of these in the bot's question
FORM_FILL = "Marburg"
FORM_FILL_EXPECT = ("Marburg", "verwaltungsportal.hessen.de")  # all of these

# Unique markers that must never reach a log file.
SECRET_TEXT = f"Hallo, mein Name ist Quarkteig{uuid.uuid4().hex[:8]}"
SECRET_META = f"trace{uuid.uuid4().hex}"

TIMEOUT = aiohttp.ClientTimeout(total=120)
_sent_texts: list[str] = []
_sent_senders: list[str] = []


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory,
    module_postgres_db: str,
    redis_url: str,
    redis_key_prefix: str,
) -> Iterator[ReplicaStack]:
    """Action server + two Rasa replicas on free loopback ports."""
    replicas = ReplicaStack(
        # Override only while developing against a throwaway project.
        project_dir=Path(os.environ.get("OPS_RASA_PROJECT_DIR", PROJECT_DIR)),
        work_dir=tmp_path_factory.mktemp("replicas"),
        tracker_store_url=module_postgres_db,
        lock_store_url=redis_url,
        lock_key_prefix=redis_key_prefix,
        replicas=2,
        logging_config=LOGGING_CONFIG,
        # Worst case: even at DEBUG the logging config must keep texts out.
        rasa_log_level="DEBUG",
    )
    with replicas:
        yield replicas


@pytest.fixture(scope="module")
def tracker_store(module_postgres_db: str) -> Iterator[SQLTrackerStore]:
    """Rasa's own view of the shared PostgreSQL tracker store."""
    store = SQLTrackerStore(domain=Domain.empty(), host=module_postgres_db)
    yield store
    store.engine.dispose()


def new_sender() -> str:
    """Return a fresh conversation id and remember it for the log check."""
    sender = f"ops-{uuid.uuid4().hex}"
    _sent_senders.append(sender)
    return sender


async def send(
    session: aiohttp.ClientSession,
    server: ServerProcess,
    sender: str,
    text: str,
    metadata: dict[str, Any] | None = None,
) -> list[str]:
    """Post one message to a replica's REST channel; return the bot's texts."""
    _sent_texts.append(text)
    payload = {
        "sender": sender,
        "message": text,
        "metadata": metadata or {"kommune": KOMMUNE_MARBURG},
    }
    async with session.post(server.base_url + REST_WEBHOOK, json=payload) as response:
        assert response.status == 200, await response.text()
        messages = await response.json()
    return [m["text"] for m in messages if m.get("text")]


def converse(server: ServerProcess, sender: str, text: str) -> list[str]:
    """Synchronous wrapper around ``send`` for sequential steps."""

    async def run() -> list[str]:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            return await send(session, server, sender, text)

    return asyncio.run(run())


def turns(store: SQLTrackerStore, sender: str) -> list[tuple[str, list[str]]]:
    """Return [(user text, [bot texts until the next user message])] in order."""
    tracker = asyncio.run(store.retrieve_full_tracker(sender))
    assert tracker is not None, "conversation missing from the tracker store"
    result: list[tuple[str, list[str]]] = []
    for event in tracker.events:
        if isinstance(event, UserUttered):
            result.append((event.text or "", []))
        elif isinstance(event, BotUttered) and event.text:
            assert result, "bot message before the first user message"
            result[-1][1].append(event.text)
    return result


def test_conversation_alternating_between_replicas(
    stack: ReplicaStack, tracker_store: SQLTrackerStore
) -> None:
    sender = new_sender()
    answers = [converse(stack.rasa[i % 2], sender, text) for i, text in enumerate(CONVERSATION)]

    stored = turns(tracker_store, sender)
    assert [user for user, _ in stored] == CONVERSATION
    assert [bot for _, bot in stored] == answers
    assert all(answers), "every message should get an answer"


def test_concurrent_messages_for_one_sender_are_serialised(
    stack: ReplicaStack, tracker_store: SQLTrackerStore
) -> None:
    sender = new_sender()

    async def burst() -> list[list[str]]:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            return await asyncio.gather(
                *(send(session, stack.rasa[i % 2], sender, text) for i, text in enumerate(CONCURRENT))
            )

    answers = dict(zip(CONCURRENT, asyncio.run(burst()), strict=True))
    stored = turns(tracker_store, sender)

    # Every message stored exactly once (order decided by the lock queue) ...
    assert sorted(user for user, _ in stored) == sorted(CONCURRENT)
    # ... and directly followed by exactly the answer its own request returned.
    for user, bot in stored:
        assert bot == answers[user], f"interleaved or lost events after {user!r}"
    assert all(answers.values())


def test_replica_killed_mid_conversation_loses_nothing(
    stack: ReplicaStack, tracker_store: SQLTrackerStore
) -> None:
    sender = new_sender()
    first, second = stack.rasa
    sent = [CONVERSATION[0], CONVERSATION[1]]
    for text in sent:
        converse(first, sender, text)

    first.stop(kill=True)  # SIGKILL: no graceful shutdown
    sent.append(CONVERSATION[2])
    converse(second, sender, sent[-1])
    first.start()
    first.wait_ready()
    sent.append(CONVERSATION[3])
    converse(first, sender, sent[-1])

    assert [user for user, _ in turns(tracker_store, sender)] == sent


def test_form_continues_after_action_server_restart(
    stack: ReplicaStack, tracker_store: SQLTrackerStore
) -> None:
    assert stack.actions is not None
    sender = new_sender()
    question = " ".join(converse(stack.rasa[0], sender, FORM_START))
    assert any(word in question for word in FORM_START_EXPECT), question

    stack.restart(stack.actions, kill=True)

    answer = " ".join(converse(stack.rasa[1], sender, FORM_FILL))
    for expected in FORM_FILL_EXPECT:
        assert expected in answer, answer
    assert [user for user, _ in turns(tracker_store, sender)] == [FORM_START, FORM_FILL]


def test_logs_contain_no_message_text_metadata_or_sender(stack: ReplicaStack) -> None:
    sender = new_sender()

    async def run() -> list[str]:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            metadata = {"kommune": KOMMUNE_MARBURG, "trace": SECRET_META}
            return await send(session, stack.rasa[0], sender, SECRET_TEXT, metadata)

    asyncio.run(run())
    assert stack.actions is not None
    logs = {s.name: s.log_text() for s in [*stack.rasa, stack.actions]}
    assert "Rasa server is up and running" in logs["rasa-0"]  # logging works

    secrets = [SECRET_TEXT, SECRET_META, *_sent_senders]
    # Longer texts are specific enough not to occur in logs by chance.
    secrets += [text for text in _sent_texts if len(text) >= 15]
    for name, log in logs.items():
        leaked = [secret for secret in secrets if secret in log]
        assert not leaked, f"{name} logged personal data: {leaked}"
