"""The one way the assistant's servers are started: ports, command lines, supervision.

``make run`` / ``make shell`` (``bot.launcher``), the server tests, the benchmark, the
end-to-end evaluation (``bot.tooling.replicas``) and the container images all build their
command lines here, so a fix or an option reaches every server the same way:

- the Rasa server and shell: ``python -m bot.ops.rasa_cli`` (Rasa with the project's
  patches, ``bot.ops.rasa_patches``);
- the action server: ``python -m bot.ops.action_server`` (rasa-sdk, loopback by default);
- the privacy-safe logging config ``bot/ops/logging.yml`` for both.

Ports and URLs come from one configuration, the environment (:class:`Ports`):

- ``RASA_PORT`` (5005), ``ACTIONS_PORT`` (5055), ``GATEWAY_PORT`` (8080);
- ``ACTION_ENDPOINT_URL``: where Rasa calls the action server; by default
  ``http://127.0.0.1:<ACTIONS_PORT>/webhook``, so ``ACTIONS_PORT=6000 make run`` moves both
  the action server and Rasa's calls to it (``bot.ops.endpoints`` writes it);
- ``RASA_INTERFACE`` (127.0.0.1): the interface Rasa listens on (containers: 0.0.0.0).

The images start their server with ``python -m bot.ops.processes rasa|actions [options]``.
Imports only the standard library at module level: the action server image has no Rasa.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LOGGING_CONFIG = REPO / "bot" / "ops" / "logging.yml"
LOOPBACK = "127.0.0.1"
START_TIMEOUT_S = 300.0
STOP_TIMEOUT_S = 20.0
RASA_HEALTH_PATH = "/"
ACTIONS_HEALTH_PATH = "/health"


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"{name} must be a TCP port (1-65535), not {text!r}")
    return int(text)


@dataclass(frozen=True)
class Ports:
    """The ports and URLs of one installation, read from the environment."""

    rasa: int = 5005
    actions: int = 5055
    gateway: int = 8080
    rasa_interface: str = LOOPBACK
    explicit_action_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Ports:
        """Read ``RASA_PORT``, ``ACTIONS_PORT``, ``GATEWAY_PORT``, ``RASA_INTERFACE``, ``ACTION_ENDPOINT_URL``."""
        return cls(
            rasa=_port(env, "RASA_PORT", cls.rasa),
            actions=_port(env, "ACTIONS_PORT", cls.actions),
            gateway=_port(env, "GATEWAY_PORT", cls.gateway),
            rasa_interface=env.get("RASA_INTERFACE", "").strip() or LOOPBACK,
            explicit_action_url=env.get("ACTION_ENDPOINT_URL", "").strip() or None,
        )

    @property
    def action_endpoint_url(self) -> str:
        """Where Rasa calls the action server: ``ACTION_ENDPOINT_URL`` or the local ``ACTIONS_PORT``."""
        return self.explicit_action_url or f"http://{LOOPBACK}:{self.actions}/webhook"

    @property
    def rasa_url(self) -> str:
        """Base URL of the local Rasa server (what the gateway forwards to)."""
        return f"http://{LOOPBACK}:{self.rasa}"


def rasa_command(
    subcommand: str,
    *,
    model: Path | str,
    endpoints: Path | str,
    credentials: Path | str | None = None,
    port: int | None = None,
    interface: str | None = LOOPBACK,
    logging_config: Path | None = LOGGING_CONFIG,
) -> list[str]:
    """Command line of ``rasa run`` or ``rasa shell`` with the project's patches applied.

    ``credentials``, ``port`` and ``interface`` apply to ``run`` only (the shell has no server).
    """
    command = [sys.executable, "-m", "bot.ops.rasa_cli", subcommand, "--model", str(model)]
    command += ["--endpoints", str(endpoints)]
    if subcommand == "run":
        if credentials is not None:
            command += ["--credentials", str(credentials)]
        if interface is not None:
            command += ["--interface", interface]
        if port is not None:
            command += ["--port", str(port)]
    if logging_config is not None:
        command += ["--logging-config-file", str(logging_config)]
    return command


def action_server_command(
    port: int, *, actions_package: str = "actions", logging_config: Path | None = LOGGING_CONFIG
) -> list[str]:
    """Command line of the hardened action server (listens on loopback unless ``SANIC_HOST`` says otherwise)."""
    command = [
        sys.executable,
        "-m",
        "bot.ops.action_server",
        "--actions",
        actions_package,
        "--port",
        str(port),
    ]
    if logging_config is not None:
        # rasa-sdk spells this option with an underscore (Rasa: --logging-config-file).
        command += ["--logging-config_file", str(logging_config)]
    return command


def free_port() -> int:
    """Return a currently free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def http_ok(url: str) -> bool:
    """True when ``url`` answers 200 within two seconds."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback URLs only
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class ServerProcess:
    """One supervised subprocess: its command, its health URL (if it serves HTTP) and its log.

    Without ``log_path`` the process writes to this process's terminal (``make run``).
    Every process gets its own session, so stopping it stops its children too.
    """

    name: str
    command: list[str]
    port: int | None = None
    health_path: str | None = None
    log_path: Path | None = None
    cwd: Path = REPO
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        """Return the loopback base URL of the server."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def pid(self) -> int | None:
        """Return the process id while running."""
        return self.process.pid if self.process else None

    @property
    def running(self) -> bool:
        """True while the process has been started and has not exited."""
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Launch the process (appending to its log file, if any); does not wait."""
        log = self.log_path.open("ab") if self.log_path else None
        try:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT if log else None,
                start_new_session=True,
            )
        finally:
            if log:
                log.close()

    def wait_ready(self, timeout: float = START_TIMEOUT_S, cancel: threading.Event | None = None) -> None:
        """Block until the health URL answers 200 (or, without one, until started).

        Raises ``RuntimeError`` if the process exits or ``cancel`` is set, ``TimeoutError``
        after ``timeout`` seconds; both carry the end of the log.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")
            if cancel is not None and cancel.is_set():
                raise RuntimeError(f"{self.name}: start cancelled")
            if self.health_path is None or http_ok(self.base_url + self.health_path):
                return
            time.sleep(0.5)
        raise TimeoutError(f"{self.name} not ready after {timeout:.0f}s:\n{self.log_tail()}")

    def stop(self, kill: bool = False) -> None:
        """Stop the process group: SIGKILL if ``kill`` else SIGTERM, then wait."""
        if self.process is None:
            return
        if self.process.poll() is None:
            sig = signal.SIGKILL if kill else signal.SIGTERM
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except ProcessLookupError:
                pass
        self.process = None

    def log_text(self) -> str:
        """Return everything the process has logged so far (empty without a log file)."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        """Return the last lines of the log (for error messages)."""
        return "\n".join(self.log_text().splitlines()[-lines:])


def start_all(servers: Sequence[ServerProcess], timeout: float = START_TIMEOUT_S) -> None:
    """Start every server, then wait until each is ready; on failure stop them all and raise."""
    try:
        for server in servers:
            server.start()
        for server in servers:
            server.wait_ready(timeout)
    except BaseException:
        stop_all(servers)
        raise


def stop_all(servers: Sequence[ServerProcess]) -> None:
    """Stop every server (reverse order: Rasa before the action server it calls)."""
    for server in reversed(servers):
        server.stop()


def supervise(
    servers: Sequence[ServerProcess],
    on_ready: Callable[[float], None],
    timeout: float = START_TIMEOUT_S,
) -> int:
    """Run ``servers`` until one ends or a signal (Ctrl-C, SIGTERM, closed terminal) arrives.

    ``on_ready`` gets the start-up time in seconds once every server is ready. All servers
    are stopped before returning; the result is 0 after a signal, 1 when a server failed.
    """
    stop = threading.Event()
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in signals}
    started = time.monotonic()
    try:
        for server in servers:
            server.start()
        try:
            for server in servers:
                server.wait_ready(timeout, cancel=stop)
        except (RuntimeError, TimeoutError) as error:
            if stop.is_set():
                return 0
            print(f"Start fehlgeschlagen: {error}", file=sys.stderr, flush=True)
            return 1
        on_ready(time.monotonic() - started)
        while not stop.is_set():
            ended = [server.name for server in servers if not server.running]
            if ended:
                print(
                    f"Beendet: {', '.join(ended)}; alle Prozesse werden gestoppt.",
                    file=sys.stderr,
                    flush=True,
                )
                return 1
            stop.wait(0.5)
        return 0
    finally:
        stop_all(servers)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _exec(command: list[str]) -> None:
    """Replace this process by ``command`` (containers: the server gets the signals)."""
    sys.stdout.flush()
    os.execv(command[0], command)


def main(argv: Sequence[str] | None = None) -> None:
    """Container entry point: ``rasa [extra options]`` or ``actions [extra options]``.

    ``rasa`` renders the endpoints from the environment (``bot.ops.endpoints``) into
    ``$ENDPOINTS_FILE`` (default /tmp/endpoints.yml) and starts ``rasa run`` with the model in
    ``$RASA_MODEL`` (default ``models/``) and ``credentials.yml``; ``actions`` starts the
    action server on ``ACTIONS_PORT``. Extra options are passed on (the last one wins).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in ("rasa", "actions"):
        raise SystemExit("usage: python -m bot.ops.processes rasa|actions [options]")
    ports = Ports.from_env(os.environ)
    if args[0] == "actions":
        _exec(action_server_command(ports.actions) + args[1:])
        return
    from bot.ops.endpoints import render_yaml

    endpoints = Path(os.environ.get("ENDPOINTS_FILE", "/tmp/endpoints.yml"))  # noqa: S108 - container scratch
    endpoints.write_text(render_yaml(os.environ), encoding="utf-8")
    command = rasa_command(
        "run",
        model=os.environ.get("RASA_MODEL", str(REPO / "models")),
        endpoints=endpoints,
        credentials=REPO / "credentials.yml",
        port=ports.rasa,
        interface=ports.rasa_interface,
    )
    _exec(command + args[1:])


if __name__ == "__main__":
    main()
