"""Start and stop local Rasa replicas and an action server (tests, benchmark, evaluation).

A ``ReplicaStack`` runs N Rasa servers with the REST channel on free loopback ports,
sharing one tracker store and one lock store, plus one action server. The command lines
and the readiness check are those of ``make run`` (``bot.ops.processes``). Every process
logs into its own file so tests can inspect what was logged.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
import yaml

from bot.ops.endpoints import render_endpoints
from bot.ops.processes import (
    ACTIONS_HEALTH_PATH,
    LOGGING_CONFIG,
    RASA_HEALTH_PATH,
    ServerProcess,
    action_server_command,
    free_port,
    rasa_command,
    start_all,
    stop_all,
)

REST_WEBHOOK = "/webhooks/rest/webhook"
# Root of this repository: servers must import ``bot.ops.lock_store``.
OPS_ROOT = Path(__file__).resolve().parents[2]


def latest_model(project_dir: Path) -> Path:
    """Return the newest trained model archive of a Rasa project."""
    models = sorted((project_dir / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise FileNotFoundError(f"no trained model in {project_dir / 'models'}")
    return models[-1]


def create_temp_postgres_db(admin_url: str, prefix: str = "rasa_ops") -> str:
    """Create a uniquely named PostgreSQL database; return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    _admin_execute(admin_url, f'CREATE DATABASE "{name}"')
    return str(sa.engine.make_url(admin_url).set(database=name))


def drop_postgres_db(db_url: str, admin_url: str) -> None:
    """Drop a database created by ``create_temp_postgres_db``."""
    name = sa.engine.make_url(db_url).database
    # FORCE (PostgreSQL >= 13) ends connections a killed server left.
    _admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin_execute(admin_url: str, statement: str) -> None:
    """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(statement))
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
    logging_config: Path | None = LOGGING_CONFIG
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
        command = rasa_command(
            "run", model=model, endpoints=endpoints, credentials=credentials, port=port,
            logging_config=self.logging_config.resolve() if self.logging_config else None,
        )  # fmt: skip
        env = self._base_env()
        if self.rasa_log_level:
            env["LOG_LEVEL"] = self.rasa_log_level
        return ServerProcess(
            name=f"rasa-{index}",
            command=command,
            port=port,
            health_path=RASA_HEALTH_PATH,
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
            command=action_server_command(
                action_port, actions_package=self.actions_package, logging_config=self.logging_config
            ),
            port=action_port,
            health_path=ACTIONS_HEALTH_PATH,
            log_path=self.work_dir / "actions.log",
            cwd=self.project_dir,
            env=self._base_env(),
        )
        self.rasa = [self._rasa_server(i, endpoints, credentials) for i in range(self.replicas)]
        start_all([self.actions, *self.rasa])

    def restart(self, server: ServerProcess, kill: bool = True) -> None:
        """Kill (SIGKILL by default) and restart one server on the same port."""
        server.stop(kill=kill)
        server.start()
        server.wait_ready()

    def stop(self) -> None:
        """Stop every process of the stack."""
        stop_all([*([self.actions] if self.actions else []), *self.rasa])

    def __enter__(self) -> ReplicaStack:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
