"""Tests for the IKZ funding calculator (bot.knowledge.ikz)."""

from __future__ import annotations

import pytest

from bot.knowledge.facts import load_facts
from bot.knowledge.ikz import (
    DIGITAL_2020_URL,
    FOERDERHOEHE_URL,
    estimate_funding,
    format_eur,
    parse_count,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wir sind drei Gemeinden", 3),
        ("Wir machen das zu viert", 4),
        ("2 Kommunen wollen kooperieren", 2),
        ("zwölf", 12),
        ("Zwoelf Städte", 12),
        ("fünf Kommunen", 5),
        ("einundzwanzig Orte", 21),
        ("wir beide", 2),
        ("Eine Frage: wir sind sieben Gemeinden", 7),
        ("Eine Gemeinde mit 5000 Einwohnern", 1),
        ("Gemeinden aus 35390 Gießen, 3 Stück", 3),
        ("Im Jahr 2024 wollen 6 Gemeinden zusammenarbeiten", 6),
        ("Wie viel gibt es für IKZ?", None),
        ("PLZ 35390 und 2024", None),
        ("100000 Euro", None),
    ],
)
def test_parse_count(text: str, expected: int | None) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(("count", "amount"), [(2, 50_000), (3, 75_000), (4, 100_000), (9, 100_000)])
def test_lump_sum_per_cooperation(count: int, amount: int) -> None:
    estimate = estimate_funding(count)
    assert estimate.amount_eur == amount
    assert estimate.source_url == FOERDERHOEHE_URL
    assert format_eur(amount) in estimate.rule
    assert "nicht datiert" in estimate.note


def test_two_municipalities_need_special_reason() -> None:
    estimate = estimate_funding(2)
    assert "besonderer Grund" in estimate.rule
    assert "drei Kommunen" in estimate.note


@pytest.mark.parametrize("count", [0, 1, -3])
def test_fewer_than_two_gives_no_amount(count: int) -> None:
    estimate = estimate_funding(count)
    assert estimate.amount_eur is None
    assert "mindestens zwei" in estimate.rule


@pytest.mark.parametrize("count", [2, 3, 5, 8])
def test_digital_rule_is_per_municipality(count: int) -> None:
    estimate = estimate_funding(count, digital=True)
    assert estimate.amount_eur == 25_000 * count
    assert estimate.source_url == DIGITAL_2020_URL
    assert "2020" in estimate.rule and "2020" in estimate.note
    # The general lump sum is offered as an alternative with its own source.
    assert any(url == FOERDERHOEHE_URL and "Regelzuwendung" in s for s, url in estimate.alternatives)


def test_alternatives_name_their_sources() -> None:
    estimate = estimate_funding(5)
    sources = {url for _, url in estimate.alternatives}
    assert DIGITAL_2020_URL in sources
    assert any("125.000 €" in s for s, _ in estimate.alternatives)  # 5 x 25.000
    assert any("750.000 €" in s for s, _ in estimate.alternatives)  # 5 x 150.000


def test_sources_are_listed_in_facts() -> None:
    cited = {url for f in load_facts().values() for url in f.sources}
    assert FOERDERHOEHE_URL in cited and DIGITAL_2020_URL in cited


def test_format_eur() -> None:
    assert format_eur(100_000) == "100.000 €"
    assert format_eur(5) == "5 €"
