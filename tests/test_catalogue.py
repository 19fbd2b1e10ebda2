"""The national service catalogue as shipped for Hessen: loads, validates, carries its attribution."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.knowledge.catalogue import (
    CATALOGUE_PATH,
    COLUMNS,
    LAW_HOSTS,
    law_link,
    load_catalogue,
    parse_catalogue,
    regulating_level,
)
from bot.knowledge.sources import KnowledgeError

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "data" / "knowledge" / "LEISTUNGSKATALOG.md"


def _rows() -> list[dict[str, str]]:
    with CATALOGUE_PATH.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_catalogue_loads_thousands_of_services() -> None:
    catalogue = load_catalogue()
    assert len(catalogue.all()) > 5000
    hund = catalogue.by_name("hundesteuer")
    assert hund is not None
    assert hund.leika_schluessel == "99102013000000"
    assert hund.ozg_themenfeld
    assert regulating_level(hund.leika_typ) == "Land"


@pytest.mark.parametrize(
    "fragment",
    ["Rheinland-Pfalz", "rheinland-pfälz", " RLP", " NRW", "Bodensee", "Berlin", "Hafenschein Bremen"],
)
def test_no_service_of_another_land_only(fragment: str) -> None:
    names = [row["leistung"] for row in _rows()]
    assert not [n for n in names if fragment in n]


def test_no_test_rows_of_the_source_database() -> None:
    assert not [row for row in _rows() if row["leistung"].startswith("Test ")]


def test_attribution_and_limits_are_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert "kdn-nrw/OZG-Datenbank-NRW" in doc
    assert "IT-Planungsrat" in doc and "FITKO" in doc
    assert "2019" in doc


def test_law_links_point_only_to_federal_or_eu_law() -> None:
    links = [s.rechtsgrundlage_link for s in load_catalogue().all() if s.rechtsgrundlage_link]
    assert len(links) > 3000
    assert all(link.startswith(LAW_HOSTS) for link in links)
    # A link to another Land's law portal is never offered as a Hessian legal basis.
    assert law_link("Verordnung [http://www.landesrecht-bw.de/jportal/x]") is None
    assert law_link(
        "§ 36 Bundeswahlgesetz (BWahlG) [http://www.gesetze-im-internet.de/bwahlg/__36.html]"
    ) == (
        "§ 36 Bundeswahlgesetz (BWahlG)",
        "http://www.gesetze-im-internet.de/bwahlg/__36.html",
    )


@pytest.mark.parametrize(
    ("typ", "level"),
    [("1", "Bund"), ("2/3", "Bund"), ("4", "Land"), ("5", "Kommune"), ("6", None), ("", None)],
)
def test_regulating_level(typ: str, level: str | None) -> None:
    assert regulating_level(typ) == level


def _write(tmp_path: Path, header: list[str], row: list[str]) -> Path:
    path = tmp_path / "katalog.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerow(row)
    return path


GOOD = ["99102013000000", "Hundesteuer", "4", "10254", "Hundehaltung", "Tiere", "Querschnitt", "", "", ""]


def test_loader_accepts_a_valid_row(tmp_path: Path) -> None:
    catalogue = parse_catalogue(_write(tmp_path, list(COLUMNS), GOOD))
    assert [s.name for s in catalogue.all()] == ["Hundesteuer"]


def test_loader_fails_loudly_on_a_missing_column(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="columns"):
        parse_catalogue(_write(tmp_path, list(COLUMNS[:-1]), GOOD[:-1]))


@pytest.mark.parametrize(
    ("index", "value", "message"),
    [(0, "3233", "leika_schluessel"), (1, " ", "empty"), (2, "44", "leika_typ"), (3, "abc", "ozg_id")],
)
def test_loader_fails_loudly_on_a_bad_value(tmp_path: Path, index: int, value: str, message: str) -> None:
    row = list(GOOD)
    row[index] = value
    with pytest.raises(KnowledgeError, match=message):
        parse_catalogue(_write(tmp_path, list(COLUMNS), row))


def test_loader_fails_on_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="not found"):
        parse_catalogue(tmp_path / "fehlt.csv")
