"""Tests of message splitting, link rendering and the credentials generator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from rasa.shared.utils.io import read_config_file

from bot.channels.credentials import (
    MATRIX_CHANNEL,
    TELEGRAM_CHANNEL,
    CredentialsError,
    render_credentials,
    render_yaml,
)
from bot.channels.matrix import MatrixInput
from bot.channels.text import render_links_as_text, split_message, text_length

REPO_ROOT = Path(__file__).resolve().parents[2]
TELEGRAM_ENV = {
    "TELEGRAM_TOKEN": "123456789:AAEhBP0av28VWlN3e_qaQ7ZJ3GFsVJ-test",
    "TELEGRAM_BOT_NAME": "@hessen_test_bot",
    "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/webhooks/telegram/webhook",
    "TELEGRAM_SECRET_TOKEN": "c2b0e9d6a1f84e3b9d7c5a4f2e1d0c9b",
}
MATRIX_ENV = {
    "MATRIX_HOMESERVER": "https://matrix.example.org",
    "MATRIX_USER_ID": "@hessen:example.org",
    "MATRIX_ACCESS_TOKEN": "syt_secret",
}


def test_short_text_is_one_message() -> None:
    assert split_message("  Guten Tag.\n\nWie kann ich helfen?  ", 4096) == [
        "Guten Tag.\n\nWie kann ich helfen?"
    ]
    assert split_message("   ", 10) == []


def test_paragraphs_are_packed_and_never_cut_when_they_fit() -> None:
    paragraphs = [f"Absatz {i}. " + "x" * 30 for i in range(10)]
    parts = split_message("\n\n".join(paragraphs), 100)
    assert all(text_length(p) <= 100 for p in parts)
    assert [q for p in parts for q in p.split("\n\n")] == paragraphs


def test_long_sentence_and_long_word_are_cut() -> None:
    sentence = "wort " * 50
    parts = split_message(sentence, 32)
    assert all(len(p) <= 32 for p in parts)
    assert " ".join(parts).split() == sentence.split()
    url = "https://example.org/" + "a" * 100
    assert "".join(split_message(url, 40)) == url


def test_length_counts_utf16_units() -> None:
    # Emoji outside the BMP count twice on Telegram's side.
    parts = split_message("😀" * 10, 8)
    assert all(text_length(p) <= 8 for p in parts)
    assert "".join(parts) == "😀" * 10


def test_markdown_links_become_visible_urls() -> None:
    text = "Mehr im [Servicekonto Hessen](https://example.org/konto)."
    assert render_links_as_text(text) == "Mehr im Servicekonto Hessen: https://example.org/konto."


def test_only_rest_without_channel_variables() -> None:
    assert render_credentials({}) == {"rest": {}}
    # Incomplete sets and empty values do not enable a channel.
    partial = {**TELEGRAM_ENV, "TELEGRAM_WEBHOOK_URL": " "}
    assert render_credentials(partial) == {"rest": {}}
    assert render_credentials({**MATRIX_ENV, "MATRIX_ACCESS_TOKEN": ""}) == {"rest": {}}


def test_telegram_and_matrix_sections() -> None:
    env = {**TELEGRAM_ENV, **MATRIX_ENV, "BOT_KOMMUNE": "06412000"}
    credentials = render_credentials(env)
    assert set(credentials) == {"rest", TELEGRAM_CHANNEL, MATRIX_CHANNEL}
    assert "socketio" not in credentials
    telegram = credentials[TELEGRAM_CHANNEL]
    assert telegram == {
        "access_token": "${TELEGRAM_TOKEN}",
        "secret_token": "${TELEGRAM_SECRET_TOKEN}",
        "verify": "hessen_test_bot",
        "webhook_url": TELEGRAM_ENV["TELEGRAM_WEBHOOK_URL"],
        "kommune": "06412000",
    }
    matrix = credentials[MATRIX_CHANNEL]
    assert matrix["access_token"] == "${MATRIX_ACCESS_TOKEN}"
    assert matrix["kommune"] == "06412000"
    assert "password" not in matrix


def test_matrix_password_and_api_url() -> None:
    env = {
        **{k: v for k, v in MATRIX_ENV.items() if k != "MATRIX_ACCESS_TOKEN"},
        "MATRIX_PASSWORD": "pw",
        **TELEGRAM_ENV,
        "TELEGRAM_API_URL": "http://127.0.0.1:8081",
    }
    credentials = render_credentials(env)
    assert credentials[MATRIX_CHANNEL]["password"] == "${MATRIX_PASSWORD}"
    assert credentials[TELEGRAM_CHANNEL]["api_url"] == "http://127.0.0.1:8081"
    assert "kommune" not in credentials[TELEGRAM_CHANNEL]


@pytest.mark.parametrize("bad", ["6412000", "064120000", "09162000", "0641200x"])
def test_invalid_kommune_is_rejected(bad: str) -> None:
    with pytest.raises(CredentialsError):
        render_credentials({"BOT_KOMMUNE": bad})


def test_rendered_file_loads_in_rasa_with_secrets_resolved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {**TELEGRAM_ENV, **MATRIX_ENV, "BOT_KOMMUNE": "06412000"}
    text = render_yaml(env)
    assert TELEGRAM_ENV["TELEGRAM_TOKEN"] not in text and "syt_secret" not in text
    path = tmp_path / "credentials.yml"
    path.write_text(text)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    loaded = read_config_file(str(path))
    assert loaded[TELEGRAM_CHANNEL]["access_token"] == TELEGRAM_ENV["TELEGRAM_TOKEN"]
    assert loaded[MATRIX_CHANNEL]["access_token"] == "syt_secret"
    assert loaded[TELEGRAM_CHANNEL]["kommune"] == "06412000"


def test_command_line_writes_yaml_and_fails_on_bad_kommune() -> None:
    command = [sys.executable, "-m", "bot.channels.credentials"]
    ok = subprocess.run(
        command, cwd=REPO_ROOT, env={**MATRIX_ENV}, capture_output=True, text=True, check=True
    )
    assert set(yaml.safe_load(ok.stdout)) == {"rest", MATRIX_CHANNEL}
    bad = subprocess.run(command, cwd=REPO_ROOT, env={"BOT_KOMMUNE": "123"}, capture_output=True, text=True)
    assert bad.returncode == 2 and "BOT_KOMMUNE" in bad.stderr


@pytest.mark.parametrize("secret", [None, "", "zu-kurz", "x" * 31, "nicht erlaubt! " * 3])
def test_telegram_needs_a_secret_token(secret: str | None) -> None:
    env = {k: v for k, v in TELEGRAM_ENV.items() if k != "TELEGRAM_SECRET_TOKEN"}
    if secret is not None:
        env["TELEGRAM_SECRET_TOKEN"] = secret
    with pytest.raises(CredentialsError, match="openssl rand -hex 32"):
        render_credentials(env)


def test_matrix_abuse_limits_from_environment() -> None:
    env = {
        **MATRIX_ENV,
        "MATRIX_ALLOWED_USERS": "@amt:stadt.example, @it:stadt.example",
        "MATRIX_ALLOWED_SERVERS": "verwaltung.example",
        "MATRIX_RATE_LIMIT_PER_MINUTE": "10",
        "MAX_MESSAGE_CHARS": "800",
    }
    section = render_credentials(env)[MATRIX_CHANNEL]
    assert section["allowed_users"] == ["@amt:stadt.example", "@it:stadt.example"]
    assert section["allowed_servers"] == ["verwaltung.example"]
    assert section["rate_limit_per_minute"] == 10 and section["max_message_chars"] == 800
    settings = MatrixInput.from_credentials({**section, "access_token": "x"}).settings  # type: ignore[attr-defined]
    assert settings.allowed_servers == {"verwaltung.example"} and settings.max_message_chars == 800
    with pytest.raises(CredentialsError):
        render_credentials({**MATRIX_ENV, "MATRIX_RATE_LIMIT_PER_MINUTE": "viele"})
