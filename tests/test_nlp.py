"""The German spaCy pipeline that Rasa's SpacyNLP loads from build/spacy_de."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from bot.knowledge.municipalities import load_municipalities
from bot.nlp.build import GEMEINDE_LABEL, KREIS_LABEL, build_pipeline
from bot.nlp.entities import clean_entities, plausible_place


@pytest.fixture(scope="module")
def nlp(tmp_path_factory: pytest.TempPathFactory) -> Language:
    """Built, saved and loaded again exactly as Rasa's SpacyNLP does."""
    path: Path = tmp_path_factory.mktemp("spacy_de")
    build_pipeline().to_disk(path)
    return spacy.load(path, disable=["parser"])


def _places(doc: spacy.tokens.Doc, label: str = GEMEINDE_LABEL) -> list[str]:
    return [ent.text for ent in doc.ents if ent.label_ == label]


@pytest.mark.parametrize("case", [str, str.lower, str.upper])
def test_every_municipality_is_found_inside_a_sentence(nlp: Language, case) -> None:
    missing = []
    for m in load_municipalities().municipalities():
        name = case(m.short_name)
        doc = nlp(f"Ich brauche eine Geburtsurkunde aus {name}, wie geht das?")
        hits = [ent for ent in doc.ents if ent.label_ == GEMEINDE_LABEL]
        if [ent.text for ent in hits] != [name] or m.ags not in hits[0].ent_id_.split("|"):
            missing.append((name, [(e.text, e.label_) for e in doc.ents]))
    assert not missing, missing[:10]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wo is das standesamt in ruesselsheim", ["ruesselsheim"]),
        ("Standesamt Frankfurt?", ["Frankfurt"]),
        ("brauch ne geburtsurkunde aus bad homburg", ["bad homburg"]),
        ("Ich wohne in Kassel, bin aber in Marburg geboren", ["Kassel", "Marburg"]),
        ("Offenbach", ["Offenbach"]),
        ("Homberg", ["Homberg"]),
    ],
)
def test_forms_people_type_are_tagged(nlp: Language, text: str, expected: list[str]) -> None:
    assert _places(nlp(text)) == expected


def test_kreise_are_tagged_and_win_over_the_city_inside_them(nlp: Language) -> None:
    doc = nlp("Homberg im Schwalm-Eder-Kreis oder im Kreis Offenbach")
    assert _places(doc, KREIS_LABEL) == ["Schwalm-Eder-Kreis", "Kreis Offenbach"]
    assert _places(doc) == ["Homberg"]
    for kreis in load_municipalities().kreise():
        assert _places(nlp(f"Ich wohne im {kreis}."), KREIS_LABEL) == [kreis]


def test_lemmas_come_from_the_lookup_tables(nlp: Language) -> None:
    assert [t.lemma_ for t in nlp("Urkunden beantragt")] == ["Urkunde", "beantragen"]


@pytest.mark.parametrize(
    ("text", "place", "kept"),
    [
        ("Wie wird das Wetter morgen in Kassel?", "Wetter", False),
        ("Was ist der Sinn des Lebens?", "Sinn", False),
        ("Ich brauche eine Geburtsurkunde aus Wetter", "Wetter", True),
        ("Standesamt Wetter", "Wetter", True),
        ("Wetter", "Wetter", True),
        ("nein, Sinn", "Sinn", True),
        ("Marburg", "Marburg", True),
        ("Das Wetter in Marburg", "Marburg", True),
    ],
)
def test_common_word_places_need_place_context(text: str, place: str, kept: bool) -> None:
    start = text.index(place)
    assert plausible_place(text, start, start + len(place)) is kept


def test_clean_entities_drops_implausible_places_and_sorts_by_position() -> None:
    text = "Geburtsurkunde: wie ist das Wetter in Marburg"
    entities = [
        {"entity": "gemeinde", "value": "Wetter", "start": 28, "end": 34},
        {"entity": "gemeinde", "value": "Marburg", "start": 38, "end": 45},
        {"entity": "urkundenart", "value": "geburtsurkunde", "start": 0, "end": 14},
    ]
    assert [e["value"] for e in clean_entities(text, entities)] == ["geburtsurkunde", "Marburg"]


def test_clean_entities_drops_a_birthday_taken_for_a_certificate() -> None:
    text = "Opa hat mir zum Geburtstag eine Angelrute geschenkt, brauche ich einen Schein?"
    start = text.index("Geburtstag")
    entities = [{"entity": "urkundenart", "value": "geburtsurkunde", "start": start, "end": start + 10}]
    assert clean_entities(text, entities) == []
    text = "Geburtsurkunde für den Geburtstag"
    entities = [{"entity": "urkundenart", "value": "geburtsurkunde", "start": 0, "end": 14}]
    assert clean_entities(text, entities) == entities


# --- Issue 12: districts, hyphen forms and namesakes are place entities -------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ich bin in Frankfurt-Höchst geboren", ["Frankfurt-Höchst"]),
        ("Höchst in Frankfurt", ["Höchst in Frankfurt"]),
        ("Geburtsurkunde aus Mainz-Kastel", ["Mainz-Kastel"]),
        ("Kastel", ["Kastel"]),
        ("Kassel-Wilhelmshöhe", ["Kassel-Wilhelmshöhe"]),
        ("wiesbaden-biebrich", ["wiesbaden-biebrich"]),
        ("Darmstadt-Eberstadt", ["Darmstadt-Eberstadt"]),
        ("Ich komme aus Lich-Eberstadt", ["Lich-Eberstadt"]),
        ("Standesamt Bad Homburg-Kirdorf", ["Bad Homburg-Kirdorf"]),
        ("Frankfurt (Oder)", ["Frankfurt (Oder)"]),
        ("Frankfurt/Oder", ["Frankfurt/Oder"]),
        ("Neustadt an der Weinstraße", ["Neustadt an der Weinstraße"]),
        ("Weimar in Thüringen", ["Weimar in Thüringen"]),
        ("Frankfurt oder Offenbach?", ["Frankfurt", "Offenbach"]),
        ("Mörfelden-Walldorf", ["Mörfelden-Walldorf"]),
    ],
)
def test_districts_hyphen_forms_and_namesakes_are_tagged(
    nlp: Language, text: str, expected: list[str]
) -> None:
    assert _places(nlp(text)) == expected


def test_every_tagged_district_form_resolves_to_its_town(nlp: Language) -> None:
    index = load_municipalities()
    failures = []
    for district in index.districts():
        town = index.by_ags(district.ags)
        assert town is not None
        text = f"Geburtsurkunde aus {town.label}-{district.name} bitte"
        places = _places(nlp(text))
        if len(places) != 1 or index.resolve(places[0]).municipality != town:
            failures.append((text, places))
    assert not failures, failures[:10]


@pytest.mark.parametrize(
    "text", ["im Landkreis Darmstadt-Dieburg", "Schwalm-Eder-Kreis", "eine E-Mail schreiben"]
)
def test_hyphenated_kreise_and_words_are_not_towns(nlp: Language, text: str) -> None:
    assert _places(nlp(text)) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Opa hat mir zum Geburtstag eine Angelrute geschenkt, brauche ich einen Schein?", None),
        ("Zu meinem Geburtstag kommt die Familie, brauche ich eine Genehmigung?", None),
        ("Mein Sohn wurde am Geburtstag seiner Oma in Fulda geboren", "geburtsurkunde"),
        ("Nach der Geburt brauchen wir die Urkunde", "geburtsurkunde"),
    ],
)
def test_a_birthday_tells_no_birth(text: str, kind: str | None) -> None:
    from bot.nlp.certificates import event_kind

    assert event_kind(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "Gude, isch bin hier gebore. Wo krieg isch mei Geburtsurkund?",
        "Mei Oma is hier gestorbe, wo krieh isch die Urkund?",
    ],
)
def test_here_with_a_dialect_participle_is_the_pages_municipality(text: str) -> None:
    from bot.nlp.certificates import HERE

    assert HERE.search(text)
