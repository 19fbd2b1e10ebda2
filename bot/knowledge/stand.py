"""The `stand` of a fact or service: the date its source was published or read.

Every entry of data/knowledge/fakten.yml and leistungen.yml carries one. It is an ISO
date of the precision the source allows: "YYYY-MM-DD", "YYYY-MM" or "YYYY". Answers about
fees, deadlines and programmes show it as "Stand: MM/JJJJ" via :func:`stand_label`, so the
date a citizen reads is always the one in the data.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["StandError", "parse_stand", "stand_date", "stand_label"]

_STAND = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class StandError(ValueError):
    """Raised for a missing or malformed ``stand``."""


def parse_stand(value: object, where: str) -> str:
    """Return ``value`` as a validated stand string; raise :class:`StandError` naming ``where``.

    YAML reads an unquoted ``2026-11-29`` as a date and ``2020`` as an int; both are
    accepted and turned into the canonical string. ``None`` or an empty value is refused:
    a fact without a date cannot be reviewed.
    """
    if isinstance(value, dt.date):
        value = value.isoformat()
    elif isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise StandError(f"{where}: missing 'stand' (YYYY-MM-DD, YYYY-MM or YYYY)")
    text = value.strip()
    match = _STAND.match(text)
    if not match:
        raise StandError(f"{where}: stand {text!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError as exc:
        raise StandError(f"{where}: stand {text!r} is not a calendar date") from exc
    return text


def stand_date(stand: str) -> dt.date:
    """The earliest day ``stand`` can mean ("2020" -> 2020-01-01), for age comparisons."""
    match = _STAND.match(stand)
    if not match:
        raise StandError(f"not a stand: {stand!r}")
    year, month, day = (int(g) if g else 1 for g in match.groups())
    return dt.date(year, month, day)


def stand_label(stand: str) -> str:
    """The citizen-facing date of ``stand``: "MM/JJJJ", or "JJJJ" when only the year is known.

    >>> stand_label("2026-02-07"), stand_label("2024-08"), stand_label("2020")
    ('02/2026', '08/2024', '2020')
    """
    match = _STAND.match(stand)
    if not match:
        raise StandError(f"not a stand: {stand!r}")
    year, month, _ = match.groups()
    return f"{month}/{year}" if month else year
