"""The Telegram webhook secret (``TELEGRAM_SECRET_TOKEN``): its rules, without Rasa imports.

Telegram sends the secret given to ``setWebhook`` back in the
``X-Telegram-Bot-Api-Secret-Token`` header of every update; it is the only proof that
an update comes from Telegram. Generate one with ``openssl rand -hex 32``.
"""

from __future__ import annotations

import re

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and -.
SECRET_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
# Fewer characters would make guessing feasible; `openssl rand -hex 32` gives 64.
MIN_SECRET_TOKEN_LENGTH = 32


def check_secret_token(secret_token: str | None) -> str:
    """Return ``secret_token`` if it is usable as Telegram webhook secret, else raise ValueError."""
    if not secret_token or not SECRET_TOKEN_PATTERN.fullmatch(secret_token):
        raise ValueError("TELEGRAM_SECRET_TOKEN must be 32-256 characters of A-Z, a-z, 0-9, _ or -.")
    if len(secret_token) < MIN_SECRET_TOKEN_LENGTH:
        raise ValueError(f"TELEGRAM_SECRET_TOKEN must have at least {MIN_SECRET_TOKEN_LENGTH} characters.")
    return secret_token
