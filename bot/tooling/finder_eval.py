"""Score the service finder on query sets: top-1 and top-3 per part, plus the confidence gate.

Usage::

    python -m bot.tooling.finder_eval                      # tests/finder/*.yml, totals only
    python -m bot.tooling.finder_eval tests/finder_dev.yml --misses   # development set, with misses
    python -m bot.tooling.finder_eval --misses             # both parts; misses of tuning.yml only

A query file holds ``queries: [{id, text, expect: [substring, ...]}]``; a hit counts when one
``expect`` string is a case-insensitive substring of the hit's official name. Optional
``negatives: [text, ...]`` (development set only) are questions the out-of-scope path must
not answer. Misses are printed for the development set and for the independent part
``tests/finder/tuning.yml`` (the team may read it), never for any other file in
``tests/finder/`` (``untuned.yml`` is scored blind: totals only).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.knowledge.catalogue import Hit, load_catalogue
from bot.knowledge.finder import is_confident

REPO_ROOT = Path(__file__).resolve().parents[2]
INDEPENDENT_DIR = REPO_ROOT / "tests" / "finder"
# The one independent part whose misses may be read while tuning.
READABLE_INDEPENDENT = frozenset({"tuning.yml"})


def misses_allowed(path: Path) -> bool:
    """True if the misses of this query file may be printed (never for ``untuned.yml``)."""
    resolved = path.resolve()
    return INDEPENDENT_DIR not in resolved.parents or (
        resolved.parent == INDEPENDENT_DIR and resolved.name in READABLE_INDEPENDENT
    )


@dataclass(frozen=True)
class PartScore:
    """Figures for one query file."""

    part: str
    queries: int
    top1: int
    top3: int
    confident: int
    confident_correct: int
    negatives: int
    negatives_confident: int
    # Queries whose expected strings occur in no service name of the catalogue: no finder
    # can get them right, so they are counted apart (the test files are not edited).
    unsatisfiable: int = 0

    def line(self) -> str:
        """One human-readable line."""
        pct = lambda n, d: f"{100 * n / d:5.1f} %" if d else "   - "  # noqa: E731
        text = (
            f"{self.part}: {self.queries} queries, top-1 {self.top1} ({pct(self.top1, self.queries)}), "
            f"top-3 {self.top3} ({pct(self.top3, self.queries)}), confident {self.confident} "
            f"(of them correct {pct(self.confident_correct, self.confident)})"
        )
        if self.negatives:
            text += f"; negatives answered {self.negatives_confident}/{self.negatives}"
        if self.unsatisfiable:
            text += f"; unsatisfiable by the catalogue {self.unsatisfiable}"
        return text


def _matches(hit: Hit, expect: list[str]) -> bool:
    name = hit.service.name.casefold()
    return any(str(e).casefold() in name for e in expect)


def satisfiable(expect: list[str], names: list[str]) -> bool:
    """True if some service name of the catalogue contains one of the expected strings."""
    wanted = [e.casefold() for e in expect]
    return any(e in name for name in names for e in wanted)


def score_file(path: Path, show_misses: bool = False) -> PartScore:
    """Score one query file; print misses only when allowed and asked for."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    catalogue = load_catalogue()
    show_misses = show_misses and misses_allowed(path)
    names = [s.name.casefold() for s in catalogue.all()]
    top1 = top3 = confident = confident_correct = unsatisfiable = 0
    queries = data.get("queries") or []
    for query in queries:
        hits = catalogue.search(str(query["text"]), limit=3)
        expect = [str(e) for e in query.get("expect") or []]
        possible = satisfiable(expect, names)
        unsatisfiable += not possible
        first = bool(hits) and _matches(hits[0], expect)
        top1 += first
        top3 += any(_matches(h, expect) for h in hits)
        if is_confident(hits):
            confident += 1
            confident_correct += first
        if show_misses and not first:
            got = " | ".join(f"{h.service.name} ({h.score})" for h in hits)
            kind = "MISS3" if not any(_matches(h, expect) for h in hits) else "MISS1"
            kind = kind if possible else "UNSAT"
            print(f"  {kind} {query.get('id')}: {query['text']!r} expect {expect} -> {got}")
    negatives = [str(n) for n in data.get("negatives") or []]
    negatives_confident = 0
    for text in negatives:
        hits = catalogue.search(text, limit=3)
        if is_confident(hits):
            negatives_confident += 1
            if show_misses:
                print(f"  FALSE ACCEPT: {text!r} -> {hits[0].service.name} ({hits[0].score})")
    return PartScore(
        part=path.stem,
        queries=len(queries),
        top1=top1,
        top3=top3,
        confident=confident,
        confident_correct=confident_correct,
        negatives=len(negatives),
        negatives_confident=negatives_confident,
        unsatisfiable=unsatisfiable,
    )


def main(argv: list[str] | None = None) -> int:
    """Score the given files (default: tests/finder/*.yml) and print one line per part."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument(
        "--misses",
        action="store_true",
        help="print misses (dev set and tests/finder/tuning.yml; never untuned.yml)",
    )
    args = parser.parse_args(argv)
    files: list[Path] = args.files or sorted(INDEPENDENT_DIR.glob("*.yml"))
    if not files:
        print(f"no query files in {INDEPENDENT_DIR}", file=sys.stderr)
        return 1
    total = PartScore("total", 0, 0, 0, 0, 0, 0, 0, 0)
    for path in files:
        part = score_file(path, show_misses=args.misses)
        print(part.line())
        total = PartScore(
            "total",
            *(getattr(total, f) + getattr(part, f) for f in list(PartScore.__dataclass_fields__)[1:]),
        )
    if len(files) > 1:
        print(total.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
