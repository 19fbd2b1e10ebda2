"""Shared set-up for the channel tests."""

from __future__ import annotations

import sys
from pathlib import Path

# `.venv/bin/pytest tests/channels` must find the `bot` package without an
# installed project or a pytest `pythonpath` setting.
_REPO_ROOT = str(Path(__file__).resolve().parents[2])
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)
