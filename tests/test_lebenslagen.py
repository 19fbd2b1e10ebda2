"""Issue 13: life events (action_lebenslage), the new detailed services and the background FAQ."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions.lebenslagen import (
    LEBENSLAGEN_PATH,
    ActionLebenslage,
    detect,
    load_lebenslagen,
    parse_lebenslagen,
)
from actions.online_leistungen import ActionOnlineLeistung
from bot.knowledge.facts import load_facts
from bot.knowledge.services import KnowledgeError, load_services
from bot.knowledge.sources import load_source_titles
from tests.tracker_factory import gemeinde, make_tracker, run, slots_of

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ("geburt", "umzug", "todesfall", "heirat", "ausweis_verloren", "selbstaendig")
NEW_SERVICES = {
    "hundesteuer", "briefwahl", "bewohnerparkausweis", "fuehrerschein_umtausch",
    "fuehrerschein_ersterteilung", "fuehrerschein_verlust", "schwerbehindertenausweis",
    "kirchenaustritt", "baugenehmigung", "einbuergerung", "wohnberechtigungsschein", "sperrmuell",
    "aufenthaltstitel", "kindergeld", "bafoeg", "buergergeld", "fischereischein", "gewerbe_abmelden",
    "gewerbe_ummelden", "kita_platz", "grundsteuer", "namensaenderung", "vaterschaftsanerkennung",
    "personalausweis_verlust", "sterbefall_anzeigen", "steuerliche_erfassung",
}  # fmt: skip
BACKGROUND = (
    "ozg_was",
    "ozg_frist",
    "civento",
    "ekom21",
    "digitalprogramm",
    "ikz_digital",
    "smarte_regionen",
    "ministerium",
)
STAND = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def lebenslage(value: str) -> dict[str, str]:
    """A lebenslage entity as DIET (after the synonym mapper) reports it."""
    return {"entity": "lebenslage", "value": value, "extractor": "DIETClassifier"}


def payload_service(button: dict[str, str]) -> str:
    """The service id a step button asks about."""
    match = re.fullmatch(r"/online_beantragen(\{.*\})", button["payload"])
    assert match, button
    return str(json.loads(match.group(1))["leistung"])


async def answer(
    text: str, entities: list[dict[str, str]], **kwargs: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run action_lebenslage on one message with intent lebenslage."""
    return await run(ActionLebenslage(), make_tracker(text, "lebenslage", entities, **kwargs))


# --- Life events: action ------------------------------------------------------------------------
@pytest.mark.parametrize("event_id", EVENTS)
async def test_each_event_answers_an_ordered_list_with_one_button_per_step(event_id: str) -> None:
    event = load_lebenslagen()[event_id]
    events, messages = await answer("Was muss ich jetzt tun?", [lebenslage(event_id)])
    # Only the topic in focus, for follow-ups ("Was kostet ein neuer?").
    assert [e.get("event") for e in events] == ["slot"]
    assert slots_of(events) == {"fokus": f"lebenslage:{event_id}"}
    [message] = messages
    lines = message["text"].splitlines()
    numbered = [line for line in lines if re.match(r"^\d+\. ", line)]
    assert [int(line.split(".")[0]) for line in numbered] == list(range(1, len(event.schritte) + 1))
    assert [payload_service(b) for b in message["buttons"]] == [s.leistung for s in event.schritte]
    catalogue = load_services()
    for line, schritt in zip(numbered, event.schritte, strict=True):
        # Every step names its service and says who is responsible (in the hint or explicitly).
        office = catalogue.get(schritt.leistung).office  # type: ignore[union-attr]
        assert schritt.hinweis in line
        assert "Zuständig:" in line or office.split(" (")[0] in line


@pytest.mark.parametrize(
    ("event_id", "first_step"),
    [
        ("geburt", "vaterschaftsanerkennung"),
        ("umzug", "wohnsitz_anmelden"),
        ("todesfall", "sterbefall_anzeigen"),
        ("heirat", "eheschliessung_anmelden"),
        ("ausweis_verloren", "personalausweis_verlust"),
        ("selbstaendig", "gewerbeanmeldung"),
    ],
)
async def test_the_first_step_comes_first(event_id: str, first_step: str) -> None:
    _, [message] = await answer("Was muss ich tun?", [lebenslage(event_id)])
    assert payload_service(message["buttons"][0]) == first_step


async def test_a_move_names_the_two_week_deadline() -> None:
    _, [message] = await answer("Ich ziehe von Köln nach Darmstadt", [lebenslage("umzug")])
    assert "14 Tagen" in message["text"]


async def test_a_death_starts_with_sympathy_and_does_not_start_the_certificate_form() -> None:
    events, [message] = await answer(
        "Mein Vater ist gestorben, was muss ich jetzt alles erledigen?", [lebenslage("todesfall")]
    )
    assert message["text"].startswith("Mein herzliches Beileid.")
    assert message["text"].index("Beileid") < message["text"].index("1. ")
    # No form, no certificate slot: the certificate is one step with its own button.
    assert slots_of(events) == {"fokus": "lebenslage:todesfall"}
    assert "sterbeurkunde" in [payload_service(b) for b in message["buttons"]]
    assert "dritten Werktag" in message["text"]


async def test_a_death_in_leichte_sprache_also_starts_with_sympathy() -> None:
    _, [message] = await answer(
        "Mein Vater ist tot", [lebenslage("todesfall")], slots={"leichte_sprache": True}
    )
    assert message["text"].startswith("Das tut mir sehr leid.")
    assert "Zuständig:" not in message["text"]


async def test_other_events_do_not_express_sympathy() -> None:
    for event_id in ("geburt", "umzug", "heirat", "ausweis_verloren", "selbstaendig"):
        _, [message] = await answer("Was muss ich tun?", [lebenslage(event_id)])
        assert "Beileid" not in message["text"], event_id


async def test_without_entity_the_event_is_found_in_the_text() -> None:
    _, [message] = await answer("Ich habe meinen Perso verloren, was nun?", [])
    assert payload_service(message["buttons"][0]) == "personalausweis_verlust"
    assert "116 116" in message["text"]


async def test_an_unknown_entity_value_falls_back_to_the_text() -> None:
    _, [message] = await answer("Wir heiraten im Mai", [lebenslage("kreuzfahrt")])
    assert payload_service(message["buttons"][0]) == "eheschliessung_anmelden"


async def test_no_recognisable_event_offers_the_events_as_buttons() -> None:
    _, [message] = await answer("Lebenslagen", [])
    assert [b["payload"] for b in message["buttons"]] == [
        f'/lebenslage{{"lebenslage": "{event_id}"}}' for event_id in EVENTS
    ]


async def test_a_move_to_a_hessian_town_names_that_town() -> None:
    _, [message] = await answer(
        "Ich ziehe von Köln nach Darmstadt", [lebenslage("umzug"), gemeinde("Köln"), gemeinde("Darmstadt")]
    )
    assert "Darmstadt" in message["text"]
    assert "https://verwaltungsportal.hessen.de" in message["text"]


async def test_the_website_municipality_is_named_without_a_place_in_the_text() -> None:
    marburg_ags = "06534014"
    _, [message] = await answer(
        "Wir bekommen ein Baby", [lebenslage("geburt")], metadata={"kommune": marburg_ags}
    )
    assert "Marburg" in message["text"]


async def test_leichte_sprache_uses_the_plain_hints() -> None:
    event = load_lebenslagen()["geburt"]
    _, [message] = await answer("Baby", [lebenslage("geburt")], slots={"leichte_sprache": True})
    assert event.einleitung_leicht in message["text"]
    for schritt in event.schritte:
        assert schritt.hinweis_leicht in message["text"]
        assert schritt.hinweis not in message["text"]


async def test_the_answer_keeps_its_leichte_sprache_rendering_for_a_repeat() -> None:
    event = load_lebenslagen()["todesfall"]
    _, [message] = await answer("Mein Vater ist gestorben", [lebenslage("todesfall")])
    leicht = message["antwort"]["leicht"]
    assert message["antwort"]["key"] == "lebenslage"
    assert leicht["text"].startswith(event.einleitung_leicht)
    assert all(s.hinweis_leicht in leicht["text"] for s in event.schritte)
    assert "Zuständig:" not in leicht["text"]
    assert [b["payload"] for b in leicht["buttons"]] == [b["payload"] for b in message["buttons"]]


@pytest.mark.parametrize("event_id", EVENTS)
async def test_each_step_button_answers_its_service(event_id: str) -> None:
    # The payload /online_beantragen{"leistung": id} reaches action_online_leistung as an entity.
    for schritt in load_lebenslagen()[event_id].schritte:
        tracker = make_tracker("", "online_beantragen", [{"entity": "leistung", "value": schritt.leistung}])
        _, [message] = await run(ActionOnlineLeistung(), tracker)
        assert message["text"].startswith(load_services().get(schritt.leistung).name)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "event_id"),
    [
        ("Wir bekommen ein Baby", "geburt"),
        ("ich bin schwanger", "geburt"),
        ("Ich ziehe von Köln nach Darmstadt", "umzug"),
        ("Mein Vater ist gestorben, was muss ich jetzt alles erledigen?", "todesfall"),
        ("Wir heiraten", "heirat"),
        ("Ich habe meinen Personalausweis verloren", "ausweis_verloren"),
        ("perso geklaut", "ausweis_verloren"),
        ("Ich mache mich selbständig", "selbstaendig"),
        ("ich mache mich selbststaendig", "selbstaendig"),
        # One slip in a long keyword, and non-native English.
        ("mein vater ist gestorbn was muss ich jetz alles machn", "todesfall"),
        ("my papa he die yesterday in Offenbach. what i must do now?", "todesfall"),
        ("wanna open small kebab shop in Hanau, what paper i need from city for start?", "selbstaendig"),
        # A move told in the past is the story; the other event is the question.
        ("I moved from Valencia to Wetzlar last month and want to open a cafe here.", "selbstaendig"),
        ("I moved to Marburg last year, my father died yesterday.", "todesfall"),
        # Opening a café or a shop is starting a business, in German too.
        ("ab Sommer will ich mit meiner Schwester ein kleines Café in Darmstadt aufmachen", "selbstaendig"),
        ("Wir wollen einen Laden eröffnen, was müssen wir anmelden?", "selbstaendig"),
    ],
)
def test_detect_finds_the_event_by_keyword(text: str, event_id: str) -> None:
    found = detect(text, load_lebenslagen())
    assert found is not None and found.id == event_id


@pytest.mark.parametrize(
    "text",
    # "bezogen" is one letter from the keyword "gezogen", but too short to be read as its typo.
    [
        "Wie ist das Wetter?",
        "",
        "Aus gesundheitlichen Gründen",
        "Totale Verwirrung",
        "Ich habe Wohngeld bezogen",
    ],
)
def test_detect_needs_whole_words(text: str) -> None:
    assert detect(text, load_lebenslagen()) is None


# --- Life events: data --------------------------------------------------------------------------
def test_every_event_is_present_with_sourced_steps() -> None:
    lebenslagen = load_lebenslagen()
    assert set(lebenslagen) == set(EVENTS)
    listed = load_source_titles()
    for event in lebenslagen.values():
        assert 2 <= len(event.schritte) <= 6, event.id
        for schritt in event.schritte:
            assert schritt.quellen and all(url in listed for url in schritt.quellen)


def _write_events(tmp_path: Path, schritt: Mapping[str, object]) -> Path:
    path = tmp_path / "lebenslagen.yml"
    event = {
        "id": "x",
        "titel": "X",
        "einleitung": "E",
        "einleitung_leicht": "E",
        "schritte": [dict(schritt)],
    }
    path.write_text(yaml.safe_dump({"lebenslagen": [event]}), "utf-8")
    return path


def test_a_step_with_an_unknown_service_is_rejected(tmp_path: Path) -> None:
    url = next(iter(load_source_titles()))
    path = _write_events(
        tmp_path, {"leistung": "gibt_es_nicht", "hinweis": "H", "hinweis_leicht": "H", "quellen": [url]}
    )
    with pytest.raises(KnowledgeError, match="unknown service"):
        parse_lebenslagen(path, load_services())


def test_a_step_with_an_unlisted_source_is_rejected(tmp_path: Path) -> None:
    step = {
        "leistung": "kindergeld",
        "hinweis": "H",
        "hinweis_leicht": "H",
        "quellen": ["https://unlisted.example/"],
    }
    with pytest.raises(KnowledgeError, match="quellen.yml"):
        parse_lebenslagen(_write_events(tmp_path, step), load_services())


def test_the_shipped_file_parses() -> None:
    assert set(parse_lebenslagen(LEBENSLAGEN_PATH, load_services())) == set(EVENTS)


# --- Services in depth --------------------------------------------------------------------------
def test_the_catalogue_has_at_least_forty_services_including_the_new_ones() -> None:
    ids = {s.id for s in load_services().all()}
    assert len(ids) >= 40
    assert ids >= NEW_SERVICES


def test_new_services_are_sourced_and_dated() -> None:
    listed = load_source_titles()
    for service_id in NEW_SERVICES:
        service = load_services().get(service_id)
        assert service is not None
        assert service.sources and all(s.url in listed for s in service.sources), service_id
        assert service.stand and STAND.match(service.stand), service_id
        assert service.keywords, service_id
        if service.online == "unklar":
            assert service.uncertain, service_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wie melde ich meinen Hund an?", "hundesteuer"),
        ("Hund anmelden", "hundesteuer"),
        ("Was kostet die Hundesteuer?", "hundesteuer"),
        ("Ich will Briefwahl machen", "briefwahl"),
        ("Ich brauche einen Anwohnerparkausweis", "bewohnerparkausweis"),
        ("Parkausweis für meine Straße", "bewohnerparkausweis"),
        ("Führerschein verloren", "fuehrerschein_verlust"),
        ("Mein Führerschein wurde gestohlen", "fuehrerschein_verlust"),
        ("Führerschein umschreiben", "fuehrerschein_umtausch"),
        ("Muss ich meinen alten Führerschein umtauschen?", "fuehrerschein_umtausch"),
        ("Ich will den Führerschein machen", "fuehrerschein_ersterteilung"),
        ("Schwerbehindertenausweis beantragen", "schwerbehindertenausweis"),
        ("Ich möchte aus der Kirche austreten", "kirchenaustritt"),
        ("Wie beantrage ich eine Baugenehmigung?", "baugenehmigung"),
        ("Einbürgerung beantragen", "einbuergerung"),
        ("WBS beantragen", "wohnberechtigungsschein"),
        ("Sperrmüll", "sperrmuell"),
        ("Sperrmuell anmelden", "sperrmuell"),
        ("Aufenthaltserlaubnis verlängern", "aufenthaltstitel"),
        ("Kindergeld beantragen", "kindergeld"),
        ("BAföG Antrag", "bafoeg"),
        ("Bürgergeld beantragen", "buergergeld"),
        ("Wie bekomme ich einen Fischereischein?", "fischereischein"),
        ("Angelschein machen", "fischereischein"),
        ("Opa hat mir seine alte Angelrute geschenkt, was brauche ich da?", "fischereischein"),
        ("Ich will Angler werden", "fischereischein"),
        # "online", "auch", "noch" between the service's noun and its verb.
        ("Und kann ich mein Gewerbe online anmelden?", "gewerbeanmeldung"),
        ("Muss ich den Hund auch noch anmelden?", "hundesteuer"),
        ("Gewerbe abmelden", "gewerbe_abmelden"),
        ("Ich möchte mein Gewerbe ummelden", "gewerbe_ummelden"),
        ("Kita-Platz finden", "kita_platz"),
        ("Frage zum Grundsteuerbescheid", "grundsteuer"),
        ("Ich möchte meinen Vornamen ändern", "namensaenderung"),
        ("Vaterschaft anerkennen", "vaterschaftsanerkennung"),
        ("Personalausweis verloren", "personalausweis_verlust"),
        ("Sterbefall anzeigen", "sterbefall_anzeigen"),
        ("Fragebogen zur steuerlichen Erfassung", "steuerliche_erfassung"),
        # The neighbours keep their own phrasing.
        ("Ich möchte ein Gewerbe anmelden", "gewerbeanmeldung"),
        ("Mein Perso ist abgelaufen", "personalausweis"),
    ],
)
def test_colloquial_words_find_the_new_services(text: str, expected: str) -> None:
    found = load_services().find(text)
    assert found is not None and found.id == expected


# --- Background topics --------------------------------------------------------------------------
def _domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text("utf-8"))


@pytest.mark.parametrize("topic", BACKGROUND)
def test_background_response_has_a_leichte_sprache_variant_and_a_source_link(topic: str) -> None:
    variants = _domain()["responses"][f"utter_faq/{topic}"]
    leicht = [v for v in variants if v.get("condition")]
    standard = [v for v in variants if not v.get("condition")]
    assert leicht and leicht[0]["condition"][0]["name"] == "leichte_sprache"
    assert standard and "https://" in standard[0]["text"]


@pytest.mark.parametrize("topic", BACKGROUND)
def test_background_response_cites_existing_facts(topic: str) -> None:
    lines = (ROOT / "domain.yml").read_text("utf-8").splitlines()
    index = lines.index(f"  utter_faq/{topic}:")
    comment = lines[index - 1]
    assert re.match(r"\s*# Fakt(en)?: ", comment), comment
    facts = load_facts()
    for fact_id in comment.split(":", 1)[1].split(","):
        assert fact_id.strip() in facts


def test_background_facts_carry_the_key_figures() -> None:
    facts = load_facts()
    assert "Ende 2022" in facts["ozg_pflicht_2022"].text
    assert "24.07.2024" in facts["ozg_2_0_inkraft"].text
    assert "2029" in facts["ozg_2_0_anspruch"].text and "Bundes" in facts["ozg_2_0_anspruch"].text
    assert facts["ozg_2_0_anspruch"].uncertain
    assert "37 Mio. €" in facts["digitalisierung_37_mio"].text
    assert "92 %" in facts["civento_registriert_2020"].text
    assert "64 Mio. €" in facts["smarte_region_foerderung"].text


def _examples(path: Path) -> dict[str, list[str]]:
    data = yaml.safe_load(path.read_text("utf-8"))
    return {
        block["intent"]: [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
        for block in data["nlu"]
    }


def test_background_training_data_covers_every_topic() -> None:
    examples = _examples(ROOT / "data" / "nlu" / "hintergrund.yml")
    assert set(examples) == {f"faq/{topic}" for topic in BACKGROUND}
    for intent, lines in examples.items():
        assert 15 <= len(lines) <= 20, intent
    assert "Wer ist ekom21?" in examples["faq/ekom21"]
    assert "Bis wann sollten alle Leistungen online sein?" in examples["faq/ozg_frist"]


def test_life_event_training_data_has_about_25_examples_per_event() -> None:
    [lines] = _examples(ROOT / "data" / "nlu" / "lebenslagen.yml").values()
    for event_id in EVENTS:
        count = sum(f'"value": "{event_id}"' in line for line in lines)
        assert 22 <= count <= 30, (event_id, count)
    # Certificate requests stay with urkunde_beantragen: no example asks for a certificate.
    assert not [line for line in lines if re.search(r"urkunde", line, re.I)]


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("Mei Mudder is letzt Woch im Klinikum in Fulda gestorbe. Was muss isch erledische?", "todesfall"),
        ("Unsere Tochter ist letzte Woche auf die Welt gekommen! Was müssen wir jetzt erledigen?", "geburt"),
        ("Er ist zu Hause friedlich eingeschlafen.", "todesfall"),
        ("We had our baby last week, what do we need to do?", "geburt"),
    ],
)
def test_life_events_in_dialect_and_without_the_usual_word(text: str, event: str) -> None:
    found = detect(text, load_lebenslagen())
    assert found is not None and found.id == event


async def test_a_longer_keyword_wins_over_the_event_the_classifier_tagged() -> None:
    """The story's move ("moved") is not the question's business start."""
    text = (
        "I moved to Marburg last year for my PhD. We want to open a small café and have no idea "
        "about starting a business here. What are the steps?"
    )
    tagged = {**lebenslage("umzug"), "start": 2, "end": 7}
    _, messages = await answer(text, [tagged])
    assert payload_service(messages[0]["buttons"][0]) == payload_service(
        (await answer("Ich mache mich selbständig", []))[1][0]["buttons"][0]
    )


async def test_a_birth_with_its_place_links_that_places_standesamt() -> None:
    """The certificate comes from the Standesamt of the place of birth (fakten.yml: standesamt_ereignisort)."""
    hanau = "064350014014"
    _, messages = await answer("me need paper for baby born. baby born in Hanau hospital last week", [])
    assert f"regschl={hanau}" in messages[-1]["text"] and "Hanau" in messages[-1]["text"]
    # Where the family only lives, no certificate link: the place of birth is not known.
    _, messages = await answer("Wir wohnen in Hanau und bekommen ein Baby", [gemeinde("Hanau")])
    assert not any(f"regschl={hanau}" in m["text"] for m in messages)
    # A move has no certificate.
    _, messages = await answer("Ich ziehe nach Hanau", [gemeinde("Hanau")])
    assert not any("regschl=" in m["text"] for m in messages)


async def test_a_cost_question_beside_the_life_event_gets_the_fees_of_its_step() -> None:
    _, messages = await answer(
        "Isch hab mei Perso verbummelt. Was mach isch dann jetz? Un was kost mich de neue? Bin 38.",
        [lebenslage("ausweis_verloren")],
    )
    assert len(messages) == 2
    assert "46,00 €" in messages[1]["text"] and "Personalausweis" in messages[1]["text"]
    # No cost asked: the list alone.
    _, messages = await answer("Ich habe meinen Personalausweis verloren.", [lebenslage("ausweis_verloren")])
    assert len(messages) == 1


async def test_two_life_events_in_one_message_get_both_lists() -> None:
    text = "Wir ziehen im Sommer nach Marburg und im Herbst kommt unser erstes Kind. Was müssen wir alles erledigen?"
    _, messages = await answer(text, [])
    lists = [m for m in messages if m.get("buttons")]
    assert len(lists) == 2
    services = [payload_service(b) for m in lists for b in m["buttons"]]
    assert "wohnsitz_anmelden" in services and "elterngeld" in services


async def test_a_move_told_in_the_past_is_no_second_event() -> None:
    text = "Wir sind letztes Jahr nach Marburg gezogen und bekommen jetzt ein Baby. Was müssen wir tun?"
    _, messages = await answer(text, [])
    assert len([m for m in messages if m.get("buttons")]) == 1


async def test_the_steps_asked_after_a_death_certificate_are_the_deaths() -> None:
    tracker = make_tracker(
        "Danke. Und was muss ich sonst noch alles erledigen? Ich bin da gerade völlig überfordert",
        "lebenslage",
        slots={"fokus": "urkunde:sterbeurkunde"},
    )
    _, messages = await run(ActionLebenslage(), tracker)
    assert "Bestattung" in " ".join(m.get("text") or "" for m in messages)
