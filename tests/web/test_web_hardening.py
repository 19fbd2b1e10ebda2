"""Gateway hardening (issue 14): compressed bodies, client key behind proxies,
bounded limiter table, Redis-backed counter, log-safe paths."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests
from multidict import CIMultiDict

from bot.web.ratelimit import RateLimiter, RedisRateLimiter
from tests.web.web_support import ORIGIN, FakeRasa, GatewayFactory

ROOT = Path(__file__).resolve().parents[2]
SENDER = "3f1c2a4e-9b7d-4c1e-8f2a-6d5b4c3a2e1f"
REDIS_URL = os.environ.get("OPS_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
# 60 MB of zeros compress to about 58 kB: the bomb of the issue.
BOMB = zlib.compress(b"\0" * 60_000_000, 9)


def chat_body() -> dict[str, str]:
    return {"sender": SENDER, "message": "Hallo"}


def rss_kib(pid: int) -> int:
    """Resident memory of a process in KiB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def gateway_process() -> Iterator[tuple[int, str]]:
    """A real gateway process (python -m bot.web) on a free loopback port."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), GATEWAY_PORT=str(port), RASA_URL="http://127.0.0.1:1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.web"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "gateway did not start"
            time.sleep(0.2)
        yield proc.pid, base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_deflate_bomb_is_refused_without_inflating(gateway_process: tuple[int, str]) -> None:
    pid, base = gateway_process
    assert len(BOMB) < 100_000
    before = rss_kib(pid)
    statuses = []
    for path in ("/no-such-page", "/api/chat", "/no-such-page", "/api/chat"):
        for encoding in ("deflate", "gzip"):
            payload = BOMB if encoding == "deflate" else _gzip_bomb()
            response = requests.post(
                base + path,
                data=payload,
                headers={"Content-Encoding": encoding, "Content-Type": "application/json", "Origin": ORIGIN},
                timeout=30,
            )
            statuses.append(response.status_code)
    grown_mib = (rss_kib(pid) - before) / 1024
    # Inflating even one bomb costs 60 MB; the gateway itself needs ~30 MB in all.
    assert grown_mib < 20, f"gateway grew by {grown_mib:.0f} MiB"
    assert set(statuses) == {415}


def _gzip_bomb() -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip container
    return compressor.compress(b"\0" * 60_000_000) + compressor.flush()


async def test_plain_and_identity_bodies_still_work(make_gateway: GatewayFactory) -> None:
    client = await make_gateway()
    for headers in ({"Origin": ORIGIN}, {"Origin": ORIGIN, "Content-Encoding": "identity"}):
        response = await client.post("/api/chat", json=chat_body(), headers=headers)
        assert response.status == 200


async def test_rotating_forwarded_for_lines_does_not_bypass_the_limit(make_gateway: GatewayFactory) -> None:
    """The client writes its own first X-Forwarded-For line; the proxy appends the real one."""
    client = await make_gateway(rate_limit_per_minute=2, trust_proxy=1)
    statuses = []
    for i in range(4):
        headers = CIMultiDict(Origin=ORIGIN)
        headers.add("X-Forwarded-For", f"10.{i}.0.1")  # forged by the client
        headers.add("X-Forwarded-For", "198.51.100.7")  # appended by our proxy
        response = await client.post("/api/chat", json=chat_body(), headers=headers)
        statuses.append(response.status)
    assert statuses == [200, 200, 429, 429]


async def test_forwarded_for_counts_hops_from_the_right(make_gateway: GatewayFactory) -> None:
    # Two proxies: the client is the second entry from the right.
    client = await make_gateway(rate_limit_per_minute=1, trust_proxy=2)

    def via(forged: str, client_ip: str) -> dict[str, str]:
        return {"Origin": ORIGIN, "X-Forwarded-For": f"{forged}, {client_ip}, 10.0.0.2"}

    assert (
        await client.post("/api/chat", json=chat_body(), headers=via("1.1.1.1", "198.51.100.1"))
    ).status == 200
    assert (
        await client.post("/api/chat", json=chat_body(), headers=via("2.2.2.2", "198.51.100.1"))
    ).status == 429
    assert (
        await client.post("/api/chat", json=chat_body(), headers=via("3.3.3.3", "198.51.100.2"))
    ).status == 200


async def test_invalid_forwarded_addresses_share_the_proxy_key(make_gateway: GatewayFactory) -> None:
    client = await make_gateway(rate_limit_per_minute=2, trust_proxy=1)
    statuses = []
    for i in range(3):
        forged = f"not-an-ip-{i}-" + "x" * 8000
        response = await client.post(
            "/api/chat", json=chat_body(), headers={"Origin": ORIGIN, "X-Forwarded-For": forged}
        )
        statuses.append(response.status)
    assert statuses == [200, 200, 429]


async def test_ipv6_clients_are_keyed_by_their_64_network(make_gateway: GatewayFactory) -> None:
    client = await make_gateway(rate_limit_per_minute=2, trust_proxy=1)
    statuses = []
    for address in ("2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:dead:beef:1:2"):
        headers = {"Origin": ORIGIN, "X-Forwarded-For": address}
        statuses.append((await client.post("/api/chat", json=chat_body(), headers=headers)).status)
    other = {"Origin": ORIGIN, "X-Forwarded-For": "2001:db8:1:3::1"}
    statuses.append((await client.post("/api/chat", json=chat_body(), headers=other)).status)
    assert statuses == [200, 200, 429, 200]


def test_limiter_table_is_capped() -> None:
    limiter = RateLimiter(5, max_keys=100)
    for i in range(1000):
        limiter.hit_now(f"key-{i}")
    assert len(limiter) == 100
    # The most recent clients are the ones kept.
    assert limiter.hit_now("key-999") == 0 and len(limiter) == 100


@pytest.fixture()
def redis_prefix() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=3)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        pytest.fail(f"Redis unreachable at {REDIS_URL}: {error}")
    prefix = f"ratelimit-test-{uuid.uuid4().hex[:10]}:"
    try:
        yield prefix
    finally:
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()


async def test_two_gateways_share_one_redis_counter(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, str], redis_prefix: str
) -> None:
    settings = {"rate_limit_per_minute": 3, "redis_url": REDIS_URL, "rate_limit_key_prefix": redis_prefix}
    first = await make_gateway(**settings)
    second = await make_gateway(**settings)
    statuses = []
    for client in (first, second, first, second, first):
        response = await client.post("/api/chat", json=chat_body(), headers={"Origin": ORIGIN})
        statuses.append(response.status)
    # Separate in-process counters would allow all five (three per process).
    assert statuses.count(200) <= 3 and statuses[-1] == 429
    assert len(fake_rasa[0].received) == statuses.count(200)
    keys = redis.Redis.from_url(REDIS_URL).keys(f"{redis_prefix}*")
    assert keys and all(b"127.0.0.1" in key for key in keys)


async def test_redis_limiter_reports_retry_after(redis_prefix: str) -> None:
    now = [6000.0 + 15]  # 15 s into a minute
    limiter = RedisRateLimiter(REDIS_URL, 1, prefix=redis_prefix, clock=lambda: now[0])
    try:
        assert await limiter.hit("198.51.100.1") == 0
        assert await limiter.hit("198.51.100.1") == 45
        assert await limiter.hit("198.51.100.2") == 0
        now[0] += 60
        assert await limiter.hit("198.51.100.1") == 0
    finally:
        await limiter.close()


async def test_access_log_path_cannot_forge_lines(
    make_gateway: GatewayFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.web.access")
    client = await make_gateway()
    await client.get("/x%0A2026-11-29 INFO bot.web.access GET /admin 200%0D%1B[31m")
    (record,) = [r for r in caplog.records if r.name == "bot.web.access"]
    message = record.getMessage()
    assert "\n" not in message and "\r" not in message and "\x1b" not in message
    assert message.startswith("GET /x%0A2026-11-29%20INFO")
