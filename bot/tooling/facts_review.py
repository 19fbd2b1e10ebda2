"""Review list for the editorial team: facts and services whose `stand` is old or missing.

    python -m bot.tooling.facts_review            # `make facts`; today, 12 months
    python -m bot.tooling.facts_review --months 6 --today 2026-11-29

Reads data/knowledge/fakten.yml and leistungen.yml *raw* (not through the loaders, which
refuse a missing stand), so a broken entry is reported instead of stopping the report.
Prints every entry whose stand is older than ``--months`` months, missing or malformed,
with its sources. A report, not a check: the exit code is 0 whatever it finds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.knowledge.sources import KNOWLEDGE_DIR, read_yaml
from bot.knowledge.stand import StandError, parse_stand, stand_date

__all__ = ["Finding", "main", "review"]


@dataclass(frozen=True)
class Finding:
    """One entry an editor should look at."""

    file: str
    id: str
    stand: str | None
    problem: str
    sources: tuple[str, ...]


def _months_before(today: dt.date, months: int) -> dt.date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    # The same day of the month, or the month's last day (31 March - 1 month -> 28/29 Feb).
    day = today.day
    while True:
        try:
            return dt.date(year, month + 1, day)
        except ValueError:
            day -= 1


def _entries(path: Path, key: str) -> list[dict[str, Any]]:
    entries = read_yaml(path).get(key) or []
    return [e for e in entries if isinstance(e, dict)]


def review(
    knowledge_dir: Path = KNOWLEDGE_DIR, today: dt.date | None = None, months: int = 12
) -> list[Finding]:
    """Every fact and service whose stand is older than ``months`` months before ``today``.

    Missing or malformed stands are findings too. Sorted oldest first, missing ones first.
    """
    cutoff = _months_before(today or dt.date.today(), months)
    findings: list[tuple[dt.date, Finding]] = []
    for filename, key in (("fakten.yml", "fakten"), ("leistungen.yml", "leistungen")):
        for entry in _entries(knowledge_dir / filename, key):
            entry_id = str(entry.get("id", "?"))
            sources = tuple(str(s) for s in entry.get("sources") or ())
            try:
                stand = parse_stand(entry.get("stand"), f"{filename}: {entry_id}")
            except StandError as exc:
                raw = entry.get("stand")
                problem = "stand fehlt" if raw in (None, "") else f"stand ungültig ({exc})"
                findings.append(
                    (
                        dt.date.min,
                        Finding(filename, entry_id, None if raw is None else str(raw), problem, sources),
                    )
                )
                continue
            # A stand of "2025" or "2025-03" counts from its first day: the oldest it can mean.
            if stand_date(stand) < cutoff:
                findings.append(
                    (
                        stand_date(stand),
                        Finding(filename, entry_id, stand, f"älter als {months} Monate", sources),
                    )
                )
    return [finding for _, finding in sorted(findings, key=lambda pair: (pair[0], pair[1].file, pair[1].id))]


def main(argv: list[str] | None = None) -> int:
    """Print the review list; always exit 0 (it is a report for editors)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=12, help="older than this many months (default 12)")
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, default=None, help="reference date (YYYY-MM-DD)"
    )
    args = parser.parse_args(argv)
    today = args.today or dt.date.today()
    findings = review(today=today, months=args.months)
    print(
        f"Fakten und Leistungen mit stand vor {_months_before(today, args.months).isoformat()} oder ohne stand: {len(findings)}"
    )
    for finding in findings:
        print(f"\n{finding.file}: {finding.id} — stand {finding.stand or '–'} ({finding.problem})")
        for url in finding.sources or ("(keine Quelle)",):
            print(f"    {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
