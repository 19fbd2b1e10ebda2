"""Gateway configuration, read from environment variables only.

Every setting has a documented default so ``python -m bot.web`` works on a
developer machine without any setup:

- ``GATEWAY_HOST`` (127.0.0.1): interface the gateway binds to.
- ``GATEWAY_PORT`` (8080): TCP port of the gateway.
- ``RASA_URL`` (http://127.0.0.1:5005): base URL of the Rasa server.
- ``ALLOWED_ORIGINS`` (http://127.0.0.1:8080,http://localhost:8080): comma list
  of origins (scheme://host[:port]) whose pages may use the chat API. When
  unset, the port follows GATEWAY_PORT so the demo page always works.
- ``RATE_LIMIT_PER_MINUTE`` (30): chat requests per client IP and minute.
- ``TRUST_PROXY`` (0): number of reverse proxies in front of the gateway. N > 0 takes
  the client IP N entries from the right of X-Forwarded-For (all such headers joined);
  each proxy appends the address it saw, so entries further left may be forged.
- ``REDIS_URL`` (empty): Redis for the rate-limit counters, shared by all gateway
  processes; without it each process counts in its own memory.
- ``MAX_MESSAGE_CHARS`` (1000): longest accepted message.
- ``UPSTREAM_TIMEOUT_S`` (10): timeout in seconds for one call to Rasa.
- ``DEFAULT_KOMMUNE`` (empty): 8-digit AGS used when a page sends none.
- ``FRAME_ANCESTORS`` ('none'): CSP frame-ancestors value for gateway pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.knowledge.ags import is_hessian_ags

DEFAULT_ALLOWED_ORIGINS = "http://127.0.0.1:8080,http://localhost:8080"


class ConfigError(ValueError):
    """Raised when an environment variable holds an unusable value."""


@dataclass(frozen=True)
class GatewayConfig:
    """All settings of the web gateway (immutable)."""

    host: str = "127.0.0.1"
    port: int = 8080
    rasa_url: str = "http://127.0.0.1:5005"
    allowed_origins: frozenset[str] = frozenset(DEFAULT_ALLOWED_ORIGINS.split(","))
    rate_limit_per_minute: int = 30
    trust_proxy: int = 0
    redis_url: str | None = None
    rate_limit_key_prefix: str = "hessen:ratelimit:"
    max_message_chars: int = 1000
    upstream_timeout_s: float = 10.0
    default_kommune: str | None = None
    frame_ancestors: str = "'none'"

    @property
    def max_body_bytes(self) -> int:
        """Largest accepted request body.

        Derived from the message limit: a JSON-escaped character needs at most
        12 bytes (a surrogate pair written as two ``\\uXXXX`` escapes), plus
        room for sender id and metadata.
        """
        return self.max_message_chars * 12 + 2048

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> GatewayConfig:
        """Build a configuration from an environment mapping (e.g. ``os.environ``)."""
        default = cls()
        port = _int(environ, "GATEWAY_PORT", default.port, minimum=0, maximum=65535)
        local_origins = f"http://127.0.0.1:{port},http://localhost:{port}"
        default_kommune = environ.get("DEFAULT_KOMMUNE", "").strip() or None
        if default_kommune is not None and not is_hessian_ags(default_kommune):
            raise ConfigError("DEFAULT_KOMMUNE must be an 8-digit AGS")
        return cls(
            host=environ.get("GATEWAY_HOST", default.host).strip() or default.host,
            port=port,
            rasa_url=_url(environ.get("RASA_URL", default.rasa_url)),
            allowed_origins=_origins(environ.get("ALLOWED_ORIGINS", "").strip() or local_origins),
            rate_limit_per_minute=_int(
                environ,
                "RATE_LIMIT_PER_MINUTE",
                default.rate_limit_per_minute,
                minimum=1,
            ),
            trust_proxy=_trust_proxy(environ.get("TRUST_PROXY", "")),
            redis_url=environ.get("REDIS_URL", "").strip() or None,
            max_message_chars=_int(environ, "MAX_MESSAGE_CHARS", default.max_message_chars, minimum=1),
            upstream_timeout_s=_float(environ, "UPSTREAM_TIMEOUT_S", default.upstream_timeout_s),
            default_kommune=default_kommune,
            frame_ancestors=environ.get("FRAME_ANCESTORS", default.frame_ancestors).strip()
            or default.frame_ancestors,
        )


def _int(
    environ: Mapping[str, str],
    name: str,
    default: int,
    minimum: int,
    maximum: int | None = None,
) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer") from exc
    if value < minimum or (maximum is not None and value > maximum):
        raise ConfigError(f"{name} is out of range")
    return value


def _trust_proxy(raw: str) -> int:
    value = raw.strip().lower()
    if value in {"", "0", "false", "no"}:
        return 0
    if value in {"true", "yes"}:
        return 1
    if value.isdigit() and int(value) <= 10:
        return int(value)
    raise ConfigError("TRUST_PROXY must be the number of proxies (0-10)")


def _float(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number") from exc
    if not value > 0:
        raise ConfigError(f"{name} must be positive")
    return value


def _url(raw: str) -> str:
    url = raw.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ConfigError("RASA_URL must start with http:// or https://")
    return url


def _origins(raw: str) -> frozenset[str]:
    # Origins are compared literally with the browser's Origin header, which
    # never carries a trailing slash or a path.
    return frozenset(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
