"""The one rule for a municipality key (Amtlicher Gemeindeschlüssel, AGS) in Hessen.

A Hessian AGS has 8 digits and starts with the Land code 06. Whether the key names one
of the 422 municipalities is a question for the municipality index, not for this rule.
"""

from __future__ import annotations

import re
from typing import Any

HESSEN_LAND_CODE = "06"
_HESSIAN_AGS = re.compile(r"06\d{6}")


def is_hessian_ags(value: object) -> bool:
    """Whether ``value`` has the form of a Hessian AGS ("06534014")."""
    return isinstance(value, str) and _HESSIAN_AGS.fullmatch(value) is not None


def kommune_from_metadata(metadata: Any) -> str | None:
    """The AGS a channel sent as ``metadata.kommune`` (the page's or deployment's municipality), if valid."""
    if isinstance(metadata, dict):
        value = str(metadata.get("kommune") or "").strip()
        if is_hessian_ags(value):
            return value
    return None
