"""bot.ops.processes: one configuration of ports, one builder of command lines, one readiness loop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.ops.endpoints import EndpointConfigError, render_endpoints
from bot.ops.processes import (
    LOGGING_CONFIG,
    Ports,
    ServerProcess,
    action_server_command,
    free_port,
    rasa_command,
    start_all,
    supervise,
)

ROOT = Path(__file__).resolve().parents[1]


def test_actions_port_moves_the_endpoint_rasa_calls() -> None:
    assert Ports.from_env({}).action_endpoint_url == "http://127.0.0.1:5055/webhook"
    assert Ports.from_env({"ACTIONS_PORT": "6000"}).action_endpoint_url == "http://127.0.0.1:6000/webhook"
    assert render_endpoints({"ACTIONS_PORT": "6000"})["action_endpoint"]["url"] == (
        "http://127.0.0.1:6000/webhook"
    )
    # A deployment naming the action server's URL (containers) keeps it.
    explicit = {"ACTIONS_PORT": "6000", "ACTION_ENDPOINT_URL": "http://actions:5055/webhook"}
    assert render_endpoints(explicit)["action_endpoint"]["url"] == "http://actions:5055/webhook"


@pytest.mark.parametrize("value", ["sechs", "0", "70000", "-1"])
def test_an_unusable_port_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="ACTIONS_PORT"):
        Ports.from_env({"ACTIONS_PORT": value})
    with pytest.raises(EndpointConfigError):
        render_endpoints({"ACTIONS_PORT": value})


def test_make_run_uses_one_port_for_the_action_server_and_rasas_calls(tmp_path: Path) -> None:
    """What `ACTIONS_PORT=6000 make run` starts: `make config` and the launcher, same environment."""
    env = dict(os.environ, ACTIONS_PORT="6000", RASA_PORT="6005", PYTHONPATH=str(ROOT))
    env.pop("ACTION_ENDPOINT_URL", None)
    rendered = subprocess.run(
        [sys.executable, "-m", "bot.ops.endpoints"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert yaml.safe_load(rendered)["action_endpoint"]["url"] == "http://127.0.0.1:6000/webhook"
    script = "import json, bot.launcher as l; print(json.dumps(l.commands()))"
    commands = json.loads(
        subprocess.run(
            [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    )
    actions, rasa = commands["actions"], commands["rasa"]
    assert actions[actions.index("--port") + 1] == "6000"
    assert rasa[rasa.index("--port") + 1] == "6005"
    assert rasa[rasa.index("--endpoints") + 1] == str(ROOT / "build" / "endpoints.yml")


def test_command_lines_go_through_the_patched_rasa_and_the_hardened_action_server() -> None:
    run = rasa_command("run", model="models", endpoints="e.yml", credentials="c.yml", port=5005)
    assert run[:4] == [sys.executable, "-m", "bot.ops.rasa_cli", "run"]
    assert run[run.index("--interface") + 1] == "127.0.0.1"
    assert run[run.index("--logging-config-file") + 1] == str(LOGGING_CONFIG)
    shell = rasa_command("shell", model="models", endpoints="e.yml", credentials="c.yml", port=5005)
    assert "--port" not in shell and "--credentials" not in shell and "--interface" not in shell
    actions = action_server_command(5055)
    assert actions[:3] == [sys.executable, "-m", "bot.ops.action_server"]
    assert actions[actions.index("--actions") + 1] == "actions"
    # rasa-sdk's own spelling; the Rasa spelling made the action server exit at start.
    assert actions[actions.index("--logging-config_file") + 1] == str(LOGGING_CONFIG)
    assert "--logging-config_file" not in action_server_command(5055, logging_config=None)


def test_the_action_server_accepts_its_command_line() -> None:
    from rasa_sdk.endpoint import create_argument_parser

    args = create_argument_parser().parse_args(action_server_command(6000)[3:])
    assert (args.actions, args.port, args.logging_config_file) == ("actions", 6000, str(LOGGING_CONFIG))


def test_wait_ready_waits_for_the_health_url(tmp_path: Path) -> None:
    port = free_port()
    server = ServerProcess(
        "http", [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"], port, "/",
        tmp_path / "http.log", tmp_path,
    )  # fmt: skip
    start_all([server], timeout=30)
    try:
        assert server.running
    finally:
        server.stop()
    assert not server.running


def test_wait_ready_reports_a_process_that_died_with_its_log(tmp_path: Path) -> None:
    script = "import sys; print('Modell fehlt'); sys.exit(3)"
    server = ServerProcess(
        "rasa", [sys.executable, "-c", script], free_port(), "/", tmp_path / "rasa.log", tmp_path
    )
    with pytest.raises(RuntimeError, match="rasa exited early:\nModell fehlt"):
        start_all([server], timeout=30)


def test_supervise_stops_everything_when_one_process_ends(tmp_path: Path) -> None:
    sleeper = ServerProcess("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], cwd=tmp_path)
    short = ServerProcess("short", [sys.executable, "-c", "import time; time.sleep(1)"], cwd=tmp_path)
    ready: list[float] = []
    assert supervise([sleeper, short], on_ready=ready.append, timeout=30) == 1
    assert len(ready) == 1
    assert not sleeper.running and sleeper.process is None


def test_container_entry_points_build_the_same_command_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python -m bot.ops.processes rasa|actions`, as deploy/Dockerfile.* start them."""
    from bot.ops import processes

    started: list[list[str]] = []
    monkeypatch.setattr(processes, "_exec", started.append)
    monkeypatch.setenv("ENDPOINTS_FILE", str(tmp_path / "endpoints.yml"))
    monkeypatch.setenv("RASA_INTERFACE", "0.0.0.0")
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://actions:5055/webhook")
    monkeypatch.setenv("ACTIONS_PORT", "6000")
    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    monkeypatch.delenv("LOCK_STORE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    processes.main(["rasa", "--port", "5006"])
    processes.main(["actions"])
    rasa, actions = started
    assert rasa[:4] == [sys.executable, "-m", "bot.ops.rasa_cli", "run"]
    assert rasa[rasa.index("--interface") + 1] == "0.0.0.0"
    assert rasa[-2:] == ["--port", "5006"]  # the chart's options come last and win
    written = yaml.safe_load((tmp_path / "endpoints.yml").read_text(encoding="utf-8"))
    assert written["action_endpoint"]["url"] == "http://actions:5055/webhook"
    assert actions == action_server_command(6000)
    with pytest.raises(SystemExit):
        processes.main(["gateway"])
