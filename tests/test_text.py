"""Tests for bot.knowledge.text (shared normalisation)."""

from __future__ import annotations

import pytest

from bot.knowledge.text import normalise, normalise_plain, variants


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("München", "muenchen"),
        ("GROSS-GERAU", "gross gerau"),
        ("Groß-Gerau", "gross gerau"),
        ("Bad Homburg v.d. Höhe", "bad homburg v d hoehe"),
        ("  Frankfurt   am\tMain,\nStadt  ", "frankfurt am main stadt"),
        ("Öffnungszeiten?!", "oeffnungszeiten"),
        ("geht's", "gehts"),
        ("Café", "cafe"),
        ("PLZ 35390", "plz 35390"),
        ("", ""),
        ("...", ""),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_normalise_handles_decomposed_umlauts() -> None:
    decomposed = "Bu\u0308dingen"  # "u" + combining diaeresis
    assert normalise(decomposed) == normalise("Büdingen") == "buedingen"


def test_normalise_is_idempotent() -> None:
    once = normalise("Rüsselsheim am Main; Straße 5")
    assert normalise(once) == once


def test_plain_variant_drops_dots() -> None:
    assert normalise_plain("Rüsselsheim") == "russelsheim"
    assert normalise_plain("Straße") == "strasse"


def test_variants_meet_for_all_common_spellings() -> None:
    official = set(variants("Rüsselsheim"))
    for typed in ("Ruesselsheim", "Russelsheim", "RÜSSELSHEIM", "rüsselsheim"):
        assert official & set(variants(typed)), typed


def test_variants_without_umlaut_is_single() -> None:
    assert variants("Kassel") == ("kassel",)
    assert variants("Büdingen") == ("buedingen", "budingen")


def test_different_places_do_not_meet() -> None:
    assert not set(variants("Büdingen")) & set(variants("Bündingen"))
