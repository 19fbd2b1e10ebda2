"""Button payloads come from one encoder (actions.payloads.intent_payload)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from actions.payloads import intent_payload

ROOT = Path(__file__).resolve().parents[1]


def test_payload_is_the_intent_with_valid_json_entities() -> None:
    payload = intent_payload("angabe", gemeinde='Bad "Soden"', urkundenart="geburt")
    intent, entities = payload.split("{", 1)
    assert intent == "/angabe"
    assert json.loads("{" + entities) == {"gemeinde": 'Bad "Soden"', "urkundenart": "geburt"}
    assert intent_payload("affirm") == "/affirm"
    # Same text as the hand-written payloads before, so offered payloads still match.
    assert (
        intent_payload("standesamt_suchen", gemeinde="06534014")
        == '/standesamt_suchen{"gemeinde": "06534014"}'
    )


def test_no_action_writes_a_payload_by_hand() -> None:
    hand_written = re.compile(r"""['"]/\{?[a-z_]*\}?\{\{""")
    offenders = [
        path.name
        for path in (ROOT / "actions").glob("*.py")
        if path.name != "payloads.py" and hand_written.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
