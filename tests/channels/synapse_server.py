"""Start a real Synapse homeserver on loopback for the Matrix channel tests.

Synapse lives in its own virtualenv (default build/synapse-venv, override
with SYNAPSE_PYTHON), because its dependencies clash with Rasa's pins:

    python3 -m venv build/synapse-venv
    build/synapse-venv/bin/pip install matrix-synapse==1.163.2
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from .sanic_harness import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PYTHON = REPO_ROOT / "build" / "synapse-venv" / "bin" / "python"
SHARED_SECRET = "channels-test-shared-secret"
SERVER_NAME = "localhost"
_UNLIMITED = {"per_second": 10_000, "burst_count": 10_000}


def synapse_python() -> Path:
    """Interpreter of the Synapse virtualenv."""
    return Path(os.environ.get("SYNAPSE_PYTHON", str(DEFAULT_PYTHON)))


class SynapseServer:
    """One Synapse process with an SQLite database in ``workdir``."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.config = workdir / "homeserver.yaml"
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = workdir / "stdout.log"

    def configure(self) -> None:
        """Generate a config and restrict it to loopback, no federation, no limits."""
        subprocess.run(
            [
                str(synapse_python()),
                "-m",
                "synapse.app.homeserver",
                "--server-name",
                SERVER_NAME,
                "--config-path",
                str(self.config),
                "--data-directory",
                str(self.workdir),
                "--generate-config",
                "--report-stats=no",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        config: dict[str, Any] = yaml.safe_load(self.config.read_text())
        # The generated log config writes homeserver.log into the current
        # directory (the repository); log to stdout.log in workdir instead.
        log_config = self.workdir / "log.config"
        log_config.write_text(
            yaml.safe_dump(
                {
                    "version": 1,
                    "formatters": {"plain": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}},
                    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
                    "root": {"level": "WARNING", "handlers": ["console"]},
                    "disable_existing_loggers": False,
                }
            )
        )
        config["log_config"] = str(log_config)
        config.update(
            {
                "listeners": [
                    {
                        "port": self.port,
                        "bind_addresses": ["127.0.0.1"],
                        "type": "http",
                        "tls": False,
                        "x_forwarded": False,
                        "resources": [{"names": ["client"], "compress": False}],
                    }
                ],
                "registration_shared_secret": SHARED_SECRET,
                "trusted_key_servers": [],
                "suppress_key_server_warning": True,
                "presence": {"enabled": False},
                "rc_message": _UNLIMITED,
                "rc_joins": {"local": _UNLIMITED, "remote": _UNLIMITED},
                "rc_invites": {"per_room": _UNLIMITED, "per_user": _UNLIMITED},
                "rc_login": {
                    "address": _UNLIMITED,
                    "account": _UNLIMITED,
                    "failed_attempts": _UNLIMITED,
                },
                "rc_registration": _UNLIMITED,
            }
        )
        self.config.write_text(yaml.safe_dump(config))

    def start(self, timeout_s: float = 90.0) -> None:
        """Start Synapse and wait until the client API answers."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(synapse_python()), "-m", "synapse.app.homeserver", "-c", str(self.config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.workdir,
            )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Synapse exited:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/_matrix/client/versions", timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise RuntimeError(f"Synapse not ready after {timeout_s}s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop Synapse (SIGTERM, then SIGKILL)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def log_tail(self, lines: int = 30) -> str:
        """Last lines of Synapse's output, for failure messages."""
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(
            self.base_url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as resp:
            return dict(json.loads(resp.read()))

    def register(self, username: str, password: str = "test-password") -> tuple[str, str]:
        """Register a user via the shared-secret admin API; return (user_id, token)."""
        path = "/_synapse/admin/v1/register"
        with urllib.request.urlopen(self.base_url + path, timeout=30) as resp:
            nonce = json.loads(resp.read())["nonce"]
        mac = hmac.new(SHARED_SECRET.encode(), digestmod=hashlib.sha1)
        for part in (nonce, username, password, "notadmin"):
            mac.update(part.encode())
            if part != "notadmin":
                mac.update(b"\x00")
        data = self._post(
            path,
            {
                "nonce": nonce,
                "username": username,
                "password": password,
                "admin": False,
                "mac": mac.hexdigest(),
            },
        )
        return str(data["user_id"]), str(data["access_token"])
