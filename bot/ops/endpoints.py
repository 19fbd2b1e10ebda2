"""Render Rasa's endpoints.yml from environment variables.

Rasa's own ``${VAR}`` substitution fails on unset variables, so the effective
endpoints are generated instead::

    python -m bot.ops.endpoints > build/endpoints.yml

Environment variables (all optional):

- ``TRACKER_STORE_URL``: ``postgresql://user:password@host:port/db`` or
  ``sqlite:///path/to/file.db``. Default: SQLite file ``build/tracker.db``.
- ``LOCK_STORE_URL`` (or ``REDIS_URL``): ``redis://[:password@]host:port/db``.
  Default: in-memory lock store (only valid for a single Rasa process).
  Uses ``bot.ops.lock_store.AtomicRedisLockStore`` (Rasa's RedisLockStore
  loses messages when replicas receive the same conversation concurrently).
- ``LOCK_STORE_KEY_PREFIX``: alphanumeric key prefix in Redis (optional).
- ``ACTION_ENDPOINT_URL``: action server webhook. Default:
  ``http://127.0.0.1:<ACTIONS_PORT>/webhook`` (port 5055), from the one configuration of
  ports in ``bot.ops.processes.Ports``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml

from bot.ops.processes import Ports

DEFAULT_SQLITE_PATH = "build/tracker.db"
DEFAULT_REDIS_PORT = 6379
DEFAULT_POSTGRES_PORT = 5432
# Rasa's own default Redis db for locks is 1; keep it so db 0 stays free.
DEFAULT_REDIS_DB = 1
# Rasa's stock RedisLockStore is not atomic across replicas (see lock_store.py).
REDIS_LOCK_STORE_TYPE = "bot.ops.lock_store.AtomicRedisLockStore"


class EndpointConfigError(ValueError):
    """Raised when an environment variable holds an unusable value."""


def tracker_store_url(env: Mapping[str, str]) -> str:
    """Return the SQLAlchemy URL of the tracker store selected by ``env``."""
    url = env.get("TRACKER_STORE_URL", "").strip()
    return url or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def lock_store_url(env: Mapping[str, str]) -> str | None:
    """Return the Redis URL of the lock store, or None for the in-memory store."""
    url = env.get("LOCK_STORE_URL", "").strip() or env.get("REDIS_URL", "").strip()
    return url or None


def _tracker_store_config(url: str) -> dict[str, Any]:
    """Translate a database URL into Rasa's SQL tracker store settings."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///relative.db -> "relative.db"; sqlite:////abs.db -> "/abs.db"
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        if not path:
            raise EndpointConfigError("TRACKER_STORE_URL: sqlite URL without a path")
        return {"type": "SQL", "dialect": "sqlite", "db": unquote(path)}
    if scheme in ("postgres", "postgresql", "postgresql+psycopg2"):
        db = unquote(parts.path.lstrip("/"))
        if not parts.hostname or not db:
            raise EndpointConfigError("TRACKER_STORE_URL: expected postgresql://user@host:port/db")
        config: dict[str, Any] = {
            "type": "SQL",
            # SQLAlchemy 1.4 no longer accepts the "postgres" alias.
            "dialect": "postgresql",
            "url": parts.hostname,
            "port": parts.port or DEFAULT_POSTGRES_PORT,
            "db": db,
        }
        if parts.username:
            config["username"] = unquote(parts.username)
        if parts.password:
            config["password"] = unquote(parts.password)
        query = dict(parse_qsl(parts.query))
        if query:
            config["query"] = query
        return config
    raise EndpointConfigError(
        f"TRACKER_STORE_URL: unsupported scheme {scheme!r} (use postgresql:// or sqlite:///)"
    )


def _lock_store_config(url: str, key_prefix: str | None) -> dict[str, Any]:
    """Translate a Redis URL into Rasa's RedisLockStore settings."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise EndpointConfigError("LOCK_STORE_URL: expected redis://host:port/db")
    db_text = parts.path.lstrip("/")
    if db_text and not db_text.isdigit():
        raise EndpointConfigError("LOCK_STORE_URL: the db must be a number")
    config: dict[str, Any] = {
        "type": REDIS_LOCK_STORE_TYPE,
        "url": parts.hostname,
        "port": parts.port or DEFAULT_REDIS_PORT,
        "db": int(db_text) if db_text else DEFAULT_REDIS_DB,
    }
    if parts.username:
        config["username"] = unquote(parts.username)
    if parts.password:
        config["password"] = unquote(parts.password)
    if parts.scheme == "rediss":
        config["use_ssl"] = True
    if key_prefix:
        # Rasa silently ignores non-alphanumeric prefixes; fail loudly instead.
        if not key_prefix.isalnum():
            raise EndpointConfigError("LOCK_STORE_KEY_PREFIX must be alphanumeric")
        config["key_prefix"] = key_prefix
    return config


def render_endpoints(env: Mapping[str, str]) -> dict[str, Any]:
    """Return the effective endpoints.yml content for the given environment."""
    try:
        action_url = Ports.from_env(env).action_endpoint_url
    except ValueError as error:
        raise EndpointConfigError(str(error)) from error
    lock_url = lock_store_url(env)
    lock_config: dict[str, Any] = (
        _lock_store_config(lock_url, env.get("LOCK_STORE_KEY_PREFIX", "").strip())
        if lock_url
        else {"type": "in_memory"}
    )
    return {
        "action_endpoint": {"url": action_url},
        "tracker_store": _tracker_store_config(tracker_store_url(env)),
        "lock_store": lock_config,
    }


def render_yaml(env: Mapping[str, str]) -> str:
    """Return ``render_endpoints(env)`` as YAML text with a provenance header."""
    header = "# Generated by `python -m bot.ops.endpoints`; do not edit.\n"
    body = yaml.safe_dump(render_endpoints(env), sort_keys=False)
    return header + body


def main() -> int:
    """Print the endpoints for the current environment to stdout."""
    try:
        sys.stdout.write(render_yaml(os.environ))
    except EndpointConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
