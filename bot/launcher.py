"""Start the assistant for `make run` (action server, Rasa server, web gateway) or
`make shell` (action server + `rasa shell`).

One process supervises the others so that Ctrl-C, `/stop`, a closed terminal or any
of them dying stops all of them, and so that the addresses are printed only once the
Rasa server really answers.
Usage: ``python -m bot.launcher [--no-gateway | --shell]``; ports come from the environment.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
RASA_PORT = int(os.environ.get("RASA_PORT", "5005"))
ACTIONS_PORT = int(os.environ.get("ACTIONS_PORT", "5055"))
GATEWAY_PORT = int(os.environ.get("GATEWAY_PORT", "8080"))
MODEL = os.environ.get("RASA_MODEL", str(REPO / "models"))
READY_TIMEOUT_S = 300
# Conversations are deleted after this many days (the widget promises 30).
RETENTION_DAYS = os.environ.get("RETENTION_DAYS", "30")


# Rasa server and shell through bot/ops/rasa_cli.py (the project's fixes to Rasa); the
# action server through bot/ops/action_server.py (rasa-sdk on loopback, refusing
# compressed bodies, errors without the tracker): it has no authentication.
RASA = [sys.executable, "-m", "bot.ops.rasa_cli"]
RASA_ACTIONS = [sys.executable, "-m", "bot.ops.action_server"]
BUILD = REPO / "build"
# Keeps message texts and sender ids out of the logs even at DEBUG (bot/ops/logging.yml).
LOGGING_CONFIG = ["--logging-config-file", str(REPO / "bot" / "ops" / "logging.yml")]
ENV = dict(
    os.environ,
    PYTHONPATH=str(REPO),
    RASA_URL=f"http://127.0.0.1:{RASA_PORT}",
    # The action server's interface (rasa-sdk reads SANIC_HOST): loopback only.
    SANIC_HOST="127.0.0.1",
)


def commands(with_gateway: bool) -> dict[str, list[str]]:
    """The processes to start, by name."""
    procs = {
        "actions": [*RASA_ACTIONS, "--actions", "actions", "--port", str(ACTIONS_PORT), *LOGGING_CONFIG],
        "rasa": [
            *RASA, "run",
            "--model", MODEL,
            "--endpoints", str(BUILD / "endpoints.yml"),
            "--credentials", str(BUILD / "credentials.yml"),
            "--interface", "127.0.0.1",
            "--port", str(RASA_PORT),
            *LOGGING_CONFIG,
        ],
    }  # fmt: skip
    if with_gateway:
        procs["gateway"] = [sys.executable, "-m", "bot.web"]
    # Retention at start and every 24 hours, for as long as the assistant runs.
    procs["retention"] = [
        sys.executable, "-m", "bot.ops.retention", "delete-older-than", "--days", RETENTION_DAYS, "--every-day",
    ]  # fmt: skip
    return procs


async def wait_until_ready(url: str, deadline: float) -> bool:
    """Poll ``url`` until it answers 200 or the deadline passes."""
    timeout = aiohttp.ClientTimeout(total=2)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return True
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            await asyncio.sleep(0.5)
    return False


async def supervise(with_gateway: bool) -> int:
    """Start every process, report readiness, stop all when one ends or on Ctrl-C."""
    started = time.monotonic()
    procs = {
        name: await asyncio.create_subprocess_exec(*cmd, cwd=REPO, env=ENV, start_new_session=True)
        for name, cmd in commands(with_gateway).items()
    }
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    rasa_url = f"http://127.0.0.1:{RASA_PORT}/"
    if await wait_until_ready(rasa_url, time.monotonic() + READY_TIMEOUT_S):
        print(
            f"\nDer Assistent ist bereit (Start in {time.monotonic() - started:.0f} s).\n"
            f"  REST:    POST http://127.0.0.1:{RASA_PORT}/webhooks/rest/webhook "
            '{"sender": "test", "message": "Hallo"}\n'
            + (
                f"  Website: http://127.0.0.1:{GATEWAY_PORT}/  (Demo-Seite mit Chat-Widget)\n"
                if with_gateway
                else ""
            )
            + "Beenden mit Strg+C.\n",
            flush=True,
        )
    else:
        print("Der Rasa-Server ist nicht rechtzeitig gestartet; siehe Meldungen oben.", flush=True)
        stop.set()

    waiters = [asyncio.create_task(p.wait()) for p in procs.values()]
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait([*waiters, stopper], return_when=asyncio.FIRST_COMPLETED)
    for proc in procs.values():
        if proc.returncode is None:
            os.killpg(proc.pid, signal.SIGTERM)
    await asyncio.gather(*(p.wait() for p in procs.values()))
    stopper.cancel()
    return 0


def shell() -> int:
    """Staff chat in the terminal: `rasa shell` in the foreground, the action server behind it."""
    with (BUILD / "actions.log").open("ab") as log:
        actions = subprocess.Popen(
            commands(with_gateway=False)["actions"], cwd=REPO, env=ENV, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    # A closed terminal must not leave the action server behind.
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(1))
    try:
        command = [
            *RASA,
            "shell",
            "--model",
            MODEL,
            "--endpoints",
            str(BUILD / "endpoints.yml"),
            *LOGGING_CONFIG,
        ]
        return subprocess.call(command, cwd=REPO, env=ENV)
    except KeyboardInterrupt:
        return 130
    finally:
        os.killpg(actions.pid, signal.SIGTERM)
        actions.wait(timeout=30)


def main() -> int:
    """Parse arguments and run the supervisor or the staff shell."""
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--no-gateway", action="store_true", help="only action server and Rasa")
    mode.add_argument("--shell", action="store_true", help="rasa shell with the action server")
    args = parser.parse_args()
    if args.shell:
        return shell()
    return asyncio.run(supervise(with_gateway=not args.no_gateway))


if __name__ == "__main__":
    sys.exit(main())
