"""The evaluation helpers of `make eval` (pure parts)."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.tooling.evaluation import fallback_sweep, write_independent_heldout


def test_fallback_sweep_trades_answers_for_accuracy() -> None:
    predictions = [
        ("greet", [("greet", 0.95), ("goodbye", 0.02)]),
        ("faq", [("faq", 0.60), ("chitchat", 0.30)]),
        ("out_of_scope", [("faq", 0.45), ("out_of_scope", 0.40)]),
        ("deny", [("affirm", 0.52), ("deny", 0.48)]),
    ]
    low, high = fallback_sweep(predictions, thresholds=(0.3, 0.7))
    assert low["fallback_rate"] == 0.5  # the last two are too close to call (ambiguity)
    assert low["answered_accuracy"] == 1.0
    assert high["fallback_rate"] == 0.75 and high["accuracy"] == 0.25


def test_independent_heldout_drops_texts_seen_in_training(tmp_path: Path) -> None:
    training = tmp_path / "train.yml"
    heldout = tmp_path / "heldout.yml"
    training.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - Hallo!\n    - Moin\n')
    heldout.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hallo\n    - Gude wie\n')
    out = tmp_path / "independent.yml"
    assert write_independent_heldout(heldout, training, out) == (1, 1)
    kept = yaml.safe_load(out.read_text())["nlu"][0]["examples"]
    assert "Gude wie" in kept and "hallo" not in kept


def test_figures_report_both_held_out_sets(tmp_path: Path) -> None:
    import json

    from bot.tooling.evaluation import figures

    def report(macro: float, oos: float) -> str:
        return json.dumps({"macro avg": {"f1-score": macro}, "out_of_scope": {"f1-score": oos}})

    (tmp_path / "heldout").mkdir()
    (tmp_path / "heldout" / "intent_report.json").write_text(report(0.96, 0.97))
    table = figures(tmp_path)
    assert table["Intent macro-F1 (held-out)"] == 0.96
    assert "Intent macro-F1 (confirmation set)" not in table
    (tmp_path / "bestaetigung").mkdir()
    (tmp_path / "bestaetigung" / "intent_report.json").write_text(report(0.91, 0.88))
    table = figures(tmp_path)
    assert table["Intent macro-F1 (confirmation set)"] == 0.91
    assert table["out_of_scope F1 (confirmation set)"] == 0.88
    assert table["out_of_scope F1"] == 0.97
