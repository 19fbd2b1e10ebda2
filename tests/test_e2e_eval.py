"""The end-to-end evaluation harness (bot/tooling/e2e_eval.py) with fake replies and a fake server.

The real assistant is played by `make eval`; the CI subset runs in tests/test_assistant_e2e.py.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import web

from bot.knowledge.municipalities import load_municipalities
from bot.tooling import e2e_eval as ev

KASSEL_LINK = "https://verwaltungsportal.hessen.de/leistung?leistung_id=1&regschl=066110000000"


def reply(*texts: str, buttons: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """A REST-channel answer: one message per text, the buttons on the last one."""
    messages: list[dict[str, Any]] = [{"recipient_id": "x", "text": t} for t in texts]
    if buttons:
        messages[-1]["buttons"] = [{"title": b, "payload": f"/angabe{{{b}}}"} for b in buttons]
    return messages


def conversation_yaml(**overrides: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "id": "tun-keywords-001",
        "style": "keywords",
        "topic": "standesamt",
        "turns": [{"user": "Geburtsurkunde Kassel", "must": ["Kassel", "regschl=066110000000"]}],
    }
    raw.update(overrides)
    return raw


def write_part(
    root: Path, part: str, conversations: list[dict[str, Any]], name: str = "keywords.yml"
) -> None:
    (root / part).mkdir(parents=True, exist_ok=True)
    (root / part / name).write_text(yaml.safe_dump({"conversations": conversations}), encoding="utf-8")


# --- the checker -------------------------------------------------------------------------


def test_must_any_and_must_not_are_case_insensitive_over_texts_and_button_titles() -> None:
    turn = ev.Turn(
        "x", must=("kassel", "REGSCHL=066110000000"), any_of=("standesamt",), must_not=("nicht in hessen",)
    )
    assert ev.check_turn(turn, reply(f"Das STANDESAMT in Kassel: {KASSEL_LINK}")) == []
    # A button title counts like a text.
    assert (
        ev.check_turn(ev.Turn("x", must=("Homberg (Efze)",)), reply("Welches?", buttons=("Homberg (Efze)",)))
        == []
    )


def test_each_kind_of_failed_expectation_is_named() -> None:
    turn = ev.Turn(
        "x", must=("Kassel", "regschl=066110000000"), any_of=("Standesamt", "Amt"), must_not=("Hessen",)
    )
    problems = ev.check_turn(turn, reply("Kassel liegt nicht in Hessen."))
    assert problems == [
        "missing 'regschl=066110000000'",
        "none of ['Standesamt', 'Amt']",
        "forbidden 'Hessen'",
    ]


def test_button_payloads_are_not_searched() -> None:
    answer = [
        {
            "text": "Welcher Ort?",
            "buttons": [{"title": "Fulda", "payload": '/angabe{"gemeinde": "06631009"}'}],
        }
    ]
    assert ev.check_turn(ev.Turn("x", must=("06631009",)), answer) == ["missing '06631009'"]


def test_whitespace_is_normalised_so_line_breaks_and_no_break_spaces_do_not_matter() -> None:
    answer = reply("Die Förderung beträgt\n75.000\u00a0€ für drei Kommunen.")
    assert ev.check_turn(ev.Turn("x", must=("beträgt 75.000 €",)), answer) == []


def test_an_empty_reply_fails_must_and_any_but_passes_must_not() -> None:
    assert ev.check_turn(ev.Turn("x", must=("a",), any_of=("b",)), []) == ["missing 'a'", "none of ['b']"]
    assert ev.check_turn(ev.Turn("x", must_not=("a",)), []) == []


# --- loading and validating --------------------------------------------------------------


def test_a_valid_file_loads_with_its_harmless_variants(tmp_path: Path) -> None:
    write_part(
        tmp_path,
        "tuning",
        [
            conversation_yaml(
                metadata={"kommune": "06534014"},
                turns=[
                    {"user": "Hallo"},  # a turn that only sets the scene
                    {"user": "Wie viel?", "must": "75.000", "any": [115, "Amt"], "must_not": None},
                ],
            )
        ],
    )
    (conversation,) = ev.load_part("tuning", tmp_path)
    assert conversation.metadata == {"kommune": "06534014"}
    assert conversation.turns[1] == ev.Turn("Wie viel?", must=("75.000",), any_of=("115", "Amt"))
    assert conversation.source.endswith("keywords.yml")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (conversation_yaml(style="keyword"), "style 'keyword' is not one of"),
        (conversation_yaml(topic="wohngeld"), "topic 'wohngeld' is not one of"),
        (conversation_yaml(id="unt-keywords-001"), "ids in the tuning part start with 'tun-'"),
        (conversation_yaml(turns=[]), "'turns' must be a non-empty list"),
        (conversation_yaml(turns=[{"user": "Hallo"}]), "nothing would be checked"),
        (conversation_yaml(turns=[{"user": "x", "must_nt": ["a"]}]), "unknown key(s) ['must_nt']"),
        (conversation_yaml(turns=[{"must": ["a"]}]), "'user' (the message text) is missing"),
        (conversation_yaml(turns=[{"user": "x", "must": [""]}]), "empty string"),
        (conversation_yaml(turns=[{"user": "x", "must": {"a": 1}}]), "'must' must be a list of strings"),
        (conversation_yaml(metadata={"kommune": 1749516}), "quoted 8-digit AGS"),
        (conversation_yaml(stil="keywords"), "unknown key(s) ['stil']"),
    ],
)
def test_a_malformed_conversation_fails_with_a_message_naming_file_id_and_problem(
    tmp_path: Path, raw: dict[str, Any], message: str
) -> None:
    write_part(tmp_path, "tuning", [raw])
    with pytest.raises(ev.FormatError) as error:
        ev.load_part("tuning", tmp_path)
    assert message in str(error.value)
    assert "keywords.yml: conversation 1" in str(error.value)


def test_duplicate_ids_across_files_invalid_yaml_and_an_empty_part_fail(tmp_path: Path) -> None:
    write_part(tmp_path, "tuning", [conversation_yaml()], "a.yml")
    write_part(tmp_path, "tuning", [conversation_yaml()], "b.yml")
    with pytest.raises(ev.FormatError, match="also used in"):
        ev.load_part("tuning", tmp_path)
    (tmp_path / "tuning" / "b.yml").write_text("conversations:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ev.FormatError, match=r"b.yml: not valid YAML \(line"):
        ev.load_part("tuning", tmp_path)
    (tmp_path / "untuned").mkdir()
    with pytest.raises(ev.FormatError, match="no conversation files"):
        ev.load_part("untuned", tmp_path)


def test_ci_subset_ids_must_exist_in_the_tuning_part(tmp_path: Path) -> None:
    write_part(tmp_path, "tuning", [conversation_yaml()])
    subset = tmp_path / "ci_subset.txt"
    subset.write_text("# stable ones\ntun-keywords-001  # Kassel\n", encoding="utf-8")
    assert [c.id for c in ev.load_ci_subset(subset, tmp_path)] == ["tun-keywords-001"]
    subset.write_text("tun-keywords-001\ntun-keywords-999\n", encoding="utf-8")
    with pytest.raises(ev.FormatError, match="tun-keywords-999"):
        ev.load_ci_subset(subset, tmp_path)


def test_the_committed_ci_subset_names_existing_tuning_conversations() -> None:
    subset = ev.load_ci_subset()
    # German and English (issue 16): still small, a regression in the basics fails CI in seconds.
    assert 3 <= len(subset) <= 16, "the CI subset must stay small"
    assert all(c.part in ("tuning", "en-tuning") for c in subset)
    assert {c.lang for c in subset} == {"de", "en"}


# --- the sweep ---------------------------------------------------------------------------


def test_the_sweep_covers_every_municipality_in_three_phrasings_by_its_citizen_name() -> None:
    cases = ev.sweep_cases()
    assert len(cases) == 3 * 422
    messages = {c.message for c in cases}
    assert "Geburtsurkunde Frankfurt" in messages
    assert "Ich bin in Bad Homburg geboren und brauche eine Geburtsurkunde" in messages
    assert "wo bekomme ich meine geburtsurkunde, geboren in Homberg" in messages
    homberg = [c for c in cases if c.name == "Homberg"]
    assert len(homberg) == 6 and all(c.ambiguous for c in homberg)
    assert {m.short_name for m in homberg[0].candidates} == {"Homberg (Efze)", "Homberg (Ohm)"}
    kassel = next(c for c in cases if c.name == "Kassel")
    assert not kassel.ambiguous and kassel.municipality.ars == "066110000000"


def test_sweep_check_link_for_a_unique_name_and_every_candidate_for_a_shared_one() -> None:
    cases = ev.sweep_cases()
    kassel = next(c for c in cases if c.name == "Kassel")
    assert ev.check_sweep(kassel, reply(f"Standesamt Kassel: {KASSEL_LINK}")) is None
    assert ev.check_sweep(kassel, reply("Sie haben Kassel genannt. Was möchten Sie wissen?")) == (
        "no Standesamt link; reply starts 'Sie haben {place} genannt.'"
    )
    assert ev.check_sweep(kassel, []) == "no Standesamt link; reply starts '(no reply)'"
    assert ev.check_sweep(kassel, reply("…regschl=064110000000")) == "link for another municipality"

    homberg = next(c for c in cases if c.name == "Homberg")
    efze, ohm = sorted(homberg.candidates, key=lambda m: m.short_name)
    both = [
        {
            "text": "An mehreren Orten",
            "buttons": [{"title": f"{m.short_name} (Kreis)", "payload": "/x"} for m in (efze, ohm)],
        }
    ]
    assert ev.check_sweep(homberg, both) is None
    by_payload = [
        {
            "text": "?",
            "buttons": [{"title": "A", "payload": f'/angabe{{"gemeinde": "{m.ags}"}}'} for m in (efze, ohm)],
        }
    ]
    assert ev.check_sweep(homberg, by_payload) is None
    only_one = [{"text": "An mehreren Orten", "buttons": [{"title": efze.short_name, "payload": "/x"}]}]
    assert ev.check_sweep(homberg, only_one) == "candidates not offered: Homberg (Ohm)"
    # Naming both in the text is not offering them.
    assert ev.check_sweep(homberg, reply("Homberg (Efze) oder Homberg (Ohm)?")) is not None


def test_a_member_of_a_joint_standesamt_district_may_be_answered_with_the_seat(tmp_path: Path) -> None:
    index = load_municipalities()
    seat, member, other = index.by_ags("06635011"), index.by_ags("06635010"), index.by_ags("06611000")
    assert seat and member and other
    districts = tmp_path / "standesamtsbezirke.yml"
    districts.write_text(
        yaml.safe_dump({"bezirke": [{"sitz": seat.ags, "mitglieder": [seat.ags, member.ags]}]}),
        encoding="utf-8",
    )
    cases = {c.municipality.ags: c for c in ev.sweep_cases(ev.SWEEP_PHRASINGS[:1], districts)}
    assert cases[member.ags].seat == seat and cases[seat.ags].seat is None
    assert ev.check_sweep(cases[member.ags], reply(f"…regschl={seat.ars}")) is None
    assert ev.check_sweep(cases[member.ags], reply(f"…regschl={member.ars}")) is None
    assert (
        ev.check_sweep(cases[member.ags], reply(f"…regschl={other.ars}")) == "link for another municipality"
    )
    assert ev.check_sweep(cases[seat.ags], reply(f"…regschl={member.ars}")) == "link for another municipality"
    assert ev.sweep_cases(ev.SWEEP_PHRASINGS[:1], tmp_path / "missing.yml")[0].seat is None


def test_citizen_names_drop_brackets_and_suffixes() -> None:
    index = load_municipalities()
    names = {ev.citizen_name(m) for m in index.municipalities()}
    assert {"Frankfurt", "Bad Homburg", "Homberg", "Offenbach", "Neustadt"} <= names
    assert not any("(" in n or " am " in n for n in names)


# --- reports -----------------------------------------------------------------------------


def outcome(conv_id: str, part: str, style: str, topic: str, passed: bool) -> ev.ConversationOutcome:
    conversation = ev.Conversation(conv_id, part, style, topic, (ev.Turn("Geheimer Text", must=("Kassel",)),))
    answer = reply("Antwort mit Kassel" if passed else "Geheime Antwort")
    return ev.ConversationOutcome(
        conversation, [ev.TurnOutcome("Geheimer Text", answer, ev.check_turn(conversation.turns[0], answer))]
    )


def test_summary_counts_per_part_style_and_topic() -> None:
    outcomes = [
        outcome("tun-1", "tuning", "keywords", "standesamt", True),
        outcome("tun-2", "tuning", "keywords", "ikz", False),
        outcome("tun-3", "tuning", "dialect", "ikz", True),
    ]
    summary = ev.summarise(outcomes)
    assert summary["conversations"] == {"passed": 2, "total": 3, "rate": 0.6667}
    assert summary["by_style"] == {
        "dialect": {"passed": 1, "total": 1, "rate": 1.0},
        "keywords": {"passed": 1, "total": 2, "rate": 0.5},
    }
    assert summary["by_topic"]["ikz"] == {"passed": 1, "total": 2, "rate": 0.5}
    table = ev.render_table({"tuning": summary}, None)
    assert "| style: keywords | 1/2 (50.0 %) |" in table


def test_a_lost_turn_is_a_transport_error_and_stops_the_conversation() -> None:
    conversation = ev.Conversation(
        "tun-1", "tuning", "follow_up", "ikz", (ev.Turn("a", must=("x",)), ev.Turn("b", must=("y",)))
    )
    lost = ev.ConversationOutcome(conversation, [ev.TurnOutcome("a", [], [], error="timeout")])
    summary = ev.summarise([lost])
    assert summary["transport_errors"] == 1
    assert summary["turns"] == {"passed": 0, "total": 2, "rate": 0.0}
    assert "turns 2–2 not played" in ev.failures_text([lost])


def test_tuning_failures_are_readable_and_untuned_details_are_never_written(tmp_path: Path) -> None:
    played = {
        "tuning": [
            outcome("tun-ok", "tuning", "keywords", "standesamt", True),
            outcome("tun-bad", "tuning", "typo", "ikz", False),
        ],
        "untuned": [
            outcome("unt-secret-1", "untuned", "typo", "ikz", False),
            outcome("unt-secret-2", "untuned", "typo", "ikz", True),
        ],
    }
    document = ev.write_results(tmp_path, played, None, {"runtime_s": 1.0})
    failures = (tmp_path / "e2e_failures_tuning.txt").read_text(encoding="utf-8")
    assert "tun-bad  [typo / ikz]" in failures and "> Geheimer Text" in failures
    assert "< Geheime Antwort" in failures and "✘ missing 'Kassel'" in failures
    assert "tun-ok" not in failures
    written = "".join(p.read_text(encoding="utf-8") for p in tmp_path.iterdir())
    assert "unt-secret" not in written
    assert document["parts"]["untuned"]["by_style"] == {"typo": {"passed": 1, "total": 2, "rate": 0.5}}
    assert json.loads((tmp_path / "e2e.json").read_text(encoding="utf-8"))["parts"]["tuning"][
        "failed_ids"
    ] == ["tun-bad"]
    with pytest.raises(ValueError, match="never written"):
        ev.failures_text(played["untuned"])


# --- playing against a fake REST channel ---------------------------------------------------


async def test_conversations_are_played_turn_by_turn_with_one_sender_each_and_bounded_concurrency() -> None:
    received: list[dict[str, Any]] = []
    active = 0
    most_active = 0

    async def webhook(request: web.Request) -> web.Response:
        nonlocal active, most_active
        body = await request.json()
        received.append(body)
        active += 1
        most_active = max(most_active, active)
        await asyncio.sleep(0.02)
        active -= 1
        if body["message"] == "kaputt":
            return web.Response(status=500)
        return web.json_response([{"recipient_id": body["sender"], "text": f"Echo {body['message']}"}])

    app = web.Application()
    app.router.add_post(ev.REST_WEBHOOK, webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        conversations = [
            ev.Conversation(
                f"tun-{i}",
                "tuning",
                "follow_up",
                "ikz",
                (
                    ev.Turn(f"eins {i}", must=(f"echo eins {i}",)),
                    ev.Turn("zwei", must=("Echo zwei",), must_not=("eins",)),
                ),
                metadata={"kommune": "06534014"},
            )  # fmt: skip
            for i in range(6)
        ]
        conversations.append(
            ev.Conversation(
                "tun-x",
                "tuning",
                "typo",
                "ikz",
                (ev.Turn("kaputt", must=("a",)), ev.Turn("nie", must=("b",))),
            )
        )
        outcomes = await ev.play_all(f"http://127.0.0.1:{port}", conversations, concurrency=2, timeout_s=5)
    finally:
        await runner.cleanup()

    assert [o.passed for o in outcomes] == [True] * 6 + [False]
    assert outcomes[-1].turns[0].error == "HTTP 500" and len(outcomes[-1].turns) == 1
    assert most_active <= 2
    senders: dict[str, list[str]] = {}
    for body in received:
        senders.setdefault(body["sender"], []).append(body["message"])
        if body["message"] != "kaputt":
            # The widget's language switch is sent as well, set to the conversation's language.
            assert body["metadata"] == {"sprache": "de", "kommune": "06534014"}
    assert len(senders) == 7
    assert sorted(senders.values())[0] == ["eins 0", "zwei"]


def test_sweep_asks_back_namesakes_and_short_district_names_but_not_official_names() -> None:
    from bot.tooling.e2e_eval import sweep_cases

    first = {c.municipality.name: c for c in sweep_cases() if c.phrasing == 1}
    assert first["Weimar (Lahn)"].ambiguous and first["Fürth"].ambiguous
    assert first["Höchst i. Odw."].ambiguous
    # "Griesheim" is also a Frankfurt district, but the official name stays the town.
    assert not first["Griesheim, Stadt"].ambiguous
    assert not first["Kassel, documenta-Stadt"].ambiguous


def test_conversations_with_a_training_text_are_also_scored_apart() -> None:
    from bot.tooling.evaluation import text_key

    trained = outcome("tun-a", "tuning", "keywords", "standesamt", True)  # "Geheimer Text"
    conversation = ev.Conversation(
        "tun-b", "tuning", "typo", "ikz", (ev.Turn("Eigener Satz", must=("Kassel",)),)
    )
    answer = reply("Geheime Antwort")
    fresh = ev.ConversationOutcome(
        conversation, [ev.TurnOutcome("Eigener Satz", answer, ev.check_turn(conversation.turns[0], answer))]
    )
    summary = ev.summarise([trained, fresh], {text_key("geheimer text!")})
    assert summary["conversations"] == {"passed": 1, "total": 2, "rate": 0.5}
    assert summary["conversations_without_training_text"] == {"passed": 0, "total": 1, "rate": 0.0}
    assert ev.summarise([trained, fresh])["conversations_without_training_text"] == summary["conversations"]


def test_a_reply_in_the_wrong_language_fails_the_turn() -> None:
    turn = ev.Turn(user="What is the BundID?", must=("BundID",))
    german = [{"text": "Die BundID ist das Nutzerkonto des Bundes für Anträge bei Behörden."}]
    english = [{"text": "The BundID is the federal citizen account for applications."}]
    only_a_link = [{"text": "BundID: https://id.bund.de"}]
    assert ev.check_turn(turn, german, "en") == ["answered in 'de', not 'en'"]
    assert ev.check_turn(turn, english, "en") == []
    assert ev.check_turn(turn, only_a_link, "en") == []  # nothing to tell the language by
    assert ev.check_turn(turn, english, "de") == ["answered in 'en', not 'de'"]


def test_english_parts_load_from_their_own_folder() -> None:
    for part in ("en-tuning", "en-untuned"):
        conversations = ev.load_part(part)
        assert conversations and all(c.id.startswith(ev.PARTS[part]) for c in conversations)
        assert {c.lang for c in conversations} == {"en"}
    assert "en-untuned" in ev.SECRET_PARTS
