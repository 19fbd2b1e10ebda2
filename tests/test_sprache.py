"""English (issue 16): telling the language of a message, the slot, and English texts."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions.antworten import templates
from actions.lebenslagen import ActionLebenslage
from actions.online_leistungen import ActionOnlineLeistung
from actions.sprache import ActionSprache
from actions.standesamt import ActionStandesamtAuskunft
from bot.knowledge.languages import load_sprachen
from bot.knowledge.municipalities import load_municipalities
from bot.knowledge.services import load_services
from bot.nlp.language import detect
from tests.tracker_factory import make_tracker, run, slots_of

ROOT = Path(__file__).resolve().parents[1]
KASSEL = load_municipalities().resolve("Kassel").municipality
URL = re.compile(r"https?://[^\s)]*[^\s).,;:!?“”]")
NUMBER = re.compile(r"\d+")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("How can I get a copy of my birth certificate? I was born in Kassel.", "en"),
        ("What is the BundID?", "en"),
        ("Can I apply for housing benefit online?", "en"),
        ("birth certificate Kassel", "en"),
        ("I was born in Gießen", "en"),
        ("Is Wohngeld available online in Darmstadt?", "en"),
        ("and in Kassel?", "en"),
        ("Kann ich Wohngeld online beantragen?", "de"),
        ("und in Kassel?", "de"),
        ("Gude, wie kann isch mei Audo ummelde?", "de"),
        # Hessian "is" (ist) beside dialect words is no English.
        ("Isch hab mei Kart verlorn, is des schlimm?", "de"),
        ("Perso verloren", "de"),
        # Words of both languages or of neither: the conversation keeps its language.
        ("Geburtsurkunde Kassel", None),
        ("Wohngeld", None),
        ("Kassel", None),
        ("ok", None),
        ("Doğum belgesi nereden alabilirim?", None),
        ("Мені потрібна допомога", None),
        ("", None),
    ],
)
def test_detect_tells_german_from_english(text: str, language: str | None) -> None:
    assert detect(text) == language


def test_marker_words_belong_to_one_language_only() -> None:
    woerter = load_sprachen().woerter
    assert woerter["de"] & woerter["en"] == frozenset()


def _sprache(text: str, slot: str | None, metadata: dict[str, Any] | None = None) -> Any:
    return make_tracker(text, "angabe", slots={"sprache": slot}, metadata=metadata)


@pytest.mark.parametrize(
    ("text", "slot", "metadata", "expected"),
    [
        ("What is the BundID?", "de", None, "en"),  # English message switches to English
        ("Was ist die BundID?", "en", None, "de"),  # a German message switches back
        ("Kassel", "en", None, None),  # a bare place keeps English (no event: unchanged)
        ("Kassel", "de", {"sprache": "en"}, "en"),  # the widget's switch decides for it
        ("Was ist die BundID?", "de", {"sprache": "en"}, None),  # the message wins over it
        ("Kassel", "de", {"sprache": "tr"}, None),  # a language we do not speak is ignored
        ("/urkunde_beantragen", "en", None, None),  # a button payload is not the citizen's words
    ],
)
async def test_action_sprache_follows_the_citizen(
    text: str, slot: str, metadata: dict[str, Any] | None, expected: str | None
) -> None:
    events, messages = await run(ActionSprache(), _sprache(text, slot, metadata))
    assert messages == []
    assert slots_of(events) == ({} if expected is None else {"sprache": expected})


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(templates()))
def test_every_catalogue_text_has_an_english_variant_with_the_same_facts(key: str) -> None:
    entry = templates()[key]
    assert entry.get("en"), f"{key}: no en variant"
    assert _placeholders(entry["en"]) == _placeholders(entry["standard"])
    assert set(URL.findall(entry["standard"])) <= set(URL.findall(entry["en"]))
    assert set(NUMBER.findall(entry["standard"])) <= set(NUMBER.findall(entry["en"]))


def _domain_responses() -> dict[str, list[dict[str, Any]]]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return dict(domain["responses"])


# The notice for other languages is bilingual already; Leichte Sprache is German by design.
_GERMAN_ONLY = {"utter_andere_sprache", "utter_leichte_sprache_an"}


@pytest.mark.parametrize("name", sorted(set(_domain_responses()) - _GERMAN_ONLY))
def test_every_domain_response_has_one_english_variant_below_leichte_sprache(name: str) -> None:
    variants = _domain_responses()[name]
    english = [
        i
        for i, v in enumerate(variants)
        if {"type": "slot", "name": "sprache", "value": "en"} in (v.get("condition") or [])
    ]
    assert len(english) == 1, name
    variant = variants[english[0]]
    # Rasa picks at random among all matching conditions: English must exclude Leichte Sprache.
    assert {"type": "slot", "name": "leichte_sprache", "value": False} in variant["condition"]
    default = next(v for v in variants if not v.get("condition"))
    assert set(URL.findall(default["text"])) <= set(URL.findall(variant["text"]))
    default_payloads = [b["payload"] for b in default.get("buttons") or []]
    english_payloads = [b["payload"] for b in variant.get("buttons") or []]
    assert [p for p in default_payloads if p.startswith("/")] == [
        p for p in english_payloads if p.startswith("/")
    ]


async def test_certificate_answer_in_english_keeps_place_link_and_fees() -> None:
    assert KASSEL is not None
    tracker = make_tracker(
        "Kassel",
        "angabe",
        slots={"anliegen": "urkunde", "urkundenart": "geburtsurkunde", "ort": KASSEL.ags, "sprache": "en"},
    )
    _, [message] = await run(ActionStandesamtAuskunft(), tracker)
    text = message["text"]
    assert "Standesamt (civil registry office)" in text and "Kassel" in text
    assert f"regschl={KASSEL.ars}" in text
    assert "10–12 €" in text and "as of 11/2026" in text
    assert "Stand:" not in text


async def test_service_answer_in_english_uses_the_english_fields() -> None:
    wohngeld = load_services().get("wohngeld")
    assert wohngeld is not None
    tracker = make_tracker(
        "Can I apply for housing benefit online?",
        "online_beantragen",
        [{"entity": "leistung", "value": "wohngeld"}],
        slots={"sprache": "en"},
    )
    _, [message] = await run(ActionOnlineLeistung(), tracker)
    assert message["text"].startswith(f"{wohngeld.translated('name', 'en')}:")
    assert str(wohngeld.translated("office", "en")) in message["text"]
    assert wohngeld.url.split("?")[0] in message["text"]


async def test_english_keywords_find_the_service_without_an_entity() -> None:
    tracker = make_tracker(
        "can I apply for housing benefit online", "online_beantragen", slots={"sprache": "en"}
    )
    _, [message] = await run(ActionOnlineLeistung(), tracker)
    assert message["text"].startswith("Housing benefit (Wohngeld):")


async def test_life_event_in_english_lists_english_steps_with_buttons() -> None:
    tracker = make_tracker(
        "We just had a baby, what do we need to do?", "lebenslage", slots={"sprache": "en"}
    )
    _, [message] = await run(ActionLebenslage(), tracker)
    text = message["text"]
    assert text.startswith("Congratulations") or "congratulations" in text.lower()
    assert "1. " in text and "Zuständig" not in text
    assert message["buttons"] and all(
        b["payload"].startswith("/online_beantragen") for b in message["buttons"]
    )


async def test_leichte_sprache_stays_german_in_an_english_conversation() -> None:
    tracker = make_tracker(
        "Can I apply for housing benefit online?",
        "online_beantragen",
        [{"entity": "leistung", "value": "wohngeld"}],
        slots={"sprache": "en", "leichte_sprache": True},
    )
    _, [message] = await run(ActionOnlineLeistung(), tracker)
    wohngeld = load_services().get("wohngeld")
    assert wohngeld is not None and wohngeld.name_leicht
    assert message["text"].startswith(wohngeld.name_leicht)
    assert "housing benefit" not in message["text"].lower()


@pytest.mark.parametrize(
    ("text", "other"),
    [
        ("Je cherche l'état civil de Darmstadt, s'il vous plaît.", True),
        ("Merhaba, doğum belgesi için nereye gitmeliyim?", True),
        ("Где получить свидетельство о рождении?", True),
        ("كيف أحصل على شهادة ميلاد؟", True),
        # Romanian, with and without diacritics (data/knowledge/sprachen.yml, session 19).
        ("Bună ziua, de unde iau certificatul de naștere al fiului meu?", True),
        ("buna ziua, am nevoie de un certificat de casatorie", True),
        ("Bonjour", False),
        ("Ich bin in Kassel geboren", False),
        ("I need a birth certificate for my wife", False),
        ("per Post oder online?", False),
        ("Geburtsurkunde Kassel", False),
    ],
)
def test_other_languages_are_recognised_and_get_the_notice(text: str, other: bool) -> None:
    from bot.nlp.language import other_language
    from bot.nlp.rules import refine

    assert other_language(text) is other
    intent, _ = refine(text, {"name": "nlu_fallback", "confidence": 0.3}, [], None)
    assert ((intent or {}).get("name") == "andere_sprache") is other
