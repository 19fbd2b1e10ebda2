"""Check that every URL in the knowledge files and domain.yml is reachable.

Run ``python -m bot.tooling.linkcheck [paths...]`` (needs internet; not part of CI).
Default paths: ``data/knowledge/*.yml`` and ``domain.yml``. Exit code 1 if
any link is dead.
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import aiohttp

__all__ = ["LinkResult", "check_urls", "default_paths", "extract_urls", "main"]

REPO_ROOT = Path(__file__).resolve().parents[1]
# Stops at whitespace, quotes, angle brackets and backslashes; trailing
# punctuation is trimmed afterwards because it is legal inside URLs.
_URL = re.compile(r"https?://[^\s<>\"'`\\]+", re.IGNORECASE)
_TRAILING = ".,;:!?*"
_CLOSERS = {")": "(", "]": "[", "}": "{"}
# Some servers refuse HEAD; retry those with GET.
_RETRY_WITH_GET = frozenset({403, 405, 501})
_USER_AGENT = "hessen-buergerbot-linkcheck/1.0"
# On Python 3.10 asyncio.TimeoutError (raised by aiohttp) is not the builtin one.
_TIMEOUT_ERRORS = (asyncio.TimeoutError, TimeoutError)


@dataclass(frozen=True)
class LinkResult:
    """Outcome for one URL: HTTP status (after redirects) or an error text."""

    url: str
    status: int | None
    error: str | None
    final_url: str | None = None

    @property
    def ok(self) -> bool:
        """True for a final 2xx status."""
        return self.error is None and self.status is not None and 200 <= self.status < 300


def _trim(url: str) -> str:
    while url:
        last = url[-1]
        if last in _TRAILING:
            url = url[:-1]
        elif last in _CLOSERS and url.count(last) > url.count(_CLOSERS[last]):
            # "(see https://x.de/a)" -> drop the unbalanced closing bracket only.
            url = url[:-1]
        else:
            break
    return url


def extract_urls(text: str) -> list[str]:
    """Return the http(s) URLs in ``text``, deduplicated, in order of appearance.

    Handles Markdown links ``[t](url)``, YAML values, quoted strings and
    trailing punctuation; balanced brackets inside a URL are kept.
    """
    seen: dict[str, None] = {}
    for match in _URL.finditer(text):
        url = _trim(match.group(0))
        if "://" in url and url.split("://", 1)[1]:
            seen.setdefault(url, None)
    return list(seen)


async def _check_one(session: aiohttp.ClientSession, semaphore: asyncio.Semaphore, url: str) -> LinkResult:
    async with semaphore:
        try:
            async with session.head(url, allow_redirects=True) as response:
                status, final = response.status, str(response.url)
            if status in _RETRY_WITH_GET:
                async with session.get(url, allow_redirects=True) as response:
                    status, final = response.status, str(response.url)
            return LinkResult(url=url, status=status, error=None, final_url=final)
        except _TIMEOUT_ERRORS:
            return LinkResult(url=url, status=None, error="timeout")
        except aiohttp.ClientError as exc:
            return LinkResult(url=url, status=None, error=f"{type(exc).__name__}: {exc}")
        except ValueError as exc:  # malformed URL rejected by yarl
            return LinkResult(url=url, status=None, error=f"invalid url: {exc}")


async def check_urls(urls: Iterable[str], *, concurrency: int = 8, timeout_s: float = 10) -> list[LinkResult]:
    """Check ``urls`` concurrently and return one result per URL, in order.

    Uses one ``aiohttp.ClientSession`` with a total timeout of ``timeout_s``
    per request, at most ``concurrency`` requests at a time, HEAD first and
    GET when the server answers 403/405/501; redirects are followed.
    """
    url_list = list(dict.fromkeys(urls))
    semaphore = asyncio.Semaphore(concurrency)
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    async with aiohttp.ClientSession(timeout=timeout, headers={"User-Agent": _USER_AGENT}) as session:
        return list(await asyncio.gather(*(_check_one(session, semaphore, u) for u in url_list)))


def default_paths(root: Path = REPO_ROOT) -> list[Path]:
    """Knowledge YAML files plus domain.yml, where present."""
    paths = sorted((root / "data" / "knowledge").glob("*.yml"))
    domain = root / "domain.yml"
    if domain.exists():
        paths.append(domain)
    return paths


def _format_table(results: Sequence[LinkResult]) -> str:
    lines = [f"{'STATUS':<10} URL"]
    for result in results:
        state = str(result.status) if result.error is None else "ERROR"
        detail = f"  ({result.error})" if result.error else ""
        if result.final_url and result.final_url != result.url:
            detail += f"  -> {result.final_url}"
        lines.append(f"{state:<10} {result.url}{detail}")
    dead = sum(not r.ok for r in results)
    lines.append(f"{len(results)} links, {dead} dead")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    paths = [Path(a) for a in args] if args else default_paths()
    urls: list[str] = []
    for path in paths:
        urls.extend(extract_urls(path.read_text(encoding="utf-8")))
    results = asyncio.run(check_urls(urls))
    print(_format_table(results))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
