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


async def test_a_choice_the_classifier_misses_fills_the_place_of_the_waiting_form() -> None:
    """ "Wohra" after "Geburtsurkunde Gemuenden": read as not understood, yet it names a button."""
    from actions.kontakt import ActionFallbackThemen
    from tests.tracker_factory import run, slots_of

    result = load_municipalities().resolve("Gemünden")
    offered = {
        "event": "bot",
        "text": "Welchen meinen Sie?",
        "data": {"buttons": place_buttons(result.candidates)},
    }
    history = [user_event("Geburtsurkunde Gemuenden", "urkunde_beantragen"), offered]
    wohra = next(m.ags for m in result.candidates if "Waldeck" in m.kreis_label)
    waiting = make_tracker(
        "Wohra",
        "nlu_fallback",
        history=history,
        slots={"requested_slot": "ort"},
        active_loop="standesamt_form",
    )
    events, messages = await run(ActionFallbackThemen(), waiting)
    assert slots_of(events)["ort"] == wohra and not messages
    # Without a form waiting for the place the miss is a miss: the topics.
    idle = make_tracker("Wohra", "nlu_fallback", history=history)
    events, [menu] = await run(ActionFallbackThemen(), idle)
    assert not events and menu["buttons"]
