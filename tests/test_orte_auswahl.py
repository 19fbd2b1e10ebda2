"""Choosing one of the offered place buttons by naming it ("das im Vogelsberg", "Efze")."""

from __future__ import annotations

from typing import Any

import pytest

from actions.context import place_buttons
from actions.orte import chosen_place
from bot.knowledge.municipalities import load_municipalities
from tests.tracker_factory import make_tracker, user_event


def _after_buttons(name: str, answer: str) -> tuple[Any, dict[str, str]]:
    result = load_municipalities().resolve(name)
    assert result.status == "ambiguous"
    buttons = place_buttons(result.candidates)
    offered = {"event": "bot", "text": "Welchen meinen Sie?", "data": {"buttons": buttons}}
    tracker = make_tracker(answer, "angabe", history=[user_event(name, "standesamt_suchen"), offered])
    by_kreis = {m.kreis_label: m.ags for m in result.candidates}
    return tracker, by_kreis


@pytest.mark.parametrize(
    ("answer", "kreis_word"),
    [
        ("das im Vogelsberg", "Vogelsberg"),
        ("the one in the Vogelsberg", "Vogelsberg"),
        ("Odenwald bitte", "Bergstraße"),
    ],
)
def test_a_word_only_one_button_has_picks_that_place(answer: str, kreis_word: str) -> None:
    tracker, by_kreis = _after_buttons("Lautertal", answer)
    expected = next(ags for kreis, ags in by_kreis.items() if kreis_word in kreis)
    assert chosen_place(tracker, answer) == expected


@pytest.mark.parametrize("answer", ["Lautertal", "im Kreis", "ja", "Kassel"])
def test_words_that_do_not_tell_the_buttons_apart_pick_nothing(answer: str) -> None:
    tracker, _ = _after_buttons("Lautertal", answer)
    assert chosen_place(tracker, answer) is None


def test_without_offered_buttons_nothing_is_chosen() -> None:
    assert chosen_place(make_tracker("Vogelsberg", "angabe"), "Vogelsberg") is None
