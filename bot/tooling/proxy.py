"""Tiny round-robin HTTP proxy in front of Rasa replicas (benchmark, demos).

    python -m bot.tooling.proxy --port 8095 --upstream http://127.0.0.1:5005 \
        --upstream http://127.0.0.1:5006

Production uses nginx (deploy/nginx.conf); this proxy exists so the
benchmark can compare one and two replicas without a container engine.
Binds to loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
from collections.abc import AsyncIterator, Sequence

from aiohttp import ClientError, ClientSession, ClientTimeout, web

# Hop-by-hop headers must not be forwarded (RFC 9110, section 7.6.1).
HOP_HEADERS = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
}
UPSTREAM_TIMEOUT = ClientTimeout(total=120, connect=5)


def create_proxy_app(upstreams: Sequence[str]) -> web.Application:
    """Return an aiohttp app forwarding every request round-robin."""
    if not upstreams:
        raise ValueError("at least one upstream is required")
    rotation = itertools.cycle([url.rstrip("/") for url in upstreams])
    app = web.Application()

    async def session_ctx(app: web.Application) -> AsyncIterator[None]:
        # One shared client session for the app's lifetime.
        app["session"] = ClientSession(timeout=UPSTREAM_TIMEOUT)
        yield
        await app["session"].close()

    async def forward(request: web.Request) -> web.StreamResponse:
        target = next(rotation) + request.rel_url.path_qs
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        session: ClientSession = request.app["session"]
        try:
            async with session.request(
                request.method, target, headers=headers, data=await request.read()
            ) as upstream:
                body = await upstream.read()
                out_headers = {
                    k: v
                    for k, v in upstream.headers.items()
                    if k.lower() not in HOP_HEADERS and k.lower() != "content-encoding"
                }
                return web.Response(status=upstream.status, body=body, headers=out_headers)
        except (ClientError, OSError, asyncio.TimeoutError):
            return web.Response(status=502, text="upstream unavailable")

    app.cleanup_ctx.append(session_ctx)
    app.router.add_route("*", "/{tail:.*}", forward)
    return app


def main(argv: Sequence[str] | None = None) -> None:
    """Run the proxy until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m bot.tooling.proxy")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", action="append", required=True)
    args = parser.parse_args(argv)
    web.run_app(
        create_proxy_app(args.upstream),
        host="127.0.0.1",
        port=args.port,
        access_log=None,  # no sender ids or paths in logs
        print=None,
    )


if __name__ == "__main__":
    main()
