"""The catalogue check of the offline action tests (tests/tracker_factory.catalogue_problem)."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.antworten import say
from tests.tracker_factory import catalogue_problem, make_tracker


def _said(key: str, leichte_sprache: bool = False, eingabe: str = "") -> dict:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("x", "angabe", slots={"leichte_sprache": leichte_sprache})
    say(dispatcher, tracker, key, eingabe=eingabe)
    return dispatcher.messages[0]


@pytest.mark.parametrize("leichte_sprache", [False, True])
def test_a_text_sent_with_say_passes_in_both_variants(leichte_sprache: bool) -> None:
    assert catalogue_problem(_said("ort_mehrdeutig", leichte_sprache, eingabe="Neustadt")) is None


def test_a_domain_response_passes() -> None:
    assert catalogue_problem({"text": None, "response": "utter_out_of_scope"}) is None


def test_a_literal_text_fails() -> None:
    assert "no catalogue key" in (catalogue_problem({"text": "Hallo, ich bin neu hier."}) or "")


def test_an_unknown_key_fails() -> None:
    message = {"text": "Hallo", "antwort": {"key": "gibt_es_nicht"}}
    assert "no catalogue key" in (catalogue_problem(message) or "")


def test_a_key_without_leichte_variant_fails() -> None:
    message = {"text": "\nZuständig: Bürgerbüro.", "antwort": {"key": "leistung_zustaendig"}}
    assert "no leicht variant" in (catalogue_problem(message) or "")


def test_a_literal_sent_under_a_real_key_fails() -> None:
    message = _said("ort_mehrdeutig", eingabe="Neustadt")
    message["text"] = "Ein ganz anderer Satz."
    assert "not a rendering" in (catalogue_problem(message) or "")


def test_the_autouse_check_fails_a_literal_utter_message() -> None:
    with pytest.raises(AssertionError, match="no catalogue key"):
        CollectingDispatcher().utter_message(text="Ein Satz, der nicht im Katalog steht.")
