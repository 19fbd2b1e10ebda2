"""Test doubles for the website chat tests: a fake Rasa upstream and a live
gateway stack for the browser tests (imported by conftest and the tests)."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.web import GatewayConfig, create_app

WEB_TESTS_DIR = Path(__file__).parent
AXE_PATH = WEB_TESTS_DIR / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS_DIR = WEB_TESTS_DIR / "artifacts"

PORTAL_URL = "https://verwaltungsportal.hessen.de"
GREETING = "Guten Tag! Wie kann ich Ihnen helfen?"
BIRTH_TEXT = (
    "Eine Geburtsurkunde können Sie online bestellen. "
    f"Den Online-Dienst finden Sie im Verwaltungsportal Hessen: {PORTAL_URL}. "
    "Möchten Sie die Urkunde online beantragen?"
)
BIRTH_BUTTONS = [
    {"title": "Ja, online beantragen", "payload": "/affirm"},
    {"title": "Nein, danke", "payload": "/deny"},
]
BIRTH_TEXT_EN = (
    "The Standesamt (civil registry office) of the place of birth issues the birth certificate. "
    f"You find its online service in the Verwaltungsportal Hessen: {PORTAL_URL}"
)
AFFIRM_TEXT = "Gut. Öffnen Sie den Link zum Verwaltungsportal und wählen Sie Ihre Kommune."
DENY_TEXT = "In Ordnung. Fragen Sie mich gern etwas anderes."
FALLBACK_TEXT = "Das habe ich leider nicht verstanden. Bitte formulieren Sie Ihre Frage anders."
MARKUP_TEXT = (
    "<img src=x onerror=alert(1)> **Wichtig:** javascript:alert(1) "
    "Details: https://verwaltungsportal.hessen.de/nutzerkonto-bund."
)
ORIGIN = "http://127.0.0.1:8080"


# --------------------------------------------------------------- fake Rasa


@dataclass
class FakeRasa:
    """State of the fake Rasa server: what it received and how it behaves.

    mode: "ok" answers like Rasa's REST channel, "error" answers HTTP 500,
    "slow" waits longer than any test timeout, "garbage" sends non-JSON.
    """

    mode: str = "ok"
    received: list[Any] = field(default_factory=list)
    root_requests: int = 0

    def reply(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """Answer like Rasa's REST channel for a few known messages."""
        sender = body.get("sender")
        text = str(body.get("message", "")).lower()
        if text == "/affirm":
            return [{"recipient_id": sender, "text": AFFIRM_TEXT}]
        if text == "/deny":
            return [{"recipient_id": sender, "text": DENY_TEXT}]
        if "birth certificate" in text:
            return [{"recipient_id": sender, "text": BIRTH_TEXT_EN}]
        if "geburtsurkunde" in text:
            buttons = [dict(b, extra="dropped") for b in BIRTH_BUTTONS]
            return [{"recipient_id": sender, "text": BIRTH_TEXT, "buttons": buttons}]
        if "markup" in text:
            return [{"recipient_id": sender, "text": MARKUP_TEXT}]
        if "hallo" in text:
            return [
                {"recipient_id": sender, "text": GREETING},
                {"recipient_id": sender},
            ]
        return [
            {
                "recipient_id": sender,
                "text": FALLBACK_TEXT,
                "image": "https://x.invalid",
            }
        ]

    def build_app(self) -> web.Application:
        """aiohttp app with Rasa's root and REST webhook endpoints."""

        async def root(request: web.Request) -> web.Response:
            self.root_requests += 1
            if self.mode == "error":
                return web.Response(status=500, text="Internal Server Error")
            return web.Response(text="Hello from Rasa: 3.6.21")

        async def webhook(request: web.Request) -> web.StreamResponse:
            body = await request.json()
            self.received.append(body)
            if self.mode == "error":
                return web.Response(status=500, text="boom")
            if self.mode == "slow":
                await asyncio.sleep(30)
            if self.mode == "garbage":
                return web.Response(text="<html>not json</html>")
            return web.json_response(self.reply(body))

        app = web.Application()
        app.router.add_get("/", root)
        app.router.add_post("/webhooks/rest/webhook", webhook)
        return app


def closed_port_url() -> str:
    """URL of a local port where nothing listens (upstream down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


GatewayFactory = Callable[..., Awaitable[TestClient]]
"""Signature of the ``make_gateway`` fixture."""


# ------------------------------------------------------- live stack (browser)


class LiveStack:
    """Fake Rasa + gateway on free ports, served from a background event loop.

    Playwright's sync API needs the test thread, so both servers run in
    their own thread with their own loop.
    """

    def __init__(self) -> None:
        self.rasa = FakeRasa()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.runners: list[web.AppRunner] = []
        self.base_url = ""

    def start(self) -> None:
        """Start both servers; sets ``base_url`` of the gateway."""
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(timeout=30)

    async def _start(self) -> None:
        rasa_sock = _bound_socket()
        gateway_sock = _bound_socket()
        rasa_url = f"http://127.0.0.1:{rasa_sock.getsockname()[1]}"
        self.base_url = f"http://127.0.0.1:{gateway_sock.getsockname()[1]}"
        config = GatewayConfig(
            rasa_url=rasa_url,
            allowed_origins=frozenset({self.base_url}),
            rate_limit_per_minute=1000,
            upstream_timeout_s=5,
        )
        for app, sock in (
            (self.rasa.build_app(), rasa_sock),
            (create_app(config), gateway_sock),
        ):
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            await web.SockSite(runner, sock).start()
            self.runners.append(runner)

    def stop(self) -> None:
        """Stop the servers and the loop thread."""

        async def cleanup() -> None:
            for runner in reversed(self.runners):
                await runner.cleanup()

        asyncio.run_coroutine_threadsafe(cleanup(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


def _bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock
