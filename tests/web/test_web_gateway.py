"""Gateway tests: aiohttp TestServer/TestClient + pytest-asyncio (strict mode).

A fake Rasa server (conftest.FakeRasa) records exactly what the gateway
forwards.
"""

from __future__ import annotations

import json
import logging
import uuid
from html.parser import HTMLParser
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.web import GatewayConfig, texts
from bot.web.config import ConfigError
from bot.web.ratelimit import RateLimiter
from bot.web.upstream import RasaClient
from tests.web.web_support import (
    BIRTH_BUTTONS,
    BIRTH_TEXT,
    GREETING,
    ORIGIN,
    FakeRasa,
    GatewayFactory,
    closed_port_url,
)

SENDER = "3f1c2a4e-9b7d-4c1e-8f2a-6d5b4c3a2e1f"
HEADERS = {"Origin": ORIGIN}
UNAVAILABLE = (
    "Der Chat ist gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal. "
    "Telefonisch hilft Ihnen die Behördennummer 115."
)


def body(message: str = "Hallo", **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"sender": SENDER, "message": message}
    data.update(extra)
    return data


async def post_chat(client: TestClient, payload: Any, headers: dict[str, str] | None = None):
    return await client.post("/api/chat", json=payload, headers=HEADERS if headers is None else headers)


async def error_text(response: Any) -> str:
    data = await response.json()
    assert set(data) == {"error"}
    assert isinstance(data["error"], str) and data["error"]
    return str(data["error"])


# ------------------------------------------------------------- happy path


async def test_chat_forwards_exact_json_and_returns_messages(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, str]
) -> None:
    client = await make_gateway()
    response = await post_chat(client, body("  Hallo  ", metadata={"kommune": "06534014"}))

    assert response.status == 200
    assert await response.json() == {"messages": [{"text": GREETING, "buttons": []}]}
    assert fake_rasa[0].received == [
        {"sender": SENDER, "message": "Hallo", "metadata": {"kommune": "06534014"}}
    ]


@pytest.mark.parametrize("sprache, forwarded", [("en", "en"), ("de", "de"), ("tr", None), (["en"], None)])
async def test_the_language_switch_is_forwarded_only_for_a_language_we_speak(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, str], sprache: Any, forwarded: str | None
) -> None:
    client = await make_gateway()
    response = await post_chat(client, body("Kassel", metadata={"sprache": sprache}))

    assert response.status == 200
    expected = {} if forwarded is None else {"sprache": forwarded}
    assert fake_rasa[0].received == [{"sender": SENDER, "message": "Kassel", "metadata": expected}]


@pytest.mark.parametrize(
    "accept_language, expected",
    [
        ("en", "Please write a message."),
        ("en-GB,en;q=0.9", "Please write a message."),
        ("de", "Bitte schreiben Sie eine Nachricht."),
        ("fr-FR", "Bitte schreiben Sie eine Nachricht."),
        (None, "Bitte schreiben Sie eine Nachricht."),
    ],
)
async def test_gateway_texts_follow_the_widgets_language(
    make_gateway: GatewayFactory, accept_language: str | None, expected: str
) -> None:
    client = await make_gateway()
    headers = dict(HEADERS)
    if accept_language is not None:
        headers["Accept-Language"] = accept_language
    response = await post_chat(client, body("   "), headers=headers)

    assert response.status == 400
    assert await error_text(response) == expected


async def test_english_too_long_text_names_the_limit(make_gateway: GatewayFactory) -> None:
    client = await make_gateway(max_message_chars=50)
    response = await post_chat(client, body("a" * 51), headers={**HEADERS, "Accept-Language": "en"})

    assert response.status == 413
    assert await error_text(response) == (
        "Your message is too long. Please keep it shorter (at most 50 characters)."
    )


async def test_buttons_are_reduced_to_title_and_payload(
    make_gateway: GatewayFactory,
) -> None:
    client = await make_gateway()
    response = await post_chat(client, body("Wo bekomme ich eine Geburtsurkunde?"))

    assert response.status == 200
    assert await response.json() == {"messages": [{"text": BIRTH_TEXT, "buttons": BIRTH_BUTTONS}]}


async def test_only_whitelisted_metadata_is_forwarded(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, str]
) -> None:
    client = await make_gateway()
    payload = body(
        "Hallo",
        metadata={"kommune": "06412000", "token": "secret", "user": {"name": "x"}},
        recipient_id="other",
        extra=1,
    )
    response = await post_chat(client, payload)

    assert response.status == 200
    assert fake_rasa[0].received == [
        {"sender": SENDER, "message": "Hallo", "metadata": {"kommune": "06412000"}}
    ]


@pytest.mark.parametrize(
    "kommune",
    [
        "6534014",
        "065340140",
        "0653401a",
        "06 34014",
        "０６５３４０１４",
        "09162000",  # 8 digits, but München (Bayern): not a Hessian AGS
        6534014,
        None,
        ["06534014"],
    ],
)
async def test_invalid_kommune_is_dropped(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, str], kommune: Any
) -> None:
    client = await make_gateway()
    response = await post_chat(client, body(metadata={"kommune": kommune}))

    assert response.status == 200
    assert fake_rasa[0].received == [{"sender": SENDER, "message": "Hallo", "metadata": {}}]


async def test_default_kommune_fills_in_missing_or_invalid(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, str]
) -> None:
    client = await make_gateway(default_kommune="06611000")
    await post_chat(client, body())
    await post_chat(client, body(metadata={"kommune": "abc"}))
    await post_chat(client, body(metadata={"kommune": "06534014"}))

    assert [r["metadata"] for r in fake_rasa[0].received] == [
        {"kommune": "06611000"},
        {"kommune": "06611000"},
        {"kommune": "06534014"},
    ]


# -------------------------------------------------------- client errors


@pytest.mark.parametrize("message", ["", "   ", "\n\t "])
async def test_empty_message_is_rejected(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, str], message: str
) -> None:
    client = await make_gateway()
    response = await post_chat(client, body(message))

    assert response.status == 400
    assert await error_text(response) == "Bitte schreiben Sie eine Nachricht."
    assert fake_rasa[0].received == []


async def test_message_length_limit(make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, str]) -> None:
    client = await make_gateway(max_message_chars=50)

    ok = await post_chat(client, body("ä" * 50))
    too_long = await post_chat(client, body("ä" * 51))

    assert ok.status == 200
    assert too_long.status == 413
    assert await error_text(too_long) == (
        "Ihre Nachricht ist zu lang. Bitte fassen Sie sich kürzer (höchstens 50 Zeichen)."
    )
    assert len(fake_rasa[0].received) == 1


async def test_oversized_body_is_rejected(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, str]
) -> None:
    client = await make_gateway()
    config = GatewayConfig()
    padding = "x" * (config.max_body_bytes + 10)
    response = await post_chat(client, body("Hallo", padding=padding))

    assert response.status == 413
    assert "zu groß" in await error_text(response)
    assert fake_rasa[0].received == []


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b"", b"\xff\xfe", b"[1, 2]", b'"Hallo"', b"[" * 5000],
)
async def test_malformed_json_is_rejected(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, str], raw: bytes
) -> None:
    client = await make_gateway()
    response = await client.post(
        "/api/chat", data=raw, headers={**HEADERS, "Content-Type": "application/json"}
    )

    assert response.status == 400
    assert "nicht verarbeitet" in await error_text(response)
    assert fake_rasa[0].received == []


@pytest.mark.parametrize(
    "payload",
    [
        {"sender": SENDER},
        {"sender": SENDER, "message": 42},
        {"sender": SENDER, "message": "Hallo", "metadata": "06534014"},
    ],
)
async def test_missing_or_wrong_fields_are_rejected(
    make_gateway: GatewayFactory,
    fake_rasa: tuple[FakeRasa, str],
    payload: dict[str, Any],
) -> None:
    client = await make_gateway()
    response = await post_chat(client, payload)

    assert response.status == 400
    assert "Bitte" in await error_text(response)
    assert fake_rasa[0].received == []


@pytest.mark.parametrize(
    "sender",
    [
        None,
        "",
        "abc",
        42,
        "3f1c2a4e9b7d4c1e8f2a6d5b4c3a2e1f",
        "3f1c2a4e-9b7d-4c1e-8f2a-6d5b4c3a2e1",
        "3f1c2a4e9b7d4c1e8f2a6d5b4c3a2e1f----",
        "{3f1c2a4e-9b7d-4c1e-8f2a-6d5b4c3a2e1}",
        "3f1c2a4e-9b7d-4c1e-8f2a-6d5b4c3a2e1g",
    ],
)
async def test_bad_sender_is_rejected(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, str], sender: Any
) -> None:
    client = await make_gateway()
    payload: dict[str, Any] = {"message": "Hallo"}
    if sender is not None:
        payload["sender"] = sender
    response = await post_chat(client, payload)

    assert response.status == 400
    assert await error_text(response) == texts.BAD_SENDER
    assert fake_rasa[0].received == []


async def test_wrong_content_type_is_rejected(make_gateway: GatewayFactory) -> None:
    client = await make_gateway()
    response = await client.post(
        "/api/chat",
        data=json.dumps(body()),
        headers={**HEADERS, "Content-Type": "text/plain"},
    )
    assert response.status == 415
    assert "Format" in await error_text(response)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": ORIGIN + "/"},
    ],
)
async def test_wrong_or_missing_origin_is_forbidden(
    make_gateway: GatewayFactory,
    fake_rasa: tuple[FakeRasa, str],
    headers: dict[str, str],
) -> None:
    client = await make_gateway()
    response = await post_chat(client, body(), headers=headers)

    assert response.status == 403
    assert "Webseite" in await error_text(response)
    assert "Access-Control-Allow-Origin" not in response.headers
    assert fake_rasa[0].received == []


async def test_cors_reflects_only_allowed_origins(make_gateway: GatewayFactory) -> None:
    client = await make_gateway()
    preflight = await client.options(
        "/api/chat",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    bad_preflight = await client.options("/api/chat", headers={"Origin": "https://evil.example"})
    response = await post_chat(client, body())

    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert bad_preflight.status == 403
    assert "Access-Control-Allow-Origin" not in bad_preflight.headers
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Origin" in response.headers["Vary"]


async def test_get_on_chat_endpoint_is_not_allowed(
    make_gateway: GatewayFactory,
) -> None:
    client = await make_gateway()
    response = await client.get("/api/chat")
    assert response.status == 405
    assert await error_text(response) == texts.METHOD_NOT_ALLOWED


# ------------------------------------------------------------ rate limit


async def test_rate_limit_returns_429_with_retry_after(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, str]
) -> None:
    client = await make_gateway(rate_limit_per_minute=3)
    statuses = [(await post_chat(client, body())).status for _ in range(3)]
    limited = await post_chat(client, body())

    assert statuses == [200, 200, 200]
    assert limited.status == 429
    retry_after = int(limited.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert f"warten Sie {retry_after} Sekunden" in await error_text(limited)
    assert len(fake_rasa[0].received) == 3


async def test_rate_limit_uses_forwarded_for_only_behind_trusted_proxy(
    make_gateway: GatewayFactory,
) -> None:
    trusted = await make_gateway(rate_limit_per_minute=1, trust_proxy=True)
    untrusted = await make_gateway(rate_limit_per_minute=1, trust_proxy=False)

    def via(ip: str) -> dict[str, str]:
        return {**HEADERS, "X-Forwarded-For": f"203.0.113.9, {ip}"}

    assert (await post_chat(trusted, body(), via("198.51.100.1"))).status == 200
    assert (await post_chat(trusted, body(), via("198.51.100.2"))).status == 200
    assert (await post_chat(trusted, body(), via("198.51.100.1"))).status == 429

    # Without TRUST_PROXY the header is ignored: both share the peer address.
    assert (await post_chat(untrusted, body(), via("198.51.100.1"))).status == 200
    assert (await post_chat(untrusted, body(), via("198.51.100.2"))).status == 429


def test_rate_limiter_window_slides() -> None:
    now = [1000.0]
    limiter = RateLimiter(2, clock=lambda: now[0])

    assert limiter.hit_now("a") == 0
    now[0] += 20
    assert limiter.hit_now("a") == 0
    assert limiter.hit_now("a") == 40  # first hit leaves the window in 40 s
    assert limiter.hit_now("b") == 0
    now[0] += 40
    assert limiter.hit_now("a") == 0


# -------------------------------------------------------- upstream errors


@pytest.mark.parametrize("mode", ["error", "garbage"])
async def test_upstream_failure_gives_friendly_503(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, str], mode: str
) -> None:
    fake_rasa[0].mode = mode
    client = await make_gateway()
    response = await post_chat(client, body())

    assert response.status == 503
    assert await response.json() == {"messages": [{"text": UNAVAILABLE, "buttons": []}]}


async def test_upstream_timeout_gives_friendly_503(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, str]
) -> None:
    fake_rasa[0].mode = "slow"
    client = await make_gateway(upstream_timeout_s=0.3)
    response = await post_chat(client, body())

    assert response.status == 503
    assert await response.json() == {"messages": [{"text": UNAVAILABLE, "buttons": []}]}


async def test_upstream_down_gives_503_and_not_ready(
    make_gateway: GatewayFactory,
) -> None:
    client = await make_gateway(rasa_url=closed_port_url())
    chat = await post_chat(client, body())
    ready = await client.get("/ready")
    health = await client.get("/health")

    assert chat.status == 503
    assert await chat.json() == {"messages": [{"text": UNAVAILABLE, "buttons": []}]}
    assert ready.status == 503
    assert (await ready.json())["status"] == "unavailable"
    assert health.status == 200
    assert await health.json() == {"status": "ok"}


async def test_ready_when_upstream_answers(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, str]
) -> None:
    client = await make_gateway()
    ready = await client.get("/ready")

    assert ready.status == 200
    assert await ready.json() == {"status": "ready"}
    assert fake_rasa[0].root_requests == 1


async def test_not_ready_when_upstream_errors(
    make_gateway: GatewayFactory, fake_rasa: tuple[FakeRasa, str]
) -> None:
    fake_rasa[0].mode = "error"
    client = await make_gateway()
    assert (await client.get("/ready")).status == 503


async def test_unexpected_error_leaks_no_details(
    make_gateway: GatewayFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def explode(self: RasaClient, request: Any) -> Any:
        raise RuntimeError("internal detail /srv/secret.py")

    monkeypatch.setattr(RasaClient, "send", explode)
    client = await make_gateway()
    response = await post_chat(client, body())
    raw = await response.text()

    assert response.status == 500
    assert "Traceback" not in raw and "secret" not in raw and "RuntimeError" not in raw
    assert json.loads(raw) == {"error": texts.INTERNAL_ERROR}


# -------------------------------------------------- routes and hardening


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/model"),
        ("PUT", "/model"),
        ("POST", "/model/train"),
        ("POST", "/model/parse"),
        ("GET", "/conversations/abc/tracker"),
        ("POST", "/conversations/abc/messages"),
        ("GET", "/status"),
        ("GET", "/version"),
        ("POST", "/webhooks/rest/webhook"),
        ("GET", "/webhooks/rest/"),
        ("GET", "/api/chat/../model"),
        ("GET", "/api/model"),
    ],
)
async def test_rasa_admin_api_is_unreachable(
    make_gateway: GatewayFactory,
    fake_rasa: tuple[FakeRasa, str],
    method: str,
    path: str,
) -> None:
    client = await make_gateway()
    response = await client.request(method, path, json=body(), headers=HEADERS)

    assert response.status == 404
    assert await error_text(response) == texts.NOT_FOUND
    assert fake_rasa[0].received == [] and fake_rasa[0].root_requests == 0


@pytest.mark.parametrize("path", ["/", "/widget.js", "/widget.css", "/health", "/nope", "/api/chat"])
async def test_security_headers_on_every_response(make_gateway: GatewayFactory, path: str) -> None:
    client = await make_gateway()
    response = await client.get(path)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))

    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "http" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "aiohttp" not in response.headers.get("Server", "")


async def test_frame_ancestors_is_configurable(make_gateway: GatewayFactory) -> None:
    client = await make_gateway(frame_ancestors="'self' https://www.musterstadt.example")
    response = await client.get("/")
    assert response.headers["Content-Security-Policy"].endswith(
        "frame-ancestors 'self' https://www.musterstadt.example"
    )
    assert "X-Frame-Options" not in response.headers


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/", "text/html"),
        ("/widget.js", "text/javascript"),
        ("/widget.css", "text/css"),
    ],
)
async def test_static_assets_types_and_caching(
    make_gateway: GatewayFactory, path: str, content_type: str
) -> None:
    client = await make_gateway()
    response = await client.get(path)
    etag = response.headers["ETag"]
    again = await client.get(path, headers={"If-None-Match": etag})

    assert response.status == 200
    assert response.content_type == content_type
    assert response.charset == "utf-8"
    assert "Cache-Control" in response.headers
    assert len(await response.read()) > 100
    assert again.status == 304


class _ScriptCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.inline_code: list[str] = []
        self.inline_attrs: list[str] = []
        self.lang: str | None = None
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag == "script":
            self.scripts.append(dict(attrs))
            self._in_script = True
        self.inline_attrs += [n for n, _ in attrs if n.startswith("on") or n == "style"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_code.append(data)


async def test_demo_page_embeds_widget_with_one_script_tag(
    make_gateway: GatewayFactory,
) -> None:
    client = await make_gateway()
    parser = _ScriptCollector()
    parser.feed(await (await client.get("/")).text())

    assert parser.lang == "de"
    assert parser.scripts == [{"src": "/widget.js", "data-kommune": "06534014", "defer": None}]
    assert parser.inline_code == [] and parser.inline_attrs == []


# ---------------------------------------------------------------- privacy


async def test_logs_contain_no_message_text_sender_or_metadata(
    make_gateway: GatewayFactory,
    fake_rasa: tuple[FakeRasa, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "Meine Steuer-ID ist 12345678901 Geheimwort"
    sender = str(uuid.uuid4())
    client = await make_gateway()
    payload = {"sender": sender, "message": secret, "metadata": {"kommune": "06534014"}}

    await post_chat(client, payload)
    fake_rasa[0].mode = "error"
    await post_chat(client, payload)
    await post_chat(client, {**payload, "message": secret * 100})

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "POST /api/chat 200" in logged  # the access log itself works
    assert "POST /api/chat 503" in logged
    for needle in ("Geheimwort", "12345678901", sender, "06534014"):
        assert needle not in logged


# ----------------------------------------------------------------- config


def test_config_defaults_from_empty_environment() -> None:
    config = GatewayConfig.from_env({})

    assert config.host == "127.0.0.1" and config.port == 8080
    assert config.rasa_url == "http://127.0.0.1:5005"
    assert config.allowed_origins == {"http://127.0.0.1:8080", "http://localhost:8080"}
    assert config.rate_limit_per_minute == 30 and config.trust_proxy == 0
    assert config.redis_url is None
    assert config.max_message_chars == 1000 and config.upstream_timeout_s == 10
    assert config.default_kommune is None


def test_default_origins_follow_gateway_port() -> None:
    config = GatewayConfig.from_env({"GATEWAY_PORT": "9001"})
    assert config.allowed_origins == {"http://127.0.0.1:9001", "http://localhost:9001"}


def test_config_reads_environment() -> None:
    config = GatewayConfig.from_env(
        {
            "GATEWAY_HOST": "0.0.0.0",
            "GATEWAY_PORT": "9000",
            "RASA_URL": "http://rasa:5005/",
            "ALLOWED_ORIGINS": "https://www.marburg.de, https://marburg.de/ ,",
            "RATE_LIMIT_PER_MINUTE": "5",
            "TRUST_PROXY": "1",
            "MAX_MESSAGE_CHARS": "500",
            "UPSTREAM_TIMEOUT_S": "2.5",
            "DEFAULT_KOMMUNE": "06534014",
        }
    )
    assert config.host == "0.0.0.0" and config.port == 9000
    assert config.rasa_url == "http://rasa:5005"
    assert config.allowed_origins == {"https://www.marburg.de", "https://marburg.de"}
    assert config.rate_limit_per_minute == 5 and config.trust_proxy == 1
    assert config.max_message_chars == 500 and config.upstream_timeout_s == 2.5
    assert config.default_kommune == "06534014"


@pytest.mark.parametrize(
    "env",
    [
        {"DEFAULT_KOMMUNE": "6534014"},
        {"DEFAULT_KOMMUNE": "09162000"},
        {"GATEWAY_PORT": "http"},
        {"RATE_LIMIT_PER_MINUTE": "0"},
        {"UPSTREAM_TIMEOUT_S": "-1"},
        {"RASA_URL": "rasa:5005"},
        {"TRUST_PROXY": "-1"},
        {"TRUST_PROXY": "alle"},
    ],
)
def test_config_rejects_bad_values(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        GatewayConfig.from_env(env)
