"""The action-result validation fix in bot.ops.rasa_cli: same verdicts, schema checked once."""

from __future__ import annotations

from typing import Any
from unittest import mock

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot.ops import rasa_cli

VALID: dict[str, Any] = {
    "events": [{"event": "slot", "name": "ort", "value": "06534014", "timestamp": None}],
    "responses": [{"text": "Das Standesamt Marburg.", "buttons": [{"title": "Ja", "payload": "/affirm"}]}],
}
INVALID: list[dict[str, Any]] = [
    {"events": "keine Liste", "responses": []},
    {"events": [{"event": "slot", "name": 3}], "responses": []},
    {"events": [{"event": "kein_ereignis"}], "responses": []},
    {"events": [{"event": "slot", "name": "ort", "timestamp": "gestern"}], "responses": []},
]


@pytest.fixture()
def action() -> RemoteAction:
    return RemoteAction("action_test", EndpointConfig("http://127.0.0.1:1/webhook"))


def test_valid_result_is_accepted_as_by_rasa(action: RemoteAction) -> None:
    assert RemoteAction._validate_action_result(action, VALID) is True
    assert rasa_cli.validate_action_result(action, VALID) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_result_is_rejected_with_rasas_message(action: RemoteAction, result: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError) as original:
        RemoteAction._validate_action_result(action, result)
    with pytest.raises(jsonschema.ValidationError) as fixed:
        rasa_cli.validate_action_result(action, result)
    assert fixed.value.message == original.value.message
    assert "Failed to validate Action server response" in fixed.value.message


def test_schema_is_checked_once_for_many_results(action: RemoteAction) -> None:
    rasa_cli.action_response_validator.cache_clear()
    validator_class = jsonschema.validators.validator_for(RemoteAction.action_response_format_spec())
    with mock.patch.object(validator_class, "check_schema", wraps=validator_class.check_schema) as check:
        for _ in range(5):
            rasa_cli.validate_action_result(action, VALID)
    assert check.call_count == 1


def test_apply_fixes_installs_both(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.core.tracker_store import SQLTrackerStore

    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    monkeypatch.setattr(SQLTrackerStore, "_event_query", SQLTrackerStore._event_query)
    rasa_cli.apply_fixes()
    assert RemoteAction._validate_action_result is rasa_cli.validate_action_result
    assert SQLTrackerStore._event_query is rasa_cli.event_query
