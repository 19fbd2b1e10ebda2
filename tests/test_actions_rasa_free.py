"""The action server image (rasa/rasa-sdk) has no Rasa: the actions must not import it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_actions_import_no_rasa_module() -> None:
    modules = sorted(p.stem for p in (ROOT / "actions").glob("*.py") if p.stem != "__init__")
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module('actions.' + name)\n"
        "print(sorted(m for m in sys.modules if m == 'rasa' or m.startswith('rasa.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
