"""The action server (rasa-sdk) with the project's hardening:

    python -m bot.ops.action_server --actions actions --port 5055

Same options as ``rasa run actions`` / ``python -m rasa_sdk``. Differences:

* it listens on 127.0.0.1 unless ``SANIC_HOST`` says otherwise: the action server has no
  authentication and only the Rasa server may call it. Containers set ``SANIC_HOST=0.0.0.0``
  and keep the port on their internal network (deploy/);
* request bodies with a ``Content-Encoding`` other than identity are refused with 415
  *before* anything reads them: rasa-sdk inflates ``deflate`` bodies with
  ``zlib.decompress`` without a limit (48 kB became 50 MB). Rasa compresses action calls
  only when ``COMPRESS_ACTION_SERVER_REQUEST`` is set, which this project never does;
* an unexpected error answers ``{"error": "internal error"}``: rasa-sdk's own handler
  echoes the whole request (the tracker with every message of the conversation).

Imports only rasa-sdk, so the rasa-sdk container image can run it too.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
_IDENTITY = {"", "identity"}


async def refuse_encoded_body(request: Request) -> HTTPResponse | None:
    """Sanic request middleware: 415 for any compressed request body.

    Runs before every handler, so no handler can inflate a compression bomb.
    """
    encoding = request.headers.get("Content-Encoding", "").strip().lower()
    if encoding not in _IDENTITY:
        return response.json({"error": "unsupported content encoding"}, status=415)
    return None


def add_body_guard(app: Sanic) -> Sanic:
    """Register :func:`refuse_encoded_body` on ``app`` (before it starts)."""
    app.register_middleware(refuse_encoded_body, "request")
    return app


async def _safe_exception_handler(request: Request, exception: Exception) -> HTTPResponse:
    # Log the type only: the exception text may quote tracker contents.
    logger.error("Action server error in %s %s: %s", request.method, request.path, type(exception).__name__)
    status = getattr(exception, "status_code", 500)
    if not isinstance(status, int) or status < 400:
        status = 500
    return response.json({"error": "internal error" if status == 500 else "request failed"}, status=status)


def harden_action_server() -> None:
    """Patch ``rasa_sdk.endpoint`` so every app it creates is hardened (idempotent)."""
    from rasa_sdk import endpoint

    original = getattr(endpoint.create_app, "__wrapped_original__", endpoint.create_app)

    def create_app(*args: Any, **kwargs: Any) -> Sanic:
        app = original(*args, **kwargs)
        add_body_guard(app)
        # Replaces rasa-sdk's handler for Exception, which returns the request body.
        app.error_handler.add(Exception, _safe_exception_handler)
        return app

    create_app.__wrapped_original__ = original  # type: ignore[attr-defined]
    endpoint.create_app = create_app
    os.environ.setdefault("SANIC_HOST", DEFAULT_HOST)


def main() -> None:
    """Run rasa-sdk's command line with the hardening applied."""
    harden_action_server()
    from rasa_sdk.__main__ import main as sdk_main

    sdk_main()


if __name__ == "__main__":
    main()
