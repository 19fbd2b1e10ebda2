"""Tests for sourced facts (bot.knowledge.facts) and the source list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.knowledge.facts import KnowledgeError, fact, load_facts, parse_facts
from bot.linkcheck import extract_urls

KNOWLEDGE = Path(__file__).resolve().parents[1] / "data" / "knowledge"
REQUIRED = {
    "servicekonto_was", "servicekonto_abgeloest", "bundid_was", "vertrauensniveaus",
    "bundid_postfach", "unternehmenskonto", "organisationskonto", "verwaltungsportal_was",
    "standesamt_ereignisort", "urkunde_gebuehr", "urkunde_berechtigte", "behoerdennummer_115",
    "ikz_was", "ikz_antragsberechtigt", "ikz_foerderfaehig", "ikz_regelzuwendung",
    "ikz_verwaltungsverband", "ikz_feuerwehr", "ikz_digital_2020", "ikz_verfahren",
    "ikz_dauer", "ikz_beratung_kikz", "ikz_kennzahlen",
}  # fmt: skip


def test_required_facts_present() -> None:
    assert set(load_facts()) >= REQUIRED


def test_fact_lookup() -> None:
    assert fact("bundid_was").id == "bundid_was"
    assert "id.bund.de" in fact("bundid_was").text
    with pytest.raises(KeyError, match="gibt_es_nicht"):
        fact("gibt_es_nicht")


def test_load_facts_returns_independent_copies() -> None:
    first = load_facts()
    first.clear()
    assert load_facts()


def test_key_numbers_match_facts_md() -> None:
    assert "75.000 €" in fact("ikz_regelzuwendung").text
    assert "100.000 €" in fact("ikz_regelzuwendung").text
    assert "50.000 €" in fact("ikz_regelzuwendung").text
    assert "150.000 €" in fact("ikz_verwaltungsverband").text
    assert "15.000 €" in fact("ikz_feuerwehr").text
    assert "25.000 €" in fact("ikz_digital_2020").text
    assert "§ 62 PStG" in fact("urkunde_berechtigte").text
    assert "16" in fact("urkunde_berechtigte").text
    assert "10 €" in fact("urkunde_gebuehr").text and "5 €" in fact("urkunde_gebuehr").text


def test_dated_or_single_source_facts_are_flagged() -> None:
    for fact_id in (
        "urkunde_gebuehr",
        "ikz_regelzuwendung",
        "ikz_digital_2020",
        "servicekonto_abgeloest",
    ):
        assert fact(fact_id).uncertain, fact_id


def test_every_fact_is_short_and_sourced() -> None:
    for item in load_facts().values():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", item.id)
        assert item.sources
        assert len(item.text) <= 400, item.id


def test_quellen_lists_every_url_exactly_once() -> None:
    entries = yaml.safe_load((KNOWLEDGE / "quellen.yml").read_text("utf-8"))["quellen"]
    listed = [e["url"] for e in entries]
    assert len(listed) == len(set(listed))
    for entry in entries:
        assert entry["title"] and entry["publisher"] and entry["backs"]
    used: set[str] = set()
    for path in KNOWLEDGE.glob("*.yml"):
        used.update(extract_urls(path.read_text("utf-8")))
    assert used == set(listed)


def test_invalid_facts_rejected(tmp_path: Path) -> None:
    quellen = tmp_path / "quellen.yml"
    quellen.write_text(yaml.safe_dump({"quellen": [{"url": "https://e.org/", "title": "T"}]}))
    path = tmp_path / "fakten.yml"
    path.write_text(
        yaml.safe_dump({"fakten": [{"id": "x", "text": "T.", "sources": ["https://other.org/"]}]})
    )
    with pytest.raises(KnowledgeError, match="quellen.yml"):
        parse_facts(path, quellen)
    path.write_text(yaml.safe_dump({"fakten": [{"id": "x", "text": "T.", "sources": []}]}))
    with pytest.raises(KnowledgeError, match="source"):
        parse_facts(path, quellen)
    ok = {"id": "x", "text": "T.", "sources": ["https://e.org/"]}
    path.write_text(yaml.safe_dump({"fakten": [ok, ok]}))
    with pytest.raises(KnowledgeError, match="duplicate"):
        parse_facts(path, quellen)
