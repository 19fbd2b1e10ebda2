"""aiohttp application: demo page, widget assets and the chat API.

Only the routes registered in :func:`create_app` exist; nothing is proxied
to Rasa generically, so Rasa's own HTTP API (``/model``, ``/conversations``,
``/status``, ...) is unreachable through the gateway.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
from aiohttp import web

from bot.web import texts
from bot.web.chat import ChatRequestError, parse_chat_request
from bot.web.config import GatewayConfig
from bot.web.ratelimit import Limiter, RateLimiter, RedisRateLimiter, parse_ip, rate_limit_key
from bot.web.upstream import RasaClient, UpstreamError

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("bot.web.access")

STATIC_DIR = Path(__file__).parent / "static"
CHAT_PATH = "/api/chat"

CONFIG_KEY = web.AppKey("config", GatewayConfig)
LIMITER_KEY = web.AppKey("limiter", Limiter)
RASA_KEY = web.AppKey("rasa", RasaClient)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class StaticAsset:
    """A small file served from memory with validators for revalidation."""

    body: bytes
    content_type: str
    cache_control: str
    etag: str


# Widget files may be embedded by many municipal pages: cache them briefly
# and let browsers revalidate cheaply via ETag (file names are not versioned).
STATIC_FILES: dict[str, tuple[str, str, str]] = {
    "/": ("index.html", "text/html", "no-cache"),
    "/widget.js": ("widget.js", "text/javascript", "public, max-age=300"),
    "/widget.css": ("widget.css", "text/css", "public, max-age=300"),
    "/demo.css": ("demo.css", "text/css", "public, max-age=300"),
}


def create_app(config: GatewayConfig) -> web.Application:
    """Build the gateway application for ``config`` (used by tests and ``__main__``)."""
    app = web.Application(
        client_max_size=config.max_body_bytes,
        middlewares=[_access_log_middleware, _error_middleware, _encoding_middleware],
        # aiohttp inflates gzip/deflate bodies while it reads them, without a limit and
        # before any handler runs (58 kB grew the process by 60 MB). Bodies are kept as
        # sent; _encoding_middleware refuses compressed ones.
        handler_args={"auto_decompress": False},
    )
    app[CONFIG_KEY] = config
    app.cleanup_ctx.append(_rate_limiter)
    app.cleanup_ctx.append(_client_session)
    # aiohttp 3.9 types Signal callbacks wrongly (generic over the callback).
    app.on_response_prepare.append(_add_security_headers)  # type: ignore[arg-type]

    for path, (filename, content_type, cache_control) in STATIC_FILES.items():
        asset = _load_asset(filename, content_type, cache_control)
        app.router.add_get(path, _static_handler(asset))
    app.router.add_post(CHAT_PATH, chat)
    app.router.add_route("OPTIONS", CHAT_PATH, chat_preflight)
    app.router.add_get("/health", health)
    app.router.add_get("/ready", ready)
    return app


async def _client_session(app: web.Application) -> AsyncIterator[None]:
    # One shared session for all upstream calls, closed on shutdown.
    config = app[CONFIG_KEY]
    timeout = aiohttp.ClientTimeout(total=config.upstream_timeout_s)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        app[RASA_KEY] = RasaClient(session, config.rasa_url)
        yield


async def _rate_limiter(app: web.Application) -> AsyncIterator[None]:
    # Redis when configured, so that every gateway process counts together.
    config = app[CONFIG_KEY]
    limiter: Limiter
    if config.redis_url:
        limiter = RedisRateLimiter(
            config.redis_url, config.rate_limit_per_minute, config.rate_limit_key_prefix
        )
    else:
        limiter = RateLimiter(config.rate_limit_per_minute)
    app[LIMITER_KEY] = limiter
    yield
    await limiter.close()


def _load_asset(filename: str, content_type: str, cache_control: str) -> StaticAsset:
    body = (STATIC_DIR / filename).read_bytes()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return StaticAsset(body, content_type, cache_control, etag)


def _static_handler(asset: StaticAsset) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        headers = {"Cache-Control": asset.cache_control, "ETag": asset.etag}
        if asset.etag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers=headers)
        return web.Response(
            body=asset.body,
            content_type=asset.content_type,
            charset="utf-8",
            headers=headers,
        )

    return handler


async def health(request: web.Request) -> web.Response:
    """Liveness: the gateway process answers."""
    return web.json_response({"status": "ok"})


async def ready(request: web.Request) -> web.Response:
    """Readiness: 200 only while Rasa answers its root endpoint."""
    if await request.app[RASA_KEY].is_ready():
        return web.json_response({"status": "ready"})
    return web.json_response({"status": "unavailable", "error": texts.NOT_READY}, status=503)


async def chat_preflight(request: web.Request) -> web.Response:
    """CORS preflight for widgets embedded on another allowed origin."""
    if request.headers.get("Origin") not in request.app[CONFIG_KEY].allowed_origins:
        return _error(request, 403, texts.FORBIDDEN_ORIGIN)
    return web.Response(
        status=204,
        headers={
            "Access-Control-Allow-Methods": "POST",
            # Accept-Language carries the widget's DE/EN switch for the gateway's own texts.
            "Access-Control-Allow-Headers": "Content-Type, Accept-Language",
            "Access-Control-Max-Age": "600",
        },
    )


async def chat(request: web.Request) -> web.Response:
    """Validate one widget message, forward it to Rasa and return the answer."""
    config = request.app[CONFIG_KEY]
    # Browsers always send Origin on POST; a missing one means a non-browser
    # client or a request we did not expect, so it is refused as well.
    if request.headers.get("Origin") not in config.allowed_origins:
        return _error(request, 403, texts.FORBIDDEN_ORIGIN)

    try:
        retry_after = await request.app[LIMITER_KEY].hit(client_key(request, config.trust_proxy))
    except Exception as exc:  # noqa: BLE001 - Redis down: answer rather than fail closed
        logger.warning("Rate limiter unavailable: %s", type(exc).__name__)
        retry_after = 0
    if retry_after:
        seconds = int(retry_after)
        return _error(
            request,
            429,
            texts.RATE_LIMITED,
            headers={"Retry-After": str(seconds)},
            values={"seconds": seconds},
        )

    if request.content_type != "application/json":
        return _error(request, 415, texts.UNSUPPORTED_TYPE)
    if request.content_length is not None and request.content_length > config.max_body_bytes:
        return _error(request, 413, texts.BODY_TOO_LARGE)
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _error(request, 413, texts.BODY_TOO_LARGE)
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        return _error(request, 400, texts.MALFORMED)

    try:
        chat_request = parse_chat_request(body, config.max_message_chars, config.default_kommune)
    except ChatRequestError as exc:
        return _error(request, exc.status, exc.text, values=exc.values)

    try:
        messages = await request.app[RASA_KEY].send(chat_request)
    except UpstreamError as exc:
        logger.warning("Rasa unavailable: %s", exc)
        unavailable = texts.in_language(texts.UNAVAILABLE, _language(request))
        return web.json_response({"messages": [{"text": unavailable, "buttons": []}]}, status=503)
    return web.json_response({"messages": messages})


def client_address(
    request: web.Request, trust_proxy: int
) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The client's address, ``trust_proxy`` proxies behind the gateway.

    Every proxy appends the address it received the request from to
    X-Forwarded-For, so with N trusted proxies the client is the N-th entry from
    the right of all such headers joined; anything further left is the client's own
    text. A missing or invalid entry at that position falls back to the peer (the
    nearest proxy), so forged values never become keys of their own.
    """
    if trust_proxy > 0:
        entries = [
            entry.strip()
            for header in request.headers.getall("X-Forwarded-For", [])
            for entry in header.split(",")
            if entry.strip()
        ]
        if len(entries) >= trust_proxy:
            address = parse_ip(entries[-trust_proxy])
            if address is not None:
                return address
    return parse_ip(request.remote or "")


def client_key(request: web.Request, trust_proxy: int) -> str:
    """Rate-limit key of the request's client (IPv6 by /64 network)."""
    address = client_address(request, trust_proxy)
    return rate_limit_key(address) if address is not None else "unknown"


def safe_path(request: web.Request, max_chars: int = 200) -> str:
    """The request path for logs: percent-encoded as sent, printable ASCII only, bounded.

    aiohttp's ``path`` is decoded, so ``%0A`` would become a line break that forges a
    log line; the raw path keeps it encoded and anything else unusual is encoded too.
    """
    raw = quote(request.rel_url.raw_path, safe="/%:@!$&'()*+,;=-._~")
    return raw if len(raw) <= max_chars else raw[:max_chars] + "..."


def _language(request: web.Request) -> str:
    return texts.language_of(request.headers.get("Accept-Language"))


def _error(
    request: web.Request,
    status: int,
    text: str,
    headers: dict[str, str] | None = None,
    values: dict[str, object] | None = None,
) -> web.Response:
    """A JSON error with ``text`` (bot.web.texts, filled with ``values``) in the widget's language."""
    localised = texts.in_language(text, _language(request), **(values or {}))
    return web.json_response({"error": localised}, status=status, headers=headers)


@web.middleware
async def _access_log_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    # Privacy: only method, path, status and duration. Never the body,
    # query string, sender id or client address.
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    finally:
        access_logger.info(
            "%s %s %d %.1fms",
            quote(request.method, safe=""),
            safe_path(request),
            status,
            (time.perf_counter() - started) * 1000,
        )


@web.middleware
async def _encoding_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    # With auto_decompress off, a compressed body would reach handlers as bytes they
    # cannot read; refuse it before anything reads it (the widget never compresses).
    encoding = request.headers.get("Content-Encoding", "").strip().lower()
    if encoding not in ("", "identity"):
        return _error(request, 415, texts.UNSUPPORTED_ENCODING)
    return await handler(request)


@web.middleware
async def _error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    # Every error leaves the gateway as JSON with German (or English) text; no stack
    # trace or exception text ever reaches the client.
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        text = {
            404: texts.NOT_FOUND,
            405: texts.METHOD_NOT_ALLOWED,
            413: texts.BODY_TOO_LARGE,
        }.get(exc.status, texts.INTERNAL_ERROR)
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        return _error(request, exc.status, text, headers=headers)
    except Exception as exc:  # noqa: BLE001 - last line of defence, logged below
        logger.error(
            "Unhandled error in %s %s: %s",
            quote(request.method, safe=""),
            safe_path(request),
            type(exc).__name__,
        )
        return _error(request, 500, texts.INTERNAL_ERROR)


async def _add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    config = request.app[CONFIG_KEY]
    headers: dict[str, Any] = {
        "Content-Security-Policy": (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
            "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            f"form-action 'self'; frame-ancestors {config.frame_ancestors}"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        # Hide framework and Python versions from the default Server header.
        "Server": "hessen-chat-gateway",
    }
    if config.frame_ancestors == "'none'":
        headers["X-Frame-Options"] = "DENY"
    response.headers.update(headers)
    if request.path == CHAT_PATH:
        # CORS: reflect the Origin only when it is explicitly allowed.
        response.headers["Vary"] = "Origin"
        origin = request.headers.get("Origin")
        if origin in config.allowed_origins:
            response.headers["Access-Control-Allow-Origin"] = origin
