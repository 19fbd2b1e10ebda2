"""End-to-end evaluation over the REST channel (`make eval`; issue 11).

    python -m bot.tooling.e2e_eval                          # own stack, both parts + sweep
    python -m bot.tooling.e2e_eval --url http://127.0.0.1:5005   # an already running server
    python -m bot.tooling.e2e_eval --parts tuning --no-sweep --ids tun-keywords-001

Plays the independent conversations of ``tests/conversations/{tuning,untuned}/*.yml``
and the English ones of ``tests/conversations_en/{tuning,untuned}/*.yml`` (parts
``en-tuning``, ``en-untuned``; issue 16) (format: ``tests/conversations/FORMAT.md``;
every reply must also be in the language of its turn) turn by turn, one sender id per
conversation, and checks every turn's ``must`` / ``any`` / ``must_not`` strings
(case-insensitive, whitespace-normalised) against the texts and button titles the
assistant sent for that turn. Then sweeps all 422 municipalities in three phrasings
of a birth-certificate request.

Output: a table on stdout, ``results/e2e.json``, the tuning failures in
``results/e2e_failures_tuning.txt`` (``…_en-tuning.txt``) and the sweep failures in
``results/e2e_sweep_failures.txt``. The untuned parts must stay unseen: only their
totals per style and topic are reported, never a conversation id, text or reply.

The stack (action server + one Rasa server with the REST channel, SQLite tracker
store in a temporary directory) is started through ``bot.tooling.replicas``, the same
process management the tests and the benchmark use.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import yaml

from bot.knowledge.ags import is_hessian_ags
from bot.knowledge.municipalities import Municipality, load_municipalities
from bot.nlp.language import detect
from bot.tooling.evaluation import text_key, training_keys

ROOT = Path(__file__).resolve().parents[2]
CONVERSATIONS_DIR = ROOT / "tests" / "conversations"
# English conversations (issue 16), the same format plus ``lang: en``, in their own two parts.
CONVERSATIONS_EN_DIR = ROOT / "tests" / "conversations_en"
CI_SUBSET = CONVERSATIONS_DIR / "ci_subset.txt"
DEFAULT_MODEL = ROOT / "models" / "hessen.tar.gz"
LOGGING_CONFIG = ROOT / "bot" / "ops" / "logging.yml"
STANDESAMT_DISTRICTS = ROOT / "data" / "knowledge" / "standesamtsbezirke.yml"
NAMESAKES = ROOT / "data" / "knowledge" / "orte_ausserhalb_hessen.yml"
STADTTEILE = ROOT / "data" / "knowledge" / "ortsteile_hessen.yml"
REST_WEBHOOK = "/webhooks/rest/webhook"

STYLES = (
    "keywords", "one_word", "sentence", "question", "typo", "no_umlauts", "dialect",
    "rambling", "two_topics", "follow_up", "municipal_context",
)  # fmt: skip
TOPICS = (
    "standesamt", "online_services", "bundid", "servicekonto", "ikz", "catalogue_service",
    "life_event", "background", "smalltalk", "handoff", "other",
)  # fmt: skip
# Part name -> id prefix. The untuned parts are never looked at while tuning (folders: part_dir).
PARTS = {"tuning": "tun-", "untuned": "unt-", "en-tuning": "en-tun-", "en-untuned": "en-unt-"}
SECRET_PARTS = frozenset({"untuned", "en-untuned"})
LANGUAGES = ("de", "en")
SWEEP_PHRASINGS = (
    "Geburtsurkunde {name}",
    "Ich bin in {name} geboren und brauche eine Geburtsurkunde",
    "wo bekomme ich meine geburtsurkunde, geboren in {name}",
)
DEFAULT_CONCURRENCY = 4
DEFAULT_TIMEOUT_S = 60.0

_CONVERSATION_KEYS = {"id", "style", "topic", "metadata", "turns", "lang"}
_TURN_KEYS = {"user", "must", "any", "must_not"}
_WHITESPACE = re.compile(r"\s+")
# The same rules as bot.knowledge.municipalities: "(Efze)" and "am Main" are what
# citizens leave out when they write a name.
_PARENTHESIS = re.compile(r"\s*\(.*?\)")
_DROPPABLE_SUFFIX = re.compile(r"\s+(?:am|im|an der|a\. ?d\.|v\. ?d\.|vor der|ob der|in der|i\. ?)\s+.+$")
_REGSCHL = re.compile(r"regschl=(\d{12})")

Reply = list[dict[str, Any]]
T = TypeVar("T")
R = TypeVar("R")


# --- test data -----------------------------------------------------------------------------


class FormatError(ValueError):
    """A conversation file does not follow tests/conversations/FORMAT.md."""


@dataclass(frozen=True)
class Turn:
    """One user message and what the assistant's answer to it must (not) contain."""

    user: str
    must: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    must_not: tuple[str, ...] = ()

    @property
    def has_expectations(self) -> bool:
        """False for a turn that only sets the scene (nothing is checked)."""
        return bool(self.must or self.any_of or self.must_not)


@dataclass(frozen=True)
class Conversation:
    """One independent test conversation of the tuning or untuned part."""

    id: str
    part: str
    style: str
    topic: str
    turns: tuple[Turn, ...]
    metadata: dict[str, str] = field(default_factory=dict)
    source: str = ""
    # The language the citizen starts in; every reply must be in the language of its turn.
    lang: str = "de"


def _strings(value: Any, where: str, key: str) -> tuple[str, ...]:
    """A list of expectation strings; a single string or number is accepted as a list of one."""
    if value is None:
        return ()
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list):
        raise FormatError(f"{where}: '{key}' must be a list of strings")
    out = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise FormatError(f"{where}: '{key}' must be a list of strings (found {type(item).__name__})")
        text = str(item).strip()
        if not text:
            raise FormatError(f"{where}: '{key}' contains an empty string (it would match anything)")
        out.append(text)
    return tuple(out)


def _parse_turn(raw: Any, where: str) -> Turn:
    if not isinstance(raw, dict):
        raise FormatError(f"{where}: a turn must be a mapping with 'user' and expectations")
    unknown = set(raw) - _TURN_KEYS
    if unknown:
        raise FormatError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_TURN_KEYS)}")
    user = raw.get("user")
    if not isinstance(user, str):
        raise FormatError(f"{where}: 'user' (the message text) is missing or not a string")
    return Turn(
        user=user,
        must=_strings(raw.get("must"), where, "must"),
        any_of=_strings(raw.get("any"), where, "any"),
        must_not=_strings(raw.get("must_not"), where, "must_not"),
    )


def _parse_metadata(raw: Any, where: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise FormatError(f"{where}: 'metadata' must be a mapping such as {{kommune: \"06534014\"}}")
    kommune = raw.get("kommune")
    if kommune is not None and not is_hessian_ags(kommune):
        # Unquoted, YAML reads 06534014 as an octal number: the AGS would be lost.
        raise FormatError(
            f"{where}: 'metadata.kommune' must be a quoted 8-digit AGS string of Hessen (06…), e.g. \"06534014\""
        )
    return {str(k): str(v) for k, v in raw.items()}


def parse_conversation(raw: Any, part: str, where: str, source: str = "") -> Conversation:
    """Validate one conversation mapping; raise FormatError naming the place of the problem."""
    if not isinstance(raw, dict):
        raise FormatError(f"{where}: a conversation must be a mapping (id, style, topic, turns)")
    conv_id = raw.get("id")
    if not isinstance(conv_id, str) or not conv_id.strip():
        raise FormatError(f"{where}: 'id' is missing or not a string")
    where = f"{where} ({conv_id})"
    unknown = set(raw) - _CONVERSATION_KEYS
    if unknown:
        raise FormatError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_CONVERSATION_KEYS)}")
    prefix = PARTS[part]
    if not conv_id.startswith(prefix):
        raise FormatError(f"{where}: ids in the {part} part start with '{prefix}'")
    style, topic = raw.get("style"), raw.get("topic")
    if style not in STYLES:
        raise FormatError(f"{where}: style {style!r} is not one of {', '.join(STYLES)}")
    if topic not in TOPICS:
        raise FormatError(f"{where}: topic {topic!r} is not one of {', '.join(TOPICS)}")
    turns_raw = raw.get("turns")
    if not isinstance(turns_raw, list) or not turns_raw:
        raise FormatError(f"{where}: 'turns' must be a non-empty list")
    turns = tuple(_parse_turn(t, f"{where}, turn {i}") for i, t in enumerate(turns_raw, 1))
    lang = raw.get("lang", "de")
    if lang not in LANGUAGES:
        raise FormatError(f"{where}: lang {lang!r} is not one of {', '.join(LANGUAGES)}")
    if not any(t.has_expectations for t in turns):
        raise FormatError(f"{where}: no turn has 'must', 'any' or 'must_not' (nothing would be checked)")
    return Conversation(
        id=conv_id,
        part=part,
        style=style,
        topic=topic,
        turns=turns,
        metadata=_parse_metadata(raw.get("metadata"), where),
        source=source,
        lang=lang,
    )


def load_file(path: Path, part: str) -> list[Conversation]:
    """Read and validate one conversation file of ``part``."""
    name = _display(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark is not None else ""
        raise FormatError(f"{name}: not valid YAML{line}") from None
    if not isinstance(data, dict) or not isinstance(data.get("conversations"), list):
        raise FormatError(f"{name}: the top level must be a mapping with a list 'conversations'")
    return [
        parse_conversation(raw, part, f"{name}: conversation {i}", source=name)
        for i, raw in enumerate(data["conversations"], 1)
    ]


def part_dir(part: str, root: Path | None = None) -> Path:
    """The folder of ``part``: tests/conversations/tuning, tests/conversations_en/tuning for
    en-tuning, ...; under an explicit ``root`` (tests) simply <root>/<part>."""
    if root is not None:
        return root / part
    if part.startswith("en-"):
        return CONVERSATIONS_EN_DIR / part.removeprefix("en-")
    return CONVERSATIONS_DIR / part


def load_part(part: str, root: Path | None = None) -> list[Conversation]:
    """Every conversation of ``part`` (``tuning``, ``untuned``, ``en-…``); ids must be unique."""
    if part not in PARTS:
        raise FormatError(f"unknown part {part!r}; expected one of {', '.join(PARTS)}")
    folder = part_dir(part, root)
    files = sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml"))
    if not files:
        raise FormatError(f"{_display(folder)}: no conversation files (*.yml)")
    conversations: list[Conversation] = []
    seen: dict[str, str] = {}
    for path in files:
        for conversation in load_file(path, part):
            if conversation.id in seen:
                raise FormatError(
                    f"{conversation.source}: id {conversation.id} also used in {seen[conversation.id]}"
                )
            seen[conversation.id] = conversation.source
            conversations.append(conversation)
    return conversations


def readable_parts(root: Path | None = None) -> list[Conversation]:
    """The conversations of every part that may be read (tuning, en-tuning) that exists."""
    return [
        conversation
        for part in PARTS
        if part not in SECRET_PARTS and part_dir(part, root).is_dir()
        for conversation in load_part(part, root)
    ]


def load_ci_subset(path: Path = CI_SUBSET, root: Path | None = None) -> list[Conversation]:
    """The tuning conversations listed in ``ci_subset.txt`` (one id a line, ``#`` comments)."""
    ids = [line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    ids = [i for i in ids if i]
    by_id = {c.id: c for c in readable_parts(root)}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise FormatError(f"{_display(path)}: ids not in the tuning parts: {', '.join(missing)}")
    if not ids:
        raise FormatError(f"{_display(path)}: lists no conversation id")
    return [by_id[i] for i in ids]


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


# --- checking ------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Lower case with every whitespace run (line breaks, no-break spaces) as one space."""
    return _WHITESPACE.sub(" ", text).strip().lower()


def reply_text(reply: Reply) -> str:
    """All message texts and button titles of one turn's reply, one per line."""
    parts: list[str] = []
    for message in reply:
        if message.get("text"):
            parts.append(str(message["text"]))
        for button in message.get("buttons") or []:
            if button.get("title"):
                parts.append(f"[{button['title']}]")
    return "\n".join(parts)


def check_turn(turn: Turn, reply: Reply, language: str | None = None) -> list[str]:
    """What the reply misses or wrongly contains; empty when the turn passes.

    With ``language``, the reply must also be written in it (bot/nlp/language.py): a reply
    whose words do not tell (a place name, a link) passes, one in the other language fails.
    """
    text = reply_text(reply)
    haystack = normalise(text)
    problems = [f"missing {s!r}" for s in turn.must if normalise(s) not in haystack]
    if turn.any_of and not any(normalise(s) in haystack for s in turn.any_of):
        problems.append(f"none of {list(turn.any_of)!r}")
    problems += [f"forbidden {s!r}" for s in turn.must_not if normalise(s) in haystack]
    answered_in = detect(text)
    if language and answered_in and answered_in != language:
        problems.append(f"answered in {answered_in!r}, not {language!r}")
    return problems


@dataclass
class TurnOutcome:
    """The reply to one turn and the failed expectations (empty: passed)."""

    user: str
    reply: Reply
    problems: list[str]
    error: str | None = None

    @property
    def passed(self) -> bool:
        """True when the turn got a reply that meets every expectation."""
        return self.error is None and not self.problems


@dataclass
class ConversationOutcome:
    """A played conversation with one outcome per turn."""

    conversation: Conversation
    turns: list[TurnOutcome]

    @property
    def passed(self) -> bool:
        """True when every turn passed."""
        return all(t.passed for t in self.turns)

    @property
    def transport_errors(self) -> int:
        """Turns without an answer (timeout, HTTP error): these say nothing about the assistant."""
        return sum(1 for t in self.turns if t.error is not None)


# --- playing over the REST channel ---------------------------------------------------------


class TransportError(RuntimeError):
    """The server gave no usable answer (timeout, connection, HTTP status, not JSON)."""


class RestClient:
    """Posts messages to Rasa's REST channel."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self.session = session
        self.url = base_url.rstrip("/") + REST_WEBHOOK

    async def say(self, sender: str, message: str, metadata: dict[str, str]) -> Reply:
        """Send one message; return the list of bot messages."""
        payload = {"sender": sender, "message": message, "metadata": metadata}
        try:
            async with self.session.post(self.url, json=payload) as response:
                if response.status != 200:
                    raise TransportError(f"HTTP {response.status}")
                body = await response.json(content_type=None)
        except asyncio.TimeoutError:
            raise TransportError("timeout") from None
        except (aiohttp.ClientError, ValueError) as error:
            raise TransportError(type(error).__name__) from None
        if not isinstance(body, list):
            raise TransportError("answer is not a list of messages")
        return body


async def play(client: RestClient, conversation: Conversation) -> ConversationOutcome:
    """Play every turn with a fresh sender id; later turns still run after a failed one."""
    sender = f"e2e-{uuid.uuid4().hex}"
    outcomes: list[TurnOutcome] = []
    # The language each reply must be in follows the citizen: the language of the turn's
    # message, or the one before when its words do not tell ("Kassel").
    language = conversation.lang
    for turn in conversation.turns:
        language = detect(turn.user) or language
        try:
            # Like the widget, which always sends its DE/EN switch (set to the citizen's language).
            metadata = {"sprache": conversation.lang, **conversation.metadata}
            reply = await client.say(sender, turn.user, metadata)
        except TransportError as error:
            outcomes.append(TurnOutcome(turn.user, [], [], error=str(error)))
            break  # the conversation's state is unknown after a lost turn
        outcomes.append(TurnOutcome(turn.user, reply, check_turn(turn, reply, language)))
    return ConversationOutcome(conversation, outcomes)


async def _bounded(items: Sequence[T], work: Callable[[T], Awaitable[R]], concurrency: int) -> list[R]:
    """Run ``work`` on every item, at most ``concurrency`` at a time, results in input order."""
    gate = asyncio.Semaphore(concurrency)

    async def one(item: T) -> R:
        async with gate:
            return await work(item)

    return list(await asyncio.gather(*(one(i) for i in items)))


def client_session(timeout_s: float, concurrency: int) -> aiohttp.ClientSession:
    """An HTTP session with a per-request timeout and at most ``concurrency`` connections."""
    timeout = aiohttp.ClientTimeout(total=timeout_s, connect=10)
    return aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=concurrency))


async def play_all(
    base_url: str,
    conversations: Sequence[Conversation],
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> list[ConversationOutcome]:
    """Play ``conversations`` against the server at ``base_url``, bounded in concurrency and time."""
    async with client_session(timeout_s, concurrency) as session:
        client = RestClient(session, base_url)
        return await _bounded(conversations, lambda c: play(client, c), concurrency)


# --- municipality sweep --------------------------------------------------------------------


def citizen_name(m: Municipality) -> str:
    """The name a citizen writes: "Frankfurt", "Bad Homburg", "Homberg" (no suffix, no bracket)."""
    name = _PARENTHESIS.sub("", m.short_name).strip()
    return _DROPPABLE_SUFFIX.sub("", name).strip()


@dataclass(frozen=True)
class SweepCase:
    """One message of the sweep and the municipalities a correct answer names."""

    phrasing: int
    message: str
    municipality: Municipality
    name: str
    candidates: tuple[Municipality, ...]
    # The Standesamt's seat when the municipality belongs to a joint Standesamt district:
    # a link for the seat is right as well (fakten.yml: standesamt_gemeinsamer_bezirk).
    seat: Municipality | None = None

    # The name is one the data says to ask back (a well-known namesake outside Hessen,
    # or a Stadtteil of another town): the Hessian municipality must be among the buttons.
    asked_back: bool = False

    @property
    def ambiguous(self) -> bool:
        """Several Hessian municipalities share the name, or it must be asked back: offer each."""
        return len(self.candidates) > 1 or self.asked_back

    @property
    def accepted_ars(self) -> tuple[str, ...]:
        """The ``regschl`` values a right answer may link."""
        return (self.municipality.ars,) + ((self.seat.ars,) if self.seat else ())


def standesamt_seats(path: Path = STANDESAMT_DISTRICTS) -> dict[str, str]:
    """AGS of a member municipality -> AGS of its joint Standesamt's seat (none if no file)."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        str(member): str(district["sitz"])
        for district in data.get("bezirke") or []
        for member in district.get("mitglieder") or []
        if str(member) != str(district["sitz"])
    }


def asked_back_names(namesakes: Path = NAMESAKES, stadtteile: Path = STADTTEILE) -> tuple[set[str], set[str]]:
    """Names the data says to ask back (issue 12), by the data files, not the resolver.

    Returns (namesakes outside Hessen marked ``fragen: true``, like "Weimar"; names of listed
    Stadtteile, like "Höchst"). A Stadtteil name is asked back only where citizens write a
    short form of the municipality's name ("Höchst" for "Höchst i. Odw."); an official name
    ("Griesheim") always stays the municipality.
    """
    outside: set[str] = set()
    districts: set[str] = set()
    if namesakes.exists():
        data = yaml.safe_load(namesakes.read_text(encoding="utf-8")) or {}
        outside = {str(n["name"]) for n in data.get("namensvettern") or [] if n.get("fragen")}
    if stadtteile.exists():
        data = yaml.safe_load(stadtteile.read_text(encoding="utf-8")) or {}
        for city in (data.get("staedte") or {}).values():
            districts |= {str(d) for d in city.get("stadtteile") or []}
    return outside, districts


def sweep_cases(
    phrasings: Sequence[str] = SWEEP_PHRASINGS, districts: Path = STANDESAMT_DISTRICTS
) -> list[SweepCase]:
    """Every municipality in every phrasing (3 x 422 cases).

    A name is ambiguous when several municipalities share it, by the municipality list
    itself, not by the resolver under test, or when the data says to ask it back.
    """
    index = load_municipalities()
    municipalities = index.municipalities()
    seats = standesamt_seats(districts)
    outside, district_names = asked_back_names()
    by_name: dict[str, list[Municipality]] = defaultdict(list)
    for m in municipalities:
        by_name[citizen_name(m)].append(m)
    cases = []
    for number, template in enumerate(phrasings, 1):
        for m in municipalities:
            name = citizen_name(m)
            candidates = tuple(sorted(by_name[name], key=lambda c: c.ags))
            seat = index.by_ags(seats[m.ags]) if m.ags in seats else None
            official = m.name.split(",")[0].strip()
            asked = name in outside or (name in district_names and name != official)
            cases.append(SweepCase(number, template.format(name=name), m, name, candidates, seat, asked))
    return cases


def check_sweep(case: SweepCase, reply: Reply) -> str | None:
    """None when the reply is right; otherwise a short reason (a failure category)."""
    text = reply_text(reply)
    if case.ambiguous:
        buttons = [b for message in reply for b in message.get("buttons") or []]
        missing = [
            c.short_name
            for c in case.candidates
            if not any(
                c.ags in str(b.get("payload", "")) or c.short_name in str(b.get("title", "")) for b in buttons
            )
        ]
        return f"candidates not offered: {', '.join(missing)}" if missing else None
    if any(f"regschl={ars}" in text for ars in case.accepted_ars):
        return None
    if _REGSCHL.search(text):
        return "link for another municipality"
    return f"no Standesamt link; reply starts {_opening(reply, case)!r}"


def _opening(reply: Reply, case: SweepCase) -> str:
    """The reply's first sentence with the place left out, so equal failures group together."""
    text = next((str(m["text"]) for m in reply if m.get("text")), "(no reply)")
    place = case.municipality
    # Names first: "Breitenbach a. Herzberg" must not end the sentence at "a.".
    names = {place.short_name, place.name, place.name.split(",")[0], case.name}
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "{place}")
    sentence = re.split(r"(?<=[.?!:])\s", text, maxsplit=1)[0]
    return sentence[:80]


@dataclass
class SweepOutcome:
    """The reply to one sweep message and why it failed (None: passed)."""

    case: SweepCase
    reply: Reply
    problem: str | None


async def run_sweep(
    base_url: str,
    cases: Sequence[SweepCase],
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> list[SweepOutcome]:
    """Send every sweep message as a fresh conversation and check the reply."""
    async with client_session(timeout_s, concurrency) as session:
        client = RestClient(session, base_url)

        async def one(case: SweepCase) -> SweepOutcome:
            try:
                reply = await client.say(f"sweep-{uuid.uuid4().hex}", case.message, {})
            except TransportError as error:
                return SweepOutcome(case, [], f"transport error: {error}")
            return SweepOutcome(case, reply, check_sweep(case, reply))

        return await _bounded(cases, one, concurrency)


# --- reporting -----------------------------------------------------------------------------


def _rate(passed: int, total: int) -> dict[str, Any]:
    return {"passed": passed, "total": total, "rate": round(passed / total, 4) if total else None}


def _group(outcomes: Iterable[ConversationOutcome], key: Callable[[Conversation], str]) -> dict[str, Any]:
    totals: Counter[str] = Counter()
    passed: Counter[str] = Counter()
    for outcome in outcomes:
        name = key(outcome.conversation)
        totals[name] += 1
        passed[name] += outcome.passed
    return {name: _rate(passed[name], totals[name]) for name in sorted(totals)}


def summarise(outcomes: Sequence[ConversationOutcome], seen: Collection[str] = frozenset()) -> dict[str, Any]:
    """Pass rates of one part: total, per style, per topic, per turn. Aggregates only.

    ``seen`` holds the training texts (:func:`bot.tooling.evaluation.text_key`): conversations
    with a turn that is also a training example are scored apart as well, so the figure
    without them shows the evaluation does not flatter itself.
    """
    turns = [t for o in outcomes for t in o.turns]
    unseen = [o for o in outcomes if not any(text_key(t.user) in seen for t in o.conversation.turns)]
    return {
        "conversations": _rate(sum(o.passed for o in outcomes), len(outcomes)),
        "conversations_without_training_text": _rate(sum(o.passed for o in unseen), len(unseen)),
        "turns": _rate(sum(t.passed for t in turns), sum(len(o.conversation.turns) for o in outcomes)),
        "transport_errors": sum(o.transport_errors for o in outcomes),
        "by_style": _group(outcomes, lambda c: c.style),
        "by_topic": _group(outcomes, lambda c: c.topic),
    }


def summarise_sweep(
    outcomes: Sequence[SweepOutcome], phrasings: Sequence[str] = SWEEP_PHRASINGS
) -> dict[str, Any]:
    """n/422 per phrasing, failure categories, and the failures (the sweep is not secret)."""
    out: dict[str, Any] = {"phrasings": []}
    for number, template in enumerate(phrasings, 1):
        mine = [o for o in outcomes if o.case.phrasing == number]
        categories = Counter(o.problem for o in mine if o.problem)
        out["phrasings"].append(
            {
                "phrasing": template,
                **_rate(sum(o.problem is None for o in mine), len(mine)),
                "failure_categories": dict(categories.most_common()),
                "failures": [
                    {
                        "message": o.case.message,
                        "ags": o.case.municipality.ags,
                        "expected": _sweep_expectation(o.case),
                        "problem": o.problem,
                        "reply": reply_text(o.reply),
                    }
                    for o in mine
                    if o.problem
                ],
            }
        )
    return out


def _sweep_expectation(case: SweepCase) -> str:
    if case.ambiguous:
        return "buttons for " + ", ".join(c.short_name for c in case.candidates)
    return " or ".join(f"regschl={ars}" for ars in case.accepted_ars)


def _pct(entry: dict[str, Any] | None) -> str:
    if not entry or not entry["total"]:
        return "–"
    return f"{entry['passed']}/{entry['total']} ({100 * entry['rate']:.1f} %)"


def render_table(parts: dict[str, dict[str, Any]], sweep: dict[str, Any] | None) -> str:
    """One Markdown table: rows total / styles / topics / sweep phrasings, a column per part."""
    names = list(parts)
    lines = ["| | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    lines.append("| **conversations** | " + " | ".join(_pct(parts[p]["conversations"]) for p in names) + " |")
    lines.append("| turns | " + " | ".join(_pct(parts[p]["turns"]) for p in names) + " |")
    lines.append(
        "| conversations without a training text | "
        + " | ".join(_pct(parts[p].get("conversations_without_training_text")) for p in names)
        + " |"
    )
    for group, label in (("by_style", "style"), ("by_topic", "topic")):
        keys = sorted({k for p in names for k in parts[p][group]})
        ordered = [k for k in (STYLES if group == "by_style" else TOPICS) if k in keys]
        for key in ordered:
            lines.append(
                f"| {label}: {key} | " + " | ".join(_pct(parts[p][group].get(key)) for p in names) + " |"
            )
    table = "\n".join(lines)
    if sweep:
        rows = ["| sweep phrasing | municipalities |", "|---|---:|"]
        rows += [f"| {p['phrasing']} | {p['passed']}/{p['total']} |" for p in sweep["phrasings"]]
        table += "\n\n" + "\n".join(rows)
    return table


def failures_text(outcomes: Sequence[ConversationOutcome]) -> str:
    """A readable list of the failed tuning conversations: sent, received, failed expectation."""
    blocks = []
    for outcome in outcomes:
        conversation = outcome.conversation
        if conversation.part in SECRET_PARTS:
            raise ValueError("details of the untuned part are never written")
        if outcome.passed:
            continue
        head = f"{conversation.id}  [{conversation.style} / {conversation.topic}]  {conversation.source}"
        lines = [head]
        if conversation.metadata:
            lines.append(f"  metadata: {conversation.metadata}")
        for number, (turn, played) in enumerate(zip(conversation.turns, outcome.turns, strict=False), 1):
            mark = "ok  " if played.passed else "FAIL"
            lines.append(f"  {mark} turn {number} > {turn.user}")
            if not played.passed:
                for reply_line in reply_text(played.reply).splitlines() or ["(no reply)"]:
                    lines.append(f"         < {reply_line}")
                for problem in ([played.error] if played.error else []) + played.problems:
                    lines.append(f"         ✘ {problem}")
        if len(outcome.turns) < len(conversation.turns):
            lines.append(f"  (turns {len(outcome.turns) + 1}–{len(conversation.turns)} not played)")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def sweep_failures_text(sweep: dict[str, Any]) -> str:
    """The sweep failures, grouped by phrasing (the sweep is not secret)."""
    lines: list[str] = []
    for entry in sweep["phrasings"]:
        lines.append(f"## {entry['phrasing']}: {entry['passed']}/{entry['total']}")
        for category, count in entry["failure_categories"].items():
            lines.append(f"#   {count:4d}  {category}")
        for failure in entry["failures"]:
            reply = " | ".join(failure["reply"].splitlines())[:300]
            lines.append(f"> {failure['message']}  (AGS {failure['ags']}; expected {failure['expected']})")
            lines.append(f"  ✘ {failure['problem']}; got: {reply}")
        lines.append("")
    return "\n".join(lines)


# --- running -------------------------------------------------------------------------------


@contextmanager
def local_stack(model: Path) -> Iterator[str]:
    """Action server + one Rasa server (REST, SQLite tracker in a temp dir); yield the base URL."""
    from bot.tooling.replicas import ReplicaStack

    if not model.exists():
        raise FileNotFoundError(f"no trained model at {model}: run `make train` first")
    with tempfile.TemporaryDirectory(prefix="e2e-eval-") as tmp:
        stack = ReplicaStack(
            project_dir=ROOT,
            work_dir=Path(tmp),
            tracker_store_url=f"sqlite:///{tmp}/tracker.db",
            replicas=1,
            model_path=model,
            # Keeps message texts out of the server logs (the untuned part stays unseen).
            logging_config=LOGGING_CONFIG,
        )
        with stack:
            yield stack.rasa[0].base_url


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return None
    return out.stdout.strip() or None


def _model_info(model: Path | None) -> dict[str, Any] | None:
    if model is None or not model.exists():
        return None
    stat = model.stat()
    return {
        "path": _display(model),
        "size": stat.st_size,
        "modified": datetime.fromtimestamp(stat.st_mtime, timezone.utc).isoformat(timespec="seconds"),
    }


async def evaluate(
    base_url: str,
    parts: dict[str, list[Conversation]],
    sweep: bool,
    concurrency: int,
    timeout_s: float,
) -> tuple[dict[str, list[ConversationOutcome]], list[SweepOutcome] | None]:
    """Play every part, then the sweep."""
    played = {
        name: await play_all(base_url, conversations, concurrency, timeout_s)
        for name, conversations in parts.items()
    }
    swept = await run_sweep(base_url, sweep_cases(), concurrency, timeout_s) if sweep else None
    return played, swept


def write_results(
    out_dir: Path,
    played: dict[str, list[ConversationOutcome]],
    swept: list[SweepOutcome] | None,
    meta: dict[str, Any],
    seen: Collection[str] = frozenset(),
) -> dict[str, Any]:
    """Write e2e.json and the failure lists; return the JSON document."""
    out_dir.mkdir(parents=True, exist_ok=True)
    parts = {name: summarise(outcomes, seen) for name, outcomes in played.items()}
    for name, outcomes in played.items():
        if name in SECRET_PARTS:
            continue
        parts[name]["failed_ids"] = [o.conversation.id for o in outcomes if not o.passed]
        (out_dir / f"e2e_failures_{name}.txt").write_text(failures_text(outcomes), encoding="utf-8")
    document: dict[str, Any] = {**meta, "parts": parts}
    if swept is not None:
        document["sweep"] = summarise_sweep(swept)
        (out_dir / "e2e_sweep_failures.txt").write_text(
            sweep_failures_text(document["sweep"]), encoding="utf-8"
        )
    (out_dir / "e2e.json").write_text(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return document


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot.tooling.e2e_eval",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--url", help="use the Rasa server running there instead of starting one")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="model for the own stack")
    parser.add_argument("--parts", nargs="*", choices=list(PARTS), default=list(PARTS), help="parts to play")
    parser.add_argument(
        "--ids", nargs="+", help="only these conversation ids of the tuning parts (tuning, en-tuning)"
    )
    parser.add_argument("--no-sweep", action="store_true", help="skip the 3 x 422 municipality sweep")
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds per message")
    parser.add_argument("--out", type=Path, default=ROOT / "results", help="directory for the reports")
    parser.add_argument("--conversations", type=Path, default=None, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Load and validate the data, play it (own stack or --url), write and print the report."""
    args = _parser().parse_args(argv)
    started = time.monotonic()
    try:
        if args.ids:
            wanted = set(args.ids)
            chosen = [c for c in readable_parts(args.conversations) if c.id in wanted]
            unknown = wanted - {c.id for c in chosen}
            if unknown:
                raise FormatError(f"ids not in the tuning parts: {', '.join(sorted(unknown))}")
            parts = {part: [c for c in chosen if c.part == part] for part in {c.part for c in chosen}}
        else:
            parts = {name: load_part(name, args.conversations) for name in args.parts}
    except FormatError as error:
        print(f"e2e_eval: malformed test data: {error}", file=sys.stderr)
        return 2
    for name, conversations in parts.items():
        turns = sum(len(c.turns) for c in conversations)
        print(f"{name}: {len(conversations)} conversations, {turns} turns", flush=True)

    def run(base_url: str) -> tuple[dict[str, list[ConversationOutcome]], list[SweepOutcome] | None]:
        return asyncio.run(evaluate(base_url, parts, not args.no_sweep, args.concurrency, args.timeout))

    if args.url:
        played, swept = run(args.url)
        model = None
    else:
        print(f"starting action server and Rasa with {_display(args.model)} …", flush=True)
        with local_stack(args.model) as base_url:
            print(f"ready after {time.monotonic() - started:.0f} s; playing …", flush=True)
            played, swept = run(base_url)
        model = args.model
    meta = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": _git_commit(),
        "model": _model_info(model),
        "server": args.url or "own stack",
        "runtime_s": round(time.monotonic() - started, 1),
    }
    # Conversations containing a training text are also scored apart (see summarise).
    document = write_results(args.out, played, swept, meta, training_keys())
    print()
    print(render_table(document["parts"], document.get("sweep")))
    print(f"\nreports: {_display(args.out / 'e2e.json')}", end="")
    for name in played:
        if name not in SECRET_PARTS:
            print(f", {_display(args.out / f'e2e_failures_{name}.txt')}", end="")
    if swept is not None:
        print(f", {_display(args.out / 'e2e_sweep_failures.txt')}", end="")
    print(f"  ({document['runtime_s']:.0f} s)")
    errors = sum(p["transport_errors"] for p in document["parts"].values())
    errors += sum(1 for o in swept or [] if o.problem and o.problem.startswith("transport error"))
    if errors:
        print(
            f"e2e_eval: {errors} messages got no answer (timeout/HTTP error); figures are not valid",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
