"""A loopback fake of the Telegram Bot API that records every call."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

BOT_USERNAME = "hessen_test_bot"


@dataclass
class ApiCall:
    """One recorded Bot API call: method name and decoded parameters."""

    method: str
    params: dict[str, Any]


@dataclass
class FakeBotApi:
    """Recorded calls of the fake API; ``base_url`` is set once it runs."""

    base_url: str = ""
    calls: list[ApiCall] = field(default_factory=list)
    next_message_id: int = 1
    # Methods that answer with a Bot API error (to test failure handling).
    failing_methods: set[str] = field(default_factory=set)

    def of(self, method: str) -> list[ApiCall]:
        """All recorded calls of one method, in order."""
        return [call for call in self.calls if call.method == method]


def _decode(value: str) -> Any:
    # aiogram sends nested objects (reply_markup) as JSON strings in forms.
    if value.startswith(("{", "[")):
        return json.loads(value)
    return value


async def _handle(api: FakeBotApi, request: web.Request) -> web.Response:
    method = request.match_info["method"]
    form = await request.post()
    params = {key: _decode(str(value)) for key, value in form.items()}
    api.calls.append(ApiCall(method, params))
    result: Any
    if method in api.failing_methods:
        return web.json_response(
            {"ok": False, "error_code": 400, "description": "Bad Request: query is too old"}
        )
    if method == "getMe":
        result = {"id": 42, "is_bot": True, "first_name": "Hessen", "username": BOT_USERNAME}
    elif method in ("setWebhook", "deleteWebhook", "answerCallbackQuery"):
        result = True
    elif method == "sendMessage":
        result = {
            "message_id": api.next_message_id,
            "date": int(time.time()),
            "chat": {"id": int(params["chat_id"]), "type": "private"},
            "text": params.get("text", ""),
        }
        api.next_message_id += 1
    else:
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
            status=404,
        )
    return web.json_response({"ok": True, "result": result})


@asynccontextmanager
async def fake_bot_api() -> AsyncIterator[FakeBotApi]:
    """Run the fake Bot API on 127.0.0.1 (ephemeral port)."""
    api = FakeBotApi()
    app = web.Application()

    async def handler(request: web.Request) -> web.Response:
        return await _handle(api, request)

    app.router.add_post("/bot{token}/{method}", handler)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    api.base_url = str(server.make_url("")).rstrip("/")
    try:
        yield api
    finally:
        await server.close()
