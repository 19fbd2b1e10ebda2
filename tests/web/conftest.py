"""Fixtures for the website chat tests: fake Rasa, gateway client, live
stack, Chromium and axe-core.

Tests that need Chromium or axe-core FAIL (never skip) when they are missing.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from bot.web import GatewayConfig, create_app
from tests.web.web_support import AXE_PATH, ORIGIN, FakeRasa, GatewayFactory, LiveStack


@pytest_asyncio.fixture
async def fake_rasa() -> AsyncIterator[tuple[FakeRasa, str]]:
    """A running fake Rasa; yields (state, base URL)."""
    state = FakeRasa()
    server = TestServer(state.build_app(), host="127.0.0.1")
    await server.start_server()
    try:
        yield state, str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


@pytest_asyncio.fixture
async def make_gateway(
    fake_rasa: tuple[FakeRasa, str],
) -> AsyncIterator[GatewayFactory]:
    """Factory: gateway test client talking to the fake Rasa (config overridable)."""
    clients: list[TestClient] = []

    async def factory(**overrides: Any) -> TestClient:
        base = GatewayConfig(rasa_url=fake_rasa[1], allowed_origins=frozenset({ORIGIN}))
        config = dataclasses.replace(base, **overrides)
        client = TestClient(TestServer(create_app(config), host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        return client

    yield factory
    for client in clients:
        await client.close()


@pytest.fixture(scope="session")
def live_stack() -> Iterator[LiveStack]:
    """Session-wide gateway + fake Rasa for the browser tests."""
    stack = LiveStack()
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture
def stack(live_stack: LiveStack) -> Iterator[LiveStack]:
    """The live stack, reset to a healthy fake Rasa for each test."""
    live_stack.rasa.mode = "ok"
    live_stack.rasa.received.clear()
    yield live_stack
    live_stack.rasa.mode = "ok"


# ---------------------------------------------------------- browser + axe

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Path of the Debian chromium binary; fails clearly when it is missing."""
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(
            "Chromium not found on PATH. Install it with "
            "`apt-get update && apt-get install -y chromium` (browser tests never skip).",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """Path of axe-core's bundle; fails clearly when npm deps are missing."""
    if not AXE_PATH.is_file():
        pytest.fail(
            f"axe-core not found at {AXE_PATH}. Run `npm ci --prefix tests/web` (needs node and npm).",
            pytrace=False,
        )
    return AXE_PATH


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    """One headless Chromium per test module (Playwright sync API).

    Module scope on purpose: while Playwright's sync API is active it marks
    an event loop as running in the main thread, which would break every
    pytest-asyncio test that runs after it in the same session.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
