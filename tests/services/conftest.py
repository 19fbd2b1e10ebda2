"""Fixtures for tests against real PostgreSQL and Redis.

These services are required: when they are unreachable the tests FAIL (they
never skip). Override the locations with ``OPS_TEST_POSTGRES_URL`` (an admin
database used to create/drop temporary databases) and ``OPS_TEST_REDIS_URL``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from bot.tooling.replicas import create_temp_postgres_db, drop_postgres_db

PROJECT_DIR = Path(__file__).resolve().parents[2]

POSTGRES_ADMIN_URL = os.environ.get("OPS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("OPS_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """Return the admin URL after checking that PostgreSQL answers."""
    engine = sa.create_engine(POSTGRES_ADMIN_URL, future=True)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as error:
        pytest.fail(f"PostgreSQL unreachable at {POSTGRES_ADMIN_URL}: {error}")
    finally:
        engine.dispose()
    return POSTGRES_ADMIN_URL


@pytest.fixture(scope="session")
def redis_url() -> str:
    """Return the Redis URL after checking that Redis answers."""
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=3)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        pytest.fail(f"Redis unreachable at {REDIS_URL}: {error}")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture()
def postgres_db(postgres_admin_url: str) -> Iterator[str]:
    """Yield the URL of a fresh, uniquely named database; drop it afterwards."""
    url = create_temp_postgres_db(postgres_admin_url, prefix="ops_test")
    try:
        yield url
    finally:
        drop_postgres_db(url, postgres_admin_url)


@pytest.fixture(scope="module")
def module_postgres_db(postgres_admin_url: str) -> Iterator[str]:
    """Like ``postgres_db`` but shared by all tests of a module."""
    url = create_temp_postgres_db(postgres_admin_url, prefix="ops_test")
    try:
        yield url
    finally:
        drop_postgres_db(url, postgres_admin_url)


@pytest.fixture(scope="module")
def redis_key_prefix(redis_url: str) -> Iterator[str]:
    """Yield a unique alphanumeric lock key prefix; delete its keys afterwards."""
    prefix = "opstest" + uuid.uuid4().hex[:10]
    try:
        yield prefix
    finally:
        client = redis.Redis.from_url(redis_url)
        try:
            keys = list(client.scan_iter(match=f"{prefix}:*"))
            if keys:
                client.delete(*keys)
        finally:
            client.close()
