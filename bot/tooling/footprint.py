"""Footprint of one assistant: start-up, Rasa's memory and the per-turn latency (`make footprint`).

    python -m bot.tooling.footprint [--model models/hessen.tar.gz] [--rounds 5]

Starts the action server and one Rasa server on the trained model (the same stack as
`make eval`, SQLite tracker store in a temporary directory), measures the time until Rasa
answers, then plays a fixed mix of German and English messages one at a time (each round a
new conversation) and reports: Rasa's resident memory after loading and after the messages
(the process listening on Rasa's port, from /proc), and the latency per turn over the REST
channel, p50 / p95 / max. A benchmark, not a test: nothing is asserted (README, "Figures").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from bot.tooling.bench import pid_listening_on, rss_kib
from bot.tooling.e2e_eval import DEFAULT_MODEL, RestClient, client_session, local_stack

# Everyday turns of both languages: a certificate with a place, a follow-up, a service,
# a catalogue service, an FAQ, a life event, small talk.
MESSAGES = (
    "Geburtsurkunde Kassel",
    "und eine Sterbeurkunde?",
    "Kann ich Wohngeld online beantragen?",
    "Wie melde ich meinen Hund an?",
    "Was ist die BundID?",
    "Wir bekommen ein Baby",
    "How can I get a copy of my birth certificate? I was born in Gießen.",
    "Can I apply for housing benefit online?",
    "What is the BundID?",
    "Danke",
)


async def _play(base_url: str, rounds: int) -> list[float]:
    """Latency in ms of every turn of ``rounds`` conversations over the REST channel."""
    timings: list[float] = []
    async with client_session(timeout_s=60, concurrency=1) as session:
        client = RestClient(session, base_url)
        for _ in range(rounds):
            sender = f"footprint-{uuid.uuid4().hex}"
            for message in MESSAGES:
                started = time.perf_counter()
                await client.say(sender, message, {})
                timings.append((time.perf_counter() - started) * 1000)
    return timings


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(model: Path, rounds: int) -> dict[str, float | int | None]:
    """Start the stack on ``model``, play ``rounds`` conversations, return the figures."""
    started = time.monotonic()
    with local_stack(model) as base_url:
        ready_s = time.monotonic() - started
        port = int(base_url.rsplit(":", 1)[1])
        pid = pid_listening_on(port)
        rss_loaded = rss_kib(pid) if pid else None
        # One warm-up conversation: the first messages load lazily built parts.
        asyncio.run(_play(base_url, 1))
        timings = asyncio.run(_play(base_url, rounds))
        rss_after = rss_kib(pid) if pid else None
    mib = 1024
    return {
        "start_until_ready_s": round(ready_s, 1),
        "rasa_rss_loaded_mib": round(rss_loaded / mib) if rss_loaded else None,
        "rasa_rss_after_turns_mib": round(rss_after / mib) if rss_after else None,
        "turns": len(timings),
        "turn_latency_p50_ms": round(statistics.median(timings), 1),
        "turn_latency_p95_ms": round(_percentile(timings, 0.95), 1),
        "turn_latency_max_ms": round(max(timings), 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Print the footprint of the model as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bot.tooling.footprint", description=__doc__)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--rounds", type=int, default=5, help="conversations of all messages to time")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.model, args.rounds), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
