"""Held-out evaluation for `make eval`: an independent test set, and the figures table.

``python -m bot.tooling.evaluation independent OUT.yml`` writes the held-out set without every
text that also occurs in the training data (case and punctuation ignored): short
messages such as "Hallo" are written the same way by anyone, and scoring them would
measure memory, not generalisation. ``python -m bot.tooling.evaluation report [results]``
reads the JSON reports of ``rasa test nlu`` and ``rasa test core`` and prints one
Markdown table, scoring the spaCy place entities itself.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

TRAINED_EXTRACTOR = "DIETClassifier"
PLACE_LABELS = ("gemeinde", "kreis")
HELDOUT = Path("tests/nlu/heldout.yml")
INDEPENDENT_HELDOUT = Path("results/heldout_independent.yml")
# Confirmation set: only its totals are read, never its errors (tests/nlu/README.md).
CONFIRMATION_RESULTS = "bestaetigung"
# English held-out set (issue 16), written blind like the German one; results/heldout_en/.
ENGLISH_RESULTS = "heldout_en"
TRAINING_DATA = Path("data/nlu")
NLP_DIR = Path("build/spacy_de")


def text_key(text: str) -> str:
    """A text as compared with the training data: lower case, punctuation ignored."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def training_keys(training: Path = TRAINING_DATA) -> set[str]:
    """The keys (:func:`text_key`) of every training example's text."""
    from rasa.shared.nlu.training_data.loading import load_data

    return {text_key(e.get("text")) for e in load_data(str(training)).training_examples}


def write_independent_heldout(
    heldout: Path = HELDOUT, training: Path = TRAINING_DATA, out: Path = INDEPENDENT_HELDOUT
) -> tuple[int, int]:
    """Write the held-out examples whose text is not in the training data; (kept, dropped).

    Also dropped: examples labelled ``andere_sprache`` that are written in a language the
    assistant now speaks. The German sets were written when every English message was
    "another language"; since issue 16 English is understood, such a label is wrong by
    definition, and English is scored by its own set (tests/nlu/heldout_en.yml).
    """
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.knowledge.languages import load_sprachen
    from bot.nlp.language import detect

    seen = training_keys(training)
    spoken = set(load_sprachen().codes)
    examples = load_data(str(heldout)).training_examples
    kept = [
        e
        for e in examples
        if text_key(e.get("text")) not in seen
        and not (e.get("intent") == "andere_sprache" and detect(e.get("text")) in spoken)
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(RasaYAMLWriter().dumps(TrainingData(training_examples=kept)), encoding="utf-8")
    return len(kept), len(examples) - len(kept)


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
    confirmation = results / CONFIRMATION_RESULTS / "intent_report.json"
    if confirmation.exists():
        report = _read(confirmation)
        out["Intent macro-F1 (confirmation set)"] = _f1(report, "macro avg")
        out["out_of_scope F1 (confirmation set)"] = _f1(report, "out_of_scope")
    english = results / ENGLISH_RESULTS / "intent_report.json"
    if english.exists():
        report = _read(english)
        out["Intent macro-F1 (English held-out)"] = _f1(report, "macro avg")
        out["andere_sprache F1 (English held-out)"] = _f1(report, "andere_sprache")
    english_selector = results / ENGLISH_RESULTS / "response_selection_report.json"
    if english_selector.exists():
        out["FAQ/small-talk response macro-F1 (English)"] = _f1(_read(english_selector), "macro avg")
    places = heldout / "places_report.json"
    if places.exists():
        report = _read(places)
        for label in PLACE_LABELS:
            out[f"Entity F1 {label} (spaCy ruler)"] = _f1(report, label)
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


def place_entity_report(heldout: Path = INDEPENDENT_HELDOUT, nlp_dir: Path = NLP_DIR) -> dict[str, Any]:
    """Span-exact precision/recall/F1 of the spaCy place entities on the held-out set.

    ``rasa test nlu`` leaves pretrained extractors such as SpacyEntityExtractor out of
    its entity evaluation, so the place names are scored here: the same spaCy pipeline
    followed by the same plausibility rule as the NLU's EntityCleanup step.
    """
    import spacy
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.nlp.entities import plausible_place

    nlp = spacy.load(nlp_dir, disable=["parser"])
    counts = {label: {"tp": 0, "fp": 0, "fn": 0} for label in PLACE_LABELS}
    for example in load_data(str(heldout)).training_examples:
        text = example.get("text")
        gold = {
            (e["start"], e["end"], e["entity"])
            for e in example.get("entities") or []
            if e["entity"] in PLACE_LABELS
        }
        predicted = {
            (ent.start_char, ent.end_char, ent.label_)
            for ent in nlp(text).ents
            if ent.label_ != "gemeinde" or plausible_place(text, ent.start_char, ent.end_char)
        }
        for label in PLACE_LABELS:
            g = {x for x in gold if x[2] == label}
            p = {x for x in predicted if x[2] == label}
            counts[label]["tp"] += len(g & p)
            counts[label]["fp"] += len(p - g)
            counts[label]["fn"] += len(g - p)
    report: dict[str, Any] = {}
    for label, c in counts.items():
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        report[label] = {
            "precision": precision,
            "recall": recall,
            "f1-score": f1,
            "support": c["tp"] + c["fn"],
            **c,
        }
    return report


FALLBACK = "nlu_fallback"
THRESHOLDS = (0.3, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8)


def fallback_sweep(
    predictions: list[tuple[str, list[tuple[str, float]]]],
    thresholds: tuple[float, ...] = THRESHOLDS,
    ambiguity: float = 0.08,
) -> list[dict[str, float]]:
    """Score FallbackClassifier thresholds on (gold intent, ranking without fallback) pairs.

    Per threshold: the share of messages sent to the fallback, the accuracy of the
    answered ones (a wrong confident answer is worse than asking back), and overall
    accuracy counting a fallback as a miss.
    """
    rows = []
    for threshold in thresholds:
        answered = correct = 0
        for gold, ranking in predictions:
            top, confidence = ranking[0]
            second = ranking[1][1] if len(ranking) > 1 else 0.0
            if confidence < threshold or confidence - second < ambiguity:
                continue
            answered += 1
            correct += top == gold
        total = len(predictions) or 1
        rows.append(
            {
                "threshold": threshold,
                "fallback_rate": 1 - answered / total,
                "answered_accuracy": correct / answered if answered else 0.0,
                "accuracy": correct / total,
            }
        )
    return rows


async def _rankings(model: Path, heldout: Path) -> list[tuple[str, list[tuple[str, float]]]]:
    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data

    agent = Agent.load(model_path=str(model))
    out = []
    for example in load_data(str(heldout)).training_examples:
        parsed = await agent.parse_message(example.get("text"))
        ranking = [
            (i["name"], float(i["confidence"])) for i in parsed["intent_ranking"] if i["name"] != FALLBACK
        ]
        out.append((example.get("intent"), ranking))
    return out


def main(argv: list[str]) -> int:
    """``independent OUT [SET]`` writes the independent set; ``report [results]`` prints the table."""
    if argv[:1] == ["independent"]:
        out = Path(argv[1]) if len(argv) > 1 else INDEPENDENT_HELDOUT
        kept, dropped = write_independent_heldout(Path(argv[2]) if len(argv) > 2 else HELDOUT, out=out)
        print(
            f"Held-out examples kept: {kept}; dropped because the same text is in the training data"
            f" (or an English text is labelled andere_sprache): {dropped}"
        )
        return 0
    if argv[:1] == ["threshold"]:
        import asyncio

        rows = fallback_sweep(asyncio.run(_rankings(Path("models/hessen.tar.gz"), INDEPENDENT_HELDOUT)))
        print(
            "| threshold | fallback rate | accuracy of answered | accuracy (fallback = miss) |\n|---|---|---|---|"
        )
        for r in rows:
            print(
                f"| {r['threshold']:.2f} | {r['fallback_rate']:.3f} | {r['answered_accuracy']:.3f} | {r['accuracy']:.3f} |"
            )
        return 0
    results = Path(argv[1] if len(argv) > 1 else "results")
    if NLP_DIR.exists() and INDEPENDENT_HELDOUT.exists():
        (results / "heldout").mkdir(parents=True, exist_ok=True)
        report = place_entity_report()
        (results / "heldout" / "places_report.json").write_text(
            json.dumps(report, indent=2), encoding="utf-8"
        )
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
