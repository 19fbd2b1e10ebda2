"""The load benchmark's traffic model (no server needed)."""

from __future__ import annotations

import asyncio
import random
import time
from collections import defaultdict

import pytest

from bot.tooling import bench


def _replay(monkeypatch: pytest.MonkeyPatch, max_messages: int, one_sender: bool) -> list[tuple[str, str]]:
    sent: list[tuple[str, str]] = []

    async def fake_post(session, url, sender, text, result, kommune):  # type: ignore[no-untyped-def]
        sent.append((sender, text))

    monkeypatch.setattr(bench, "post_message", fake_post)
    asyncio.run(
        bench.conversation(
            None, "http://127.0.0.1:1", bench.PhaseResult("t"), random.Random(7),  # type: ignore[arg-type]
            time.monotonic() + 60, None, max_messages, one_sender,
        )
    )  # fmt: skip
    return sent


def test_each_flow_is_one_new_conversation(monkeypatch: pytest.MonkeyPatch) -> None:
    sent = _replay(monkeypatch, max_messages=40, one_sender=False)
    assert len(sent) == 40
    by_sender: dict[str, list[str]] = defaultdict(list)
    for sender, text in sent:
        by_sender[sender].append(text)
    assert len(by_sender) >= 40 // max(len(f) for f in bench.FLOWS)
    *complete, last = by_sender.values()
    for texts in complete:
        assert texts in bench.FLOWS  # a whole flow, from its first message
    assert any(flow[: len(last)] == last for flow in bench.FLOWS)


def test_one_sender_repeats_its_flow(monkeypatch: pytest.MonkeyPatch) -> None:
    sent = _replay(monkeypatch, max_messages=23, one_sender=True)
    assert len(sent) == 23
    assert len({sender for sender, _ in sent}) == 1
    texts = [text for _, text in sent]
    flow = next(f for f in bench.FLOWS if texts[: len(f)] == f)
    assert texts == [flow[i % len(flow)] for i in range(23)]


def test_percentiles() -> None:
    result = bench.PhaseResult("t", latencies=[i / 1000 for i in range(1, 101)])
    assert result.percentile(50) == pytest.approx(50.5)
    assert result.percentile(95) == pytest.approx(95.05)
