"""Matrix channel against a real Synapse homeserver on loopback.

The homeserver is required: without build/synapse-venv these tests fail
(they do not skip), with instructions in the failure message.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels.matrix import MatrixBot, MatrixInput, MatrixSettings, conversation_id
from bot.web.texts import TOO_LONG, in_language

from .sanic_harness import serve_blueprint
from .synapse_server import SynapseServer, synapse_python

KOMMUNE = "06611000"
WAIT_S = 30.0


@pytest.fixture(scope="module")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SynapseServer]:
    if not synapse_python().exists():
        pytest.fail(
            f"Synapse not installed at {synapse_python()}: run "
            "`python3 -m venv build/synapse-venv && "
            "build/synapse-venv/bin/pip install matrix-synapse==1.163.2`"
        )
    server = SynapseServer(tmp_path_factory.mktemp("synapse"))
    server.configure()
    server.start()
    try:
        yield server
    finally:
        server.stop()


class MatrixUser:
    """A Matrix user driving the test through the client-server API."""

    def __init__(self, base_url: str, user_id: str, token: str, session: aiohttp.ClientSession):
        self.base = base_url + "/_matrix/client/v3"
        self.user_id = user_id
        self.session = session
        self.headers = {"Authorization": f"Bearer {token}"}

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        async with self.session.request(method, self.base + path, json=body, headers=self.headers) as resp:
            data = await resp.json()
            assert resp.status == 200, data
            return data

    async def create_room(self, invite: list[str], direct: bool = True) -> str:
        data = await self.call(
            "POST", "/createRoom", {"preset": "private_chat", "is_direct": direct, "invite": invite}
        )
        return str(data["room_id"])

    async def membership(self, room_id: str, user_id: str) -> str:
        path = f"/rooms/{quote(room_id, safe='')}/state/m.room.member/{quote(user_id, safe='')}"
        return str((await self.call("GET", path))["membership"])

    async def join(self, room_id: str) -> None:
        await self.call("POST", f"/rooms/{quote(room_id, safe='')}/join", {})

    async def invite(self, room_id: str, user_id: str) -> None:
        await self.call("POST", f"/rooms/{quote(room_id, safe='')}/invite", {"user_id": user_id})

    async def say(self, room_id: str, text: str) -> None:
        path = f"/rooms/{quote(room_id, safe='')}/send/m.room.message/{uuid.uuid4().hex}"
        await self.call("PUT", path, {"msgtype": "m.text", "body": text})

    async def members(self, room_id: str) -> set[str]:
        data = await self.call("GET", f"/rooms/{quote(room_id, safe='')}/joined_members")
        return set(data["joined"])

    async def messages_from(self, room_id: str, sender: str) -> list[dict[str, Any]]:
        data = await self.call("GET", f"/rooms/{quote(room_id, safe='')}/messages?dir=b&limit=100")
        events = [
            e for e in reversed(data["chunk"]) if e["type"] == "m.room.message" and e["sender"] == sender
        ]
        return [e["content"] for e in events]


async def wait_until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Poll ``check`` until it holds; fail after WAIT_S seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_S
    while loop.time() < deadline:
        if await check():
            return
        await asyncio.sleep(0.1)
    pytest.fail(f"timed out waiting for: {what}")


class EchoAgent:
    """Fake Rasa agent: records messages; answers with buttons for "wahl"."""

    def __init__(self) -> None:
        self.received: list[UserMessage] = []

    @property
    def texts(self) -> list[str]:
        return [str(m.text) for m in self.received]

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        if message.text == "wahl":
            await message.output_channel.send_response(
                message.sender_id,
                {
                    "text": "Haben Sie ein [Servicekonto](https://example.org/konto)?",
                    "buttons": [
                        {"title": "Ja", "payload": "/affirm"},
                        {"title": "Nein", "payload": "/deny"},
                    ],
                },
            )
        else:
            await message.output_channel.send_response(message.sender_id, {"text": f"Echo: {message.text}"})


@asynccontextmanager
async def two_users(synapse: SynapseServer) -> AsyncIterator[tuple[MatrixUser, MatrixUser]]:
    """A fresh bot account and a fresh citizen account."""
    suffix = uuid.uuid4().hex[:8]
    bot_id, bot_token = synapse.register(f"bot{suffix}")
    citizen_id, citizen_token = synapse.register(f"buerger{suffix}")
    async with aiohttp.ClientSession() as session:
        yield (
            MatrixUser(synapse.base_url, bot_id, bot_token, session),
            MatrixUser(synapse.base_url, citizen_id, citizen_token, session),
        )


def settings_for(synapse: SynapseServer, bot: MatrixUser, **extra: Any) -> MatrixSettings:
    return MatrixSettings(
        homeserver=synapse.base_url,
        user_id=bot.user_id,
        access_token=bot.headers["Authorization"].removeprefix("Bearer "),
        kommune=KOMMUNE,
        sync_timeout_ms=1000,
        min_backoff_s=0.1,
        max_backoff_s=0.5,
        **extra,
    )


async def test_invite_join_answer_and_own_messages_ignored(synapse: SynapseServer) -> None:
    agent = EchoAgent()
    async with two_users(synapse) as (bot, citizen):
        channel = MatrixInput(settings_for(synapse, bot))
        async with serve_blueprint(channel.blueprint(agent), "/webhooks/matrix") as base:
            room = await citizen.create_room(invite=[bot.user_id])

            async def joined() -> bool:
                return bot.user_id in await citizen.members(room)

            await wait_until(joined, "bot joins the room it was invited to")

            async def answered(count: int) -> bool:
                return len(await citizen.messages_from(room, bot.user_id)) >= count

            await citizen.say(room, "Hallo")
            await wait_until(lambda: answered(1), "answer to Hallo")
            # An m.text sent by the bot's own account must not be answered.
            await bot.say(room, "Nachricht vom Bot-Konto")
            await citizen.say(room, "Zweite Frage")
            await wait_until(lambda: answered(2), "answer to the second question")

            async with (
                aiohttp.ClientSession() as session,
                session.get(f"{base}/webhooks/matrix/") as resp,
            ):
                assert (await resp.json())["status"] == "ok"

        replies = await citizen.messages_from(room, bot.user_id)
    notices = [r for r in replies if r["msgtype"] == "m.notice"]
    assert [r["body"] for r in notices] == ["Echo: Hallo", "Echo: Zweite Frage"]
    # The bot's own replies came back through /sync but were not forwarded.
    assert agent.texts == ["Hallo", "Zweite Frage"]
    message = agent.received[0]
    assert message.sender_id == conversation_id(room, citizen.user_id)
    assert message.input_channel == "matrix"
    assert message.metadata == {"kommune": KOMMUNE}


async def test_history_from_before_start_is_ignored(synapse: SynapseServer) -> None:
    agent = EchoAgent()
    async with two_users(synapse) as (bot, citizen):
        room = await citizen.create_room(invite=[bot.user_id])
        await bot.join(room)
        await citizen.say(room, "Alte Nachricht")
        # A room the bot is invited to only after the start also has history.
        late_room = await citizen.create_room(invite=[])
        await citizen.say(late_room, "Alte Nachricht im zweiten Raum")

        # A later invite is not a direct chat: the inviter must be allowed.
        matrix = MatrixBot(settings_for(synapse, bot, allowed_users=frozenset({citizen.user_id})), agent)
        await matrix.start()
        try:
            await citizen.invite(late_room, bot.user_id)

            async def joined() -> bool:
                return bot.user_id in await citizen.members(late_room)

            await wait_until(joined, "bot joins the second room")
            await citizen.say(room, "Neue Nachricht")
            await citizen.say(late_room, "Neu im zweiten Raum")

            async def both_answered() -> bool:
                return len(agent.received) >= 2 and all(
                    await asyncio.gather(*(citizen.messages_from(r, bot.user_id) for r in (room, late_room)))
                )

            await wait_until(both_answered, "answers to the new messages")
        finally:
            await matrix.stop()
    assert sorted(agent.texts) == ["Neu im zweiten Raum", "Neue Nachricht"]


async def test_buttons_are_numbered_and_number_maps_to_payload(synapse: SynapseServer) -> None:
    agent = EchoAgent()
    async with two_users(synapse) as (bot, citizen):
        matrix = MatrixBot(settings_for(synapse, bot), agent)
        await matrix.start()
        try:
            room = await citizen.create_room(invite=[bot.user_id])

            async def joined() -> bool:
                return bot.user_id in await citizen.members(room)

            await wait_until(joined, "bot joins")
            await citizen.say(room, "wahl")

            async def replied(count: int) -> bool:
                return len(await citizen.messages_from(room, bot.user_id)) >= count

            await wait_until(lambda: replied(1), "question with options")
            await citizen.say(room, "2")
            await wait_until(lambda: replied(2), "answer to the choice")
            replies = await citizen.messages_from(room, bot.user_id)
        finally:
            await matrix.stop()
    question = replies[0]["body"]
    assert "Servicekonto: https://example.org/konto" in question
    assert "1) Ja\n2) Nein" in question
    assert agent.texts == ["wahl", "/deny"]


async def test_sync_loop_recovers_after_homeserver_restart(synapse: SynapseServer) -> None:
    agent = EchoAgent()
    async with two_users(synapse) as (bot, citizen):
        room = await citizen.create_room(invite=[bot.user_id])
        await bot.join(room)
        matrix = MatrixBot(settings_for(synapse, bot), agent)
        await matrix.start()
        try:

            async def synced() -> bool:
                return matrix.synced

            await wait_until(synced, "initial sync")
            await asyncio.to_thread(synapse.stop)

            async def failing() -> bool:
                return matrix.failures >= 2

            await wait_until(failing, "sync loop notices the outage")
            await asyncio.to_thread(synapse.start)
            await citizen.say(room, "Sind Sie wieder da?")

            async def answered() -> bool:
                return bool(await citizen.messages_from(room, bot.user_id))

            await wait_until(answered, "answer after the restart")
        finally:
            await matrix.stop()
    assert agent.texts == ["Sind Sie wieder da?"]
    assert matrix.failures == 0


async def test_group_room_invites_need_an_allowed_user_or_server(synapse: SynapseServer) -> None:
    agent = EchoAgent()
    async with two_users(synapse) as (bot, citizen):
        server_name = citizen.user_id.partition(":")[2]
        matrix = MatrixBot(settings_for(synapse, bot), agent)
        await matrix.start()
        try:
            group = await citizen.create_room(invite=[bot.user_id], direct=False)

            async def declined() -> bool:
                return await citizen.membership(group, bot.user_id) == "leave"

            await wait_until(declined, "bot declines a group-room invite from anyone")
        finally:
            await matrix.stop()

        allowed = MatrixBot(settings_for(synapse, bot, allowed_servers=frozenset({server_name})), agent)
        await allowed.start()
        try:
            team = await citizen.create_room(invite=[bot.user_id], direct=False)

            async def joined() -> bool:
                return bot.user_id in await citizen.members(team)

            await wait_until(joined, "bot joins a group room from an allowed server")
        finally:
            await allowed.stop()
        assert bot.user_id not in await citizen.members(group)


async def test_long_message_gets_an_explanation_and_the_next_one_an_answer(synapse: SynapseServer) -> None:
    agent = EchoAgent()
    async with two_users(synapse) as (bot, citizen):
        matrix = MatrixBot(settings_for(synapse, bot), agent)
        await matrix.start()
        try:
            room = await citizen.create_room(invite=[bot.user_id])

            async def joined() -> bool:
                return bot.user_id in await citizen.members(room)

            await wait_until(joined, "bot joins the direct chat")
            # 60 kB: took 9.7 s in the old option regex, blocking Rasa's event loop.
            await citizen.say(room, "1" + " " * 60_000 + "x")
            await citizen.say(room, "Hallo")

            async def answered() -> bool:
                return len(await citizen.messages_from(room, bot.user_id)) >= 2

            await wait_until(answered, "explanation and answer")
        finally:
            await matrix.stop()
        bodies = [r["body"] for r in await citizen.messages_from(room, bot.user_id)]
    assert bodies == [in_language(TOO_LONG, "de", max_chars=1000), "Echo: Hallo"]
    assert agent.texts == ["Hallo"]
