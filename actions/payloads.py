"""Button payloads: the one place that encodes an intent with its entities.

Rasa reads a payload "/intent{json}" as that intent with those entities, skipping NLU;
json.dumps keeps values with quotes or umlauts valid.
"""

from __future__ import annotations

import json


def intent_payload(intent: str, **entities: str) -> str:
    """The payload for ``intent`` with ``entities`` ("/angabe{"gemeinde": "06534014"}")."""
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}" if entities else f"/{intent}"
