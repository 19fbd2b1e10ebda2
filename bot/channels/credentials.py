"""Render Rasa's credentials.yml from the environment.

Rasa resolves ``${VAR}`` in credentials.yml but aborts when such a variable is
unset, and the Telegram connector registers its webhook at start-up.  So a
static file cannot switch channels on and off per deployment; instead this
module emits a channel section only when all of its variables are set.

Secrets are written as ``${VAR}`` references (resolved by Rasa when it reads
the file), so build/credentials.yml never contains a token or password.

Usage: ``python -m bot.channels.credentials > build/credentials.yml``
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

import yaml

from bot.channels.telegram_secret import check_secret_token
from bot.knowledge.ags import is_hessian_ags

TELEGRAM_CHANNEL = "bot.channels.telegram.KommuneTelegramInput"
MATRIX_CHANNEL = "bot.channels.matrix.MatrixInput"


class CredentialsError(ValueError):
    """Raised when the environment holds an invalid channel configuration."""


def _get(env: Mapping[str, str], name: str) -> str | None:
    """Return a stripped variable, treating empty values as unset."""
    value = env.get(name, "").strip()
    return value or None


def _ref(name: str) -> str:
    """Reference an environment variable so Rasa resolves it at load time."""
    return "${" + name + "}"


def kommune_from_env(env: Mapping[str, str]) -> str | None:
    """Return the deployment's municipality key (BOT_KOMMUNE) or None.

    Hessian municipality keys (AGS) have 8 digits and start with the Land
    code 06; anything else is a configuration error, not a silent default.
    """
    kommune = _get(env, "BOT_KOMMUNE")
    if kommune is None:
        return None
    if not is_hessian_ags(kommune):
        raise CredentialsError(f"BOT_KOMMUNE must be an 8-digit Hessian AGS (06xxxxxx), got {kommune!r}")
    return kommune


def _telegram(env: Mapping[str, str], kommune: str | None) -> dict[str, Any] | None:
    names = ("TELEGRAM_TOKEN", "TELEGRAM_BOT_NAME", "TELEGRAM_WEBHOOK_URL")
    if not all(_get(env, name) for name in names):
        return None
    # Without the secret, anyone who knows a chat id could post forged updates.
    try:
        check_secret_token(_get(env, "TELEGRAM_SECRET_TOKEN"))
    except ValueError as error:
        raise CredentialsError(f"{error} Generate one with: openssl rand -hex 32") from error
    section: dict[str, Any] = {
        "access_token": _ref("TELEGRAM_TOKEN"),
        "secret_token": _ref("TELEGRAM_SECRET_TOKEN"),
        # Rasa compares `verify` with getMe().username, which has no "@".
        "verify": str(_get(env, "TELEGRAM_BOT_NAME")).lstrip("@"),
        "webhook_url": _get(env, "TELEGRAM_WEBHOOK_URL"),
    }
    api_url = _get(env, "TELEGRAM_API_URL")
    if api_url:
        section["api_url"] = api_url
    if kommune:
        section["kommune"] = kommune
    return section


def _matrix(env: Mapping[str, str], kommune: str | None) -> dict[str, Any] | None:
    homeserver = _get(env, "MATRIX_HOMESERVER")
    user_id = _get(env, "MATRIX_USER_ID")
    if not homeserver or not user_id:
        return None
    section: dict[str, Any] = {"homeserver": homeserver, "user_id": user_id}
    if _get(env, "MATRIX_ACCESS_TOKEN"):
        section["access_token"] = _ref("MATRIX_ACCESS_TOKEN")
    elif _get(env, "MATRIX_PASSWORD"):
        section["password"] = _ref("MATRIX_PASSWORD")
    else:
        return None
    if kommune:
        section["kommune"] = kommune
    # Abuse limits (docs/messengers.md): group-room invites only from these users or
    # servers (direct chats are always accepted), messages per user and minute, and the
    # longest message (the gateway's MAX_MESSAGE_CHARS).
    users = _list(env, "MATRIX_ALLOWED_USERS")
    if users:
        section["allowed_users"] = users
    servers = _list(env, "MATRIX_ALLOWED_SERVERS")
    if servers:
        section["allowed_servers"] = servers
    for name, key in (
        ("MATRIX_RATE_LIMIT_PER_MINUTE", "rate_limit_per_minute"),
        ("MAX_MESSAGE_CHARS", "max_message_chars"),
    ):
        value = _get(env, name)
        if value is not None:
            if not value.isdigit() or int(value) < 1:
                raise CredentialsError(f"{name} must be a positive integer, got {value!r}")
            section[key] = int(value)
    return section


def _list(env: Mapping[str, str], name: str) -> list[str]:
    """A comma-separated variable as a list (empty entries dropped)."""
    return [item.strip() for item in (_get(env, name) or "").split(",") if item.strip()]


def render_credentials(env: Mapping[str, str]) -> dict[str, Any]:
    """Build the credentials mapping for the channels configured in ``env``.

    The REST channel is always on (the web gateway talks to it); Telegram and
    Matrix are added only when all of their variables are set.
    """
    kommune = kommune_from_env(env)
    credentials: dict[str, Any] = {"rest": {}}
    telegram = _telegram(env, kommune)
    if telegram:
        credentials[TELEGRAM_CHANNEL] = telegram
    matrix = _matrix(env, kommune)
    if matrix:
        credentials[MATRIX_CHANNEL] = matrix
    return credentials


def render_yaml(env: Mapping[str, str]) -> str:
    """Render the credentials as the text of a credentials.yml file."""
    header = "# Generated by `python -m bot.channels.credentials`; do not edit.\n"
    body = yaml.safe_dump(render_credentials(env), sort_keys=False, allow_unicode=True)
    return header + body


def main() -> int:
    """Write credentials.yml for the current environment to stdout."""
    try:
        sys.stdout.write(render_yaml(os.environ))
    except CredentialsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
