"""The catalogue check of the offline action tests (tests/tracker_factory.catalogue_problem)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.antworten import say
from tests.tracker_factory import catalogue_problem, make_tracker

ACTIONS = Path(__file__).resolve().parent.parent / "actions"


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


_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{2}")


def _literal_words(node: ast.AST) -> bool:
    """Whether ``node`` is a string literal (or f-string) with words written in the code."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(_WORD.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_literal_words(part) for part in node.values)
    if isinstance(node, ast.IfExp):
        return _literal_words(node.body) or _literal_words(node.orelse)
    return False


def _literal_titles_and_values(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            lines += [
                v.lineno
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant) and k.value == "title" and _literal_words(v)
            ]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Var":
            lines += [a.lineno for a in node.args if _literal_words(a)]
    return lines


def test_no_action_writes_a_button_title_or_template_value_itself() -> None:
    # Button titles and words inserted into templates come from antworten.yml (label/text),
    # so they have a Leichte variant and a later language finds them in one place.
    offenders = {
        path.name: lines
        for path in sorted(ACTIONS.glob("*.py"))
        if path.name != "antworten.py"
        and (lines := _literal_titles_and_values(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert offenders == {}


def test_the_title_scan_finds_a_literal() -> None:
    code = 'b = {"title": f"Standesamt {x}"}\nv = Var("Urkunde", "Urkunde")\nok = {"title": label("k")}'
    assert _literal_titles_and_values(ast.parse(code)) == [1, 2, 2]
