"""The fixes of bot.ops.rasa_cli and the hardened action server (bot.ops.action_server):
same verdicts with the schema checked once; slash-payloads only when offered; no
compressed bodies; the action server on loopback without tracker echo."""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import aiohttp
import jsonschema
import pytest
import requests
import sanic
import sanic.response
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.ops import rasa_cli

VALID: dict[str, Any] = {
    "events": [{"event": "slot", "name": "ort", "value": "06534014", "timestamp": None}],
    "responses": [{"text": "Das Standesamt Marburg.", "buttons": [{"title": "Ja", "payload": "/affirm"}]}],
}
INVALID: list[dict[str, Any]] = [
    {"events": "keine Liste", "responses": []},
    {"events": [{"event": "slot", "name": 3}], "responses": []},
    {"events": [{"event": "kein_ereignis"}], "responses": []},
    {"events": [{"event": "slot", "name": "ort", "timestamp": "gestern"}], "responses": []},
]


@pytest.fixture()
def action() -> RemoteAction:
    return RemoteAction("action_test", EndpointConfig("http://127.0.0.1:1/webhook"))


def test_valid_result_is_accepted_as_by_rasa(action: RemoteAction) -> None:
    assert RemoteAction._validate_action_result(action, VALID) is True
    assert rasa_cli.validate_action_result(action, VALID) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_result_is_rejected_with_rasas_message(action: RemoteAction, result: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError) as original:
        RemoteAction._validate_action_result(action, result)
    with pytest.raises(jsonschema.ValidationError) as fixed:
        rasa_cli.validate_action_result(action, result)
    assert fixed.value.message == original.value.message
    assert "Failed to validate Action server response" in fixed.value.message


def test_schema_is_checked_once_for_many_results(action: RemoteAction) -> None:
    rasa_cli.action_response_validator.cache_clear()
    validator_class = jsonschema.validators.validator_for(RemoteAction.action_response_format_spec())
    with mock.patch.object(validator_class, "check_schema", wraps=validator_class.check_schema) as check:
        for _ in range(5):
            rasa_cli.validate_action_result(action, VALID)
    assert check.call_count == 1


def test_apply_fixes_installs_both(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.core.tracker_store import SQLTrackerStore

    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    monkeypatch.setattr(SQLTrackerStore, "_event_query", SQLTrackerStore._event_query)
    rasa_cli.apply_fixes()
    assert RemoteAction._validate_action_result is rasa_cli.validate_action_result
    assert SQLTrackerStore._event_query is rasa_cli.event_query


# ---------------------------------------------------------------- security fixes (issue 14)


def _tracker_with_buttons(*payloads: str) -> DialogueStateTracker:
    buttons = [{"title": f"Option {i}", "payload": p} for i, p in enumerate(payloads)]
    return DialogueStateTracker.from_events(
        "citizen",
        [
            UserUttered("Hallo", intent={"name": "greet", "confidence": 1.0}),
            BotUttered("Guten Tag! Worum geht es?", data={"buttons": buttons}),
        ],
    )


def test_offered_payload_passes_unchanged() -> None:
    tracker = _tracker_with_buttons('/inform{"gemeinde": "06534014"}', "/affirm")
    assert rasa_cli.guard_slash_payload("/affirm", tracker) == "/affirm"
    assert rasa_cli.guard_slash_payload(' /inform{"gemeinde": "06534014"} ', tracker) == (
        ' /inform{"gemeinde": "06534014"} '
    )
    assert rasa_cli.guard_slash_payload("Ich brauche eine Geburtsurkunde", tracker) == (
        "Ich brauche eine Geburtsurkunde"
    )


@pytest.mark.parametrize(
    ("text", "neutral"),
    [
        ('/inform{"gemeinde": "06412000"}', 'inform{"gemeinde": "06412000"}'),
        ("/restart", "restart"),
        ("//affirm", "affirm"),
        ("/", "?"),
    ],
)
def test_payload_not_offered_is_read_as_words(text: str, neutral: str) -> None:
    tracker = _tracker_with_buttons('/inform{"gemeinde": "06534014"}')
    assert rasa_cli.guard_slash_payload(text, tracker) == neutral


class _FakeProcessor:
    """Just enough of MessageProcessor for ``_handle_message_with_tracker``: parses
    slash-payloads like Rasa (intent from the text), everything else as "nlu"."""

    domain = Domain.empty()

    async def parse_message(self, message: UserMessage, tracker: DialogueStateTracker) -> dict[str, Any]:
        text = message.text or ""
        intent = text[1:].split("{")[0] if text.startswith("/") else "nlu"
        return {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}

    def _log_slots(self, tracker: DialogueStateTracker) -> None:
        pass


@pytest.mark.asyncio
async def test_rasa_does_not_execute_a_payload_it_did_not_offer(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.core.processor import MessageProcessor

    monkeypatch.setattr(
        MessageProcessor, "_handle_message_with_tracker", MessageProcessor._handle_message_with_tracker
    )
    rasa_cli.apply_fixes()
    handle = MessageProcessor._handle_message_with_tracker
    tracker = _tracker_with_buttons("/affirm")

    await handle(
        _FakeProcessor(), UserMessage('/inform{"gemeinde": "06412000"}', sender_id="citizen"), tracker
    )
    assert tracker.latest_message is not None
    assert tracker.latest_message.intent["name"] == "nlu"
    assert tracker.latest_message.text == 'inform{"gemeinde": "06412000"}'

    await handle(_FakeProcessor(), UserMessage("/affirm", sender_id="citizen"), tracker)
    assert tracker.latest_message.intent["name"] == "affirm"


# ------------------------------------------------ action server and Rasa's Sanic apps

ROOT = Path(__file__).resolve().parents[1]
# 60 MB of zeros deflate to about 58 kB.
BOMB = zlib.compress(b"\0" * 60_000_000, 9)
ACTION_SERVER = [sys.executable, "-m", "bot.ops.action_server", "--actions", "actions"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _non_loopback_addresses() -> list[str]:
    """This machine's own addresses outside 127.0.0.0/8 and ::1 (`hostname -I`)."""
    output = subprocess.run(["hostname", "-I"], capture_output=True, text=True, check=True).stdout
    return [a for a in output.split() if not ipaddress.ip_address(a).is_loopback]


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a TCP socket listening on ``port`` (from /proc/net/tcp*)."""
    found = set()
    for name, width in (("tcp", 8), ("tcp6", 32)):
        for line in Path(f"/proc/net/{name}").read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address_hex, port_hex = local.split(":")
            if state != "0A" or int(port_hex, 16) != port:  # 0A = LISTEN
                continue
            raw = bytes.fromhex(address_hex)
            # /proc writes each 32-bit word in host (little-endian) order.
            raw = b"".join(raw[i : i + 4][::-1] for i in range(0, width // 2, 4))
            found.add(str(ipaddress.ip_address(raw)))
    return found


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.fixture(scope="module")
def action_server() -> Iterator[tuple[int, int]]:
    """The action server as `make run` starts it, without SANIC_HOST; yields (pid, port)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "SANIC_HOST"}
    env.update(PYTHONPATH=str(ROOT), RASA_TELEMETRY_ENABLED="false")
    proc = subprocess.Popen(
        [*ACTION_SERVER, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert proc.poll() is None, "action server exited"
            assert time.monotonic() < deadline, "action server did not start"
            time.sleep(0.3)
        yield proc.pid, port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_action_server_listens_on_loopback_only(action_server: tuple[int, int]) -> None:
    _pid, port = action_server
    assert _listening_addresses(port) == {"127.0.0.1"}
    addresses = _non_loopback_addresses()
    assert addresses, "this machine has no non-loopback address to test with"
    for address in addresses:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.settimeout(2)
            with pytest.raises(ConnectionRefusedError):
                sock.connect((address, port))


def test_action_server_refuses_deflate_bomb_without_inflating(action_server: tuple[int, int]) -> None:
    pid, port = action_server
    before = _rss_mib(pid)
    for _ in range(4):
        response = requests.post(
            f"http://127.0.0.1:{port}/webhook",
            data=BOMB,
            headers={"Content-Encoding": "deflate", "Content-Type": "application/json"},
            timeout=30,
        )
        assert response.status_code == 415
    grown = _rss_mib(pid) - before
    assert grown < 20, f"action server grew by {grown:.0f} MiB"


def test_action_server_errors_do_not_echo_the_tracker(action_server: tuple[int, int]) -> None:
    _pid, port = action_server
    secret = "Meine Steuer-ID ist 12345678901"
    # A list instead of an object makes rasa-sdk's handler fail (AttributeError).
    response = requests.post(
        f"http://127.0.0.1:{port}/webhook", json=[{"tracker": {"text": secret}}], timeout=10
    )
    assert response.status_code == 500
    assert "12345678901" not in response.text
    assert response.json() == {"error": "internal error"}


@pytest.mark.asyncio
async def test_rasa_server_apps_refuse_compressed_bodies() -> None:
    import rasa.core.run
    import rasa.server

    rasa_cli.apply_fixes()
    sanic.Sanic.test_mode = True  # as tests/channels/sanic_harness.py: no touch-up of the loop
    apps = [
        rasa.core.run._create_app_without_api(cors=None),
        rasa.server.create_app(auth_token="t"),
    ]
    received: list[bytes] = []

    async def echo(request: Any) -> Any:
        received.append(request.body)
        return sanic.response.json({"bytes": len(request.body)})

    for app in apps:
        app.add_route(echo, "/echo-test", methods=["POST"])
        port = _free_port()
        server = await app.create_server(
            host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
        )
        assert server is not None
        await server.startup()
        try:
            async with aiohttp.ClientSession() as session:
                url = f"http://127.0.0.1:{port}/echo-test"
                async with session.post(url, data=BOMB, headers={"Content-Encoding": "deflate"}) as resp:
                    assert resp.status == 415
                async with session.post(
                    url, data=b'{"a": 1}', headers={"Content-Encoding": "identity"}
                ) as resp:
                    assert resp.status == 200
                if app is apps[0]:  # channels only: bodies bounded to 1 MiB
                    async with session.post(url, data=b" " * (2 * 1024 * 1024)) as resp:
                        assert resp.status == 413
        finally:
            server.close()
            await server.wait_closed()
    assert received == [b'{"a": 1}', b'{"a": 1}']
