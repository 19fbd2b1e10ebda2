"""Run a Sanic app with Rasa channel blueprints on an ephemeral loopback port."""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sanic import Blueprint, Sanic


def free_port() -> int:
    """Return a currently free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def serve_blueprint(blueprint: Blueprint, url_prefix: str) -> AsyncIterator[str]:
    """Serve ``blueprint`` like Rasa does and yield the server's base URL.

    Runs the listeners Rasa's server runs (after_server_start on start,
    before_server_stop on stop), in the current event loop.
    """
    Sanic.test_mode = True
    app = Sanic(f"channels_test_{uuid.uuid4().hex[:8]}")
    app.blueprint(blueprint, url_prefix=url_prefix)
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()
        close = server.close()
        if close is not None:
            await close
        await server.after_stop()
