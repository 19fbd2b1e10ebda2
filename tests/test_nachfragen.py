"""Follow-ups for the topic in focus, and dissatisfaction (actions/fokus.py, actions/nachfragen.py), offline."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fokus import current_focus, focus_event
from actions.kontakt import topic_menu
from actions.nachfragen import ActionNachfrage, ActionUnzufrieden, aspect_of
from actions.online_leistungen import ActionOnlineLeistung
from actions.standesamt import (
    ActionOrtKontext,
    ActionStandesamtAuskunft,
    ActionStandesamtVorbereiten,
    ValidateStandesamtForm,
)
from bot.knowledge.municipalities import load_municipalities
from bot.knowledge.services import load_services
from tests.tracker_factory import gemeinde, make_tracker, run, slots_of, user_event

KASSEL = load_municipalities().resolve("Kassel").municipality
assert KASSEL is not None


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def followups(events: list[dict]) -> list[str]:
    return [e["name"] for e in events if e.get("event") == "followup"]


async def test_a_service_answer_puts_the_service_in_focus() -> None:
    tracker = make_tracker("Kann ich Wohngeld online beantragen?", "online_beantragen")
    events, _ = await run(ActionOnlineLeistung(), tracker)
    assert slots_of(events)["fokus"] == "leistung:wohngeld"


async def test_und_in_kassel_after_a_service_answers_that_service_for_kassel() -> None:
    tracker = make_tracker(
        "Und in Kassel?", "angabe", [gemeinde("Kassel")], slots={"fokus": "leistung:wohngeld"}
    )
    events, messages = await run(ActionOrtKontext(), tracker)
    answer = texts(messages)
    assert "Wohngeld" in answer and "Kassel" in answer
    assert "Was möchten Sie dazu wissen" not in answer
    assert slots_of(events)["fokus"] == "leistung:wohngeld"


async def test_a_bare_place_after_a_certificate_offer_continues_that_request() -> None:
    tracker = make_tracker("Gießen", "angabe", [gemeinde("Gießen")], slots={"fokus": "urkunde:sterbeurkunde"})
    events, messages = await run(ActionOrtKontext(), tracker)
    assert messages == []
    assert slots_of(events) == {"anliegen": "urkunde", "urkundenart": "sterbeurkunde", "ort": "Gießen"}
    assert followups(events) == ["action_standesamt_auskunft"]


async def test_a_number_after_the_ikz_calculator_recalculates() -> None:
    tracker = make_tracker("Und vier?", "angabe", slots={"fokus": "ikz"})
    events, messages = await run(ActionOrtKontext(), tracker)
    assert "4 Kommunen" in texts(messages) and "100.000" in texts(messages)
    # Answered at once: a FollowupAction after a follow-up or fallback intent made the
    # policies loop.
    assert followups(events) == [] and slots_of(events)["fokus"] == "ikz"


@pytest.mark.parametrize(
    ("text", "intent", "amount"),
    [
        ("und wenn wir nur zu zweit sind?", "nlu_fallback", "50.000"),
        ("and for five?", "nachfrage", "100.000"),
        ("and if we are only two?", "nachfrage", "50.000"),
        # A special case instead of a number: its rule (15.000 € per merged fire brigade).
        ("and if we merge our volunteer fire brigades?", "nachfrage", "15.000"),
    ],
)
async def test_a_number_in_any_follow_up_after_the_ikz_calculator_recalculates(
    text: str, intent: str, amount: str
) -> None:
    from actions.katalog import ActionLeistungSuchen

    action = ActionNachfrage() if intent == "nachfrage" else ActionLeistungSuchen()
    events, messages = await run(action, make_tracker(text, intent, slots={"fokus": "ikz"}))
    assert amount in texts(messages) and followups(events) == []
    # Without IKZ in focus the same words are no funding question.
    _, messages = await run(action, make_tracker(text, intent))
    assert amount not in texts(messages)


def faq_turn(text: str, response: str) -> list[dict]:
    """A previous turn answered by the FAQ ``response`` (Rasa records it as utter_action)."""
    return [user_event(text, "faq"), {"event": "bot", "text": "…", "metadata": {"utter_action": response}}]


@pytest.mark.parametrize(
    ("previous", "text", "intent", "expected"),
    [
        ("utter_faq/bundid_was", "how do I create one?", "nachfrage", "utter_faq/bundid_registrieren"),
        # A separable verb ("leg … an") and the cost of the account, which is free.
        ("utter_faq/bundid_was", "wo leg ich die an?", "nachfrage", "utter_faq/bundid_registrieren"),
        ("utter_faq/bundid_registrieren", "kostet das was?", "nachfrage", "utter_faq/bundid_was"),
        # Deleting it: the BundID answer says how, and that 24 months unused delete it.
        ("utter_faq/bundid_was", "Can I delete it?", "nachfrage", "utter_faq/bundid_was"),
        (
            "utter_faq/servicekonto_was",
            "werden meine Daten übernommen?",
            "lebenslage",
            "utter_faq/servicekonto_bundid",
        ),
        ("utter_faq/ikz_beratung", "und bis wann läuft die Förderung?", "nlu_fallback", "utter_faq/ikz_was"),
        # Who is in charge of the OZG in Hessen: the Land's digital ministry (round 50).
        ("utter_faq/ozg_frist", "wer ist in hessen dafür zuständig?", "nachfrage", "utter_faq/ministerium"),
    ],
)
async def test_the_previous_faq_is_the_topic_of_a_follow_up(
    previous: str, text: str, intent: str, expected: str
) -> None:
    from actions.katalog import ActionLeistungSuchen
    from actions.lebenslagen import ActionLebenslage

    action = {"nachfrage": ActionNachfrage, "lebenslage": ActionLebenslage}.get(
        intent, ActionLeistungSuchen
    )()
    tracker = make_tracker(text, intent, history=faq_turn("Was ist das?", previous))
    _, messages = await run(action, tracker)
    assert [m.get("response") for m in messages] == [expected]
    # A FAQ two turns back is no longer the topic.
    older = [
        *faq_turn("Was ist das?", previous),
        user_event("Danke", "chitchat"),
        {"event": "bot", "text": "Gern"},
    ]
    _, messages = await run(action, make_tracker(text, intent, history=older))
    assert [m.get("response") for m in messages] != [expected]


async def test_what_does_a_new_one_cost_after_a_lost_id_card_names_the_id_card_fee() -> None:
    from actions.lebenslagen import ActionLebenslage

    events, _ = await run(
        ActionLebenslage(), make_tracker("Ich habe meinen Personalausweis verloren.", "lebenslage")
    )
    assert slots_of(events)["fokus"] == "lebenslage:ausweis_verloren"
    tracker = make_tracker(
        "was kostet ein neuer?", "nachfrage", slots={"fokus": "lebenslage:ausweis_verloren"}
    )
    _, messages = await run(ActionNachfrage(), tracker)
    assert "Personalausweis" in texts(messages) and "46,00 €" in texts(messages)


async def test_a_place_without_focus_gets_the_place_menu_as_before() -> None:
    tracker = make_tracker("Kassel", "angabe", [gemeinde("Kassel")])
    _, messages = await run(ActionOrtKontext(), tracker)
    assert "Kassel" in texts(messages) and messages[0]["buttons"]


async def test_the_standesamt_answer_puts_the_certificate_in_focus() -> None:
    slots = {"anliegen": "urkunde", "urkundenart": "geburtsurkunde", "ort": "Kassel"}
    events, _ = await run(ActionStandesamtAuskunft(), make_tracker("Kassel", "angabe", slots=slots))
    assert slots_of(events)["fokus"] == "urkunde:geburtsurkunde"


async def test_what_does_it_cost_after_a_passport_names_the_passport_fees() -> None:
    tracker = make_tracker("Und wie viel kostet der?", "nachfrage", slots={"fokus": "leistung:reisepass"})
    _, messages = await run(ActionNachfrage(), tracker)
    answer = texts(messages)
    assert "Reisepass" in answer and "70" in answer


async def test_online_follow_up_gives_the_status_of_the_service_in_focus() -> None:
    tracker = make_tracker("Geht das auch online?", "nachfrage", slots={"fokus": "leistung:personalausweis"})
    _, messages = await run(ActionNachfrage(), tracker)
    assert "Personalausweis" in texts(messages) and "verwaltungsportal.hessen.de" in texts(messages)


async def test_online_follow_up_keeps_the_place_the_service_was_asked_for() -> None:
    # "Wie melde ich meinen Hund in Marburg an?" then "geht das auch online?": Marburg's page.
    asked = user_event("Wie melde ich meinen Hund in Marburg an?", "online_beantragen", [gemeinde("Marburg")])
    tracker = make_tracker(
        "geht das auch online?", "nachfrage", slots={"fokus": "leistung:hundesteuer"}, history=[asked]
    )
    _, messages = await run(ActionNachfrage(), tracker)
    assert "Hundesteuer" in texts(messages) and "regschl=065340014014" in texts(messages)
    # Without a place asked before, no municipality's page is guessed.
    tracker = make_tracker("geht das auch online?", "nachfrage", slots={"fokus": "leistung:hundesteuer"})
    _, messages = await run(ActionNachfrage(), tracker)
    assert "regschl=" not in texts(messages)


async def test_online_follow_up_after_a_certificate_names_the_event_places_standesamt() -> None:
    tracker = make_tracker(
        "geht das auch online?", "nachfrage", slots={"fokus": "urkunde:eheurkunde", "ort": "Limburg"}
    )
    _, messages = await run(ActionNachfrage(), tracker)
    answer = texts(messages)
    assert "Eheurkunde" in answer and "Limburg" in answer and "regschl=065330009009" in answer


async def test_cost_of_a_certificate_in_focus_is_the_certificate_fee_answer() -> None:
    tracker = make_tracker("Was kostet das?", "nachfrage", slots={"fokus": "urkunde:geburtsurkunde"})
    _, messages = await run(ActionNachfrage(), tracker)
    assert [m["response"] for m in messages] == ["utter_faq/urkunde_gebuehr"]


async def test_a_follow_up_without_focus_asks_which_service() -> None:
    _, messages = await run(ActionNachfrage(), make_tracker("Was kostet das?", "nachfrage"))
    assert "Leistung" in texts(messages) and messages[0]["buttons"]


def test_aspects() -> None:
    assert aspect_of("Was kostet das?") == "kosten"
    # Urgency is the express surcharge of the fees.
    assert aspect_of("Ich fliege schon übermorgen – geht das schneller?") == "kosten"
    assert aspect_of("un was koscht des?") == "kosten"
    assert aspect_of("geht des aach online?") == "online"
    assert aspect_of("Wie lange dauert das?") == "dauer"
    assert aspect_of("Wer macht das?") == "allgemein"
    # An age asks for the fee of that age group.
    assert aspect_of("und wenn ich 19 bin?") == "kosten"
    assert aspect_of("und für meine Tochter, die ist 8?") == "kosten"
    assert aspect_of("and if I am 17?") == "kosten"
    # How long, asked with the way to order or the delivery as its circumstance.
    assert aspect_of("wie lange dauert das, wenn ich dort per Post bestelle?") == "dauer"
    assert aspect_of("Wie lange dauert es, bis er mir nach Hause geschickt wird?") == "dauer"
    assert aspect_of("und kann ich die per E-Mail bestellen?") == "bestellweg"
    # Urgency asks for the express surcharge, which the fees name.
    assert aspect_of("Und wenn es schnell gehen muss?") == "kosten"
    assert aspect_of("Wie schnell geht das?") == "dauer"


def test_focus_slot_round_trip() -> None:
    event = focus_event("leistung", "wohngeld")
    tracker = make_tracker("x", "angabe", slots={"fokus": event["value"]})
    focus = current_focus(tracker)
    assert focus is not None and (focus.kind, focus.value) == ("leistung", "wohngeld")


async def test_dissatisfaction_apologises_and_names_a_person() -> None:
    tracker = make_tracker("Das hilft mir nicht weiter", "unzufrieden", metadata={"kommune": "06534014"})
    _, messages = await run(ActionUnzufrieden(), tracker)
    answer = texts(messages)
    assert "leid" in answer and "115" in answer and "Marburg" in answer
    assert messages[0]["buttons"] == topic_menu()


async def test_dissatisfaction_never_repeats_the_menu_just_shown() -> None:
    shown = {"event": "bot", "text": "Geht es um eines dieser Themen?", "data": {"buttons": topic_menu()}}
    tracker = make_tracker("falsch", "unzufrieden", history=[shown])
    _, messages = await run(ActionUnzufrieden(), tracker)
    assert "115" in texts(messages) and not messages[0]["buttons"]


async def test_a_second_service_in_a_certificate_request_is_answered_after_it() -> None:
    first = user_event(
        "Ich brauche eine Geburtsurkunde und will wissen, ob Wohngeld online geht", "urkunde_beantragen"
    )
    slots = {"anliegen": "urkunde", "urkundenart": "geburtsurkunde", "ort": "Kassel"}
    tracker = make_tracker("Kassel", "angabe", [gemeinde("Kassel")], slots=slots, history=[first])
    _, messages = await run(ActionStandesamtAuskunft(), tracker)
    answer = texts(messages)
    assert "Kassel" in answer and "Geburtsurkunde" in answer
    # The second topic is answered right after the certificate answer.
    assert messages[-1]["text"].startswith("Wohngeld")


async def test_a_second_topic_in_a_service_question_is_offered() -> None:
    tracker = make_tracker(
        "Kann ich Wohngeld online beantragen und brauche ich eine Geburtsurkunde?",
        "online_beantragen",
        [{"entity": "leistung", "value": "wohngeld"}, {"entity": "urkundenart", "value": "geburtsurkunde"}],
    )
    _, messages = await run(ActionOnlineLeistung(), tracker)
    assert "Wohngeld" in messages[0]["text"]
    assert messages[-1]["buttons"] == [
        {
            "title": "Geburtsurkunde bestellen",
            "payload": '/urkunde_beantragen{"urkundenart": "geburtsurkunde"}',
        }
    ]


async def test_one_topic_gets_no_extra_offer() -> None:
    _, messages = await run(
        ActionOnlineLeistung(), make_tracker("Kann ich Wohngeld online beantragen?", "online_beantragen")
    )
    assert len(messages) == 1


async def test_und_eine_sterbeurkunde_after_an_answer_keeps_its_place() -> None:
    slots = {
        "fokus": "urkunde:eheurkunde",
        "ort": "06439015",
        "anliegen": "urkunde",
        "urkundenart": "eheurkunde",
    }
    kind = [{"entity": "urkundenart", "value": "sterbeurkunde"}]
    events, _ = await run(
        ActionOrtKontext(), make_tracker("und eine Sterbeurkunde?", "angabe", kind, slots=slots)
    )
    assert slots_of(events) == {"anliegen": "urkunde", "urkundenart": "sterbeurkunde", "ort": "06439015"}
    events, _ = await run(
        ActionStandesamtVorbereiten(),
        make_tracker("und eine Sterbeurkunde?", "urkunde_beantragen", kind, slots=slots),
    )
    assert slots_of(events)["ort"] == "06439015"
    # A new request without "und" does not inherit the place.
    events, _ = await run(
        ActionStandesamtVorbereiten(),
        make_tracker("Ich brauche eine Sterbeurkunde", "urkunde_beantragen", kind, slots=slots),
    )
    assert slots_of(events)["ort"] is None


async def test_a_cleared_slot_is_not_validated_as_an_answer() -> None:
    # "Urkunde bestellen" pressed after the greeting: vorbereiten clears both slots; the
    # form must ask, not complain about an empty answer.
    form = ValidateStandesamtForm()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("/urkunde_beantragen", "urkunde_beantragen")
    assert await form.validate_urkundenart(None, dispatcher, tracker, {}) == {"urkundenart": None}
    assert await form.validate_ort(None, dispatcher, tracker, {}) == {"ort": None}
    assert dispatcher.messages == []


async def test_a_cost_question_that_names_its_service_needs_no_focus() -> None:
    tracker = make_tracker("Wo beantrage ich hier einen neuen Perso und was kostet der?", "nachfrage")
    _, messages = await run(ActionNachfrage(), tracker)
    assert "Personalausweis" in texts(messages) and "46" in texts(messages)


async def test_words_taken_for_a_place_that_name_none_go_where_they_belong() -> None:
    events, messages = await run(
        ActionOrtKontext(), make_tracker("Wir sind drei Gemeinden und wollen den Bauhof teilen.", "angabe")
    )
    # Answered at once: a FollowupAction after the place intent made the policies loop on the
    # topic menu ("Und wenn wir zu viert sind?": eight menus, then no reply to the next message).
    assert "75.000 €" in texts(messages) and followups(events) == []
    events, messages = await run(
        ActionOrtKontext(), make_tracker("Fuehrerschein umschreiben lassen", "angabe")
    )
    assert "Führerschein" in texts(messages) and followups(events) == []
    _, messages = await run(ActionOrtKontext(), make_tracker("Atlantis", "angabe"))
    assert "Atlantis" in texts(messages)


async def test_menu_titles_follow_leichte_sprache() -> None:
    tracker = make_tracker("Das hilft mir nicht", "unzufrieden", slots={"leichte_sprache": True})
    _, messages = await run(ActionUnzufrieden(), tracker)
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert "Was geht im Internet?" in titles and "Was geht online?" not in titles
    _, standard = await run(ActionUnzufrieden(), make_tracker("Das hilft mir nicht", "unzufrieden"))
    assert "Was geht online?" in [b["title"] for b in standard[0]["buttons"]]


async def test_a_name_with_its_river_answers_the_ambiguity() -> None:
    form = ValidateStandesamtForm()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("Allendorf an der Lumda", "angabe", [gemeinde("Allendorf")])
    result = await form.validate_ort("Allendorf", dispatcher, tracker, {})
    lumda = load_municipalities().resolve(result["ort"]).municipality
    assert lumda is not None and lumda.label.startswith("Allendorf (Lumda)")
    assert dispatcher.messages == []


async def test_what_do_i_need_names_what_the_service_needs() -> None:
    tracker = make_tracker(
        "und was brauche ich dafür?", "nachfrage", slots={"fokus": "leistung:kfz_abmeldung"}
    )
    _, messages = await run(ActionNachfrage(), tracker)
    service = load_services().get("kfz_abmeldung")
    assert service is not None
    assert service.summary.split(".")[0] in texts(messages)


async def test_a_certificate_asked_about_as_a_service_stays_a_certificate_in_focus() -> None:
    slots = {"fokus": "leistung:sterbeurkunde"}
    events, _ = await run(
        ActionOrtKontext(), make_tracker("und in Gießen?", "angabe", [gemeinde("Gießen")], slots=slots)
    )
    assert slots_of(events)["urkundenart"] == "sterbeurkunde"
    assert followups(events) == ["action_standesamt_auskunft"]


async def test_a_question_the_nlu_missed_gets_the_faq_of_the_topic_in_focus() -> None:
    from actions.katalog import ActionLeistungSuchen

    tracker = make_tracker("wer berät uns da?", "nlu_fallback", slots={"fokus": "ikz"})
    _, messages = await run(ActionLeistungSuchen(), tracker)
    assert [m.get("response") for m in messages] == ["utter_faq/ikz_beratung"]
    _, messages = await run(ActionLeistungSuchen(), make_tracker("wer berät uns da?", "nlu_fallback"))
    assert messages[0].get("response") != "utter_faq/ikz_beratung"


async def test_an_age_the_nlu_missed_gets_the_fee_of_the_service_in_focus() -> None:
    from actions.katalog import ActionLeistungSuchen

    tracker = make_tracker(
        "und für meine Tochter, die ist 8?", "nlu_fallback", slots={"fokus": "leistung:reisepass"}
    )
    _, messages = await run(ActionLeistungSuchen(), tracker)
    assert "Reisepass" in texts(messages) and "37,50 €" in texts(messages)


async def test_a_short_question_without_a_service_continues_the_service_in_focus() -> None:
    from actions.katalog import ActionLeistungSuchen

    tracker = make_tracker(
        "where i register him then", "online_beantragen", slots={"fokus": "leistung:hundesteuer"}
    )
    events, messages = await run(ActionOnlineLeistung(), tracker)
    assert "Hundesteuer" in texts(messages) and slots_of(events)["fokus"] == "leistung:hundesteuer"
    # Out of scope stays out of scope, focus or not.
    tracker = make_tracker(
        "Wie wird das Wetter morgen?", "out_of_scope", slots={"fokus": "leistung:wohngeld"}
    )
    _, messages = await run(ActionLeistungSuchen(), tracker)
    assert "Wohngeld" not in texts(messages)
    # A new service is a new topic.
    tracker = make_tracker(
        "Was ist mit Elterngeld?", "online_beantragen", slots={"fokus": "leistung:wohngeld"}
    )
    _, messages = await run(ActionOnlineLeistung(), tracker)
    assert texts(messages).startswith("Elterngeld")


async def test_online_follow_up_says_how_it_is_done_instead() -> None:
    tracker = make_tracker("geht das auch online?", "nachfrage", slots={"fokus": "leistung:personalausweis"})
    _, messages = await run(ActionNachfrage(), tracker)
    assert "nicht vollständig online" in texts(messages) and "persönlich" in texts(messages)


async def test_a_follow_up_with_an_event_place_continues_the_certificate_in_focus() -> None:
    tracker = make_tracker(
        "and for my wife? she was born in Friedberg",
        "nachfrage",
        [gemeinde("Friedberg")],
        slots={"fokus": "urkunde:geburtsurkunde"},
    )
    events, messages = await run(ActionNachfrage(), tracker)
    assert messages == []
    assert slots_of(events) == {"anliegen": "urkunde", "urkundenart": "geburtsurkunde", "ort": "Friedberg"}
    assert followups(events) == ["action_standesamt_auskunft"]


async def test_a_what_is_question_beside_a_certificate_is_answered_after_it() -> None:
    first = user_event(
        "Two questions: what exactly is this BundID? And where do I get our marriage certificate, "
        "we got married in Limburg.",
        "urkunde_beantragen",
    )
    slots = {"anliegen": "urkunde", "urkundenart": "eheurkunde", "ort": "Limburg"}
    tracker = make_tracker("Limburg", "angabe", [gemeinde("Limburg")], slots=slots, history=[first])
    _, messages = await run(ActionStandesamtAuskunft(), tracker)
    assert "Limburg" in texts(messages)
    assert messages[-1].get("response") == "utter_faq/bundid_was"


async def test_a_service_for_a_town_with_an_example_page_names_that_town() -> None:
    tracker = make_tracker(
        "Gude, wo krieh isch en Parkausweis fer Anwohner in Offebach?",
        "online_beantragen",
        [{"entity": "leistung", "value": "bewohnerparkausweis"}],
    )
    _, messages = await run(ActionOnlineLeistung(), tracker)
    # The typed place is read by the resolver although no entity tagged it.
    assert "Offenbach am Main" in texts(messages)


async def test_und_eine_sterbeurkunde_read_as_a_follow_up_keeps_the_place() -> None:
    answered = user_event("Heiratsurkunde Taunusstein", "urkunde_beantragen", [gemeinde("Taunusstein")])
    tracker = make_tracker(
        "und eine Sterbeurkunde?",
        "nachfrage",
        [{"entity": "urkundenart", "value": "sterbeurkunde"}],
        slots={"fokus": "urkunde:eheurkunde", "ort": "Taunusstein"},
        history=[answered],
    )
    events, _ = await run(ActionNachfrage(), tracker)
    assert slots_of(events).get("urkundenart") == "sterbeurkunde"
    assert followups(events) == ["action_standesamt_auskunft"]


async def test_cost_and_online_in_one_follow_up_get_the_whole_service_answer() -> None:
    tracker = make_tracker(
        "Was kostet ein neuer Personalausweis und kann ich den auch online beantragen?",
        "nachfrage",
        [{"entity": "leistung", "value": "personalausweis"}],
    )
    events, messages = await run(ActionNachfrage(), tracker)
    answer = texts(messages)
    assert "46,00 €" in answer and "persönlich" in answer
    assert slots_of(events)["fokus"] == "leistung:personalausweis"


async def test_a_cost_answer_puts_its_service_in_focus_for_the_next_follow_up() -> None:
    tracker = make_tracker(
        "Was kostet ein Reisepass?", "nachfrage", [{"entity": "leistung", "value": "reisepass"}]
    )
    events, _ = await run(ActionNachfrage(), tracker)
    assert slots_of(events)["fokus"] == "leistung:reisepass"


async def test_a_service_named_in_the_follow_up_wins_over_the_one_in_focus() -> None:
    tracker = make_tracker(
        "Und was kostet eigentlich ein Reisepass?",
        "nachfrage",
        [{"entity": "leistung", "value": "reisepass"}],
        slots={"fokus": "leistung:personalausweis"},
    )
    events, messages = await run(ActionNachfrage(), tracker)
    assert "Reisepass" in texts(messages) and "Personalausweis" not in texts(messages)
    assert slots_of(events)["fokus"] == "leistung:reisepass"


async def test_online_after_a_life_event_asks_about_its_step_not_the_catalogue() -> None:
    tracker = make_tracker(
        "can I apply for it online?", "online_beantragen", slots={"fokus": "lebenslage:ausweis_verloren"}
    )
    _, messages = await run(ActionOnlineLeistung(), tracker)
    assert "Personalausweis" in texts(messages)
    assert not any(
        "IT Dienstleister" in (b.get("title") or "") for m in messages for b in m.get("buttons") or []
    )


async def test_a_place_after_the_wedding_event_answers_its_first_step_with_that_standesamt() -> None:
    # "Wir wohnen in Lorsch – wo melden wir das an?": the marriage is registered at the
    # Standesamt where the couple lives (Darmstadt's page), so Lorsch's office follows.
    tracker = make_tracker(
        "Wir wohnen in Lorsch – wo melden wir das an?",
        "angabe",
        [gemeinde("Lorsch")],
        slots={"fokus": "lebenslage:heirat"},
    )
    events, messages = await run(ActionOrtKontext(), tracker)
    assert "Eheschließung anmelden" in texts(messages)
    assert "Standesamt am Wohnort" in texts(messages)
    assert "regschl=064310016016" in texts(messages)
    assert "Was möchten Sie dazu wissen" not in texts(messages)
    # "Geht das auch online?" next asks about registering the marriage.
    assert slots_of(events) == {"fokus": "leistung:eheschliessung_anmelden"}


async def test_a_place_after_another_life_event_answers_its_first_step_for_that_place() -> None:
    tracker = make_tracker(
        "und in Kassel?", "angabe", [gemeinde("Kassel")], slots={"fokus": "lebenslage:umzug"}
    )
    events, messages = await run(ActionOrtKontext(), tracker)
    assert "Kassel" in texts(messages)
    assert followups(events) == []
    assert slots_of(events)["fokus"].startswith("leistung:")


async def test_a_service_and_a_place_in_keywords_get_the_service_for_that_place() -> None:
    tracker = make_tracker("build garage permit Taunusstein", "angabe", [gemeinde("Taunusstein")])
    events, messages = await run(ActionOrtKontext(), tracker)
    assert "Baugenehmigung" in texts(messages) and "Taunusstein" in texts(messages)
    assert slots_of(events)["fokus"] == "leistung:baugenehmigung"


async def test_can_i_apply_for_it_online_after_a_fee_answer_means_that_service() -> None:
    tracker = make_tracker(
        "Can I apply for it online?",
        "online_beantragen",
        slots={"fokus": "leistung:personalausweis", "sprache": "en"},
    )
    events, messages = await run(ActionOnlineLeistung(), tracker)
    assert "Personalausweis" in texts(messages)
    assert slots_of(events)["fokus"] == "leistung:personalausweis"


async def test_what_can_i_do_online_after_a_service_still_gets_the_overview() -> None:
    tracker = make_tracker(
        "Was kann ich alles online machen?", "online_beantragen", slots={"fokus": "leistung:wohngeld"}
    )
    _, messages = await run(ActionOnlineLeistung(), tracker)
    assert "Wohngeld:" not in texts(messages)


@pytest.mark.parametrize("intent", ["angabe", "out_of_scope"])
async def test_a_residence_objection_keeps_the_event_place(intent: str) -> None:
    from actions.katalog import ActionLeistungSuchen

    text = "Wir haben aber in Viernheim gewohnt. Muss ich dann nicht nach Viernheim?"
    tracker = make_tracker(
        text, intent, [gemeinde("Viernheim")], slots={"fokus": "urkunde:sterbeurkunde", "ort": "Lampertheim"}
    )
    action = ActionOrtKontext() if intent == "angabe" else ActionLeistungSuchen()
    events, messages = await run(action, tracker)
    assert "Der Wohnort entscheidet hier nicht" in texts(messages) and "Viernheim" in texts(messages)
    assert slots_of(events) == {"anliegen": "urkunde", "urkundenart": "sterbeurkunde", "ort": "Lampertheim"}
    assert followups(events) == ["action_standesamt_auskunft"]


async def test_a_new_event_place_after_a_certificate_answer_is_no_objection() -> None:
    tracker = make_tracker(
        "Und in Viernheim?",
        "angabe",
        [gemeinde("Viernheim")],
        slots={"fokus": "urkunde:sterbeurkunde", "ort": "Lampertheim"},
    )
    events, _ = await run(ActionOrtKontext(), tracker)
    assert slots_of(events)["ort"] == "Viernheim"


async def test_a_fee_question_about_two_services_answers_both() -> None:
    text = "how much cost a new ID card for me (I am 30) and how much the passport?"
    tracker = make_tracker(text, "nachfrage", slots={"sprache": "en"})
    _, messages = await run(ActionNachfrage(), tracker)
    answer = texts(messages)
    assert "46" in answer and "70" in answer


async def test_an_event_outside_hessen_after_a_certificate_answer_continues_the_request() -> None:
    from actions.katalog import ActionLeistungSuchen

    text = "und mein Schwiegervater, der ist in Heidelberg geboren?"
    tracker = make_tracker(
        text,
        "nlu_fallback",
        [gemeinde("Heidelberg")],
        slots={"fokus": "urkunde:geburtsurkunde", "ort": "Darmstadt"},
    )
    events, _ = await run(ActionLeistungSuchen(), tracker)
    assert slots_of(events)["urkundenart"] == "geburtsurkunde"
    assert "Heidelberg" in slots_of(events)["ort"]
    assert followups(events) == ["action_standesamt_auskunft"]


async def test_after_a_step_of_a_life_event_the_event_stays_in_focus() -> None:
    tracker = make_tracker(
        "geht das auch online?", "nachfrage", slots={"fokus": "lebenslage:ausweis_verloren"}
    )
    events, _ = await run(ActionNachfrage(), tracker)
    assert slots_of(events)["fokus"] == "lebenslage:ausweis_verloren"
    tracker = make_tracker("und was kostet der neue? bin 52", "nachfrage", slots=slots_of(events))
    _, messages = await run(ActionNachfrage(), tracker)
    assert "46,00 €" in texts(messages)


async def test_can_we_apply_online_after_a_service_answer_means_that_service() -> None:
    tracker = make_tracker(
        "can we apply online?", "online_beantragen", slots={"fokus": "leistung:personalausweis"}
    )
    events, messages = await run(ActionOnlineLeistung(), tracker)
    assert "Personalausweis" in texts(messages)
    assert slots_of(events)["fokus"] == "leistung:personalausweis"


async def test_how_do_i_create_the_new_one_after_the_servicekonto_answer_is_the_bundid() -> None:
    history = [
        {
            "event": "user",
            "text": "whatever happened to the Servicekonto Hessen?",
            "parse_data": {"intent": {"name": "faq"}},
        },
        {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_faq/servicekonto_bundid"}},
    ]
    tracker = make_tracker("ok, how do I create the new one?", "online_beantragen", history=history)
    _, messages = await run(ActionOnlineLeistung(), tracker)
    assert [m.get("response") for m in messages] == ["utter_faq/bundid_registrieren"]


async def test_life_event_words_in_a_message_not_understood_get_the_life_event() -> None:
    from actions.katalog import ActionLeistungSuchen

    text = (
        "I just accepted a job in Darmstadt. I found a flat in Bessungen and sign the lease next week. "
        "Can you tell me what I have to do after I move in, and in which order?"
    )
    events, messages = await run(
        ActionLeistungSuchen(), make_tracker(text, "nlu_fallback", slots={"sprache": "en"})
    )
    assert slots_of(events)["fokus"] == "lebenslage:umzug"
    assert messages and "Sorry, I did not understand" not in texts(messages)


def test_an_age_in_english_short_form_asks_for_the_fees() -> None:
    assert aspect_of("I'm 22 though.") == "kosten"
    assert aspect_of("I am 19") == "kosten"


async def test_registering_a_marriage_at_the_residence_links_that_standesamt() -> None:
    text = "Mir wohne in Hanau un wolle nächst Jahr heirate. Wo melde mer des aa?"
    tracker = make_tracker(text, "online_beantragen", [gemeinde("Hanau")])
    _, messages = await run(ActionOnlineLeistung(), tracker)
    assert "Eheschließung anmelden" in texts(messages)
    assert "regschl=064350014014" in texts(messages)


async def test_a_marriage_as_second_topic_does_not_link_the_birth_place() -> None:
    # "Geboren bin ich in Gießen … wir heiraten": Gießen is the birth place, not the residence.
    text = "Wir wollen heiraten und das Standesamt will meine Geburtsurkunde. Geboren bin ich in Gießen."
    tracker = make_tracker(
        text,
        "urkunde_beantragen",
        [gemeinde("Gießen")],
        slots={"ort": "Gießen", "urkundenart": "geburtsurkunde", "anliegen": "urkunde"},
    )
    _, messages = await run(ActionStandesamtAuskunft(), tracker)
    assert texts(messages).count("regschl=065310005005") == 1


async def test_distress_beside_the_request_for_a_person_gets_sympathy() -> None:
    text = (
        "I'm at the end of my rope. My residence permit expires in five weeks, nobody picks up the "
        "phone at the Ausländerbehörde. Is there ANY human I can talk to?"
    )
    tracker = make_tracker(text, "online_beantragen", slots={"sprache": "en"})
    _, messages = await run(ActionOnlineLeistung(), tracker)
    assert "sorry this has been so hard" in texts(messages)
    assert "115" in texts(messages)
    calm = make_tracker(
        "How do I extend my residence permit, and is there a phone number?",
        "online_beantragen",
        slots={"sprache": "en"},
    )
    _, messages = await run(ActionOnlineLeistung(), calm)
    assert "115" in texts(messages) and "sorry" not in texts(messages)


async def test_here_in_the_event_clause_on_a_municipal_site_is_the_event_place() -> None:
    from actions.standesamt import place_text_of_message

    text = "My dad passed away at the hospital here in our town last week. We all live in Willingen though."
    entities = [gemeinde("06635015"), gemeinde("Willingen")]
    tracker = make_tracker(text, "urkunde_beantragen", entities, metadata={"kommune": "06635015"})
    assert place_text_of_message(tracker, "sterbeurkunde") == "06635015"
    elsewhere = make_tracker(text, "urkunde_beantragen", entities)
    assert place_text_of_message(elsewhere, "sterbeurkunde") is None


async def test_here_beside_a_residence_after_a_particle_is_the_page_municipality() -> None:
    from actions.standesamt import place_text_of_message

    # "aber" inside the clause: Kassel is the residence, "hier" the wedding place (Bad Arolsen).
    text = "Wir haben hier geheiratet, wohnen jetzt aber in Kassel. Ich brauche die Eheurkunde."
    tracker = make_tracker(text, "urkunde_beantragen", [gemeinde("Kassel")], metadata={"kommune": "06635002"})
    assert place_text_of_message(tracker, "eheurkunde") == "06635002"
    # Without a municipal page the form asks.
    assert (
        place_text_of_message(make_tracker(text, "urkunde_beantragen", [gemeinde("Kassel")]), "eheurkunde")
        is None
    )


async def test_a_condition_on_the_service_in_focus_is_answered_from_it() -> None:
    from actions.katalog import ActionLeistungSuchen

    tracker = make_tracker(
        "Und wenn der Wagen schon beim Verwerter steht?",
        "out_of_scope",
        slots={"fokus": "leistung:kfz_abmeldung"},
    )
    _, messages = await run(ActionLeistungSuchen(), tracker)
    assert "Verwertungsnachweis" in texts(messages)


async def test_the_event_place_of_the_message_before_a_residence_only_question() -> None:
    from actions.standesamt import place_text_of_message

    told = user_event("My father passed away last week at the university hospital in Gießen.", "lebenslage")
    text = "He lived in Lich though. Which office issues the death certificate?"
    tracker = make_tracker(text, "urkunde_beantragen", [gemeinde("Lich")], history=[told])
    place = place_text_of_message(tracker, "sterbeurkunde")
    assert place is not None and "Gießen" in place
    # Without a told event before, the form asks.
    alone = make_tracker(text, "urkunde_beantragen", [gemeinde("Lich")])
    assert place_text_of_message(alone, "sterbeurkunde") is None


async def test_small_talk_about_the_bot_beside_a_service_answers_both() -> None:
    text = "Hallo! Wer bist du eigentlich, ein Mensch oder ein Computer? Und kann ich über dich Wohngeld beantragen?"
    _, messages = await run(ActionOnlineLeistung(), make_tracker(text, "online_beantragen"))
    assert messages[0].get("response") == "utter_chitchat/bot_challenge"
    assert "Wohngeld" in texts(messages)


def test_a_second_service_after_or_is_answered_too() -> None:
    from actions.themen import other_topics

    others = other_topics("Soll ich Wohngeld beantragen oder doch Bürgergeld?", ("wohngeld",))
    assert [s.id for s in others.services] == ["buergergeld"]


async def test_a_cost_question_after_the_bundid_answer_is_answered_from_it() -> None:
    history = [
        {"event": "user", "text": "What is the BundID?", "parse_data": {"intent": {"name": "faq"}}},
        {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_faq/bundid_was"}},
    ]
    tracker = make_tracker("Do I have to pay anything for it?", "nachfrage", history=history)
    _, messages = await run(ActionNachfrage(), tracker)
    assert [m.get("response") for m in messages] == ["utter_faq/bundid_was"]


def _told_birth_in_gelnhausen() -> list[dict]:
    return [
        user_event(
            "Unser Kind ist letzte Woche in Gelnhausen geboren. Was müssen wir jetzt alles erledigen?",
            "lebenslage",
        ),
        {"event": "bot", "text": "…"},
        user_event("und wie beantrage ich das Elterngeld?", "online_beantragen"),
        {"event": "bot", "text": "…"},
    ]


async def test_a_certificate_named_after_a_told_birth_comes_from_its_place() -> None:
    tracker = make_tracker(
        "und die Geburtsurkunde?",
        "angabe",
        [{"entity": "urkundenart", "value": "geburtsurkunde"}],
        slots={"fokus": "leistung:elterngeld"},
        history=_told_birth_in_gelnhausen(),
    )
    events, messages = await run(ActionOrtKontext(), tracker)
    assert messages == []
    assert slots_of(events) == {"anliegen": "urkunde", "urkundenart": "geburtsurkunde", "ort": "Gelnhausen"}
    assert followups(events) == ["action_standesamt_auskunft"]


async def test_a_told_death_gives_the_place_of_a_later_certificate_question() -> None:
    from actions.katalog import ActionLeistungSuchen

    history = [
        user_event(
            "Mein Vater ist letzte Woche in Korbach gestorben. Was muss ich jetzt alles erledigen?",
            "lebenslage",
        ),
        {"event": "bot", "text": "…"},
    ]
    tracker = make_tracker(
        "und wo bekomme ich die Sterbeurkunde?",
        "nlu_fallback",
        [{"entity": "urkundenart", "value": "sterbeurkunde"}],
        slots={"fokus": "lebenslage:todesfall"},
        history=history,
    )
    events, _ = await run(ActionLeistungSuchen(), tracker)
    assert slots_of(events) == {"anliegen": "urkunde", "urkundenart": "sterbeurkunde", "ort": "Korbach"}
    assert followups(events) == ["action_standesamt_auskunft"]


async def test_a_told_place_of_residence_or_another_event_gives_no_certificate_place() -> None:
    from actions.urkunden import told_event_place

    lived = [user_event("Wir wohnen in Gelnhausen. Was müssen wir nach der Geburt erledigen?", "lebenslage")]
    tracker = make_tracker("und die Geburtsurkunde?", "angabe", history=lived)
    assert told_event_place(tracker, "geburtsurkunde") is None
    tracker = make_tracker("und die Sterbeurkunde?", "angabe", history=_told_birth_in_gelnhausen())
    assert told_event_place(tracker, "sterbeurkunde") is None
    # Out of reach: three more messages since the birth was told.
    later = [*_told_birth_in_gelnhausen(), *[user_event(t, "faq") for t in ("a?", "b?", "c?")]]
    tracker = make_tracker("und die Geburtsurkunde?", "angabe", history=later)
    assert told_event_place(tracker, "geburtsurkunde") is None


async def test_a_second_certificate_with_its_told_place_is_answered_not_offered() -> None:
    from actions.themen import other_topics

    text = "Was kostet ein Reisepass und wo bekomme ich eine Geburtsurkunde für meine Tochter, die in Lauterbach geboren ist?"
    others = other_topics(text, ("reisepass",))
    assert [kind for kind, _ in others.certificates] == ["geburtsurkunde"]
    assert not others.certificate_buttons
    tracker = make_tracker(text, "online_beantragen")
    _, messages = await run(ActionOnlineLeistung(), tracker)
    answer = texts(messages)
    lauterbach = load_municipalities().resolve("Lauterbach (Hessen)").municipality
    assert lauterbach is not None and f"regschl={lauterbach.ars}" in answer
    # A place where the citizen only lives is no event place: the button stays.
    others = other_topics(
        "Was kostet ein Reisepass? Wir wohnen in Lauterbach, und eine Geburtsurkunde?", ("reisepass",)
    )
    assert not others.certificates and others.certificate_buttons


def test_ways_to_order_and_the_express_surcharge_are_aspects() -> None:
    assert aspect_of("und kann ich die per E-Mail bestellen?") == "bestellweg"
    assert aspect_of("Geht das auch per Post?") == "bestellweg"
    # The express surcharge is part of the fees.
    assert aspect_of("und im Expressverfahren?") == "kosten"


async def test_a_way_to_order_after_a_certificate_answer_gets_the_ways_to_order() -> None:
    tracker = make_tracker(
        "und kann ich die einfach per E-Mail bestellen?", "nachfrage", slots={"fokus": "urkunde:eheurkunde"}
    )
    _, messages = await run(ActionNachfrage(), tracker)
    assert [m.get("response") for m in messages] == ["utter_faq/urkunde_bestellweg"]


async def test_express_after_the_passport_fee_names_the_surcharge() -> None:
    tracker = make_tracker("und im Expressverfahren?", "nachfrage", slots={"fokus": "leistung:reisepass"})
    _, messages = await run(ActionNachfrage(), tracker)
    assert "Express 32 €" in texts(messages)


async def test_how_are_you_before_a_service_question_gets_a_word_back_first() -> None:
    text = "Hallo du! Wie geht's dir heute? Und sag mal, wo beantrage ich Elterngeld?"
    _, messages = await run(ActionOnlineLeistung(), make_tracker(text, "online_beantragen"))
    assert messages[0]["text"] == "Danke, mir geht es gut."
    assert "Elterngeld" in texts(messages[1:])


async def test_a_question_beside_a_complaint_is_answered_after_the_apology() -> None:
    text = (
        "Ich bin echt genervt, seit drei Wochen keine Antwort, ich will das jetzt mit einem Menschen "
        "klären. Und nebenbei: wie melde ich eigentlich ein Gewerbe an?"
    )
    _, messages = await run(ActionUnzufrieden(), make_tracker(text, "unzufrieden"))
    assert "115" in messages[0]["text"] and not messages[0].get("buttons")
    assert "Gewerbe" in texts(messages[1:])
    # The person to contact is named once.
    assert texts(messages).count("Behördennummer 115") == 1


async def test_delivery_home_after_a_lost_id_card_is_about_the_new_card() -> None:
    assert aspect_of("kann ich mir den dann nach Hause schicken lassen?") == "versand"
    tracker = make_tracker(
        "kann ich mir den dann nach Hause schicken lassen?",
        "nachfrage",
        slots={"fokus": "lebenslage:ausweis_verloren"},
    )
    _, messages = await run(ActionNachfrage(), tracker)
    assert "Direktversand" in texts(messages)


async def test_where_after_a_certificate_answer_repeats_it_for_the_same_place() -> None:
    tracker = make_tracker(
        "und wo genau muss ich mich da melden?",
        "nachfrage",
        slots={"fokus": "urkunde:geburtsurkunde", "ort": "Gelnhausen"},
    )
    events, _ = await run(ActionNachfrage(), tracker)
    assert followups(events) == ["action_standesamt_auskunft"]
    assert slots_of(events)["ort"] == "Gelnhausen"


async def test_a_follow_up_for_someone_else_does_not_repeat_the_place() -> None:
    tracker = make_tracker(
        "und für meine Tochter?", "nachfrage", slots={"fokus": "urkunde:geburtsurkunde", "ort": "Gelnhausen"}
    )
    events, _ = await run(ActionNachfrage(), tracker)
    assert "action_standesamt_auskunft" not in followups(events)


async def test_urgency_after_a_lost_passport_is_the_passports_express_way() -> None:
    from actions.katalog import ActionLeistungSuchen

    told = user_event("Ich habe meinen Reisepass verloren. Was muss ich jetzt tun?", "lebenslage")
    tracker = make_tracker(
        "Ich fliege schon übermorgen – geht das schneller?",
        "out_of_scope",
        slots={"fokus": "lebenslage:ausweis_verloren"},
        history=[told],
    )
    _, messages = await run(ActionLeistungSuchen(), tracker)
    assert "Reisepass" in texts(messages) and "Express" in texts(messages)
    # Without a topic in focus it stays out of scope.
    alone = make_tracker("Ich fliege schon übermorgen – geht das schneller?", "out_of_scope")
    _, messages = await run(ActionLeistungSuchen(), alone)
    assert "Express" not in texts(messages)


async def test_the_fee_after_a_lost_id_card_is_the_new_cards() -> None:
    told = user_event("Ich habe meinen Personalausweis verloren.", "lebenslage")
    tracker = make_tracker(
        "was kostet ein neuer?", "nachfrage", slots={"fokus": "lebenslage:ausweis_verloren"}, history=[told]
    )
    _, messages = await run(ActionNachfrage(), tracker)
    assert "46" in texts(messages)


async def test_a_cost_question_the_nlu_put_out_of_scope_gets_the_fees_in_focus() -> None:
    from actions.katalog import ActionLeistungSuchen

    text = "Ich brauche mehrere Exemplare, für die Bank und die Versicherung. Was kostet das?"
    tracker = make_tracker(text, "out_of_scope", slots={"fokus": "urkunde:sterbeurkunde"})
    _, messages = await run(ActionLeistungSuchen(), tracker)
    assert any(m.get("response") == "utter_faq/urkunde_gebuehr" for m in messages)


async def test_the_death_told_with_its_place_after_the_list_gets_the_certificate() -> None:
    text = "Er ist im Krankenhaus in Hanau gestorben, gewohnt hat er bei uns in Maintal"
    tracker = make_tracker(
        text,
        "angabe",
        [gemeinde("Hanau"), gemeinde("Maintal")],
        slots={"fokus": "lebenslage:todesfall"},
    )
    events, _ = await run(ActionNachfrage(), tracker)
    slots = slots_of(events)
    assert slots.get("urkundenart") == "sterbeurkunde" and slots.get("ort") == "06435014"


async def test_a_remark_on_the_service_in_focus_gets_that_service_not_the_menu() -> None:
    """Round 49: after the Kfz-Abmeldung, the car's old papers are a remark about that service."""
    from actions.kontakt import ActionFallbackThemen

    remark = "Der Wagen ist Baujahr 2008 und hat noch die alten Papiere und Plaketten von damals."
    tracker = make_tracker(remark, "nlu_fallback", slots={"fokus": "leistung:kfz_abmeldung"})
    _, messages = await run(ActionFallbackThemen(), tracker)
    assert "2015" in texts(messages)
    # Without a word of the service's own text the topics are offered as before.
    other = make_tracker(
        "Mein Nachbar hat einen Hund.", "nlu_fallback", slots={"fokus": "leistung:kfz_abmeldung"}
    )
    _, messages = await run(ActionFallbackThemen(), other)
    assert "2015" not in texts(messages)
    assert [b["payload"] for m in messages for b in m.get("buttons") or []] == [
        b["payload"] for b in topic_menu()
    ]


@pytest.mark.parametrize("action", [ActionNachfrage, ActionOnlineLeistung])
async def test_without_the_id_card_after_the_bundid_gets_the_other_ways_to_register(action: type) -> None:
    """Round 51: "geht das auch ohne ausweis?" named the ID card, whose service was answered."""
    intent = "nachfrage" if action is ActionNachfrage else "online_beantragen"
    tracker = make_tracker(
        "geht das auch ohne ausweis?",
        intent,
        history=faq_turn("Wie lege ich die BundID an?", "utter_faq/bundid_registrieren"),
    )
    _, messages = await run(action(), tracker)
    assert [m.get("response") for m in messages] == ["utter_faq/bundid_registrieren"]
    # Without an account in focus the ID card is the service asked about.
    _, messages = await run(
        ActionOnlineLeistung(), make_tracker("Personalausweis ohne Termin?", "online_beantragen")
    )
    assert "Personalausweis" in texts(messages)


def test_a_move_from_one_place_to_another_answers_for_the_destination() -> None:
    """Round 52: "von kassel nach darmstadt … online ummelden?" gave Kassel's offers."""
    from actions.online_leistungen import moving_destination

    found = moving_destination(
        "ziehe wegen neuem job von kassel nach darmstadt. kann ich mich online ummelden?"
    )
    assert found is not None and found.short_name == "Darmstadt"
    found = moving_destination("Wir ziehen von Köln nach Bad Homburg vor der Höhe")
    assert found is not None and found.short_name == "Bad Homburg v. d. Höhe"
    assert moving_destination("Wie komme ich von Kassel nach Hause?") is None
    assert moving_destination("Ich wohne in Kassel") is None


@pytest.mark.parametrize(
    ("before", "fees_said"),
    [
        # Round 54: "Und der Reisepass?" after the ID card's fees asks the same of the passport.
        ("Was kostet ein Personalausweis?", True),
        # After a question about the way to apply: the passport's general answer.
        ("Wie beantrage ich einen Personalausweis?", False),
    ],
)
async def test_und_der_reisepass_asks_the_previous_question_of_the_passport(
    before: str, fees_said: bool
) -> None:
    history = [user_event(before, "online_beantragen"), {"event": "bot", "text": "…"}]
    tracker = make_tracker(
        "Und der Reisepass?", "nachfrage", slots={"fokus": "leistung:personalausweis"}, history=history
    )
    _, messages = await run(ActionNachfrage(), tracker)
    assert "Reisepass" in texts(messages)
    assert ("70,00" in texts(messages)) is fees_said


# Rounds 55–57 (session 21).


async def test_a_year_objected_to_the_service_in_focus_gets_that_service() -> None:
    """Round 56: "Mein Fahrzeugschein ist aber noch von 2012." after the car's deregistration."""
    for text, intent in (
        ("Mein Fahrzeugschein ist aber noch von 2012.", "online_beantragen"),
        ("meine fahrzeugpapiere sind von 2012, geht das trotzdem?", "faq"),
    ):
        from actions.faq import ActionFaq

        action = ActionOnlineLeistung() if intent == "online_beantragen" else ActionFaq()
        tracker = make_tracker(text, intent, slots={"fokus": "leistung:kfz_abmeldung"})
        _, messages = await run(action, tracker)
        assert "2015" in texts(messages), text


@pytest.mark.parametrize(
    ("previous", "text", "expected"),
    [
        # Round 55: suing for online services after the OZG is its deadlines' answer.
        (
            "utter_faq/ozg_was",
            "kann ich als Bürger die Online-Dienste dann einklagen?",
            "utter_faq/ozg_frist",
        ),
        ("utter_faq/ozg_was", "und hab ich ein recht darauf, dass alles online geht?", "utter_faq/ozg_frist"),
        # Round 56: where one "does" the BundID is where one registers.
        ("utter_faq/bundid_was", "Un wo mach isch des dann?", "utter_faq/bundid_registrieren"),
        # Round 56: advice before applying for IKZ funding is the competence centre.
        (
            "utter_faq/ikz_antrag",
            "Und wer ist zuständig, wenn wir uns vorher beraten lassen wollen?",
            "utter_faq/ikz_beratung",
        ),
    ],
)
async def test_a_follow_up_gets_the_faq_of_the_topic_in_focus(
    previous: str, text: str, expected: str
) -> None:
    tracker = make_tracker(text, "online_beantragen", history=faq_turn("…", previous))
    _, messages = await run(ActionOnlineLeistung(), tracker)
    assert [m.get("response") for m in messages] == [expected]


def test_a_certificate_with_its_place_beside_a_question_is_answered_for_that_place() -> None:
    """Round 56: "Ich brauche eine Geburtsurkunde aus Gießen – brauche ich dafür eine BundID?"."""
    from actions.themen import other_topics
    from bot.nlp.certificates import CLAUSES

    text = "Ich brauche eine Geburtsurkunde aus Gießen – brauche ich dafür eigentlich so eine BundID?"
    assert len([c for c in CLAUSES.split(text) if c and c.strip()]) == 2
    found = other_topics("Ich brauche eine Geburtsurkunde aus Gießen", ["faq/urkunde_konto"])
    assert found.certificates == (("geburtsurkunde", "Gießen"),)
    # A place named as the residence is no certificate's place: the button.
    found = other_topics("Ich brauche eine Sterbeurkunde, wir wohnen in Lich", ["faq/urkunde_konto"])
    assert not found.certificates and found.certificate_buttons
    # "hier" on a municipality's website is that municipality (round 36).
    here = load_municipalities().by_ags("06438013")
    found = other_topics(
        "unser Kind ist letzte Woche hier geboren, wo bekomme ich die Geburtsurkunde?", [], here
    )
    assert found.certificates == (("geburtsurkunde", here.label),)


def test_other_topics_name_the_fire_brigades_funding_rule() -> None:
    """Round 51: fire brigades merged and a dog to register in one message."""
    from actions.themen import other_topics

    text = (
        "Wir wollen zwei Ortsteilfeuerwehren zusammenlegen, gibt es dafür Geld vom Land? Und privat: "
        "wo melde ich meinen neuen Hund zur Steuer an?"
    )
    assert other_topics(text, ["hundesteuer"]).ikz_cases == ("feuerwehr",)
    assert other_topics("Wo melde ich meinen Hund an?", []).ikz_cases == ()


async def test_a_follow_up_certificate_does_not_repeat_the_earlier_one() -> None:
    """Round 14: "und eine Sterbeurkunde?" after the birth certificate for Lauterbach repeated it."""
    history = [
        user_event("Ich brauche eine Geburtsurkunde aus Lauterbach.", "urkunde_beantragen"),
        {"event": "bot", "text": "…"},
    ]
    tracker = make_tracker(
        "und eine Sterbeurkunde?",
        "nachfrage",
        slots={"anliegen": "urkunde", "urkundenart": "sterbeurkunde", "ort": "Lauterbach"},
        history=history,
    )
    _, messages = await run(ActionStandesamtAuskunft(), tracker)
    said = texts(messages)
    assert "Sterbeurkunde" in said and "Geburtsurkunde" not in said


def test_dialect_aspects_are_read_in_standard_german() -> None:
    """Round 57: "Was kost'n de Perso? … kann isch des iwwers Indernet mache?" asks two aspects."""
    from actions.nachfragen import aspects_asked

    assert aspects_asked("Was kost'n de Perso jetzt? Un kann isch des iwwers Indernet mache?") == {
        "kosten",
        "online",
    }


@pytest.mark.parametrize(
    "text",
    [
        # Round 41: the age read as the fees' question.
        "Darf ich die als Mutter für ihn beantragen? Er ist 17.",
        # Round 40: "for him too" in Hessian.
        "kann isch die fer den aach beantrage?",
    ],
)
async def test_who_may_order_the_certificate_in_focus(text: str) -> None:
    tracker = make_tracker(text, "nachfrage", slots={"fokus": "urkunde:geburtsurkunde"})
    _, messages = await run(ActionNachfrage(), tracker)
    assert [m.get("response") for m in messages] == ["utter_faq/urkunde_berechtigt"]
    assert aspect_of("Was kostet die, wenn ich sie für meine Mutter bestelle?") == "kosten"


def test_a_second_service_in_the_clause_of_the_first_is_answered() -> None:
    """Round 60: "kann ich wohngeld online beantragen elterngeld auch??"."""
    from actions.themen import other_topics

    assert [
        s.id
        for s in other_topics("kann ich wohngeld online beantragen elterngeld auch??", ["wohngeld"]).services
    ] == ["elterngeld"]
    assert other_topics("Wie beantrage ich Wohngeld online?", ["wohngeld"]).services == ()


async def test_the_residence_permit_as_the_id_is_no_question_about_the_permit() -> None:
    """Round 60: "ich hab aber nur nen elektronischen aufenthaltstitel kein perso" after the online registration."""
    tracker = make_tracker(
        "ich hab aber nur nen elektronischen aufenthaltstitel kein perso",
        "online_beantragen",
        slots={"fokus": "leistung:wohnsitz_anmelden"},
    )
    _, messages = await run(ActionOnlineLeistung(), tracker)
    said = texts(messages)
    assert "Wohnsitz" in said and "Aufenthaltstitel konnte dafür in Kassel nicht genutzt werden" in said
    # Renewing the permit is the permit's service.
    tracker = make_tracker("Ich will meinen elektronischen Aufenthaltstitel verlängern", "online_beantragen")
    _, messages = await run(ActionOnlineLeistung(), tracker)
    assert "Ausländerbehörde" in texts(messages)


async def test_a_request_for_a_person_also_answers_the_service_it_names() -> None:
    """Round 58: "… seit einer Stunde Briefwahl … mit einem Menschen sprechen?": 115 and Briefwahl."""
    from actions.kontakt import ActionKontakt

    tracker = make_tracker(
        "Ich versuche seit einer Stunde, Briefwahl zu beantragen – kann ich nicht einfach mit einem Menschen sprechen?",
        "kontakt_mensch",
    )
    _, messages = await run(ActionKontakt(), tracker)
    said = texts(messages)
    assert "115" in said and "Briefwahl" in said


async def test_a_number_with_ikz_in_focus_recalculates_whatever_faq_was_guessed() -> None:
    from actions.faq import ActionFaq

    tracker = make_tracker(
        "Un wenn de Nochbar aach noch mitmacht, also mir zu viert?",
        "faq",
        slots={"fokus": "ikz"},
    )
    tracker.latest_message["response_selector"] = {
        "default": {"response": {"intent_response_key": "faq/servicekonto_bundid"}}
    }
    _, messages = await run(ActionFaq(), tracker)
    assert "100.000" in texts(messages)


# Rounds 61–63 (session 21).


async def test_a_life_event_asked_beside_a_service_gets_its_steps() -> None:
    """Round 62: a shop to open and the old driving licence in one message."""
    text = (
        "Ich möchte mit 62 noch einen kleinen Laden aufmachen, was muss ich da beim Amt anmelden? "
        "Und mein Führerschein ist noch der alte graue Lappen, muss ich den umtauschen?"
    )
    tracker = make_tracker(text, "online_beantragen")
    _, messages = await run(ActionOnlineLeistung(), tracker)
    said = texts(messages)
    assert "Führerschein" in said and "Gewerbe" in said
    # A life event that is only the story of the service asked gets no list of its own.
    tracker = make_tracker("Wir ziehen nach Kassel. Wie melde ich mich dort an?", "online_beantragen")
    _, messages = await run(ActionOnlineLeistung(), tracker)
    assert "Tippen Sie auf einen Schritt" not in texts(messages)


async def test_an_old_register_year_adds_the_archive_rule() -> None:
    """Round 63: "Mein Urgroßvater ist 1920 in Fulda gestorben": the register is in the archive."""
    from bot.nlp.certificates import register_in_archive

    assert register_in_archive("Mein Urgroßvater ist 1920 in Fulda gestorben", "sterbeurkunde", 2026)
    assert not register_in_archive("Meine Oma ist 2001 in Fulda gestorben", "sterbeurkunde", 2026)
    assert not register_in_archive("Ich bin 1950 in Kassel geboren", "geburtsurkunde", 2026)
    # A birth year beside a recent death is no old death register.
    assert not register_in_archive(
        "Mein Vater, geboren 1940, ist letzte Woche gestorben", "sterbeurkunde", 2026
    )
    text = "Mein Urgroßvater ist 1920 in Fulda gestorben. Bekomme ich seine Sterbeurkunde noch?"
    tracker = make_tracker(
        text,
        "urkunde_beantragen",
        slots={"anliegen": "urkunde", "urkundenart": "sterbeurkunde", "ort": "Fulda"},
    )
    _, messages = await run(ActionStandesamtAuskunft(), tracker)
    assert "Sterberegister 30 Jahre" in texts(messages)


def test_a_request_for_someone_to_speak_with_is_a_handoff_beside_the_topic() -> None:
    from actions.themen import other_topics

    assert other_topics("Und kann ich auch mit jemandem persönlich sprechen?", []).handoff
    assert not other_topics("Kann ich die Urkunde auch für jemanden bestellen?", []).handoff


# Rounds 64–66 (session 22).


def _waiting_for_the_place_of_death(text: str, place: str) -> Tracker:
    return make_tracker(
        text,
        "nlu_fallback",
        [gemeinde(place)],
        slots={"anliegen": "urkunde", "urkundenart": "sterbeurkunde", "requested_slot": "ort"},
        active_loop="standesamt_form",
    )


async def test_a_place_told_in_a_sentence_the_classifier_missed_answers_the_form() -> None:
    """Round 64: "Sie ist in Reichelsheim gestorben." while the form asks: both Reichelsheims."""
    from actions.kontakt import ActionFallbackThemen

    tracker = _waiting_for_the_place_of_death("Sie ist in Reichelsheim gestorben.", "Reichelsheim")
    events, messages = await run(ActionFallbackThemen(), tracker)
    titles = [b["title"] for m in messages for b in m.get("buttons") or []]
    assert any("Odenwald" in t for t in titles) and any("Wetterau" in t for t in titles)
    assert "nicht verstanden" not in texts(messages) and "ort" not in slots_of(events)
    # A place that is found fills the slot the form waits for.
    tracker = _waiting_for_the_place_of_death("Sie ist in Fulda gestorben.", "Fulda")
    events, messages = await run(ActionFallbackThemen(), tracker)
    assert "Fulda" in slots_of(events)["ort"] and messages == []


async def test_a_move_ahead_told_beside_a_certificate_gets_the_moves_steps() -> None:
    """Round 65: "Wir ziehen nächsten Monat nach Kassel. Außerdem … Heiratsurkunde …"."""
    from actions.online_leistungen import answer_other_topics

    dispatcher = CollectingDispatcher()
    text = "Wir ziehen nächsten Monat nach Kassel. Außerdem brauche ich noch eine Heiratsurkunde."
    answer_other_topics(dispatcher, make_tracker(text, "urkunde_beantragen"), text, ("eheurkunde",))
    assert "Wohnsitz anmelden" in texts(dispatcher.messages)
    # A move made is the story, not a topic.
    dispatcher = CollectingDispatcher()
    text = "Wir sind letztes Jahr nach Kassel gezogen. Ich brauche noch eine Heiratsurkunde."
    answer_other_topics(dispatcher, make_tracker(text, "urkunde_beantragen"), text, ("eheurkunde",))
    assert "Wohnsitz anmelden" not in texts(dispatcher.messages)


async def test_the_residence_permit_as_id_after_the_bundid_gets_the_login_ways() -> None:
    """Round 65: "Ich habe elektronische Aufenthaltstitel, nicht deutsche Ausweis. Geht das auch?"."""
    tracker = make_tracker(
        "Ich habe elektronische Aufenthaltstitel, nicht deutsche Ausweis. Geht das auch?",
        "online_beantragen",
        slots={"fokus": "konto"},
    )
    _, messages = await run(ActionOnlineLeistung(), tracker)
    assert [m.get("response") for m in messages] == ["utter_faq/eid_elster"]


async def test_who_is_responsible_after_the_ikz_calculator_is_the_procedure() -> None:
    """Round 66: "wer ist da zuständig?" after the IKZ funding for two."""
    tracker = make_tracker("wer ist da zuständig?", "nachfrage", slots={"fokus": "ikz"})
    _, messages = await run(ActionNachfrage(), tracker)
    assert [m.get("response") for m in messages] == ["utter_faq/ikz_antrag"]


async def test_who_is_responsible_here_without_a_topic_is_the_municipality() -> None:
    """Round 67: "wer ist denn hier zuständig?" on Rüsselsheim's page after a complaint."""
    tracker = make_tracker(
        "wer ist denn hier zuständig?", "nachfrage", [gemeinde("06433012")], metadata={"kommune": "06433012"}
    )
    _, messages = await run(ActionNachfrage(), tracker)
    said = texts(messages)
    assert "Rüsselsheim" in said and "115" in said


async def test_a_temporary_id_card_after_a_lost_one_is_its_fee() -> None:
    """Round 67: "gibt es bis dahin einen vorläufigen?" after the lost ID card: 10 €."""
    tracker = make_tracker(
        "gibt es bis dahin einen vorläufigen?", "nachfrage", slots={"fokus": "lebenslage:ausweis_verloren"}
    )
    _, messages = await run(ActionNachfrage(), tracker)
    assert "vorläufiger Personalausweis 10,00 €" in texts(messages)


async def test_the_residence_permit_as_id_names_no_other_services() -> None:
    """Round 67: "keinen deutschen Ausweis, nur einen elektronischen Aufenthaltstitel" after the online move."""
    tracker = make_tracker(
        "Ich habe keinen deutschen Ausweis, nur einen elektronischen Aufenthaltstitel. Geht das trotzdem?",
        "online_beantragen",
        slots={"fokus": "leistung:wohnsitz_anmelden"},
    )
    _, messages = await run(ActionOnlineLeistung(), tracker)
    said = texts(messages)
    assert "nicht genutzt werden" in said
    assert "Personalausweis:" not in said and "Aufenthaltstitel (" not in said


async def test_an_age_in_words_asks_the_fee_for_that_age() -> None:
    """Round 70: "und für meine Tochter, die ist acht?" after the passport's fee."""
    assert aspect_of("und für meine Tochter, die ist acht?") == "kosten"
    assert aspect_of("unn fer mein Bub, der is zwölf?") == "kosten"
    tracker = make_tracker(
        "und für meine Tochter, die ist acht?", "nachfrage", slots={"fokus": "leistung:reisepass"}
    )
    _, messages = await run(ActionNachfrage(), tracker)
    assert "37,50" in texts(messages)


async def test_a_number_of_pages_is_no_count_of_municipalities() -> None:
    """Round 70: "und der Pass mit 48 Seiten?" after the IKZ answer: no funding for 48 municipalities."""
    from actions.ikz import ikz_recount

    dispatcher = CollectingDispatcher()
    assert (
        ikz_recount(
            dispatcher, make_tracker("und der Pass mit 48 Seiten?", "nachfrage", slots={"fokus": "ikz"})
        )
        is None
    )
    assert dispatcher.messages == []
    assert ikz_recount(dispatcher, make_tracker("und mit 48 Gemeinden?", "nachfrage", slots={"fokus": "ikz"}))


async def test_events_told_beside_another_topic_get_their_steps() -> None:
    """Round 71: a baby on its way beside the passport; a death beside the ID card's fee."""
    from actions.online_leistungen import answer_other_topics

    for text, handled, step in (
        (
            "Wir bekommen im März ein Baby. Außerdem läuft mein Reisepass bald ab – was muss ich alles tun?",
            "reisepass",
            "Elterngeld",
        ),
        (
            "Mein Vater ist letzte Woche gestorben. Und mein Personalausweis ist abgelaufen, was kostet ein neuer?",
            "personalausweis",
            "Sterbeurkunde",
        ),
    ):
        dispatcher = CollectingDispatcher()
        answer_other_topics(dispatcher, make_tracker(text, "online_beantragen"), text, (handled,))
        assert step in texts(dispatcher.messages)
    # The event of a certificate the message names is that certificate's story.
    dispatcher = CollectingDispatcher()
    text = "Mein Sohn ist in Kassel geboren. Was kostet die Geburtsurkunde?"
    answer_other_topics(dispatcher, make_tracker(text, "faq"), text, ("faq/urkunde_gebuehr",))
    assert "Elterngeld" not in texts(dispatcher.messages)


async def test_a_certificate_question_with_its_place_links_that_standesamt() -> None:
    """Round 71: "Was kostet eine Geburtsurkunde aus Hanau und kann ich die online bestellen?"."""
    from actions.faq import ActionFaq

    tracker = make_tracker(
        "Was kostet eine Geburtsurkunde aus Hanau und kann ich die online bestellen?",
        "faq",
        [gemeinde("Hanau")],
    )
    tracker.latest_message["response_selector"] = {
        "default": {"response": {"intent_response_key": "faq/urkunde_gebuehr"}}
    }
    _, messages = await run(ActionFaq(), tracker)
    assert "regschl=064350014014" in texts(messages)
    # A place named only as the residence is not the Standesamt's.
    tracker = make_tracker("Ich wohne in Hanau. Was kostet eine Geburtsurkunde?", "faq", [gemeinde("Hanau")])
    tracker.latest_message["response_selector"] = {
        "default": {"response": {"intent_response_key": "faq/urkunde_gebuehr"}}
    }
    _, messages = await run(ActionFaq(), tracker)
    assert "regschl=" not in texts(messages)


async def test_the_online_offer_asked_as_errands_is_the_overview() -> None:
    """Round 70: "Welche Behördengänge kann ich in Hessen online erledigen?" read as a life event."""
    from actions.lebenslagen import ActionLebenslage

    tracker = make_tracker("Welche Behördengänge kann ich in Hessen online erledigen?", "lebenslage")
    _, messages = await run(ActionLebenslage(), tracker)
    assert "Verwaltungsportal" in texts(messages) and "Worum geht es" not in texts(messages)


async def test_what_now_after_the_deleted_bundid_is_registering_again() -> None:
    tracker = make_tracker("und was mache ich dann?", "nachfrage", slots={"fokus": "konto"})
    _, messages = await run(ActionNachfrage(), tracker)
    assert [m.get("response") for m in messages] == ["utter_faq/bundid_registrieren"]


def test_hessian_place_choice_after_the_buttons() -> None:
    """Round 70: "des im Odewald" after the Lautertal buttons."""
    from actions.orte import chosen_place

    buttons = [
        {
            "title": "Lautertal (Odenwald) (Landkreis Bergstraße)",
            "payload": '/angabe{"gemeinde": "06431014"}',
        },
        {"title": "Lautertal (Vogelsberg) (Vogelsbergkreis)", "payload": '/angabe{"gemeinde": "06535011"}'},
    ]
    history = [
        user_event("Lautertal", "angabe"),
        {"event": "bot", "text": "Welchen?", "data": {"buttons": buttons}},
    ]
    tracker = make_tracker("des im Odewald", "nlu_fallback", history=history)
    assert chosen_place(tracker, "des im Odewald") == "06431014"


def test_an_age_after_a_particle_asks_for_the_fees() -> None:
    assert aspect_of("ich bin aber erst 19") == "kosten"
    assert aspect_of("sie ist doch schon 17") == "kosten"


async def test_the_other_step_of_the_service_in_focus_is_answered() -> None:
    # "muss ich das dann extra abmelden?" after registering a trade: its deregistration.
    text = "Und falls ich in zwei Jahren wieder aufhöre – muss ich das dann extra abmelden?"
    tracker = make_tracker(text, "nachfrage", slots={"fokus": "leistung:gewerbeanmeldung"})
    events, messages = await run(ActionNachfrage(), tracker)
    assert "abmelden" in texts(messages).casefold()
    assert slots_of(events)["fokus"] == "leistung:gewerbe_abmelden"


def test_sofort_is_the_urgency_of_the_fees() -> None:
    assert aspect_of("Bekomme ich sofort einen Ersatz? Ich fliege nächste Woche in Urlaub.") == "kosten"


def test_someone_else_ordering_is_who_may_order() -> None:
    assert aspect_of("kann die auch unsere Tochter für uns bestellen? die ist 17") == "berechtigt"


async def test_ordering_online_after_a_certificate_is_about_that_certificate() -> None:
    tracker = make_tracker(
        "kann ich die online bestellen?", "online_beantragen", slots={"fokus": "urkunde:eheurkunde"}
    )
    _, messages = await run(ActionOnlineLeistung(), tracker)
    said = texts(messages)
    assert "Eheurkunde" in said and "Geldwäsche" not in said


async def test_a_handoff_names_the_administration_of_the_residence_told() -> None:
    from actions.kontakt import ActionKontakt

    tracker = make_tracker(
        "Ich wohne in Idstein, gibt es da jemanden vor Ort?", "kontakt_mensch", [gemeinde("Idstein")]
    )
    _, messages = await run(ActionKontakt(), tracker)
    assert "115" in texts(messages) and "Idstein" in texts(messages)
