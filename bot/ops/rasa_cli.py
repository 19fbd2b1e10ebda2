"""Rasa's command line with the project's patches (``bot.ops.rasa_patches``) installed.

    python -m bot.ops.rasa_cli run --model models ...   # instead of `rasa run ...`

The command lines of every Rasa server and shell are built by ``bot.ops.processes``.
It refuses to start, with the reason, when the installed Rasa does not fit the patches,
and prints one line that they are active (Rasa configures logging only after reading
its arguments, so the line goes to stderr directly).
``rasa_cli run actions`` starts the hardened action server of ``bot.ops.action_server``.
"""

from __future__ import annotations

import sys

from bot.ops.action_server import harden_action_server
from bot.ops.rasa_patches import RasaPatchError, apply_patches


def main() -> None:
    """Install the patches, then run Rasa's own command line with this process's arguments."""
    from rasa.__main__ import main as rasa_main

    try:
        line = apply_patches()
    except RasaPatchError as error:
        sys.exit(f"Rasa not started: {error}")
    print(line, file=sys.stderr, flush=True)
    if sys.argv[1:3] == ["run", "actions"]:
        harden_action_server()
    sys.argv[0] = "rasa"  # Rasa's help and error messages name the program
    rasa_main()


if __name__ == "__main__":
    main()
