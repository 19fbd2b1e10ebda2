"""Every link the assistant shows is a sourced one, and every cited fact exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.knowledge.facts import load_facts
from bot.knowledge.sources import load_source_titles
from bot.tooling.linkcheck import extract_urls

ROOT = Path(__file__).resolve().parents[1]
# Texts a citizen can read: domain responses, action templates, actions, gateway texts.
CITIZEN_TEXT_FILES = [
    ROOT / "domain.yml",
    ROOT / "actions" / "antworten.yml",
    *sorted((ROOT / "actions").glob("*.py")),
    *sorted((ROOT / "bot" / "web").glob("*.py")),
    ROOT / "bot" / "knowledge" / "ikz.py",
]
# The one URL pattern the actions build themselves (leistung_id + regschl), documented in
# data/knowledge/fakten.yml and tested in tests/test_services.py.
BUILT_PATTERN = "https://verwaltungsportal.hessen.de/leistung"


@pytest.mark.parametrize("path", CITIZEN_TEXT_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_url_shown_to_citizens_is_listed_with_its_source(path: Path) -> None:
    sourced = set(load_source_titles())
    # A placeholder right after a URL ("...115{gemeinde_hinweis}") is not part of it;
    # loopback addresses are configuration defaults, never shown to citizens.
    urls = [u.split("{")[0] for u in extract_urls(path.read_text(encoding="utf-8"))]
    urls = [u for u in urls if u != BUILT_PATTERN and not re.match(r"https?://(127\.0\.0\.1|localhost)", u)]
    unsourced = [u for u in urls if u not in sourced]
    assert not unsourced, f"{path.name}: URLs without an entry in data/knowledge/quellen.yml: {unsourced}"


def test_facts_cited_in_responses_exist() -> None:
    facts = load_facts()
    cited: set[str] = set()
    for path in (ROOT / "domain.yml", ROOT / "actions" / "antworten.yml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = re.search(r"#\s*Fakt(?:en)?:\s*(.+)", line)
            if match:
                cited |= {f.strip().split(" ")[0] for f in match.group(1).split(",") if f.strip()}
    assert cited, "responses should cite their facts"
    missing = sorted(c for c in cited if c not in facts)
    assert not missing, missing
