"""Unit tests for the endpoints generator (no services needed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.ops.endpoints import (
    EndpointConfigError,
    render_endpoints,
    render_yaml,
    tracker_store_url,
)

PROJECT_DIR = Path(__file__).resolve().parents[2]


def test_defaults_without_environment() -> None:
    endpoints = render_endpoints({})
    assert endpoints == {
        "action_endpoint": {"url": "http://127.0.0.1:5055/webhook"},
        "tracker_store": {"type": "SQL", "dialect": "sqlite", "db": "build/tracker.db"},
        "lock_store": {"type": "in_memory"},
    }


def test_committed_endpoints_file_is_the_default() -> None:
    # endpoints.yml documents the embedded defaults for direct `rasa` calls; it must not
    # drift from what `make config` generates without environment variables.
    committed = yaml.safe_load((PROJECT_DIR / "endpoints.yml").read_text(encoding="utf-8"))
    assert committed == render_endpoints({})


def test_postgres_tracker_store_is_split_into_rasa_fields() -> None:
    env = {"TRACKER_STORE_URL": "postgresql://rasa:s%40cret@db.local:6543/chat"}
    store = render_endpoints(env)["tracker_store"]
    assert store == {
        "type": "SQL",
        "dialect": "postgresql",
        "url": "db.local",
        "port": 6543,
        "db": "chat",
        "username": "rasa",
        "password": "s@cret",
    }


def test_postgres_defaults_port_and_keeps_query_options() -> None:
    env = {"TRACKER_STORE_URL": "postgres://postgres@127.0.0.1/rasa?sslmode=require"}
    store = render_endpoints(env)["tracker_store"]
    assert store["port"] == 5432
    assert store["dialect"] == "postgresql"
    assert store["query"] == {"sslmode": "require"}
    assert "password" not in store


def test_sqlite_url_absolute_path() -> None:
    store = render_endpoints({"TRACKER_STORE_URL": "sqlite:////var/lib/t.db"})
    assert store["tracker_store"]["db"] == "/var/lib/t.db"


@pytest.mark.parametrize("variable", ["LOCK_STORE_URL", "REDIS_URL"])
def test_redis_lock_store(variable: str) -> None:
    env = {variable: "redis://:pw@cache:6380/3", "LOCK_STORE_KEY_PREFIX": "hessen"}
    assert render_endpoints(env)["lock_store"] == {
        "type": "bot.ops.lock_store.AtomicRedisLockStore",
        "url": "cache",
        "port": 6380,
        "db": 3,
        "password": "pw",
        "key_prefix": "hessen",
    }


def test_lock_store_url_wins_over_redis_url() -> None:
    env = {"LOCK_STORE_URL": "redis://a:1/2", "REDIS_URL": "redis://b:1/5"}
    assert render_endpoints(env)["lock_store"]["url"] == "a"


def test_redis_defaults_and_tls() -> None:
    lock = render_endpoints({"REDIS_URL": "rediss://cache"})["lock_store"]
    assert (lock["port"], lock["db"], lock["use_ssl"]) == (6379, 1, True)


def test_action_endpoint_override() -> None:
    env = {"ACTION_ENDPOINT_URL": "http://actions:5055/webhook"}
    assert render_endpoints(env)["action_endpoint"] == {"url": "http://actions:5055/webhook"}


@pytest.mark.parametrize(
    "env",
    [
        {"TRACKER_STORE_URL": "mysql://x@y/z"},
        {"TRACKER_STORE_URL": "postgresql://x@y/"},
        {"TRACKER_STORE_URL": "sqlite://"},
        {"LOCK_STORE_URL": "http://cache:6379/1"},
        {"LOCK_STORE_URL": "redis://cache:6379/one"},
        {"LOCK_STORE_URL": "redis://cache", "LOCK_STORE_KEY_PREFIX": "bad-prefix"},
    ],
)
def test_invalid_values_are_rejected(env: dict[str, str]) -> None:
    with pytest.raises(EndpointConfigError):
        render_endpoints(env)


def test_empty_values_count_as_unset() -> None:
    env = {"TRACKER_STORE_URL": " ", "REDIS_URL": "", "ACTION_ENDPOINT_URL": ""}
    assert render_endpoints(env) == render_endpoints({})
    assert tracker_store_url(env) == "sqlite:///build/tracker.db"


def test_rendered_yaml_is_readable_by_rasa(tmp_path: Path) -> None:
    from rasa.core.utils import read_endpoints_from_path

    env = {
        "TRACKER_STORE_URL": "postgresql://postgres@127.0.0.1:5432/rasa",
        "LOCK_STORE_URL": "redis://127.0.0.1:6379/1",
    }
    path = tmp_path / "endpoints.yml"
    path.write_text(render_yaml(env), encoding="utf-8")
    endpoints = read_endpoints_from_path(str(path))
    assert endpoints.tracker_store is not None and endpoints.lock_store is not None
    assert endpoints.tracker_store.type == "SQL"
    assert endpoints.tracker_store.url == "127.0.0.1"
    assert endpoints.tracker_store.kwargs["port"] == 5432
    assert endpoints.lock_store.type == "bot.ops.lock_store.AtomicRedisLockStore"
    from rasa.core.lock_store import LockStore

    from bot.ops.lock_store import AtomicRedisLockStore

    store = LockStore.create(endpoints.lock_store)
    assert isinstance(store, AtomicRedisLockStore)
    assert store.red.connection_pool.connection_kwargs["db"] == 1
    assert endpoints.action is not None
    assert endpoints.action.url == "http://127.0.0.1:5055/webhook"


def test_module_entry_point_prints_yaml_and_fails_on_bad_input() -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "bot.ops.endpoints"],
        cwd=PROJECT_DIR,
        env={"REDIS_URL": "redis://127.0.0.1:6379/2", "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    assert yaml.safe_load(ok.stdout)["lock_store"]["db"] == 2
    bad = subprocess.run(
        [sys.executable, "-m", "bot.ops.endpoints"],
        cwd=PROJECT_DIR,
        env={"TRACKER_STORE_URL": "mysql://x@y/z", "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2
    assert "TRACKER_STORE_URL" in bad.stderr
