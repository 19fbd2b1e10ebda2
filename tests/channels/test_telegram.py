"""End-to-end tests of the Telegram channel against a loopback Bot API fake."""

from __future__ import annotations

import json
import logging
import logging.config
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.telegram import TelegramOutput

from bot.channels.telegram import (
    CALLBACK_DATA_MAX_BYTES,
    TELEGRAM_MAX_MESSAGE_LENGTH,
    KommuneTelegramInput,
    KommuneTelegramOutput,
)
from bot.channels.telegram_secret import SECRET_HEADER

from .fake_telegram import BOT_USERNAME, FakeBotApi, fake_bot_api
from .sanic_harness import serve_blueprint

TOKEN = "123456789:AAEhBP0av28VWlN3e_qaQ7ZJ3GFsVJ-test"
KOMMUNE = "06412000"
WEBHOOK_URL = "https://bot.example.org/webhooks/telegram/webhook"
CHAT_ID = 4711
SECRET = "5f0c2a7d9e4b4c1f8a6d3e2b1c0f9a8e7d6c5b4a39281706"
LOGGING_YML = Path(__file__).resolve().parents[2] / "bot" / "ops" / "logging.yml"

Reply = Callable[[UserMessage], Awaitable[None]]


def text_update(text: str, update_id: int = 1) -> dict[str, Any]:
    """A Bot API update for a private text message."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": CHAT_ID, "type": "private", "first_name": "Erika"},
            "from": {"id": CHAT_ID, "is_bot": False, "first_name": "Erika"},
            "text": text,
        },
    }


def button_update(data: str, update_id: int = 2) -> dict[str, Any]:
    """A Bot API update for a pressed inline button."""
    return {
        "update_id": update_id,
        "callback_query": {
            "id": "cbq-1",
            "from": {"id": CHAT_ID, "is_bot": False, "first_name": "Erika"},
            "chat_instance": "ci-1",
            "data": data,
            "message": {
                "message_id": 99,
                "date": 1_700_000_000,
                "chat": {"id": CHAT_ID, "type": "private"},
                "text": "Frage",
            },
        },
    }


class FakeAgent:
    """Stands in for Rasa's agent: records messages and answers via the channel."""

    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.received: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        await message.output_channel.send_response(message.sender_id, dict(self.answer))


async def post_update(
    base_url: str, update: dict[str, Any], secret: str | None = SECRET, expect: int = 200
) -> str:
    """POST an update (with Telegram's secret header) and return the response body."""
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{base_url}/webhooks/telegram/webhook", json=update, headers=headers) as resp,
    ):
        assert resp.status == expect
        return await resp.text()


def credentials(api: FakeBotApi, **extra: Any) -> dict[str, Any]:
    """The channel's credentials.yml section for the fake API."""
    return {
        "access_token": TOKEN,
        "verify": BOT_USERNAME,
        "webhook_url": WEBHOOK_URL,
        "api_url": api.base_url,
        "secret_token": SECRET,
        **extra,
    }


async def run_exchange(
    api: FakeBotApi, agent: FakeAgent, updates: list[dict[str, Any]], verify: str = BOT_USERNAME
) -> None:
    """Serve the channel, post ``updates`` and shut the server down again."""
    channel = KommuneTelegramInput.from_credentials(credentials(api, verify=verify, kommune=KOMMUNE))
    async with serve_blueprint(channel.blueprint(agent), "/webhooks/telegram") as base:
        for update in updates:
            await post_update(base, update)


async def test_text_message_reaches_rasa_and_answer_reaches_chat() -> None:
    agent = FakeAgent(
        {
            "text": "Wo wohnen Sie?",
            "buttons": [
                {"title": "Frankfurt am Main", "payload": '/inform{"gemeinde":"06412000"}'},
                {"title": "Andere Gemeinde", "payload": "/deny"},
            ],
        }
    )
    async with fake_bot_api() as api:
        await run_exchange(api, agent, [text_update("Ich brauche eine Geburtsurkunde")])

    assert [m.text for m in agent.received] == ["Ich brauche eine Geburtsurkunde"]
    message = agent.received[0]
    assert message.sender_id == str(CHAT_ID)
    assert message.input_channel == "telegram"
    assert message.metadata == {"kommune": KOMMUNE}

    assert [c.params["url"] for c in api.of("setWebhook")] == [WEBHOOK_URL]
    assert [c.params["secret_token"] for c in api.of("setWebhook")] == [SECRET]
    (sent,) = api.of("sendMessage")
    assert sent.params["chat_id"] == str(CHAT_ID)
    assert sent.params["text"] == "Wo wohnen Sie?"
    keyboard = sent.params["reply_markup"]["inline_keyboard"]
    # One button per row, payloads as callback data.
    assert [[b["text"] for b in row] for row in keyboard] == [
        ["Frankfurt am Main"],
        ["Andere Gemeinde"],
    ]
    assert [row[0]["callback_data"] for row in keyboard] == [
        '/inform{"gemeinde":"06412000"}',
        "/deny",
    ]


async def test_long_payload_fits_callback_data_and_maps_back() -> None:
    long_payload = '/inform{"gemeinde":"06412000","urkundenart":"geburtsurkunde","x":"yyyy"}'
    assert len(long_payload.encode()) > CALLBACK_DATA_MAX_BYTES
    agent = FakeAgent({"text": "Bitte wählen Sie.", "buttons": [{"title": "A", "payload": long_payload}]})
    async with fake_bot_api() as api:
        channel = KommuneTelegramInput.from_credentials(credentials(api))
        async with serve_blueprint(channel.blueprint(agent), "/webhooks/telegram") as base:
            await post_update(base, text_update("Hallo"))
            (sent,) = api.of("sendMessage")
            data = sent.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            assert len(data.encode()) <= CALLBACK_DATA_MAX_BYTES
            await post_update(base, button_update(data))

    assert [m.text for m in agent.received] == ["Hallo", long_payload]
    # Without BOT_KOMMUNE no municipal context is invented.
    assert agent.received[0].metadata is None


async def test_pressed_button_is_acknowledged_and_still_reaches_rasa() -> None:
    agent = FakeAgent({"text": "Danke."})
    async with fake_bot_api() as api:
        await run_exchange(api, agent, [text_update("Hallo"), button_update("/affirm")])

    assert [m.text for m in agent.received] == ["Hallo", "/affirm"]
    # Only the button press is answered, with its callback query id.
    assert [c.params["callback_query_id"] for c in api.of("answerCallbackQuery")] == ["cbq-1"]


async def test_failed_acknowledgement_does_not_lose_the_button() -> None:
    agent = FakeAgent({"text": "Danke."})
    async with fake_bot_api() as api:
        api.failing_methods.add("answerCallbackQuery")
        await run_exchange(api, agent, [button_update("/deny")])

    assert [m.text for m in agent.received] == ["/deny"]
    assert len(api.of("answerCallbackQuery")) == 1


async def test_reply_keyboard_when_requested() -> None:
    agent = FakeAgent(
        {
            "text": "Haben Sie ein Servicekonto?",
            "buttons": [{"title": "Ja", "payload": "/affirm"}, {"title": "Nein", "payload": "/deny"}],
            "button_type": "reply",
        }
    )
    async with fake_bot_api() as api:
        await run_exchange(api, agent, [text_update("Hallo")])
    (sent,) = api.of("sendMessage")
    markup = sent.params["reply_markup"]
    assert [[b["text"] for b in row] for row in markup["keyboard"]] == [["Ja"], ["Nein"]]
    assert markup["one_time_keyboard"] is True


async def test_long_answer_is_split_below_telegram_limit() -> None:
    paragraph = " ".join(f"Satz {i} über das Standesamt in Hessen." for i in range(150))
    long_text = "\n\n".join([paragraph, "Kurzer Absatz.", paragraph])
    agent = FakeAgent({"text": long_text})
    async with fake_bot_api() as api:
        await run_exchange(api, agent, [text_update("Erzähl mir alles")])

    texts = [c.params["text"] for c in api.of("sendMessage")]
    assert len(texts) >= 2
    assert all(len(t) <= TELEGRAM_MAX_MESSAGE_LENGTH for t in texts)
    # Nothing is lost and sentences stay whole.
    assert " ".join(" ".join(texts).split()) == " ".join(long_text.split())
    assert all(t.endswith(".") for t in texts)


async def test_rasa_builtin_output_does_not_enforce_the_limit() -> None:
    """Documents why the subclass splits: Rasa sends a long paragraph unsplit."""
    paragraph = "Wort " * 1000
    async with fake_bot_api() as api:
        rasa_out = TelegramOutput(TOKEN)
        rasa_out._session = None  # noqa: SLF001 - make aiogram create a session in this loop
        rasa_out.server = KommuneTelegramOutput(TOKEN, api.base_url).server
        await rasa_out.send_text_message(str(CHAT_ID), paragraph)
        await rasa_out.session.close()
        sent = [c.params["text"] for c in api.of("sendMessage")]
    assert len(sent) == 1 and len(sent[0]) > TELEGRAM_MAX_MESSAGE_LENGTH


async def test_update_for_other_bot_is_rejected() -> None:
    agent = FakeAgent({"text": "nie"})
    async with fake_bot_api() as api:
        await run_exchange(api, agent, [text_update("Hallo")], verify="some_other_bot")
    assert agent.received == []
    assert api.of("sendMessage") == []


def test_update_payload_is_json_serialisable() -> None:
    # Guards the fixtures above against typos that aiogram would silently drop.
    assert json.loads(json.dumps(button_update("x")))["callback_query"]["data"] == "x"


# ------------------------------------------------------------ authentication (issue 14)


@pytest.mark.parametrize("secret", [None, "", "falsch", SECRET[:-1], SECRET + "x"])
async def test_forged_update_is_rejected_before_rasa(secret: str | None) -> None:
    agent = FakeAgent({"text": "Bitte besuchen Sie https://phishing.example"})
    async with fake_bot_api() as api:
        channel = KommuneTelegramInput.from_credentials(credentials(api))
        async with serve_blueprint(channel.blueprint(agent), "/webhooks/telegram") as base:
            await post_update(base, text_update("/restart"), secret=secret, expect=403)
            await post_update(base, button_update("/affirm"), secret=secret, expect=403)
            # Not even parsed: a body that is no JSON gets the same answer.
            async with (
                aiohttp.ClientSession() as session,
                session.post(f"{base}/webhooks/telegram/webhook", data=b"{kaputt") as resp,
            ):
                assert resp.status == 403
    assert agent.received == []
    assert api.of("sendMessage") == [] and api.of("answerCallbackQuery") == []


async def test_set_webhook_route_is_closed() -> None:
    agent = FakeAgent({"text": "nie"})
    async with fake_bot_api() as api:
        channel = KommuneTelegramInput.from_credentials(credentials(api))
        async with (
            serve_blueprint(channel.blueprint(agent), "/webhooks/telegram") as base,
            aiohttp.ClientSession() as session,
        ):
            for method in ("GET", "POST"):
                async with session.request(method, f"{base}/webhooks/telegram/set_webhook") as resp:
                    assert resp.status == 404
            async with session.get(f"{base}/webhooks/telegram/") as resp:
                assert resp.status == 200  # health stays public
    # Only the registration at start-up reached Telegram.
    assert len(api.of("setWebhook")) == 1


@pytest.mark.parametrize("secret", [None, "", "kurz", "ungültig!" * 5])
def test_channel_refuses_to_start_without_a_usable_secret(secret: str | None) -> None:
    creds = {
        "access_token": TOKEN,
        "verify": BOT_USERNAME,
        "webhook_url": WEBHOOK_URL,
        "secret_token": secret,
    }
    with pytest.raises(ValueError, match="TELEGRAM_SECRET_TOKEN"):
        KommuneTelegramInput.from_credentials(creds)


async def test_telegram_start_command_is_read_as_greeting() -> None:
    agent = FakeAgent({"text": "Guten Tag!"})
    async with fake_bot_api() as api:
        await run_exchange(api, agent, [text_update("/start")])
    assert [m.text for m in agent.received] == ["Hallo"]


async def test_debug_logs_contain_no_chat_id_or_text(caplog: pytest.LogCaptureFixture) -> None:
    """bot/ops/logging.yml keeps aiogram's request dumps out even at DEBUG (-vv)."""
    config = yaml.safe_load(LOGGING_YML.read_text())
    names = list(config["loggers"])
    saved = {name: logging.getLogger(name).level for name in names}
    logging.config.dictConfig(config)
    caplog.set_level(logging.DEBUG)  # root at DEBUG, as with -vv or LOG_LEVEL=DEBUG
    secret_text = "Meine Steuer-ID ist 12345678901"
    try:
        agent = FakeAgent({"text": f"Sie schrieben: {secret_text}"})
        async with fake_bot_api() as api:
            await run_exchange(api, agent, [text_update(secret_text)])
        assert api.of("sendMessage")  # the exchange really happened
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
    logged = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert "12345678901" not in logged
    assert str(CHAT_ID) not in logged
