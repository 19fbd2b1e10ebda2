"""Offline tests of the catalogue answer (actions/katalog.py) and its routing."""

from __future__ import annotations

import json

import pytest

from actions.katalog import ActionLeistungSuchen, answer_from_catalogue, choice_payload, plausible
from actions.online_leistungen import ActionOnlineLeistung
from bot.knowledge.catalogue import load_catalogue
from tests.tracker_factory import gemeinde, make_tracker, run, user_event

KASSEL_AGS = "06611000"


async def test_a_catalogue_only_service_gets_name_topic_level_law_and_next_steps() -> None:
    _, [message] = await run(
        ActionOnlineLeistung(), make_tracker("Wie bekomme ich einen Jagdschein?", "online_beantragen")
    )
    text = message["text"]
    assert "„Jagdschein“" in text
    assert "Thema:" in text
    assert "Geregelt ist die Leistung im Bundesrecht" in text
    assert "http://www.gesetze-im-internet.de/" in text
    assert "https://verwaltungsportal.hessen.de" in text and "„Jagdschein“ ein" in text
    assert "115" in text
    assert "Stadt- oder Gemeindeverwaltung" in text
    # The catalogue says nothing about online services, so neither does the answer.
    assert "geht online" not in text and "Das geht im Internet" not in text


async def test_a_land_regulated_service_says_so_without_naming_an_office() -> None:
    _, [message] = await run(ActionOnlineLeistung(), make_tracker("Ehrenamtskarte", "online_beantragen"))
    assert "„Ehrenamtskarte“" in message["text"]
    assert "Landesrecht" in message["text"]
    assert "steht nicht im Katalog" in message["text"]


async def test_with_municipal_context_the_municipality_is_named() -> None:
    tracker = make_tracker(
        "Ich brauche einen Jagdschein", "online_beantragen", metadata={"kommune": KASSEL_AGS}
    )
    _, [message] = await run(ActionOnlineLeistung(), tracker)
    assert "Die Verwaltung von Kassel" in message["text"]


async def test_ambiguous_question_offers_buttons_that_answer_exactly_that_service() -> None:
    _, [message] = await run(
        ActionOnlineLeistung(), make_tracker("Wo bekomme ich eine Beglaubigung?", "online_beantragen")
    )
    buttons = message["buttons"]
    assert 2 <= len(buttons) <= 4
    names = [json.loads(b["payload"].split("online_beantragen", 1)[1])["leistung"] for b in buttons]
    assert all(load_catalogue().by_name(n) for n in names)
    # Pressing a button: the payload's entity names the service exactly.
    chosen = names[1]
    entity = {"entity": "leistung", "value": chosen}
    tracker = make_tracker(buttons[1]["payload"], "online_beantragen", entities=[entity])
    _, [answer] = await run(ActionOnlineLeistung(), tracker)
    assert f"„{chosen}“" in answer["text"]


def test_variants_of_the_best_service_are_not_ambiguous() -> None:
    assert [s.name for s in plausible(load_catalogue().search("Perso"))] == ["Personalausweis"]
    offered = [s.name for s in plausible(load_catalogue().search("Ausnahmegenehmigung"))]
    assert len(offered) >= 2
    assert not [a for a in offered for b in offered if a != b and a.startswith(b)]


def test_button_payload_is_valid_json_even_with_quotes() -> None:
    service = load_catalogue().by_name('Baumusterzulassung von Druckgefäßen ("Glasflaschen" usw.)')
    assert service is not None
    payload = choice_payload(service)
    assert json.loads(payload.removeprefix("/online_beantragen"))["leistung"] == service.name


async def test_leichte_sprache_variant() -> None:
    tracker = make_tracker("Jagdschein", "online_beantragen", slots={"leichte_sprache": True})
    _, [message] = await run(ActionOnlineLeistung(), tracker)
    assert "Im Amt heißt das: Jagdschein." in message["text"]
    assert (
        "Rufen Sie die Nummer 115 an" in message["text"] or "rufen Sie die Nummer 115 an" in message["text"]
    )


async def test_generic_online_question_still_gets_the_overview() -> None:
    _, [message] = await run(
        ActionOnlineLeistung(), make_tracker("Was kann ich online beantragen?", "online_beantragen")
    )
    assert "Bundesrecht" not in message["text"]
    assert message["buttons"]


@pytest.mark.parametrize(
    "text", ["Jagdschein", "Ich möchte aus der Kirche austreten", "Einbürgerung", "Zweitwohnungssteuer"]
)
async def test_out_of_scope_with_a_confident_service_is_answered(text: str) -> None:
    _, messages = await run(ActionLeistungSuchen(), make_tracker(text, "out_of_scope"))
    assert messages
    assert "Dazu kann ich leider nichts sagen" not in str(messages)
    assert messages[0].get("response") != "utter_out_of_scope"


@pytest.mark.parametrize("text", ["Wie ist das Wetter?", "Erzähl einen Witz"])
async def test_out_of_scope_chit_chat_keeps_the_out_of_scope_answer(text: str) -> None:
    _, [message] = await run(ActionLeistungSuchen(), make_tracker(text, "out_of_scope"))
    assert message["response"] == "utter_out_of_scope"


async def test_not_understood_without_a_service_keeps_the_two_stage_fallback() -> None:
    _, [first] = await run(ActionLeistungSuchen(), make_tracker("blub", "nlu_fallback"))
    assert first["buttons"]
    history = [user_event("blub", "nlu_fallback"), {"event": "action", "name": "action_leistung_suchen"}]
    _, [second] = await run(ActionLeistungSuchen(), make_tracker("blab", "nlu_fallback", history=history))
    assert "115" in second["text"]


async def test_not_understood_but_a_service_is_answered() -> None:
    _, [message] = await run(ActionLeistungSuchen(), make_tracker("waffenbesitzkarte", "nlu_fallback"))
    assert "„Waffenbesitzkarte“" in message["text"]


def test_answer_from_catalogue_sends_nothing_below_the_threshold() -> None:
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    assert not answer_from_catalogue(dispatcher, make_tracker("Wie ist das Wetter?", "out_of_scope"), 0.6)
    assert dispatcher.messages == []


async def test_a_municipality_named_in_the_question_wins_over_the_website() -> None:
    tracker = make_tracker(
        "Waffenbesitzkarte in Kassel",
        "online_beantragen",
        entities=[gemeinde("Kassel")],
        metadata={"kommune": "06412000"},
    )
    _, [message] = await run(ActionOnlineLeistung(), tracker)
    assert "Die Verwaltung von Kassel" in message["text"]


async def test_out_of_scope_right_after_a_miss_hands_over_to_a_person() -> None:
    from actions.katalog import ActionLeistungSuchen
    from tests.tracker_factory import make_tracker, run, user_event

    history = [user_event("Brmpf xkcd", "nlu_fallback"), {"event": "bot", "text": "..."}]
    tracker = make_tracker("Wer wird Meister?", "out_of_scope", history=history)
    _, messages = await run(ActionLeistungSuchen(), tracker)
    assert "115" in messages[0]["text"] and not messages[0].get("buttons")


def test_a_catalogue_question_beside_a_detailed_service_is_answered() -> None:
    from actions.online_leistungen import asked_catalogue_service

    text = "Ich will Bürgergeld beantragen. Kann ich mich dann auch vom Rundfunkbeitrag befreien lassen?"
    assert [s.name for s in asked_catalogue_service(text)] == [
        "Rundfunkbeitrag im privaten Bereich Befreiung"
    ]
    # A question about the topic itself asks no second service.
    assert asked_catalogue_service("Ich brauche einen Reisepass. Wie lange dauert das?") == []


async def test_a_weakly_selected_faq_about_a_catalogue_service_gets_the_catalogue() -> None:
    from actions.faq import ActionFaq

    text = "Darf ich bei uns an Ostern ein Osterfeuer im Garten machen oder muss ich das vorher anmelden?"
    tracker = make_tracker(text, "faq")
    tracker.latest_message["response_selector"] = {
        "default": {"response": {"intent_response_key": "faq/servicekonto_was", "confidence": 0.08}}
    }
    _, messages = await run(ActionFaq(), tracker)
    said = " ".join(str(m.get("text") or "") for m in messages)
    assert "Osterfeuer" in said
    assert not any(m.get("response") == "utter_faq/servicekonto_was" for m in messages)


def test_a_year_with_allerdings_objects_to_the_answer() -> None:
    from actions.katalog import objects_to_answer

    assert objects_to_answer("mein Fahrzeugschein ist allerdings von 2012")
    assert not objects_to_answer("mein Fahrzeugschein ist von 2012")


async def test_a_follow_up_on_a_catalogue_service_says_where_to_look() -> None:
    from actions.nachfragen import ActionNachfrage

    tracker = make_tracker("geht das auch online?", "nachfrage", slots={"fokus": "katalog:Osterfeuer"})
    _, messages = await run(ActionNachfrage(), tracker)
    said = " ".join(str(m.get("text") or "") for m in messages)
    assert "„Osterfeuer“" in said and "verwaltungsportal.hessen.de" in said and "115" in said


async def test_a_catalogue_answer_puts_its_service_in_focus() -> None:
    tracker = make_tracker("Ich will ein Osterfeuer machen, muss ich das anmelden?", "out_of_scope")
    events, _ = await run(ActionLeistungSuchen(), tracker)
    assert {"event": "slot", "name": "fokus", "value": "katalog:Osterfeuer"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]


def test_a_sentence_of_a_story_raises_the_best_service_only() -> None:
    catalogue = load_catalogue()
    story = (
        "Ich fange nächste Woche in einer Bäckerei an. Die Chefin meint, ich brauche vorher noch so ein "
        "Gesundheitszeugnis. Ich war da ganz überrascht, das kannte ich aus meinem alten Job nicht."
    )
    whole = catalogue._finder.search(story, 3)
    hits = catalogue.search(story, 3)
    assert hits[0].service is whole[0].service and hits[0].service.name == "Gesundheitszeugnis"
    assert hits[0].score > whole[0].score
    assert [h.service for h in hits[1:]] == [h.service for h in whole[1:]]


async def test_a_tagged_life_event_comes_before_the_catalogue() -> None:
    text = "Mer kriehe e Bobbelsche! Was muss mer dann alles mache, wenn des Kind uff de Welt is?"
    lebenslage = {"entity": "lebenslage", "value": "geburt", "extractor": "DIETClassifier"}
    tracker = make_tracker(text, "nlu_fallback", [lebenslage])
    _, messages = await run(ActionLeistungSuchen(), tracker)
    said = " ".join(str(m.get("text") or "") for m in messages)
    assert "Geburt" in said and "Leistungskatalog" not in said
