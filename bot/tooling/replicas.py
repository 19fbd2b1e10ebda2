"""Start and stop local Rasa replicas and an action server (tests, benchmark).

A ``ReplicaStack`` runs N ``rasa run`` processes with the REST channel on free
loopback ports, sharing one tracker store and one lock store, plus one
``rasa run actions`` process. Every process logs into its own file so tests
can inspect what was logged.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
import yaml

from bot.ops.endpoints import render_endpoints

REST_WEBHOOK = "/webhooks/rest/webhook"
# Root of this repository: servers must import ``bot.ops.lock_store``.
OPS_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 240.0
STOP_TIMEOUT_S = 20.0


def free_port() -> int:
    """Return a currently free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def latest_model(project_dir: Path) -> Path:
    """Return the newest trained model archive of a Rasa project."""
    models = sorted((project_dir / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise FileNotFoundError(f"no trained model in {project_dir / 'models'}")
    return models[-1]


def create_temp_postgres_db(admin_url: str, prefix: str = "rasa_ops") -> str:
    """Create a uniquely named PostgreSQL database; return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return str(sa.engine.make_url(admin_url).set(database=name))


def drop_postgres_db(db_url: str, admin_url: str) -> None:
    """Drop a database created by ``create_temp_postgres_db``."""
    name = sa.engine.make_url(db_url).database
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
    try:
        with engine.connect() as conn:
            # FORCE (PostgreSQL >= 13) ends connections a killed server left.
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


def prepare_tracker_schema(tracker_store_url: str) -> None:
    """Create Rasa's tracker tables up front.

    Replicas starting in parallel otherwise race on CREATE TABLE and the loser
    sleeps 5 s before retrying.
    """
    from rasa.core.tracker_store import SQLTrackerStore

    engine = sa.create_engine(tracker_store_url, future=True)
    try:
        SQLTrackerStore.Base.metadata.create_all(engine)
    finally:
        engine.dispose()


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class ServerProcess:
    """One server subprocess with its command, port and log file."""

    name: str
    command: list[str]
    port: int
    health_path: str
    log_path: Path
    cwd: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        """Return the loopback base URL of the server."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        """Return the process id while running."""
        return self.process.pid if self.process else None

    def start(self) -> None:
        """Launch the process (appending to its log file); does not wait."""
        log = self.log_path.open("ab")
        try:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        """Block until the health URL answers 200; raise if the process dies."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")
            if _http_ok(self.base_url + self.health_path):
                return
            time.sleep(0.5)
        raise TimeoutError(f"{self.name} not ready after {timeout}s:\n{self.log_tail()}")

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
        """Return everything the process has logged so far."""
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        """Return the last lines of the log (for error messages)."""
        return "\n".join(self.log_text().splitlines()[-lines:])


@dataclass
class ReplicaStack:
    """N Rasa replicas + one action server sharing tracker and lock stores."""

    project_dir: Path
    work_dir: Path
    tracker_store_url: str
    lock_store_url: str | None = None
    lock_key_prefix: str | None = None
    replicas: int = 2
    model_path: Path | None = None
    actions_package: str = "actions"
    logging_config: Path | None = None
    rasa_log_level: str | None = None
    rasa: list[ServerProcess] = field(default_factory=list)
    actions: ServerProcess | None = None

    def _base_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "RASA_TELEMETRY_ENABLED": "false",
                "SANIC_HOST": "127.0.0.1",  # action server: loopback only
                "PYTHONUNBUFFERED": "1",
                # The project's packages and bot.ops must be importable.
                "PYTHONPATH": os.pathsep.join(
                    [str(self.project_dir), str(OPS_ROOT), env.get("PYTHONPATH", "")]
                ).rstrip(os.pathsep),
            }
        )
        return env

    def _write_config(self, action_port: int) -> tuple[Path, Path]:
        env = {
            "TRACKER_STORE_URL": self.tracker_store_url,
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        }
        if self.lock_store_url:
            env["LOCK_STORE_URL"] = self.lock_store_url
        if self.lock_key_prefix:
            env["LOCK_STORE_KEY_PREFIX"] = self.lock_key_prefix
        endpoints = self.work_dir / "endpoints.yml"
        endpoints.write_text(yaml.safe_dump(render_endpoints(env)), encoding="utf-8")
        credentials = self.work_dir / "credentials.yml"
        credentials.write_text("rest: {}\n", encoding="utf-8")
        return endpoints, credentials

    def _rasa_server(self, index: int, endpoints: Path, credentials: Path) -> ServerProcess:
        port = free_port()
        model = self.model_path or latest_model(self.project_dir)
        command = [
            sys.executable, "-m", "bot.ops.rasa_cli", "run",
            "--model", str(model),
            "--endpoints", str(endpoints),
            "--credentials", str(credentials),
            "--interface", "127.0.0.1",
            "--port", str(port),
        ]  # fmt: skip
        if self.logging_config:
            command += ["--logging-config-file", str(self.logging_config.resolve())]
        env = self._base_env()
        if self.rasa_log_level:
            env["LOG_LEVEL"] = self.rasa_log_level
        return ServerProcess(
            name=f"rasa-{index}",
            command=command,
            port=port,
            health_path="/",
            log_path=self.work_dir / f"rasa-{index}.log",
            cwd=self.project_dir,
            env=env,
        )

    def start(self) -> None:
        """Start the action server and all replicas in parallel; wait for all."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        action_port = free_port()
        endpoints, credentials = self._write_config(action_port)
        if self.tracker_store_url.startswith("postgresql"):
            prepare_tracker_schema(self.tracker_store_url)
        self.actions = ServerProcess(
            name="actions",
            command=[
                sys.executable,
                "-m",
                "bot.ops.action_server",  # rasa-sdk, hardened (loopback, no compressed bodies)
                "--actions",
                self.actions_package,
                "--port",
                str(action_port),
            ],  # fmt: skip
            port=action_port,
            health_path="/health",
            log_path=self.work_dir / "actions.log",
            cwd=self.project_dir,
            env=self._base_env(),
        )
        self.rasa = [self._rasa_server(i, endpoints, credentials) for i in range(self.replicas)]
        try:
            for server in [self.actions, *self.rasa]:
                server.start()
            for server in [self.actions, *self.rasa]:
                server.wait_ready()
        except BaseException:
            self.stop()
            raise

    def restart(self, server: ServerProcess, kill: bool = True) -> None:
        """Kill (SIGKILL by default) and restart one server on the same port."""
        server.stop(kill=kill)
        server.start()
        server.wait_ready()

    def stop(self) -> None:
        """Stop every process of the stack."""
        for server in [*self.rasa, *([self.actions] if self.actions else [])]:
            server.stop()

    def __enter__(self) -> ReplicaStack:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
