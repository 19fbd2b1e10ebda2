"""Leichte Sprache: every citizen-facing text has a variant that says the same facts, simply.

Checked for every domain.yml response, every key of actions/antworten.yml and the rendered
online-service and IKZ answers:
- a Leichte-Sprache variant exists;
- no sentence longer than MAX_WORDS words (URLs and placeholders do not count as words);
- every word of the glossary (data/knowledge/glossar_leichte_sprache.yml) a text uses is
  explained in that text, with the glossary's own explanation;
- one word per concept: no word the glossary forbids in Leichte Sprache;
- the same facts: every number and every URL of the standard text is also in the Leichte text.
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions.antworten import LEICHT, STANDARD, templates
from actions.ikz import ActionIkzFoerderung
from actions.online_leistungen import ActionOnlineLeistung
from bot.knowledge.facts import load_facts, stand_of
from bot.knowledge.services import load_services
from bot.tooling.linkcheck import extract_urls
from tests.tracker_factory import make_tracker, run, slots_of, user_event

ROOT = Path(__file__).resolve().parents[1]
GLOSSAR = yaml.safe_load((ROOT / "data" / "knowledge" / "glossar_leichte_sprache.yml").read_text("utf-8"))
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text("utf-8"))
MAX_WORDS = 15
# Parts only the standard answer shows (antworten.yml says why); everything else has a variant.
NUR_STANDARD = {"leistung_zustaendig", "leistung_konto", "leistung_anmeldung"}
_LETTERS = "A-Za-zÄÖÜäöüß"
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


# --- the checks ---------------------------------------------------------------------------------
def _without_urls(text: str) -> str:
    for url in sorted(extract_urls(text), key=len, reverse=True):
        text = text.replace(url, " ")
    return text


def sentences(text: str) -> list[str]:
    """Sentences and list items of ``text`` (URLs removed)."""
    parts = re.split(r"(?<=[.!?:;])\s+|\n+|•", _without_urls(text))
    return [p.strip() for p in parts if p.strip()]


def words(sentence: str) -> list[str]:
    """Words of a sentence: tokens with a letter or digit; a placeholder counts as one."""
    return [t for t in sentence.split() if re.search(rf"[{_LETTERS}0-9]", t)]


def long_sentences(text: str) -> list[str]:
    return [s for s in sentences(text) if len(words(s)) > MAX_WORDS]


def _uses(text: str, form: str) -> bool:
    return (
        re.search(rf"(?<![{_LETTERS}\-]){re.escape(form)}(?![{_LETTERS}])", text, re.IGNORECASE) is not None
    )


def unexplained(text: str) -> list[str]:
    """Glossary words used in ``text`` whose glossary explanation is missing from it."""
    plain = _PLACEHOLDER.sub(" ", _without_urls(text))
    return [
        entry["wort"]
        for entry in GLOSSAR["begriffe"]
        if any(_uses(plain, form) for form in entry["formen"]) and entry["erklaerung"] not in text
    ]


def forbidden(text: str) -> list[str]:
    """Words that Leichte Sprache replaces by the glossary's one word for the concept."""
    plain = _PLACEHOLDER.sub(" ", _without_urls(text))
    return [
        f"{word} -> {instead}"
        for word, instead in GLOSSAR["verboten"].items()
        if re.search(rf"(?<![{_LETTERS}\-]){re.escape(word)}(?!-)", plain, re.IGNORECASE)
    ]


def facts_of(text: str) -> set[str]:
    """Numbers and URLs of ``text`` (placeholders removed): what the other variant must repeat."""
    text = _PLACEHOLDER.sub(" ", text)
    urls = set(extract_urls(text))
    numbers = set(_NUMBER.findall(_without_urls(text)))
    return urls | numbers


def missing_facts(standard: str, leicht: str) -> set[str]:
    return {f for f in facts_of(standard) if f not in facts_of(leicht)}


def problems(standard: str, leicht: str, buttons: list[str] = (), glossary: bool = True) -> list[str]:  # type: ignore[assignment]
    """Every rule a Leichte-Sprache text breaks, as readable strings (empty: all fine)."""
    found = [f"too long ({len(words(s))} words): {s}" for s in long_sentences(leicht)]
    if glossary:
        found += [f"not explained: {w}" for w in unexplained(leicht)]
    found += [f"forbidden: {f}" for f in forbidden(" \n".join([leicht, *buttons]))]
    found += [f"fact missing: {f}" for f in sorted(missing_facts(standard, leicht))]
    return found


# --- the texts ----------------------------------------------------------------------------------
class _KeepPlaceholders(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        if key.startswith("stand_") and key[6:] in load_facts():
            return stand_of(key[6:])
        return "{" + key + "}"


def _fill(template: str) -> str:
    """A template with its data-driven dates filled in and other placeholders kept."""
    return string.Formatter().vformat(template, (), _KeepPlaceholders())


def _is_leicht(variant: dict[str, Any]) -> bool:
    return any(
        c.get("name") == "leichte_sprache" and c.get("value") is True for c in variant.get("condition") or []
    )


def domain_pairs() -> list[tuple[str, dict[str, Any] | None, dict[str, Any]]]:
    pairs = []
    for name, variants in DOMAIN["responses"].items():
        leicht = next((v for v in variants if _is_leicht(v)), None)
        standard = next(v for v in variants if not v.get("condition"))
        pairs.append((name, leicht, standard))
    return pairs


def _titles(variant: dict[str, Any]) -> list[str]:
    return [b["title"] for b in variant.get("buttons") or []]


# --- tests --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "leicht", "standard"), domain_pairs(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_domain_response_has_a_correct_leichte_variant(
    name: str, leicht: dict[str, Any] | None, standard: dict[str, Any]
) -> None:
    assert leicht is not None, f"{name}: no Leichte-Sprache variant"
    assert not problems(standard["text"], leicht["text"], _titles(leicht)), name


@pytest.mark.parametrize("key", sorted(templates()))
def test_antworten_key_has_a_correct_leichte_variant(key: str) -> None:
    entry = templates()[key]
    if key in NUR_STANDARD:
        assert LEICHT not in entry
        return
    assert entry.get(LEICHT), f"{key}: no Leichte-Sprache variant"
    standard, leicht = _fill(entry[STANDARD]), _fill(entry[LEICHT])
    # Button titles are too short to carry explanations; the sentence rules still apply.
    found = problems(standard, leicht, glossary=not key.startswith("knopf_"))
    assert not found, (key, found)


def _service_ids_with_leichte_texts() -> list[str]:
    return [s.id for s in load_services().all() if s.summary_leicht]


@pytest.mark.parametrize("service_id", _service_ids_with_leichte_texts())
async def test_online_answer_says_the_same_facts_in_leichte_sprache(service_id: str) -> None:
    entities = [{"entity": "leistung", "value": service_id}]
    _, [standard] = await run(ActionOnlineLeistung(), make_tracker("x", "online_beantragen", entities))
    _, [leicht] = await run(
        ActionOnlineLeistung(),
        make_tracker("x", "online_beantragen", entities, slots={"leichte_sprache": True}),
    )
    found = problems(standard["text"], leicht["text"])
    assert not found, (service_id, found)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 9])
async def test_ikz_answer_says_the_same_facts_in_leichte_sprache(count: int) -> None:
    slots = {"anzahl_kommunen": float(count)}
    _, [standard] = await run(ActionIkzFoerderung(), make_tracker("x", "ikz_foerderung", slots=slots))
    _, [leicht] = await run(
        ActionIkzFoerderung(), make_tracker("x", "ikz_foerderung", slots={**slots, "leichte_sprache": True})
    )
    found = problems(standard["text"], leicht["text"])
    assert not found, (count, found)


def test_detailed_services_have_leichte_names_and_summaries() -> None:
    # The 19 services written with the catalogue; services appended later may add theirs.
    first = load_services().all()[:19]
    assert all(s.name_leicht and s.summary_leicht for s in first)


# --- the checks can fail ------------------------------------------------------------------------
def test_the_checks_catch_each_kind_of_mistake() -> None:
    assert long_sentences(
        "Eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn fünfzehn sechzehn."
    )
    assert not long_sentences("Kurz. https://verwaltungsportal.hessen.de/leistung?a=1&b=2 ist kein Wort.")
    assert unexplained("Gehen Sie zum Standesamt.") == ["Standesamt"]
    assert not unexplained(
        "Gehen Sie zum Standesamt. Das Standesamt ist das Amt für Geburt, Hochzeit und Tod."
    )
    assert unexplained("Der Kreis hilft.") == ["Kreis"] and not unexplained("Die kreisfreie Stadt.")
    assert forbidden("Das geht online.") and not forbidden("Mit dem Online-Ausweis.")
    assert forbidden("Das Bürgerkonto BundID") == ["Bürgerkonto -> BundID"]
    assert missing_facts("Das kostet 46,00 € (https://id.bund.de).", "Das kostet Geld.") == {
        "46,00",
        "https://id.bund.de",
    }
    # The defects the audit found stay caught.
    nein = templates()["status_nein"][LEICHT]
    assert "nicht nur im Internet" not in nein and "nicht ganz im Internet" in nein
    registrieren = dict((n, lv) for n, lv, _ in domain_pairs())["utter_faq/bundid_registrieren"]
    assert registrieren is not None and "am sichersten" in registrieren["text"].lower()
    assert "Hier finden Sie das Amt" not in templates()["urkunde_auskunft"][LEICHT]
    zwei = templates()["ikz_ergebnis_zwei"][LEICHT]
    assert "besonderen Grund" in zwei


# --- switching Leichte Sprache on repeats the last answer ---------------------------------------
async def test_leichte_sprache_an_repeats_an_action_answer_in_leichte_sprache() -> None:
    from actions.leichte_sprache import ActionLeichteSpracheAn

    entities = [{"entity": "leistung", "value": "reisepass"}]
    _, [answer] = await run(
        ActionOnlineLeistung(), make_tracker("Reisepass online?", "online_beantragen", entities)
    )
    # The answer as Rasa stores it: text and buttons as data, the rest as metadata.
    bot = {"event": "bot", "text": answer["text"], "metadata": {"antwort": answer["antwort"]}}
    history = [user_event("Reisepass online?", "online_beantragen", entities), bot]
    tracker = make_tracker(
        "bitte einfacher", "leichte_sprache_an", slots={"leichte_sprache": True}, history=history
    )
    _, messages = await run(ActionLeichteSpracheAn(), tracker)
    assert messages[0]["response"] == "utter_leichte_sprache_an"
    repeated = messages[1]["text"]
    assert repeated.startswith("Reise-Pass: Nein, das geht nicht ganz im Internet.")
    assert repeated != answer["text"] and "Vellmar" in repeated
    assert not problems(answer["text"], repeated)


async def test_leichte_sprache_an_re_utters_a_domain_response_and_only_the_last_turn() -> None:
    from actions.leichte_sprache import ActionLeichteSpracheAn

    history = [
        user_event("Hallo", "greet"),
        {"event": "bot", "text": "Guten Tag!", "metadata": {"utter_action": "utter_greet"}},
        user_event("Was ist die BundID?", "faq"),
        {"event": "bot", "text": "Die BundID ist …", "metadata": {"utter_action": "utter_faq/bundid_was"}},
    ]
    tracker = make_tracker(
        "Leichte Sprache", "leichte_sprache_an", slots={"leichte_sprache": True}, history=history
    )
    _, messages = await run(ActionLeichteSpracheAn(), tracker)
    assert [m["response"] for m in messages] == ["utter_leichte_sprache_an", "utter_faq/bundid_was"]


async def test_leichte_sprache_an_at_the_start_only_confirms() -> None:
    from actions.leichte_sprache import ActionLeichteSpracheAn

    tracker = make_tracker("Leichte Sprache", "leichte_sprache_an", slots={"leichte_sprache": True})
    _, messages = await run(ActionLeichteSpracheAn(), tracker)
    assert [m["response"] for m in messages] == ["utter_leichte_sprache_an"]


async def test_button_titles_follow_the_variant() -> None:
    _, [normal] = await run(ActionOnlineLeistung(), make_tracker("online?", "online_beantragen"))
    _, [leicht] = await run(
        ActionOnlineLeistung(), make_tracker("online?", "online_beantragen", slots={"leichte_sprache": True})
    )
    normal_titles = [b["title"] for b in normal["buttons"]]
    leicht_titles = [b["title"] for b in leicht["buttons"]]
    assert "Wohnsitz an- oder ummelden" in normal_titles and "Wohnung anmelden" in leicht_titles
    assert [b["payload"] for b in normal["buttons"]] == [b["payload"] for b in leicht["buttons"]]
    assert not forbidden(" ".join(leicht_titles))


async def test_a_request_for_leichte_sprache_with_a_question_answers_the_question() -> None:
    from actions.leichte_sprache import ActionLeichteSpracheAn

    text = (
        "Ich habe Lernschwierigkeiten. Können Sie mir in einfachen Worten erklären, wie ich Wohngeld bekomme?"
    )
    tracker = make_tracker(text, "leichte_sprache_an", slots={"leichte_sprache": True})
    events, messages = await run(ActionLeichteSpracheAn(), tracker)
    assert messages[0]["response"] == "utter_leichte_sprache_an"
    assert messages[1]["text"].startswith("Wohn-Geld:")
    assert slots_of(events)["fokus"] == "leistung:wohngeld"


async def test_a_question_asked_with_the_switch_is_answered_in_leichte_sprache() -> None:
    from actions.leichte_sprache import ActionLeichteSpracheAn

    earlier = {"event": "bot", "text": "Vorherige Antwort", "metadata": {"utter_action": "utter_faq/civento"}}
    tracker = make_tracker(
        "Kannst du das einfacher erklären? Was ist die BundID?",
        "leichte_sprache_an",
        slots={"leichte_sprache": True},
        history=[earlier],
    )
    _, messages = await run(ActionLeichteSpracheAn(), tracker)
    # The question is answered, not the previous answer repeated.
    assert [m.get("response") for m in messages] == ["utter_leichte_sprache_an", "utter_faq/bundid_was"]
