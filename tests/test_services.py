"""Tests for the online services catalogue (bot.knowledge.services)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from bot.knowledge.services import (
    LEVEL_VALUES,
    ONLINE_VALUES,
    KnowledgeError,
    load_services,
    parse_catalogue,
    portal_link,
)

REQUIRED_IDS = {
    "geburtsurkunde", "eheurkunde", "sterbeurkunde", "eheschliessung_anmelden", "elterngeld",
    "kfz_zulassung", "kfz_kennzeichen", "kfz_abmeldung", "feinstaubplakette", "wohngeld",
    "reisepass", "personalausweis", "fuehrungszeugnis", "wohnsitz_anmelden",
    "meldebescheinigung", "gewerbeanmeldung", "taxigenehmigung",
    "personenbefoerderungsschein", "krankentransport",
}  # fmt: skip
# Issue 13: everyday services in depth and the steps of the life events (tests/test_lebenslagen.py).
REQUIRED_IDS |= {
    "hundesteuer", "briefwahl", "bewohnerparkausweis", "fuehrerschein_umtausch",
    "fuehrerschein_ersterteilung", "fuehrerschein_verlust", "schwerbehindertenausweis",
    "kirchenaustritt", "baugenehmigung", "einbuergerung", "wohnberechtigungsschein", "sperrmuell",
    "aufenthaltstitel", "kindergeld", "bafoeg", "buergergeld", "fischereischein", "gewerbe_abmelden",
    "gewerbe_ummelden", "kita_platz", "grundsteuer", "namensaenderung", "vaterschaftsanerkennung",
    "personalausweis_verlust", "sterbefall_anzeigen", "steuerliche_erfassung",
}  # fmt: skip
QUELLEN = Path(__file__).resolve().parents[1] / "data" / "knowledge" / "quellen.yml"


@pytest.fixture(scope="module")
def catalogue():  # type: ignore[no-untyped-def]
    return load_services()


def test_catalogue_has_the_agreed_ids(catalogue) -> None:  # type: ignore[no-untyped-def]
    # Services appended later (the catalogue finder's) come after these, in file order.
    assert {s.id for s in catalogue.all()[: len(REQUIRED_IDS)]} == REQUIRED_IDS


def test_every_service_is_complete_and_sourced(catalogue) -> None:  # type: ignore[no-untyped-def]
    listed = {e["url"] for e in yaml.safe_load(QUELLEN.read_text("utf-8"))["quellen"]}
    for service in catalogue.all():
        assert service.online in ONLINE_VALUES
        assert service.level is None or service.level in LEVEL_VALUES
        assert service.sources, service.id
        assert service.url in listed
        assert all(src.url in listed and src.title for src in service.sources)
        assert service.keywords and all(k == k.lower() for k in service.keywords)
        assert 1 <= service.summary.count(".") <= 4, service.id
        if service.online == "unklar":
            assert service.uncertain, service.id


def test_every_service_has_a_source_and_a_stand(catalogue) -> None:  # type: ignore[no-untyped-def]
    for service in catalogue.all():
        assert service.sources, service.id
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", service.stand), service.id


def test_november_2026_facts_in_the_catalogue(catalogue) -> None:  # type: ignore[no-untyped-def]
    ausweis = catalogue.get("personalausweis")
    assert "46,00 €" in ausweis.fees and "27,60 €" in ausweis.fees and "37,00" not in ausweis.fees
    assert "digital" in ausweis.summary
    # How long ID card and passport are valid (Hanau, Bad Homburg): 10 years, 6 under age 24.
    for service in (ausweis, catalogue.get("reisepass")):
        assert "10 Jahre (unter 24 Jahren 6 Jahre)" in service.summary
        assert "10 years (6 years under age 24)" in (service.translated("summary", "en") or "")
    assert "Fulda" in catalogue.get("wohngeld").office
    elterngeld = catalogue.get("elterngeld")
    assert elterngeld.online == "teilweise" and "unterschreiben" in elterngeld.summary
    assert "BundID" not in catalogue.get("kfz_zulassung").summary
    assert "Kassel" in catalogue.get("wohnsitz_anmelden").summary
    for kind in ("geburtsurkunde", "eheurkunde", "sterbeurkunde"):
        assert "10–12 €" in catalogue.get(kind).fees, kind
        assert "immer" not in catalogue.get(kind).summary, kind
    # A link that is one municipality's page says whose page it is.
    assert catalogue.get("reisepass").url_gemeinde == "Vellmar"


def test_only_verified_portal_ids(catalogue) -> None:  # type: ignore[no-untyped-def]
    # Each portal id must appear in a cited Verwaltungsportal URL of that service.
    for service in catalogue.all():
        if service.portal_leistung_id is None:
            continue
        cited = [
            parse_qs(urlsplit(s.url).query).get("leistung_id", [""])[0]
            for s in service.sources
            if s.url.startswith("https://verwaltungsportal.hessen.de/leistung?")
        ]
        assert service.portal_leistung_id in cited, service.id
    assert catalogue.get("geburtsurkunde").portal_leistung_id == "L100001::346540178"


def test_get_unknown_returns_none(catalogue) -> None:  # type: ignore[no-untyped-def]
    assert catalogue.get("gibt_es_nicht") is None
    assert catalogue.get("reisepass").name == "Reisepass"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wie kann ich mein Auto anmelden?", "kfz_zulassung"),
        ("Ich möchte mein Auto abmelden", "kfz_abmeldung"),
        ("Ich bin umgezogen, wie melde ich den Umzug?", "wohnsitz_anmelden"),
        ("Mein Perso ist abgelaufen", "personalausweis"),
        ("Brauche ein FÜHRUNGSZEUGNIS", "fuehrungszeugnis"),
        ("Fuehrungszeugnis online?", "fuehrungszeugnis"),
        ("Wo bekomme ich die grüne Plakette", "feinstaubplakette"),
        ("Wir wollen heiraten", "eheschliessung_anmelden"),
        ("Heiratsurkunde bestellen", "eheurkunde"),
        ("Ich möchte ein Gewerbe anmelden", "gewerbeanmeldung"),
        ("Ich brauche eine erweiterte Meldebescheinigung", "meldebescheinigung"),
        # Words between the car and the verb; "ummelden" alone is the address.
        ("Ich möchte mein Auto online abmelden, ich wohne im Landkreis Kassel.", "kfz_abmeldung"),
        ("Kann ich mein Auto online ummelden?", "kfz_zulassung"),
        ("Wie kann ich mich online ummelden?", "wohnsitz_anmelden"),
        # The separable verb: "melde … um".
        ("Wie melde ich mich in Herborn um?", "wohnsitz_anmelden"),
        ("Was brauche ich, um meinen neuen Wohnsitz online anzumelden?", "wohnsitz_anmelden"),
        # A new address to register (round 36).
        ("Wo melde ich die neue Adresse?", "wohnsitz_anmelden"),
        # The separable verb around the business (round 39).
        ("Wo melde ich das Gewerbe an und geht das auch online?", "gewerbeanmeldung"),
        # Hessian (round 40) and the rent as a burden (round 41).
        ("Isch mach mich selbstständisch mit em Hundesalon", "gewerbeanmeldung"),
        ("mei alt Audo muss abgemeldt wern", "kfz_abmeldung"),
        ("Isch zieh im Summer nach Kassel. Wie melde isch misch do aa?", "wohnsitz_anmelden"),
        ("Die Miete frisst mich auf. Gibt es da Unterstützung?", "wohngeld"),
        ("My car still has Hamburg plates, do I need to change something?", "kfz_zulassung"),
        ("Ein altes Schlafsofa und ein Lattenrost, wie werde ich das los?", "sperrmuell"),
        ("there is some monthly money from the state for children, how is it called?", "kindergeld"),
        ("we got a puppy, do we have to register it?", "hundesteuer"),
        # Words between the verb and the thing (round 18).
        ("how do I deregister her car?", "kfz_abmeldung"),
        # Hessian diminutive and long a (round 19); a student's support is BAföG.
        ("Mer hawwe uns e klaa Hundsche geholt. Muss mer den irgendwo aamelde?", "hundesteuer"),
        (
            "Ich fange mein Studium an und meine Eltern verdienen nicht viel. Habe ich Anspruch auf Unterstützung?",
            "bafoeg",
        ),
        (
            "Wir wollen im Garten eine Doppelgarage mit Carport bauen, braucht man dafür eine Genehmigung?",
            "baugenehmigung",
        ),
        # Becoming German said of a couple (round 48).
        ("Mein Mann und ich überlegen, ob wir Deutsche werden wollen. Wo fängt man an?", "einbuergerung"),
    ],
)
def test_find_matches_free_text(catalogue, text: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    found = catalogue.find(text)
    assert found is not None and found.id == expected


def test_find_requires_whole_words(catalogue) -> None:  # type: ignore[no-untyped-def]
    assert catalogue.find("Wie ist das Wetter heute?") is None
    assert catalogue.find("") is None
    # "pass" is no keyword on its own; "passt" must not match "pass beantragen".
    assert catalogue.find("das passt schon") is None


def test_find_prefers_longest_keyword(catalogue) -> None:  # type: ignore[no-untyped-def]
    # "ausweis" (personalausweis) and "fuehrungszeugnis beantragen" both occur;
    # the longer, more specific keyword must win.
    found = catalogue.find("Kann ich mit dem Ausweis ein Führungszeugnis beantragen?")
    assert found is not None and found.id == "fuehrungszeugnis"
    found = catalogue.find("Auto anmelden und Kennzeichen reservieren")
    assert found is not None and found.id == "kfz_kennzeichen"


def test_portal_link_uses_portal_id_and_ars(catalogue) -> None:  # type: ignore[no-untyped-def]
    service = catalogue.get("geburtsurkunde")
    link = portal_link(service, "064330007007")
    query = parse_qs(urlsplit(link).query)
    assert link.startswith("https://verwaltungsportal.hessen.de/leistung?")
    assert query == {"leistung_id": ["L100001::346540178"], "regschl": ["064330007007"]}
    assert "%3A%3A" in link


def test_portal_link_falls_back_to_url(catalogue) -> None:  # type: ignore[no-untyped-def]
    geburt = catalogue.get("geburtsurkunde")
    assert portal_link(geburt, None) == geburt.url
    assert portal_link(geburt, "06433007") == geburt.url  # AGS, not ARS
    reisepass = catalogue.get("reisepass")
    assert reisepass.portal_leistung_id is None
    assert portal_link(reisepass, "064330007007") == reisepass.url


def test_load_services_is_cached() -> None:
    assert load_services() is load_services()


def _write(tmp_path: Path, services: list[dict], urls: list[str]) -> tuple[Path, Path]:  # type: ignore[type-arg]
    quellen = tmp_path / "quellen.yml"
    quellen.write_text(yaml.safe_dump({"quellen": [{"url": u, "title": "T"} for u in urls]}), "utf-8")
    path = tmp_path / "leistungen.yml"
    path.write_text(yaml.safe_dump({"leistungen": services}), "utf-8")
    return path, quellen


def _service(**overrides: object) -> dict:  # type: ignore[type-arg]
    base = {
        "id": "test",
        "name": "Test",
        "online": "ja",
        "summary": "Ein Satz.",
        "level": "Gemeinde",
        "office": "Amt",
        "url": "https://example.org/a",
        "keywords": ["test"],
        "sources": ["https://example.org/a"],
        "stand": "2026-11-29",
        "uncertain": False,
    }
    base.update(overrides)
    return base


def test_valid_minimal_catalogue_loads(tmp_path: Path) -> None:
    path, quellen = _write(tmp_path, [_service()], ["https://example.org/a"])
    assert parse_catalogue(path, quellen).get("test") is not None


@pytest.mark.parametrize(
    ("services", "message"),
    [
        ([_service(sources=[])], "source"),
        ([_service(online="vielleicht")], "online"),
        ([_service(level="Galaxis")], "level"),
        ([_service(url="https://unlisted.example/")], "quellen.yml"),
        ([_service(sources=["https://unlisted.example/"])], "quellen.yml"),
        ([_service(), _service()], "duplicate"),
        ([_service(id="Bad-Id")], "snake_case"),
        ([_service(stand=None)], "missing 'stand'"),
        ([{k: v for k, v in _service().items() if k != "stand"}], "missing 'stand'"),
        ([_service(stand="11/2026")], "not YYYY-MM-DD"),
        ([_service(stand="2026-13")], "calendar"),
    ],
)
def test_invalid_catalogue_is_rejected(
    tmp_path: Path,
    services: list[dict],
    message: str,  # type: ignore[type-arg]
) -> None:
    path, quellen = _write(tmp_path, services, ["https://example.org/a"])
    with pytest.raises(KnowledgeError, match=re.escape(message)):
        parse_catalogue(path, quellen)


def test_a_service_keyword_with_a_typo_is_found_but_short_words_need_the_exact_word() -> None:
    catalogue = load_services()
    for text, service_id in (
        ("was kostet der persoanlausweis", "personalausweis"),
        ("reisepas verlängern", "reisepass"),
    ):
        found = catalogue.find(text)
        assert found is not None and found.id == service_id
    assert catalogue.find("Wie ist das Wetter heute?") is None


def test_a_slip_inside_a_phrase_keyword_is_corrected_word_by_word() -> None:
    # "register a business" with two slips; "registr" is one edit from "register" only.
    found = load_services().find("how do i registr a buisness in Kasel?")
    assert found is not None and found.id == "gewerbeanmeldung"
    assert load_services().find("Mir ist langweilig, erzähl was") is None


def test_a_real_word_one_letter_apart_at_the_start_is_no_typo() -> None:
    # "Wintergarten" is not a typo of "Kindergarten" (a keyword of the Kita place).
    found = load_services().find("Ich will einen Wintergarten an mein Haus anbauen.")
    assert found is not None and found.id == "baugenehmigung"
    found = load_services().find("Kindergarden Platz")
    assert found is not None and found.id == "kita_platz"


@pytest.mark.parametrize(
    ("text", "service_id"),
    [
        ("Isch will aus de Kersch austrede, wo geht des?", "kirchenaustritt"),
        ("Gude, wie kann isch mei Audo ummelde?", "kfz_zulassung"),
        ("Isch will angele gehe am Main, was brauch isch do?", "fischereischein"),
        ("Isch glaab mei Pass is abgelaafe.", "reisepass"),
        # "Pass" alone names the passport only beside what happens to it.
        ("Mein Pass läuft ab", "reisepass"),
    ],
)
def test_hessian_dialect_is_read_in_standard_german_too(text: str, service_id: str) -> None:
    found = load_services().find(text)
    assert found is not None and found.id == service_id


@pytest.mark.parametrize(
    ("text", "service_id"),
    [
        # The separable verb "trete … aus" beside the church; the tax only mentioned on the way.
        ("Ich sehe jeden Monat die Kirchensteuer. Wie trete ich aus der Kirche aus?", "kirchenaustritt"),
        ("Wohnsitz online anmelden Kassel", "wohnsitz_anmelden"),
        ("Ich ziehe nach Kassel. Kann ich mich dort online anmelden?", "wohnsitz_anmelden"),
        # A move beside another service to register is that service.
        ("Wir ziehen um, muss ich den Hund anmelden?", "hundesteuer"),
    ],
)
def test_keywords_with_parts_for_leaving_the_church_and_registering_after_a_move(
    text: str, service_id: str
) -> None:
    found = load_services().find(text)
    assert found is not None and found.id == service_id


def test_the_dialect_reading_replaces_whole_words_only() -> None:
    from bot.knowledge.dialekt import load_dialekt, standardise

    assert standardise("Isch will aus de Kersch austrede") == "ich will aus der kirche austreten"
    # "Desktop" and "Bismarck" contain listed words but are not them.
    assert standardise("Desktop in Bismarck") == "Desktop in Bismarck"
    assert all(word == word.casefold() for pair in load_dialekt().items() for word in pair)


def test_a_keyword_with_parts_needs_them_anywhere_in_the_text() -> None:
    # "anwohner + ausweis" (Bewohnerparkausweis) is longer, so it wins over "ausweis".
    text = "Ein Kollege meinte, Anwohner könnten so einen speziellen Ausweis bekommen. Wie heißt der?"
    found = load_services().find(text)
    assert found is not None and found.id == "bewohnerparkausweis"
    found = load_services().find("Ich brauche einen neuen Ausweis")
    assert found is not None and found.id == "personalausweis"


@pytest.mark.parametrize(
    ("text", "service_id"),
    [
        ("build garage permit Taunusstein", "baugenehmigung"),
        (
            "Our neighbours have a special sticker behind the windscreen so they can park. How do I get one?",
            "bewohnerparkausweis",
        ),
        ("do I also need a resident permit to leave my car on my street?", "bewohnerparkausweis"),
        ("I need a residence permit", "aufenthaltstitel"),
        # A separable verb around its object.
        ("Und wie melde ich ein Gewerbe an?", "gewerbeanmeldung"),
        ("Wo melde ich das Auto ab?", "kfz_abmeldung"),
        ("how i get money help for rent, my salary too small", "wohngeld"),
        ("I must register my new flat in Giessen", "wohnsitz_anmelden"),
        ("I want to open a small food truck business in Offenbach.", "gewerbeanmeldung"),
        ("planning to open a little café in Fulda, which papers?", "gewerbeanmeldung"),
        ("register new address online Gießen requirements", "wohnsitz_anmelden"),
        ("Kannste mer dann aach saache, wie isch mei alt Audo abmeld?", "kfz_abmeldung"),
        ("Und wie melde ich eigentlich ihr Auto ab?", "kfz_abmeldung"),
        ("can the city pick up my old mattress?", "sperrmuell"),
        (
            "Ich will samstags auf dem Wochenmarkt Torten verkaufen, was muss ich anmelden?",
            "gewerbeanmeldung",
        ),
    ],
)
def test_english_words_apart_still_name_the_service(text: str, service_id: str) -> None:
    found = load_services().find(text)
    assert found is not None and found.id == service_id


def test_a_zu_infinitive_finds_the_separable_verbs_service() -> None:
    """Round 54: "um mein Auto in Kassel online abzumelden"."""
    from bot.knowledge.services import load_services

    found = load_services().find("was brauche ich, um mein Auto in Kassel online abzumelden?")
    assert found is not None and found.id == "kfz_abmeldung"


@pytest.mark.parametrize(
    ("text", "service_id"),
    [
        # "den deutschen Pass" wanted after years of living here: naturalisation, not a passport.
        ("Mein Kollege meint, ich könnte jetzt den deutschen Pass beantragen", "einbuergerung"),
        ("Ich brauche einen neuen Reisepass", "reisepass"),
        # The licence among other stolen things: its replacement, not the exchange.
        (
            "Mir wurde der Geldbeutel geklaut, Führerschein und Fahrzeugschein sind beide weg",
            "fuehrerschein_verlust",
        ),
        # Registering after a move, said with "hierher gezogen" and "mich anmelden".
        ("Wir sind hierher gezogen. Kann ich mich online anmelden?", "wohnsitz_anmelden"),
    ],
)
def test_keywords_for_naturalisation_lost_licence_and_move(text: str, service_id: str) -> None:
    found = load_services().find(text)
    assert found is not None and found.id == service_id


def test_the_other_step_of_a_service() -> None:
    from bot.knowledge.services import sibling_service

    assert sibling_service("gewerbeanmeldung", "muss ich das dann extra abmelden?").id == "gewerbe_abmelden"
    assert sibling_service("gewerbeanmeldung", "und wie melde ich das um?").id == "gewerbe_ummelden"
    assert sibling_service("gewerbeanmeldung", "Was kostet das?") is None
    assert sibling_service("wohngeld", "muss ich das abmelden?") is None


def test_hessian_sch_for_g_in_certificates() -> None:
    from bot.knowledge.dialekt import standardise

    assert "meldebescheinigung" in standardise("so e Meldebescheinischung")
