"""The patches of bot.ops.rasa_patches (installed by bot.ops.rasa_cli) and the hardened
action server (bot.ops.action_server): refused on a Rasa they do not fit; same verdicts with the schema checked once; slash-payloads only when offered; no
compressed bodies; the action server on loopback without tracker echo."""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
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

from bot.ops import rasa_cli, rasa_patches
from bot.ops.processes import ACTIONS_HEALTH_PATH, ServerProcess, action_server_command, free_port, start_all

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
    assert rasa_patches.validate_action_result(action, VALID) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_result_is_rejected_with_rasas_message(action: RemoteAction, result: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError) as original:
        RemoteAction._validate_action_result(action, result)
    with pytest.raises(jsonschema.ValidationError) as fixed:
        rasa_patches.validate_action_result(action, result)
    assert fixed.value.message == original.value.message
    assert "Failed to validate Action server response" in fixed.value.message


def test_schema_is_checked_once_for_many_results(action: RemoteAction) -> None:
    rasa_patches.action_response_validator.cache_clear()
    validator_class = jsonschema.validators.validator_for(RemoteAction.action_response_format_spec())
    with mock.patch.object(validator_class, "check_schema", wraps=validator_class.check_schema) as check:
        for _ in range(5):
            rasa_patches.validate_action_result(action, VALID)
    assert check.call_count == 1


def test_installed_rasa_validates_through_the_cached_validator(
    action: RemoteAction, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rasa's own entry point (the class method) checks the schema once, not per response."""
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    rasa_patches.apply_patches()
    rasa_patches.action_response_validator.cache_clear()
    validator_class = jsonschema.validators.validator_for(RemoteAction.action_response_format_spec())
    with mock.patch.object(validator_class, "check_schema", wraps=validator_class.check_schema) as check:
        for _ in range(5):
            assert action._validate_action_result(VALID) is True
        with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result(INVALID[0])
    assert check.call_count == 1


def test_installed_tracker_store_finds_the_session_start_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The query of Rasa's SQL tracker store has the session start in WHERE, not a subquery in FROM."""
    from rasa.core.tracker_store import SQLTrackerStore

    monkeypatch.setattr(SQLTrackerStore, "_event_query", SQLTrackerStore._event_query)
    rasa_patches.apply_patches()
    store = SQLTrackerStore(domain=Domain.empty(), host=f"sqlite:///{tmp_path / 'tracker.db'}")
    try:
        with store.session_scope() as session:
            sql = " ".join(str(store._event_query(session, "citizen", False)).split())
    finally:
        store.engine.dispose()
    from_clause = sql.split(" WHERE ")[0]
    assert "SELECT" not in from_clause.split(" FROM ", 1)[1]
    assert ">= (SELECT max(events.timestamp)" in sql


def test_patches_are_installed_once_and_logged_in_one_line(caplog: pytest.LogCaptureFixture) -> None:
    import rasa.core.run

    with caplog.at_level("INFO", logger="bot.ops.rasa_patches"):
        rasa_patches.apply_patches()
        line = rasa_patches.apply_patches()
    assert [r.getMessage() for r in caplog.records].count(line) == 2
    assert line.startswith(f"Rasa {rasa_patches.RASA_VERSION}: fixes active (")
    # Installing twice wraps Rasa's factory once: the wrapper's original is Rasa's own.
    factory = rasa.core.run._create_app_without_api
    assert not hasattr(factory.__rasa_original__, "__rasa_original__")


def test_replacements_take_the_parameters_of_rasas_methods() -> None:
    """A replacement set on its own (as the tracker-query tests do) still passes the check."""
    import inspect

    for patch in rasa_patches.patches():
        replacement = patch.replace(lambda *args, **kwargs: None)
        wrapped = getattr(replacement, "__wrapped__", replacement)
        if wrapped is replacement:  # the method patches, not the factory wrappers
            assert tuple(inspect.signature(replacement).parameters) == patch.parameters, patch.key


def test_another_rasa_version_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import rasa

    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with pytest.raises(
        rasa_patches.RasaPatchError, match="Rasa 3.7.0 is installed, the patches are for Rasa 3.6.21"
    ):
        rasa_patches.apply_patches()


def test_a_changed_method_is_refused_and_nothing_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.core.tracker_store import SQLTrackerStore

    def changed(self: Any, session: Any, sender_id: str, fetch_all: bool, limit: int) -> Any:
        raise AssertionError("not called")

    monkeypatch.setattr(SQLTrackerStore, "_event_query", changed)
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    before = RemoteAction._validate_action_result
    with pytest.raises(rasa_patches.RasaPatchError, match=r"SQLTrackerStore\._event_query.*limit"):
        rasa_patches.apply_patches()
    assert RemoteAction._validate_action_result is before


def test_the_command_line_refuses_to_start_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import rasa

    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    monkeypatch.setattr(sys, "argv", ["rasa_cli", "run"])
    with pytest.raises(SystemExit) as stopped:
        rasa_cli.main()
    assert "Rasa not started" in str(stopped.value.code) and "3.7.0" in str(stopped.value.code)


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
    assert rasa_patches.guard_slash_payload("/affirm", tracker) == "/affirm"
    assert rasa_patches.guard_slash_payload(' /inform{"gemeinde": "06534014"} ', tracker) == (
        ' /inform{"gemeinde": "06534014"} '
    )
    assert rasa_patches.guard_slash_payload("Ich brauche eine Geburtsurkunde", tracker) == (
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
    assert rasa_patches.guard_slash_payload(text, tracker) == neutral


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


async def test_rasa_does_not_execute_a_payload_it_did_not_offer(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.core.processor import MessageProcessor

    monkeypatch.setattr(
        MessageProcessor, "_handle_message_with_tracker", MessageProcessor._handle_message_with_tracker
    )
    rasa_patches.apply_patches()
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
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int]]:
    """The action server as `make run` starts it, without SANIC_HOST; yields (pid, port)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "SANIC_HOST"}
    env.update(PYTHONPATH=str(ROOT), RASA_TELEMETRY_ENABLED="false")
    log = tmp_path_factory.mktemp("actions") / "actions.log"
    server = ServerProcess("actions", action_server_command(port), port, ACTIONS_HEALTH_PATH, log, ROOT, env)
    start_all([server], timeout=120)
    try:
        yield server.pid or 0, port
    finally:
        server.stop()


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


async def test_rasa_server_apps_refuse_compressed_bodies() -> None:
    import rasa.core.run
    import rasa.server

    rasa_patches.apply_patches()
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
        port = free_port()
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
