"""The municipality resolver: every municipality, the forms people type, and the edge cases."""

from __future__ import annotations

import csv

import pytest

from bot.knowledge.ereignisort import event_place_text
from bot.knowledge.municipalities import MUNICIPALITIES_CSV, load_municipalities
from bot.nlp.build import spellings

INDEX = load_municipalities()
MUNICIPALITIES = INDEX.municipalities()


def test_data_has_422_municipalities_with_keys() -> None:
    assert len(MUNICIPALITIES) == 422
    assert len(INDEX.kreise()) == 21
    for m in MUNICIPALITIES:
        assert len(m.ags) == 8 and m.ags.startswith("06")
        assert len(m.ars) == 12 and m.ars.startswith(m.ags[:5])
        assert m.postal_codes, m.name


def test_every_municipality_resolves_from_its_official_and_short_name() -> None:
    ambiguous_bases = set()
    for m in MUNICIPALITIES:
        for name in (m.name, m.short_name, m.name.upper(), m.short_name.lower()):
            result = INDEX.resolve(name)
            assert result.status == "found", (name, result)
            assert result.municipality == m, (name, result.municipality)
        ambiguous_bases.add(m.short_name.split(" (")[0])
    assert "Homberg" in ambiguous_bases


def test_every_municipality_resolves_without_umlauts() -> None:
    for m in MUNICIPALITIES:
        for spelling in spellings(m.short_name):
            result = INDEX.resolve(spelling)
            assert result.municipality == m, (spelling, result)


def _one_typo(name: str) -> str:
    """Drop an ASCII letter in the middle of the longest word (a typical slip)."""
    longest = max(name.split(), key=len)
    middle = len(longest) // 2
    while middle < len(longest) - 1 and not longest[middle].isascii():
        middle += 1
    return name.replace(longest, longest[:middle] + longest[middle + 1 :], 1)


def test_one_typo_resolves_for_names_of_five_letters_or_more() -> None:
    failures = []
    for m in MUNICIPALITIES:
        if len(m.short_name) < 6:
            continue
        typo = _one_typo(m.short_name)
        if INDEX.resolve(typo).status == "found" and typo in {n.short_name for n in MUNICIPALITIES}:
            continue  # the slip made another real name ("Lorsch" -> "Lorch")
        result = INDEX.resolve(typo)
        if m not in (result.municipality, *result.candidates):
            failures.append((typo, result.status))
    assert not failures, failures[:10]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Frankfurt", "Frankfurt am Main"),
        ("Bad Homburg", "Bad Homburg v. d. Höhe"),
        ("Bad Homburg vor der Höhe", "Bad Homburg v. d. Höhe"),
        ("Marburg", "Marburg"),
        ("Offenbach", "Offenbach am Main"),
        ("Ruesselsheim", "Rüsselsheim am Main"),
        ("Offenbch", "Offenbach am Main"),
        ("Marbrug", "Marburg"),
        ("34117", "Kassel"),
        ("Homberg im Schwalm-Eder-Kreis", "Homberg (Efze)"),
        ("Homberg im Vogelsbergkreis", "Homberg (Ohm)"),
        ("Wo ist das Standesamt in Rüsselsheim?", "Rüsselsheim am Main"),
        ("06534014", "Marburg"),
        ("065340014014", "Marburg"),
        ("Limburg an der Lahn", "Limburg a. d. Lahn"),
        ("Mörfelden Walldorf", "Mörfelden-Walldorf"),
    ],
)
def test_forms_people_type(text: str, label: str) -> None:
    result = INDEX.resolve(text)
    assert result.status == "found", result
    assert result.municipality is not None and result.municipality.label == label


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("Homberg", {"Homberg (Efze)", "Homberg (Ohm)"}),
        ("Lautertal", {"Lautertal (Odenwald)", "Lautertal (Vogelsberg)"}),
        ("Reichelsheim", {"Reichelsheim (Odenwald)", "Reichelsheim (Wetterau)"}),
    ],
)
def test_ambiguous_names_return_candidates(text: str, labels: set[str]) -> None:
    result = INDEX.resolve(text)
    assert result.status == "ambiguous"
    assert {m.label for m in result.candidates} == labels


def test_a_postal_code_shared_by_several_municipalities_is_ambiguous() -> None:
    with MUNICIPALITIES_CSV.open(encoding="utf-8") as handle:
        owners: dict[str, set[str]] = {}
        for row in csv.DictReader(handle):
            for code in row["plz"].split():
                owners.setdefault(code, set()).add(row["ags"])
    shared = sorted(code for code, ags in owners.items() if len(ags) > 1)
    assert shared, "the data should contain postal codes shared by municipalities"
    result = INDEX.resolve(shared[0])
    assert result.status == "ambiguous"
    assert {m.ags for m in result.candidates} == owners[shared[0]]


@pytest.mark.parametrize(
    ("text", "land"), [("München", "Bayern"), ("in Berlin", "Berlin"), ("Koeln", "Nordrhein-Westfalen")]
)
def test_places_outside_hessen_are_recognised(text: str, land: str) -> None:
    result = INDEX.resolve(text)
    assert result.status == "outside_hessen"
    assert result.land == land


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Atlantis",
        "Ich brauche eine Geburtsurkunde bitte",
        "Kann ich Wohngeld online beantragen?",
        "Hallo, ich habe eine Frage zu meinem Personalausweis",
        "<script>alert(1)</script>",
        "👍🙂",
        "x" * 10_000,
    ],
)
def test_text_without_a_place_is_unknown(text: str) -> None:
    assert INDEX.resolve(text).status == "unknown"


def test_a_kreis_alone_is_reported_without_a_municipality() -> None:
    result = INDEX.resolve("Kreis Offenbach")
    assert result.status == "unknown"
    assert result.kreis == "Landkreis Offenbach"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Ich wohne in Kassel, bin aber in Marburg geboren", "Marburg"),
        ("wohne in Kassel, geboren in Marburg", "Marburg"),
        ("Ich lebe in Fulda und meine Mutter ist in Hanau verstorben", "Hanau"),
        ("Wir haben in Wiesbaden geheiratet und wohnen jetzt in Gießen", "Wiesbaden"),
    ],
)
def test_event_place_wins_over_residence(text: str, label: str) -> None:
    result = INDEX.resolve(event_place_text(text))
    assert result.municipality is not None and result.municipality.label == label
