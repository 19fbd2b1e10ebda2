"""Rasa's command line with the project's fixes to Rasa 3.6 applied.

    python -m bot.ops.rasa_cli run --model models ...   # instead of `rasa run ...`

Every place that starts a Rasa server or shell (``bot.launcher``, ``bot.ops.replicas``,
``deploy/``) goes through this module, so the fixes hold wherever the assistant runs.

Both fixes change speed only; what Rasa computes stays the same.

1. Rasa validates every action server response with ``jsonschema.validate``, which
   first checks the whole response *schema* against the JSON-Schema meta-schema, on
   every call. That costs about 19 ms per custom action on the machine used here,
   several times per form turn: more than the NLU and policy predictions together.
   The schema never changes, so it is checked once and its validator reused;
   responses are validated exactly as before (same errors, same message).
2. ``SQLTrackerStore`` finds the latest session start with a subquery in FROM.
   PostgreSQL then re-runs that aggregate for every event row of the conversation
   (a nested loop), so the query, run twice per message (loading the tracker and
   counting the stored events before saving), grows with the square of the
   conversation's length: 78 ms at 780 events. As a scalar subquery in WHERE the
   aggregate runs once (1.3 ms); the rows returned are the same.
"""

from __future__ import annotations

import functools
import sys
from typing import Any

import jsonschema
import sqlalchemy as sa
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import SessionStarted
from sqlalchemy.orm import Query, Session


@functools.lru_cache(maxsize=1)
def action_response_validator() -> Any:
    """The validator of Rasa's action server response format, built and checked once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(_action: RemoteAction, result: dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result`` with the cached validator."""
    error = best_match(action_response_validator().iter_errors(result))
    if error is None:
        return True
    # Same wording as Rasa's own method, so operators find the same log line.
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def event_query(
    store: SQLTrackerStore, session: Session, sender_id: str, fetch_events_from_all_sessions: bool
) -> Query:
    """``SQLTrackerStore._event_query`` with the session start as a scalar subquery."""
    event = store.SQLEvent
    query = session.query(event).filter(event.sender_id == sender_id)
    if not fetch_events_from_all_sessions:
        session_start = (
            session.query(sa.func.max(event.timestamp))
            .filter(event.sender_id == sender_id, event.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        # No session start yet: every event of the sender, as in Rasa's query.
        query = query.filter(sa.or_(event.timestamp >= session_start, session_start.is_(None)))
    return query.order_by(event.id)


def apply_fixes() -> None:
    """Install the fixes into the loaded Rasa classes (idempotent)."""
    RemoteAction._validate_action_result = validate_action_result
    SQLTrackerStore._event_query = event_query


def main() -> None:
    """Apply the fixes, then run Rasa's own command line with this process's arguments."""
    from rasa.__main__ import main as rasa_main

    apply_fixes()
    sys.argv[0] = "rasa"  # Rasa's help and error messages name the program
    rasa_main()


if __name__ == "__main__":
    main()
