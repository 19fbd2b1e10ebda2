"""Fixtures for every test: action texts come from the catalogue (actions/antworten.yml)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from tests.tracker_factory import assert_from_catalogue


@pytest.fixture(autouse=True)
def _texts_from_catalogue(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail a test whose action sends a text that is not rendered from the catalogue.

    Tests that build a CollectingDispatcher themselves (instead of tracker_factory.run) are
    checked too: every utter_message is checked as it is sent.
    """
    original = CollectingDispatcher.utter_message

    def checked(self: CollectingDispatcher, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        assert_from_catalogue(self.messages[-1:])

    monkeypatch.setattr(CollectingDispatcher, "utter_message", checked)
    yield
