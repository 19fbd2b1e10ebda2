"""Tests for sourced facts (bot.knowledge.facts) and the source list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.knowledge.facts import KnowledgeError, fact, load_facts, parse_facts, stand_of
from bot.knowledge.stand import stand_date, stand_label
from bot.tooling.linkcheck import extract_urls

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
    assert "10–12 €" in fact("urkunde_gebuehr").text and "5–6 €" in fact("urkunde_gebuehr").text


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
        yaml.safe_dump(
            {"fakten": [{"id": "x", "text": "T.", "sources": ["https://other.org/"], "stand": "2026"}]}
        )
    )
    with pytest.raises(KnowledgeError, match="quellen.yml"):
        parse_facts(path, quellen)
    path.write_text(yaml.safe_dump({"fakten": [{"id": "x", "text": "T.", "sources": [], "stand": "2026"}]}))
    with pytest.raises(KnowledgeError, match="source"):
        parse_facts(path, quellen)
    ok = {"id": "x", "text": "T.", "sources": ["https://e.org/"], "stand": "2026-11-29"}
    path.write_text(yaml.safe_dump({"fakten": [ok, ok]}))
    with pytest.raises(KnowledgeError, match="duplicate"):
        parse_facts(path, quellen)


@pytest.mark.parametrize(
    ("stand", "message"),
    [
        (None, "missing 'stand'"),
        ("", "missing 'stand'"),
        ("29.11.2026", "not YYYY-MM-DD"),
        ("2026-02-30", "calendar"),
    ],
)
def test_a_fact_without_a_valid_stand_is_rejected(tmp_path: Path, stand: object, message: str) -> None:
    quellen = tmp_path / "quellen.yml"
    quellen.write_text(yaml.safe_dump({"quellen": [{"url": "https://e.org/", "title": "T"}]}))
    path = tmp_path / "fakten.yml"
    path.write_text(
        yaml.safe_dump({"fakten": [{"id": "x", "text": "T.", "sources": ["https://e.org/"], "stand": stand}]})
    )
    with pytest.raises(KnowledgeError, match=message):
        parse_facts(path, quellen)


def test_every_fact_has_a_source_and_a_stand() -> None:
    raw = yaml.safe_load((KNOWLEDGE / "fakten.yml").read_text("utf-8"))["fakten"]
    for entry in raw:
        assert entry.get("sources"), entry["id"]
        assert entry.get("stand") is not None, entry["id"]
    for item in load_facts().values():
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", item.stand), item.id


def test_stand_is_rendered_as_month_and_year() -> None:
    assert stand_label("2026-02-07") == "02/2026"
    assert stand_label("2024-08") == "08/2024"
    assert stand_label("2020") == "2020"
    assert stand_date("2020").isoformat() == "2020-01-01"
    assert stand_of("personalausweis_gebuehr") == "Stand: 02/2026"


def test_november_2026_corrections() -> None:
    assert (
        "46,00 €" in fact("personalausweis_gebuehr").text
        and "27,60 €" in fact("personalausweis_gebuehr").text
    )
    assert "nicht verfügbar" in fact("smart_eid_nicht_verfuegbar").text
    assert "Smart-eID" not in fact("vertrauensniveaus").text
    assert "24 Monate" in fact("bundid_loeschung").text
    assert "DeutschlandID" in fact("deutschlandid_angekuendigt").text
    assert (
        "2027" in fact("eudi_wallet_geplant").text and "nicht verfügbar" in fact("eudi_wallet_geplant").text
    )
    assert (
        "war" in fact("servicekonto_abgeloest").text
        and "wird gelöscht" not in fact("servicekonto_abgeloest").text
    )
    assert "in der Regel" in fact("standesamt_ereignisort").text
    assert "Standesamt I in Berlin" in fact("nachbeurkundung_ausland").text
    assert (
        "Geschwister" in fact("urkunde_berechtigte").text
        and "gerader Linie" in fact("urkunde_berechtigte").text
    )
    assert "Fulda" in fact("wohngeld_behoerden").text
    assert "BundID wird dort nicht genannt" in fact("ikfz_hessen").text
    assert "Mein Unternehmenskonto" in fact("organisationskonto").text
    assert "HMDI" in fact("ministerium_digitalisierung").text
    assert "2029" in fact("ozg_2_0").text
    assert "ausdrucken, unterschreiben" in fact("elterngeld_online_papier").text
    assert "2026" in fact("ikz_laufzeit").text
    assert "besonderer Grund" in fact("ikz_regelzuwendung").text


def _cited_facts(comment_lines: list[str]) -> list[str]:
    cited: list[str] = []
    for line in comment_lines:
        match = re.search(r"#\s*Fakt(?:en)?:\s*(.+)", line)
        if match:
            cited += [f.strip().split(" ")[0] for f in match.group(1).split(",") if f.strip()]
    return cited


def test_a_stand_in_a_domain_response_is_the_stand_of_a_cited_fact() -> None:
    # Domain responses are rendered by Rasa, not from the data; so a "Stand: MM/JJJJ" written
    # there must equal the stand of a fact the response cites ("# Fakt: ..." above it).
    lines = (KNOWLEDGE.parent.parent / "domain.yml").read_text("utf-8").splitlines()
    facts = load_facts()
    comments: list[str] = []
    checked = 0
    for line in lines:
        if line.strip().startswith("#"):
            comments.append(line)
            continue
        if re.match(r"^  utter_", line):
            cited = [f for f in _cited_facts(comments) if f in facts]
            labels = {stand_label(facts[f].stand) for f in cited}
            comments = []
        for shown in re.findall(r"Stand: (\d{2}/\d{4}|\d{4})", line):
            assert shown in labels, (line.strip()[:60], shown, labels)
            checked += 1
    assert checked >= 4


def test_facts_review_lists_old_and_missing_stands_with_their_sources(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from bot.tooling.facts_review import main, review

    (tmp_path / "fakten.yml").write_text(
        yaml.safe_dump(
            {
                "fakten": [
                    {"id": "alt", "sources": ["https://a.example/"], "stand": "2025-11"},
                    {"id": "neu", "sources": ["https://n.example/"], "stand": "2026-06-30"},
                    {"id": "ohne", "sources": ["https://o.example/"], "stand": None},
                    {"id": "jahr", "sources": ["https://j.example/"], "stand": 2025},
                ]
            }
        )
    )
    (tmp_path / "leistungen.yml").write_text(
        yaml.safe_dump(
            {"leistungen": [{"id": "dienst", "sources": ["https://d.example/"], "stand": "kaputt"}]}
        )
    )
    found = review(tmp_path, today=dt.date(2026, 11, 29))
    assert [(f.id, f.problem.split(" ")[1]) for f in found] == [
        ("ohne", "fehlt"),
        ("dienst", "ungültig"),
        ("jahr", "als"),
        ("alt", "als"),
    ]
    assert found[-1].sources == ("https://a.example/",)
    # The real data: a report, exit 0, every listed entry with its source.
    assert main(["--today", "2026-11-29"]) == 0
    out = capsys.readouterr().out
    assert "ikz_kostenreduktion — stand 2016" in out and "kleineanfragen.de" in out
    assert "personalausweis_gebuehr" not in out
