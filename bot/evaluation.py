"""Summarise Rasa's evaluation reports into the figures the README tracks (`make eval`).

Reads the JSON reports that ``rasa test nlu`` (held-out set) and ``rasa test core``
(conversation tests) wrote into ``results/`` and prints one Markdown table.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

PLACE_EXTRACTOR = "SpacyEntityExtractor"
TRAINED_EXTRACTOR = "DIETClassifier"


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _f1(report: dict[str, Any], label: str) -> float | None:
    entry = report.get(label)
    return float(entry["f1-score"]) if isinstance(entry, dict) and "f1-score" in entry else None


def figures(results: Path) -> dict[str, float | None]:
    """The tracked figures from the reports under ``results`` (None where a report is missing)."""
    heldout = results / "heldout"
    out: dict[str, float | None] = {}
    intents = heldout / "intent_report.json"
    if intents.exists():
        report = _read(intents)
        out["Intent macro-F1 (held-out)"] = _f1(report, "macro avg")
        out["out_of_scope F1"] = _f1(report, "out_of_scope")
        out["andere_sprache F1"] = _f1(report, "andere_sprache")
    places = heldout / f"{PLACE_EXTRACTOR}_report.json"
    if places.exists():
        report = _read(places)
        out["Entity F1 gemeinde (spaCy ruler)"] = _f1(report, "gemeinde")
        out["Entity F1 kreis (spaCy ruler)"] = _f1(report, "kreis")
    trained = heldout / f"{TRAINED_EXTRACTOR}_report.json"
    if trained.exists():
        report = _read(trained)
        out["Entity F1 urkundenart (DIET)"] = _f1(report, "urkundenart")
        out["Entity F1 leistung (DIET)"] = _f1(report, "leistung")
    selector = heldout / "response_selection_report.json"
    if selector.exists():
        out["FAQ/small-talk response macro-F1"] = _f1(_read(selector), "macro avg")
    stories = results / "stories" / "story_report.json"
    if stories.exists():
        out["Conversation tests: action macro-F1"] = _f1(_read(stories), "macro avg")
    failed = results / "stories" / "failed_test_stories.yml"
    if failed.exists():
        text = failed.read_text(encoding="utf-8")
        out["Conversation tests failed"] = float(text.count("- story:"))
    return out


def main(argv: list[str]) -> int:
    """Print the table for ``argv[0]`` (default ``results``); exit 1 if nothing was found."""
    results = Path(argv[0] if argv else "results")
    table = figures(results)
    if not table:
        print(f"No reports found under {results}/ (run `make eval`).")
        return 1
    print(f"| Figure ({date.today().isoformat()}) | Value |\n|---|---|")
    for name, value in table.items():
        shown = "n/a" if value is None else (f"{value:.0f}" if name.endswith("failed") else f"{value:.3f}")
        print(f"| {name} | {shown} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
