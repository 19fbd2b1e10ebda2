"""Start the assistant for `make run` (action server, Rasa server, web gateway, retention) or
`make shell` (action server + `rasa shell`).

One process supervises the others (``bot.ops.processes.supervise``) so that Ctrl-C, a closed
terminal or any of them dying stops all of them, and so that the addresses are printed only
once the Rasa server really answers.
Usage: ``python -m bot.launcher [--shell]``; ports come from the environment
(``RASA_PORT``, ``ACTIONS_PORT``, ``GATEWAY_PORT``; see ``bot.ops.processes``).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys

from bot.ops.processes import (
    ACTIONS_HEALTH_PATH,
    RASA_HEALTH_PATH,
    REPO,
    Ports,
    ServerProcess,
    action_server_command,
    rasa_command,
    supervise,
)

PORTS = Ports.from_env(os.environ)
MODEL = os.environ.get("RASA_MODEL", str(REPO / "models"))
BUILD = REPO / "build"
# Written by `make config` from the same environment (bot.ops.endpoints), so Rasa calls
# the action server on ACTIONS_PORT.
ENDPOINTS = BUILD / "endpoints.yml"
CREDENTIALS = BUILD / "credentials.yml"
# Conversations are deleted after this many days (the widget promises 30).
RETENTION_DAYS = os.environ.get("RETENTION_DAYS", "30")
ENV = dict(
    os.environ,
    PYTHONPATH=str(REPO),
    RASA_URL=PORTS.rasa_url,
    # The action server's interface (rasa-sdk reads SANIC_HOST): loopback only.
    SANIC_HOST="127.0.0.1",
)


def commands() -> dict[str, list[str]]:
    """The command lines `make run` starts, by name."""
    return {
        "actions": action_server_command(PORTS.actions),
        "rasa": rasa_command(
            "run",
            model=MODEL,
            endpoints=ENDPOINTS,
            credentials=CREDENTIALS,
            port=PORTS.rasa,
            interface=PORTS.rasa_interface,
        ),
        "gateway": [sys.executable, "-m", "bot.web"],
        # Retention at start and every 24 hours, for as long as the assistant runs.
        "retention": [
            sys.executable,
            "-m",
            "bot.ops.retention",
            "delete-older-than",
            "--days",
            RETENTION_DAYS,
            "--every-day",
        ],
    }


def servers() -> list[ServerProcess]:
    """The processes of `make run`; the action server and Rasa are ready when they answer."""
    ready_when = {"actions": (PORTS.actions, ACTIONS_HEALTH_PATH), "rasa": (PORTS.rasa, RASA_HEALTH_PATH)}
    result = []
    for name, command in commands().items():
        port, health_path = ready_when.get(name, (None, None))
        result.append(ServerProcess(name, command, port, health_path, env=ENV))
    return result


def _print_ready(seconds: float) -> None:
    print(
        f"\nDer Assistent ist bereit (Start in {seconds:.0f} s).\n"
        f"  REST:    POST {PORTS.rasa_url}/webhooks/rest/webhook "
        '{"sender": "test", "message": "Hallo"}\n'
        f"  Website: http://127.0.0.1:{PORTS.gateway}/  (Demo-Seite mit Chat-Widget)\n"
        "Beenden mit Strg+C.\n",
        flush=True,
    )


def shell() -> int:
    """Staff chat in the terminal: `rasa shell` in the foreground, the action server behind it."""
    actions = ServerProcess(
        "actions", commands()["actions"], PORTS.actions, ACTIONS_HEALTH_PATH, BUILD / "actions.log", env=ENV
    )
    actions.start()
    # A closed terminal must not leave the action server behind.
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(1))
    try:
        return subprocess.call(rasa_command("shell", model=MODEL, endpoints=ENDPOINTS), cwd=REPO, env=ENV)
    except KeyboardInterrupt:
        return 130
    finally:
        actions.stop()


def main() -> int:
    """Parse arguments and run the supervisor or the staff shell."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shell", action="store_true", help="rasa shell with the action server")
    args = parser.parse_args()
    if args.shell:
        return shell()
    return supervise(servers(), on_ready=_print_ready)


if __name__ == "__main__":
    sys.exit(main())
