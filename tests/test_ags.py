"""One rule for a Hessian municipality key (bot.knowledge.ags), used wherever an AGS is checked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from actions.context import home_municipality
from bot.knowledge.ags import is_hessian_ags
from bot.knowledge.municipalities import load_municipalities

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("value", ["06534014", "06412000", "06000000"])
def test_hessian_keys_have_the_form(value: str) -> None:
    assert is_hessian_ags(value)


@pytest.mark.parametrize(
    "value", ["09162000", "6534014", "065340140", "0653401a", "06534014\n", 6534014, None]
)
def test_other_values_do_not(value: object) -> None:
    assert not is_hessian_ags(value)


def test_the_index_resolves_an_existing_key_and_nothing_else() -> None:
    index = load_municipalities()
    assert index.by_ags("06534014") is not None
    assert index.by_ags("06000000") is None


def test_the_website_key_reaches_the_actions_only_when_hessian() -> None:
    class Tracker:
        def __init__(self, kommune: str) -> None:
            self.events = [{"event": "user", "metadata": {"kommune": kommune}}]

    found = home_municipality(Tracker("06534014"))  # type: ignore[arg-type]
    assert found is not None and found.ags == "06534014"
    assert home_municipality(Tracker("09162000")) is None  # type: ignore[arg-type]


def test_the_home_municipality_has_one_path_the_message_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    # BOT_KOMMUNE is the channels' setting (added to every message); the actions never read it.
    monkeypatch.setenv("BOT_KOMMUNE", "06412000")

    class Tracker:
        events = [{"event": "user", "metadata": {}}]

    assert home_municipality(Tracker()) is None  # type: ignore[arg-type]
    Tracker.events = [
        {"event": "user", "metadata": {"kommune": "06534014"}},
        {"event": "user", "metadata": {}},
    ]
    found = home_municipality(Tracker())  # type: ignore[arg-type]
    assert found is not None and found.ags == "06534014"


def test_no_second_ags_pattern_in_the_code() -> None:
    pattern = re.compile(r"\\d\{8\}|\[0-9\]\{8\}|06\\d\{6\}")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("bot", "actions")
        for path in (ROOT / folder).rglob("*.py")
        if path.name != "ags.py" and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
