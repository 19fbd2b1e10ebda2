"""Tests for bot.tooling.linkcheck against a local aiohttp server (offline)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web

from bot.tooling.linkcheck import LinkResult, check_urls, extract_urls, main


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Siehe [Portal](https://verwaltungsportal.hessen.de/en/faq).",
            ["https://verwaltungsportal.hessen.de/en/faq"],
        ),
        (
            "url: https://verwaltungsportal.hessen.de/leistung?regschl=064330007007&leistung_id=L100001%3A%3A346540178\n",
            [
                "https://verwaltungsportal.hessen.de/leistung?regschl=064330007007&leistung_id=L100001%3A%3A346540178"
            ],
        ),
        ('href="https://a.example/x?y=1&z=2"', ["https://a.example/x?y=1&z=2"]),
        ("(mehr unter https://a.example/info)", ["https://a.example/info"]),
        ("Quelle: http://a.example/b.html.", ["http://a.example/b.html"]),
        (
            "Wiki https://de.wikipedia.org/wiki/Foo_(Bar), ok",
            ["https://de.wikipedia.org/wiki/Foo_(Bar)"],
        ),
        (
            "'https://a.example/q' and <https://b.example/>",
            ["https://a.example/q", "https://b.example/"],
        ),
        (
            "https://a.example/1 https://a.example/1 https://a.example/2",
            ["https://a.example/1", "https://a.example/2"],
        ),
        ("kein link, nur www.example.org und ftp://x", []),
        ("http:// leer", []),
    ],
)
def test_extract_urls(text: str, expected: list[str]) -> None:
    assert extract_urls(text) == expected


@asynccontextmanager
async def _server() -> AsyncIterator[str]:
    async def ok(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def missing(request: web.Request) -> web.Response:
        return web.Response(status=404)

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(text="late")

    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPFound("/ok")

    async def no_head(request: web.Request) -> web.Response:
        if request.method == "HEAD":
            return web.Response(status=405)
        return web.Response(text="get only")

    app = web.Application()
    app.router.add_get("/ok", ok)  # add_get also registers HEAD
    app.router.add_get("/missing", missing)
    app.router.add_get("/slow", slow)
    app.router.add_get("/moved", moved)
    app.router.add_route("*", "/nohead", no_head)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)  # ephemeral port
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def _by_path(results: list[LinkResult], base: str) -> dict[str, LinkResult]:
    return {r.url.removeprefix(base): r for r in results}


async def test_check_urls_statuses() -> None:
    async with _server() as base:
        urls = [f"{base}{p}" for p in ("/ok", "/missing", "/slow", "/moved", "/nohead")]
        results = await check_urls(urls, concurrency=3, timeout_s=0.5)
    assert [r.url for r in results] == urls
    by_path = _by_path(results, base)
    assert by_path["/ok"].ok and by_path["/ok"].status == 200
    assert by_path["/missing"].status == 404 and not by_path["/missing"].ok
    assert by_path["/slow"].error == "timeout" and not by_path["/slow"].ok
    assert by_path["/moved"].ok and by_path["/moved"].final_url == f"{base}/ok"
    assert by_path["/nohead"].ok and by_path["/nohead"].status == 200


async def test_check_urls_connection_refused() -> None:
    async with _server() as base:
        pass  # server stopped: its port now refuses connections
    (result,) = await check_urls([f"{base}/ok"], timeout_s=2)
    assert result.status is None and result.error and not result.ok


def test_main_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    async def run(path: Path) -> int:
        # main() calls asyncio.run itself, so run it in a worker thread.
        return await asyncio.to_thread(main, [str(path)])

    async def scenario() -> tuple[int, int]:
        async with _server() as base:
            good = tmp_path / "good.yml"
            good.write_text(f"url: {base}/ok\n")
            bad = tmp_path / "bad.yml"
            bad.write_text(f"- {base}/ok\n- [x]({base}/missing)\n")
            return await run(good), await run(bad)

    good_code, bad_code = asyncio.run(scenario())
    assert (good_code, bad_code) == (0, 1)
    out = capsys.readouterr().out
    assert "404" in out and "1 dead" in out
