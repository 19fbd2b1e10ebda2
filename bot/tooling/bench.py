"""Load benchmark for the Rasa REST channel with realistic German conversations.

    python -m bot.tooling.bench                        # against http://127.0.0.1:5005
    python -m bot.tooling.bench --webhook-url http://127.0.0.1:8080/... --pid 1234
    python -m bot.tooling.bench --compare-replicas     # 1 vs 2 replicas, own stack

Phases: (1) sequential latency, (2) human-paced concurrent conversations,
(3) stress without pauses. Everything is bounded in count and time, loopback
only, and stops by itself. Results are printed as a markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import sqlalchemy as sa

from bot.ops.processes import ServerProcess, free_port, start_all
from bot.tooling.replicas import (
    REST_WEBHOOK,
    ReplicaStack,
    create_temp_postgres_db,
    drop_postgres_db,
)

# Multi-turn conversations along the project's flows.
FLOWS: list[list[str]] = [
    ["Hallo", "Ich brauche eine Geburtsurkunde", "Marburg", "Danke", "Tschüss"],
    [
        "Guten Tag",
        "Kann ich Wohngeld online beantragen?",
        "Kann ich meinen Personalausweis online beantragen?",
        "Vielen Dank",
    ],
    [
        "Hallo",
        "Was ist das Servicekonto Hessen?",
        "Was ist die BundID?",
        "Wie registriere ich mich bei der BundID?",
        "Tschüss",
    ],
    [
        "Moin",
        "Wie hoch ist die IKZ-Förderung für drei Kommunen?",
        "Danke schön",
        "Auf Wiedersehen",
    ],
    ["Hallo", "Sterbeurkunde für meinen Vater beantragen", "Kassel", "Danke"],
]
KOMMUNEN = ["06534014", "06611000", "06412000", "06414000"]
REQUEST_TIMEOUT_S = 60.0
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S, connect=5)


@dataclass
class PhaseResult:
    """Measurements of one benchmark phase."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    wall_seconds: float = 0.0
    senders: dict[str, int] = field(default_factory=dict)  # sender -> ok messages
    rss_start_kib: int | None = None
    rss_peak_kib: int | None = None
    lost_events: int | None = None

    @property
    def sent(self) -> int:
        """Number of messages attempted."""
        return len(self.latencies) + self.errors

    def percentile(self, q: float) -> float:
        """Return the latency percentile ``q`` (0-100) in milliseconds."""
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0] * 1000
        cuts = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return cuts[int(q) - 1] * 1000


@dataclass
class Target:
    """Where to send messages and which processes to watch."""

    webhook_url: str
    pids: list[int]
    db_url: str | None


# --- process memory -------------------------------------------------------


def rss_kib(pid: int) -> int | None:
    """Return the resident set size of ``pid`` in KiB (from /proc), or None."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def pid_listening_on(port: int) -> int | None:
    """Find the pid of the process listening on a local TCP port via /proc."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            local, state, inode = cols[1], cols[3], cols[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{inode}]")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                if os.readlink(fd) in inodes:
                    return int(proc.name)
        except OSError:
            continue
    return None


def total_rss(pids: Sequence[int]) -> int | None:
    """Sum of RSS over the watched processes (None if none is readable)."""
    values = [v for v in (rss_kib(pid) for pid in pids) if v is not None]
    return sum(values) if values else None


async def watch_memory(pids: Sequence[int], result: PhaseResult) -> None:
    """Sample RSS every 0.5 s until cancelled; keep the peak."""
    while True:
        current = total_rss(pids)
        if current is not None:
            result.rss_peak_kib = max(result.rss_peak_kib or 0, current)
        await asyncio.sleep(0.5)


# --- traffic ----------------------------------------------------------------


async def post_message(
    session: aiohttp.ClientSession,
    url: str,
    sender: str,
    text: str,
    result: PhaseResult,
    kommune: str,
) -> None:
    """Send one message and record latency or error."""
    payload = {"sender": sender, "message": text, "metadata": {"kommune": kommune}}
    started = time.perf_counter()
    try:
        async with session.post(url, json=payload) as response:
            body = await response.json(content_type=None)
            ok = response.status == 200 and isinstance(body, list)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        ok = False
    if ok:
        result.latencies.append(time.perf_counter() - started)
        result.senders[sender] = result.senders.get(sender, 0) + 1
    else:
        result.errors += 1


async def conversation(
    session: aiohttp.ClientSession,
    url: str,
    result: PhaseResult,
    rng: random.Random,
    deadline: float,
    pause: tuple[float, float] | None,
    max_messages: int,
    one_sender: bool = False,
) -> None:
    """One simulated user: ``max_messages`` messages or until the deadline.

    Each flow is one citizen's conversation with its own sender id; the next flow
    starts a new one, as the next citizen would. (Replaying the flows within one
    sender measures a 100-turn conversation instead; `--one-sender` keeps that
    pattern for comparison.)
    """
    sent = 0
    while sent < max_messages:
        sender = f"bench-{uuid.uuid4().hex}"
        kommune = rng.choice(KOMMUNEN)
        flow = rng.choice(FLOWS)
        for text in flow if not one_sender else itertools.cycle(flow):
            if sent >= max_messages or time.monotonic() >= deadline:
                return
            await post_message(session, url, sender, text, result, kommune)
            sent += 1
            if pause:
                await asyncio.sleep(rng.uniform(*pause))


async def run_phase(
    name: str,
    target: Target,
    conversations: int,
    messages_each: int,
    pause: tuple[float, float] | None,
    max_seconds: float,
    seed: int,
    one_sender: bool = False,
) -> PhaseResult:
    """Run ``conversations`` concurrent conversations and collect results."""
    result = PhaseResult(name)
    result.rss_start_kib = total_rss(target.pids)
    rng = random.Random(seed)
    connector = aiohttp.TCPConnector(limit=conversations + 5)
    watcher = asyncio.create_task(watch_memory(target.pids, result))
    started = time.monotonic()
    deadline = started + max_seconds
    async with aiohttp.ClientSession(timeout=REQUEST_TIMEOUT, connector=connector) as session:
        tasks = [
            conversation(
                session, target.webhook_url, result, random.Random(rng.random()),
                deadline, pause, messages_each, one_sender,
            )
            for _ in range(conversations)
        ]  # fmt: skip
        # Hard bound: in-flight requests get REQUEST_TIMEOUT past the deadline.
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=max_seconds + REQUEST_TIMEOUT_S + 5)
    result.wall_seconds = time.monotonic() - started
    watcher.cancel()
    if target.db_url:
        result.lost_events = lost_user_events(target.db_url, result.senders)
    return result


def lost_user_events(db_url: str, sent: dict[str, int]) -> int:
    """Messages answered with 200 minus user events stored for those senders.

    Negative values would mean duplicated events.
    """
    events = sa.table("events", sa.column("sender_id"), sa.column("type_name"))
    engine = sa.create_engine(db_url, future=True)
    stored = 0
    senders = list(sent)
    try:
        with engine.connect() as conn:
            for start in range(0, len(senders), 500):
                chunk = senders[start : start + 500]
                stored += conn.execute(
                    sa.select(sa.func.count())
                    .select_from(events)
                    .where(events.c.sender_id.in_(chunk))
                    .where(events.c.type_name == "user")
                ).scalar_one()
    finally:
        engine.dispose()
    return sum(sent.values()) - int(stored)


async def benchmark(target: Target, args: argparse.Namespace) -> list[PhaseResult]:
    """Run the three phases one after another against ``target``."""
    # Sequential: one conversation at a time, flows back to back.
    sequential = await run_phase(
        "sequential", target, conversations=1,
        messages_each=args.sequential_messages, pause=None,
        max_seconds=args.max_phase_seconds, seed=1, one_sender=args.one_sender,
    )  # fmt: skip
    paced = await run_phase(
        f"{args.paced_conversations} paced", target,
        conversations=args.paced_conversations, messages_each=1000,
        pause=(2.0, 5.0), max_seconds=args.paced_seconds, seed=2,
        one_sender=args.one_sender,
    )  # fmt: skip
    stress = await run_phase(
        f"{args.stress_conversations} stress", target,
        conversations=args.stress_conversations,
        messages_each=args.stress_messages, pause=None,
        max_seconds=args.max_phase_seconds, seed=3, one_sender=args.one_sender,
    )  # fmt: skip
    return [sequential, paced, stress]


# --- reporting --------------------------------------------------------------


def _mib(kib: int | None) -> str:
    return "n/a" if kib is None else f"{kib / 1024:.0f}"


def result_rows(result: PhaseResult) -> dict[str, str]:
    """Format one phase as {metric: value}."""
    throughput = len(result.latencies) / result.wall_seconds if result.wall_seconds else 0
    return {
        "messages sent": str(result.sent),
        "errors": str(result.errors),
        "p50 ms": f"{result.percentile(50):.0f}",
        "p95 ms": f"{result.percentile(95):.0f}",
        "p99 ms": f"{result.percentile(99):.0f}",
        "throughput msg/s": f"{throughput:.1f}",
        "lost user events": "n/a" if result.lost_events is None else str(result.lost_events),
        "RSS start MiB": _mib(result.rss_start_kib),
        "RSS peak MiB": _mib(result.rss_peak_kib),
    }


def markdown_table(columns: dict[str, list[PhaseResult]]) -> str:
    """Side-by-side markdown table: one column per (setup, phase)."""
    headers = [f"{setup}: {phase.name}" for setup, phases in columns.items() for phase in phases]
    cells = [result_rows(p) for phases in columns.values() for p in phases]
    lines = [
        "| metric | " + " | ".join(headers) + " |",
        "|---|" + "---:|" * len(headers),
    ]
    for metric in cells[0]:
        lines.append(f"| {metric} | " + " | ".join(c[metric] for c in cells) + " |")
    return "\n".join(lines)


# --- setups -------------------------------------------------------------------


def _start_proxy(upstreams: list[str], work: Path) -> ServerProcess:
    port = free_port()
    command = [sys.executable, "-m", "bot.tooling.proxy", "--port", str(port)]
    for upstream in upstreams:
        command += ["--upstream", upstream]
    # "/" is forwarded to a replica (Rasa's health page): ready means the whole path works.
    proxy = ServerProcess("proxy", command, port, "/", work / "proxy.log")
    start_all([proxy], timeout=20)
    return proxy


def compare_replicas(args: argparse.Namespace) -> str:
    """Start own stack; benchmark 1 replica directly, then 2 behind the proxy."""
    project = Path(args.project_dir).resolve()
    db_url = create_temp_postgres_db(args.postgres_admin_url, prefix="bench")
    prefix = "bench" + uuid.uuid4().hex[:8]
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    columns: dict[str, list[PhaseResult]] = {}
    try:
        with ReplicaStack(
            project_dir=project, work_dir=work, tracker_store_url=db_url,
            lock_store_url=args.redis_url, lock_key_prefix=prefix, replicas=2,
        ) as stack:  # fmt: skip
            first, second = stack.rasa
            one = Target(first.base_url + REST_WEBHOOK, [first.pid or 0], db_url)
            columns["1 replica"] = asyncio.run(benchmark(one, args))
            proxy = _start_proxy([first.base_url, second.base_url], work)
            try:
                pids = [first.pid or 0, second.pid or 0]
                two = Target(proxy.base_url + REST_WEBHOOK, pids, db_url)
                columns["2 replicas"] = asyncio.run(benchmark(two, args))
            finally:
                proxy.stop()
    finally:
        drop_postgres_db(db_url, args.postgres_admin_url)
    return markdown_table(columns)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.tooling.bench", description=__doc__)
    parser.add_argument(
        "--webhook-url", default=f"http://127.0.0.1:5005{REST_WEBHOOK}",
        help="REST webhook (or gateway URL with the same request format)",
    )  # fmt: skip
    parser.add_argument("--pid", type=int, action="append", help="process(es) to watch")
    parser.add_argument("--db-url", default=os.environ.get("TRACKER_STORE_URL"))
    parser.add_argument("--sequential-messages", type=int, default=100)
    parser.add_argument("--paced-conversations", type=int, default=20)
    parser.add_argument("--paced-seconds", type=float, default=60)
    parser.add_argument("--stress-conversations", type=int, default=50)
    parser.add_argument("--stress-messages", type=int, default=5)
    parser.add_argument("--max-phase-seconds", type=float, default=180)
    parser.add_argument("--compare-replicas", action="store_true")
    parser.add_argument(
        "--one-sender", action="store_true",
        help="each simulated user repeats its flow in one ever longer conversation",
    )  # fmt: skip
    parser.add_argument("--project-dir", default=".")
    parser.add_argument("--postgres-admin-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print a markdown table."""
    args = _parser().parse_args(argv)
    if args.compare_replicas:
        print(compare_replicas(args))
        return 0
    url = args.webhook_url
    pids = args.pid or []
    if not pids:
        from urllib.parse import urlsplit

        pid = pid_listening_on(urlsplit(url).port or 80)
        pids = [pid] if pid else []
    db_url = args.db_url if args.db_url and "://" in args.db_url else None
    if db_url and db_url.startswith("sqlite:///") and not Path(db_url[10:]).exists():
        db_url = None
    results = asyncio.run(benchmark(Target(url, pids, db_url), args))
    print(markdown_table({"1 server": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
