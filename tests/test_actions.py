"""Custom actions, offline: real rasa-sdk Trackers in, events and messages out."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.ikz import ActionAskAnzahlKommunen, ActionIkzFoerderung, ActionIkzVorbereiten, ValidateIkzForm
from actions.kontakt import ActionFallbackThemen, ActionFormularAbbrechen, ActionKontakt
from actions.online_leistungen import ActionOnlineLeistung
from actions.standesamt import (
    ActionAskOrt,
    ActionAskUrkundenart,
    ActionOrtKontext,
    ActionStandesamtAuskunft,
    ActionStandesamtVorbereiten,
    ValidateStandesamtForm,
)
from bot.knowledge.municipalities import load_municipalities
from bot.knowledge.services import load_services
from tests.tracker_factory import DOMAIN, gemeinde, make_tracker, run, slots_of, user_event

MARBURG = load_municipalities().resolve("Marburg").municipality
assert MARBURG is not None


# --- Standesamt -------------------------------------------------------------------------------
async def test_vorbereiten_takes_the_birth_place_not_the_residence() -> None:
    text = "Ich wohne in Kassel, bin aber in Marburg geboren. Wo bekomme ich meine Geburtsurkunde?"
    tracker = make_tracker(
        text,
        "urkunde_beantragen",
        [gemeinde("Kassel"), gemeinde("Marburg"), {"entity": "urkundenart", "value": "geburtsurkunde"}],
    )
    events, _ = await run(ActionStandesamtVorbereiten(), tracker)
    slots = slots_of(events)
    assert slots["anliegen"] == "urkunde"
    assert slots["urkundenart"] == "geburtsurkunde"
    assert load_municipalities().resolve(slots["ort"]).municipality == MARBURG


async def test_an_event_abroad_is_registered_by_the_standesamt_of_the_residence() -> None:
    text = "Unser Kind wurde im Urlaub in Spanien geboren, wir wohnen in Kassel. Wo bekomme ich die Geburtsurkunde?"
    entities = [gemeinde("Kassel"), {"entity": "urkundenart", "value": "geburtsurkunde"}]
    slots = slots_of(
        (await run(ActionStandesamtVorbereiten(), make_tracker(text, "urkunde_beantragen", entities)))[0]
    )
    # No Hessian event place: the residence's Standesamt, asked as an office, not a certificate.
    assert slots == {"anliegen": "standesamt", "urkundenart": None, "ort": "Kassel"}
    tracker = make_tracker(text, "urkunde_beantragen", entities, slots=slots)
    assert await ValidateStandesamtForm().validate_ort("Kassel", CollectingDispatcher(), tracker, DOMAIN) == {
        "ort": "Kassel"
    }
    _, messages = await run(ActionStandesamtAuskunft(), tracker)
    answer = "\n".join(m.get("text") or "" for m in messages)
    assert "Nachbeurkundung" in answer and "Standesamt I in Berlin" in answer
    assert "regschl=066110000000" in answer


@pytest.mark.parametrize(
    ("text", "abroad"),
    [
        ("Unser Kind wurde im Urlaub in Spanien geboren", True),
        ("We got married in Turkey and live in Kassel", True),
        ("Mein Vater ist im Ausland gestorben", True),
        # A trip abroad without an event, or an event in Hessen, is no event abroad.
        ("Ich fahre nach Spanien, brauche ich einen Reisepass?", False),
        ("Ich bin in Kassel geboren und wohne jetzt in Polen", False),
        ("Ich bin in Kassel geboren", False),
    ],
)
def test_abroad_event(text: str, abroad: bool) -> None:
    from bot.knowledge.ereignisort import abroad_event

    assert abroad_event(text) is abroad


async def test_vorbereiten_clears_values_of_an_earlier_request() -> None:
    tracker = make_tracker(
        "Ich brauche noch eine Sterbeurkunde",
        "urkunde_beantragen",
        slots={"urkundenart": "geburtsurkunde", "ort": MARBURG.ags, "anliegen": "urkunde"},
    )
    slots = slots_of((await run(ActionStandesamtVorbereiten(), tracker))[0])
    assert slots == {"anliegen": "urkunde", "urkundenart": "sterbeurkunde", "ort": None}


async def test_standesamt_suchen_needs_no_certificate_kind() -> None:
    tracker = make_tracker(
        "Wo is das Standesamt in Ruesselsheim", "standesamt_suchen", [gemeinde("Ruesselsheim")]
    )
    slots = slots_of((await run(ActionStandesamtVorbereiten(), tracker))[0])
    assert slots["anliegen"] == "standesamt" and slots["urkundenart"] is None
    form = ValidateStandesamtForm()
    required = await form.required_slots(
        ["urkundenart", "ort"], CollectingDispatcher(), make_tracker("x", "angabe", slots=slots), DOMAIN
    )
    assert required == ["ort"]


@pytest.mark.parametrize("value", ["Marburg", "nein, Marburg", "35037", MARBURG.ags])
async def test_validate_ort_accepts_a_hessian_place_and_keeps_it_as_given(value: str) -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateStandesamtForm().validate_ort(
        value, dispatcher, make_tracker(value, "angabe"), DOMAIN
    )
    # One meaning of the slot: the place as given; whoever uses it resolves it.
    assert result == {"ort": value}
    assert load_municipalities().resolve(result["ort"]).municipality == MARBURG
    assert dispatcher.messages == []


async def test_validate_ort_asks_with_buttons_when_ambiguous() -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateStandesamtForm().validate_ort(
        "Homberg", dispatcher, make_tracker("Homberg", "angabe"), DOMAIN
    )
    assert result == {"ort": None}
    message, links = dispatcher.messages
    assert "mehreren Orten" in message["text"]
    titles = [b["title"] for b in message["buttons"]]
    assert titles == ["Homberg (Efze) (Schwalm-Eder-Kreis)", "Homberg (Ohm) (Vogelsbergkreis)"]
    assert message["buttons"][0]["payload"] == '/angabe{"gemeinde": "06634009"}'
    # Each candidate's Standesamt page right away, for the citizen who knows which one is meant.
    assert "Homberg (Efze)" in links["text"] and "regschl=066340009009" in links["text"]
    assert "Homberg (Ohm)" in links["text"] and "regschl=065350009009" in links["text"]


async def test_validate_ort_answers_a_second_question_while_it_asks_which_place() -> None:
    dispatcher = CollectingDispatcher()
    text = "Geburtsurkunde Homberg für das Baby und wie beantrage ich Elterngeld?"
    tracker = make_tracker(text, "urkunde_beantragen", slots={"urkundenart": "geburtsurkunde"})
    result = await ValidateStandesamtForm().validate_ort("Homberg", dispatcher, tracker, DOMAIN)
    assert result == {"ort": None}
    texts = [m.get("text") or "" for m in dispatcher.messages]
    assert "mehreren Orten" in texts[0]
    assert any(t.startswith("Elterngeld") for t in texts[2:])


async def test_validate_ort_explains_an_unknown_place_without_echoing_a_huge_input() -> None:
    dispatcher = CollectingDispatcher()
    value = "Atlantis " + "x" * 10_000
    result = await ValidateStandesamtForm().validate_ort(
        value, dispatcher, make_tracker(value, "angabe"), DOMAIN
    )
    assert result == {"ort": None}
    [message] = dispatcher.messages
    assert "finde ich nicht unter den 422" in message["text"]
    assert len(message["text"]) < 400


async def test_validate_ort_keeps_a_place_outside_hessen_by_name() -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateStandesamtForm().validate_ort(
        "München", dispatcher, make_tracker("München", "angabe"), DOMAIN
    )
    assert result == {"ort": "München"}


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("Geburtsurkunde", "geburtsurkunde"),
        ("die von der Hochzeit", "eheurkunde"),
        ("eheurkunde", "eheurkunde"),
        ("egal", None),
    ],
)
async def test_validate_urkundenart(value: str, kind: str | None) -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateStandesamtForm().validate_urkundenart(
        value, dispatcher, make_tracker(value, "angabe"), DOMAIN
    )
    assert result == {"urkundenart": kind}
    assert bool(dispatcher.messages) == (kind is None)


async def test_auskunft_names_the_event_place_and_links_the_portal_with_its_regschl() -> None:
    tracker = make_tracker(
        "Marburg",
        "angabe",
        slots={"anliegen": "urkunde", "urkundenart": "geburtsurkunde", "ort": MARBURG.ags},
    )
    events, [message] = await run(ActionStandesamtAuskunft(), tracker)
    text = message["text"]
    assert "Geburtsurkunde" in text and "Marburg" in text
    assert "auch, wenn Sie heute woanders wohnen" in text
    assert (
        "https://verwaltungsportal.hessen.de/leistung?leistung_id=L100001%3A%3A346540178&regschl=065340014014"
        in text
    )
    assert "ab 16 Jahren" in text and "10–12 €" in text and "Stand: 11/2026" in text
    assert "Geschwister" in text and "in der Regel" in text
    assert "ort" not in slots_of(events)  # the slot keeps the place as given


async def test_auskunft_for_an_eheurkunde_links_fuldas_office_page_without_inventing_an_id() -> None:
    # No verified portal id for the Eheurkunde: the link is the verified page that names
    # Fulda's Standesamt (the Geburtsurkunde service, regschl = Fulda), and the citizen is
    # told to search the portal for the Eheurkunde; no other town's page.
    tracker = make_tracker(
        "Fulda", "angabe", slots={"anliegen": "urkunde", "urkundenart": "eheurkunde", "ort": "Fulda"}
    )
    _, [message] = await run(ActionStandesamtAuskunft(), tracker)
    fulda = load_municipalities().resolve("Fulda").municipality
    assert fulda is not None
    geburtsurkunde = load_services().get("geburtsurkunde")
    assert geburtsurkunde is not None and geburtsurkunde.portal_leistung_id
    assert "Eheurkunde" in message["text"] and "Fulda" in message["text"]
    assert f"regschl={fulda.ars}" in message["text"]
    assert message["text"].count("leistung_id=") == 1
    assert quote(geburtsurkunde.portal_leistung_id, safe="") in message["text"]


async def test_a_certificate_asked_with_the_steps_of_its_event_gets_the_events_list_too() -> None:
    text = (
        "Mein Vater ist letzte Woche in Bad Hersfeld gestorben. Ich brauche die Sterbeurkunde, "
        "und was muss ich sonst noch alles erledigen?"
    )
    slots = {"anliegen": "urkunde", "urkundenart": "sterbeurkunde", "ort": "Bad Hersfeld"}
    _, messages = await run(ActionStandesamtAuskunft(), make_tracker(text, "urkunde_beantragen", slots=slots))
    answer = "\n".join(m.get("text") or "" for m in messages)
    assert "regschl=066320002002" in answer
    assert "Beileid" in answer and "Sterbefall anzeigen" in answer
    # Without the question for the steps, only the certificate.
    text = "Mein Vater ist letzte Woche in Bad Hersfeld gestorben. Ich brauche die Sterbeurkunde."
    _, messages = await run(ActionStandesamtAuskunft(), make_tracker(text, "urkunde_beantragen", slots=slots))
    assert "Beileid" not in "\n".join(m.get("text") or "" for m in messages)


async def test_auskunft_does_not_call_a_relatives_certificate_yours() -> None:
    # Death certificates are requested by relatives; "Ihre Sterbeurkunde" would be wrong.
    tracker = make_tracker(
        "Kassel", "angabe", slots={"anliegen": "urkunde", "urkundenart": "sterbeurkunde", "ort": "Kassel"}
    )
    _, [message] = await run(ActionStandesamtAuskunft(), tracker)
    assert message["text"].startswith("Die Sterbeurkunde stellt in der Regel das Standesamt des Ortes aus")
    assert "Ihre Sterbeurkunde" not in message["text"]


async def test_auskunft_outside_hessen_names_the_local_standesamt() -> None:
    tracker = make_tracker(
        "München", "angabe", slots={"anliegen": "urkunde", "urkundenart": "sterbeurkunde", "ort": "München"}
    )
    _, [message] = await run(ActionStandesamtAuskunft(), tracker)
    assert "München liegt in Bayern, nicht in Hessen" in message["text"]
    assert "Standesamt in München" in message["text"]


async def test_auskunft_for_the_office_links_the_responsible_standesamt() -> None:
    ags = load_municipalities().resolve("Rüsselsheim").municipality.ags  # type: ignore[union-attr]
    tracker = make_tracker("x", "angabe", slots={"anliegen": "standesamt", "ort": ags})
    _, [message] = await run(ActionStandesamtAuskunft(), tracker)
    assert "Rüsselsheim am Main" in message["text"]
    assert "regschl=064330012012" in message["text"]


async def test_two_certificates_with_two_event_places_are_answered_each_for_its_place() -> None:
    text = "Ich bin in Nidda geboren und habe in Schotten geheiratet. Wo bekomme ich die Geburts- und die Heiratsurkunde?"
    slots = slots_of((await run(ActionStandesamtVorbereiten(), make_tracker(text, "urkunde_beantragen")))[0])
    assert slots["urkundenart"] == "geburtsurkunde" and "Nidda" in slots["ort"]
    # The entity mapping may have paired the slots wrongly; the answer pairs from the text.
    tracker = make_tracker(
        text, "urkunde_beantragen", slots={"anliegen": "urkunde", "urkundenart": "eheurkunde", "ort": "Nidda"}
    )
    events, messages = await run(ActionStandesamtAuskunft(), tracker)
    answers = [m["text"] for m in messages if "Standesamt des Ortes" in m.get("text", "")]
    assert len(answers) == 2
    assert "Geburtsurkunde" in answers[0] and "Nidda" in answers[0] and "regschl=064400016016" in answers[0]
    assert "Eheurkunde" in answers[1] and "Schotten" in answers[1]
    # No button offers again what was just answered.
    assert not any(m.get("buttons") for m in messages)
    assert slots_of(events)["fokus"] == "urkunde:eheurkunde"


async def test_a_question_about_the_certificate_after_the_order_is_answered_too() -> None:
    text = "Geburtsurkunde Kassel, wie lange dauert das?"
    tracker = make_tracker(
        text,
        "urkunde_beantragen",
        slots={"anliegen": "urkunde", "urkundenart": "geburtsurkunde", "ort": "Kassel"},
    )
    _, messages = await run(ActionStandesamtAuskunft(), tracker)
    assert "Kassel" in messages[0]["text"]
    assert [m.get("response") for m in messages[1:]] == ["utter_faq/urkunde_dauer"]


async def test_where_is_the_standesamt_on_a_municipal_page_means_that_municipality() -> None:
    page = {"kommune": MARBURG.ags}
    tracker = make_tracker("Where is the Standesamt?", "standesamt_suchen", metadata=page)
    slots = slots_of((await run(ActionStandesamtVorbereiten(), tracker))[0])
    assert slots["ort"] == MARBURG.ags and slots["anliegen"] == "standesamt"
    # A certificate comes from the event place: that place is still asked for.
    tracker = make_tracker("Wo bekomme ich eine Geburtsurkunde?", "urkunde_beantragen", metadata=page)
    assert slots_of((await run(ActionStandesamtVorbereiten(), tracker))[0])["ort"] is None
    # Without a page, the office's place is asked for.
    tracker = make_tracker("Where is the Standesamt?", "standesamt_suchen")
    assert slots_of((await run(ActionStandesamtVorbereiten(), tracker))[0])["ort"] is None


async def test_correction_with_an_ambiguous_place_asks_back_and_clears_the_slot() -> None:
    tracker = make_tracker(
        "nein, Homberg",
        "deny",
        [gemeinde("Homberg")],
        slots={"anliegen": "urkunde", "urkundenart": "geburtsurkunde", "ort": "Homberg"},
    )
    events, [message] = await run(ActionStandesamtAuskunft(), tracker)
    assert slots_of(events) == {"ort": None}
    assert len(message["buttons"]) == 2


async def test_leichte_sprache_changes_the_answer() -> None:
    slots = {"anliegen": "urkunde", "urkundenart": "geburtsurkunde", "ort": MARBURG.ags}
    _, [normal] = await run(ActionStandesamtAuskunft(), make_tracker("x", "angabe", slots=slots))
    _, [leicht] = await run(
        ActionStandesamtAuskunft(), make_tracker("x", "angabe", slots={**slots, "leichte_sprache": True})
    )
    assert leicht["text"] != normal["text"]
    assert "Standesamt in Marburg" in leicht["text"]
    assert max(len(s) for s in leicht["text"].split(".")) < max(len(s) for s in normal["text"].split("."))


async def test_the_place_question_offers_the_pages_municipality_as_a_button() -> None:
    tracker = make_tracker(
        "Wo ist das Standesamt?",
        "standesamt_suchen",
        slots={"anliegen": "standesamt"},
        metadata={"kommune": MARBURG.ags},
    )
    _, [question] = await run(ActionAskOrt(), tracker)
    assert question["buttons"] == [
        {"title": MARBURG.label, "payload": f'/angabe{{"gemeinde": "{MARBURG.ags}"}}'}
    ]
    _, [without_page] = await run(
        ActionAskOrt(), make_tracker("x", "standesamt_suchen", slots={"anliegen": "standesamt"})
    )
    assert without_page["buttons"] == []


async def test_form_questions_depend_on_the_certificate() -> None:
    _, [geburt] = await run(
        ActionAskOrt(),
        make_tracker(
            "x", "urkunde_beantragen", slots={"anliegen": "urkunde", "urkundenart": "geburtsurkunde"}
        ),
    )
    _, [amt] = await run(
        ActionAskOrt(), make_tracker("x", "standesamt_suchen", slots={"anliegen": "standesamt"})
    )
    assert "geboren" in geburt["text"] and "nicht das Ihres Wohnortes" in geburt["text"]
    assert "suchen Sie das Standesamt" in amt["text"]
    _, [kinds] = await run(ActionAskUrkundenart(), make_tracker("x", "urkunde_beantragen"))
    assert [b["payload"] for b in kinds["buttons"]] == [
        '/angabe{"urkundenart": "geburtsurkunde"}',
        '/angabe{"urkundenart": "eheurkunde"}',
        '/angabe{"urkundenart": "sterbeurkunde"}',
    ]


async def test_ort_kontext_offers_what_to_do_with_a_bare_place() -> None:
    _, [message] = await run(ActionOrtKontext(), make_tracker("Marburg", "angabe", [gemeinde("Marburg")]))
    assert "Marburg" in message["text"]
    assert message["buttons"][0]["payload"] == f'/standesamt_suchen{{"gemeinde": "{MARBURG.ags}"}}'


async def test_a_bare_certificate_kind_offers_to_start_the_question() -> None:
    tracker = make_tracker("Geburtsurkunde", "angabe", [{"entity": "urkundenart", "value": "geburtsurkunde"}])
    _, [message] = await run(ActionOrtKontext(), tracker)
    assert "Geburtsurkunde bestellen" in message["text"]
    assert message["buttons"][0]["payload"] == '/urkunde_beantragen{"urkundenart": "geburtsurkunde"}'


# --- Online services --------------------------------------------------------------------------
async def test_online_service_by_entity() -> None:
    tracker = make_tracker(
        "Kann ich Wohngeld online beantragen?",
        "online_beantragen",
        [{"entity": "leistung", "value": "wohngeld"}],
    )
    _, [message] = await run(ActionOnlineLeistung(), tracker)
    assert message["text"].startswith("Wohngeld: Ja, das geht online.")
    assert "https://" in message["text"]


async def test_online_service_from_free_text_and_passport_needs_a_visit() -> None:
    _, [message] = await run(
        ActionOnlineLeistung(), make_tracker("reisepass online beantragen geht das", "online_beantragen")
    )
    assert message["text"].startswith("Reisepass: Nein")
    assert "persönlich" in message["text"].lower()


async def test_online_service_link_is_specific_to_the_home_municipality() -> None:
    tracker = make_tracker(
        "Wohngeld online?",
        "online_beantragen",
        [{"entity": "leistung", "value": "wohngeld"}],
        metadata={"kommune": MARBURG.ags},
    )
    _, [message] = await run(ActionOnlineLeistung(), tracker)
    assert f"regschl={MARBURG.ars}" in message["text"]
    assert "direkt zur Leistung für Marburg" in message["text"]


async def test_online_service_unknown_offers_an_overview_with_buttons() -> None:
    _, [message] = await run(
        ActionOnlineLeistung(), make_tracker("Was kann ich online beantragen?", "online_beantragen")
    )
    assert "Verwaltungsportal Hessen" in message["text"]
    assert len(message["buttons"]) >= 4


async def test_uncertain_service_says_so() -> None:
    tracker = make_tracker(
        "Taxigenehmigung online?", "online_beantragen", [{"entity": "leistung", "value": "taxigenehmigung"}]
    )
    _, [message] = await run(ActionOnlineLeistung(), tracker)
    assert "kann veraltet sein" in message["text"]


# --- IKZ --------------------------------------------------------------------------------------
async def test_ikz_three_municipalities() -> None:
    events, _ = await run(
        ActionIkzVorbereiten(),
        make_tracker("Wir sind drei Gemeinden, wie viel Förderung gibt es?", "ikz_foerderung"),
    )
    assert slots_of(events) == {"anzahl_kommunen": 3.0}
    events, [message] = await run(
        ActionIkzFoerderung(), make_tracker("x", "ikz_foerderung", slots={"anzahl_kommunen": 3.0})
    )
    assert "75.000 €" in message["text"]
    assert "Quelle: https://beratungszentrum.hessen.de" in message["text"]
    assert slots_of(events) == {"anzahl_kommunen": None, "fokus": "ikz"}
    assert "voraussichtlich Ende 2026" in message["text"]


async def test_ikz_two_municipalities_only_with_a_special_reason_in_both_variants() -> None:
    for leicht in (False, True):
        tracker = make_tracker(
            "x", "ikz_foerderung", slots={"anzahl_kommunen": 2.0, "leichte_sprache": leicht}
        )
        _, [message] = await run(ActionIkzFoerderung(), tracker)
        assert "50.000 €" in message["text"]
        assert "besondere" in message["text"] and "3" in message["text"]


async def test_ikz_digital_rule_is_not_multiplied_beyond_four() -> None:
    _, [message] = await run(
        ActionIkzFoerderung(), make_tracker("x", "ikz_foerderung", slots={"anzahl_kommunen": 6.0})
    )
    assert "150.000 €" not in message["text"].split("Außerdem")[1]  # not 6 x 25.000
    assert "900.000 €" in message["text"]  # the Verwaltungsverband rule: 6 x 150.000
    assert "keinen Betrag" in message["text"]


async def test_ikz_single_municipality_gets_no_funding() -> None:
    _, [message] = await run(
        ActionIkzFoerderung(), make_tracker("x", "ikz_foerderung", slots={"anzahl_kommunen": 1.0})
    )
    assert "keine IKZ-Förderung" in message["text"]


@pytest.mark.parametrize(
    ("value", "expected"), [("vier", 4.0), ("wir sind zu fünft", 5.0), ("keine Ahnung", None)]
)
async def test_ikz_count_validation(value: str, expected: float | None) -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateIkzForm().validate_anzahl_kommunen(
        value, dispatcher, make_tracker(value, "angabe"), DOMAIN
    )
    assert result == {"anzahl_kommunen": expected}
    assert bool(dispatcher.messages) == (expected is None)


async def test_ikz_question_offers_counts() -> None:
    _, [message] = await run(ActionAskAnzahlKommunen(), make_tracker("x", "ikz_foerderung"))
    assert [b["payload"] for b in message["buttons"]] == ["2", "3", "4", "5"]


async def test_no_number_in_the_question_is_no_complaint_before_the_form_asks() -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateIkzForm().validate_anzahl_kommunen(
        None, dispatcher, make_tracker("Förderung Fusion Feuerwehr IKZ", "ikz_foerderung"), DOMAIN
    )
    assert result == {"anzahl_kommunen": None} and dispatcher.messages == []


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("Förderung Fusion Feuerwehr IKZ", "15.000 €"),
        ("Wie viel gibt es, wenn mehrere Gemeinden einen Gemeindeverwaltungsverband gründen?", "150.000 €"),
    ],
)
async def test_ikz_special_rules_are_named_before_the_question(text: str, amount: str) -> None:
    _, messages = await run(ActionAskAnzahlKommunen(), make_tracker(text, "ikz_foerderung"))
    assert amount in messages[0]["text"] and "beratungszentrum.hessen.de" in messages[0]["text"]
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["2", "3", "4", "5"]


async def test_a_fire_brigade_merger_is_named_beside_the_lump_sum() -> None:
    text = "Wie viel gibt es, wenn drei Gemeinden zusammenarbeiten? Und wenn zwei Ortsteilfeuerwehren fusionieren?"
    _, messages = await run(
        ActionIkzFoerderung(), make_tracker(text, "ikz_foerderung", slots={"anzahl_kommunen": 3.0})
    )
    answer = "\n".join(m["text"] for m in messages)
    assert "75.000 €" in answer and "15.000 €" in answer
    # The two fire brigades are no cooperation of two municipalities.
    assert "Zwei Kommunen" not in answer


async def test_a_background_question_beside_the_funding_question_is_answered_too() -> None:
    text = "Was ist eigentlich das OZG 2.0 und was zahlt das Land bei IKZ, wenn nur drei Gemeinden zusammenarbeiten?"
    _, messages = await run(
        ActionIkzFoerderung(), make_tracker(text, "ikz_foerderung", slots={"anzahl_kommunen": 3.0})
    )
    assert "75.000 €" in "\n".join(str(m.get("text")) for m in messages)
    assert [m["response"] for m in messages if str(m.get("response")).startswith("utter_faq")] == [
        "utter_faq/ozg_was"
    ]


async def test_the_procedures_duration_beside_the_funding_question_is_answered_too() -> None:
    text = (
        "Wie viel IKZ-Förderung gibt es für drei Kommunen und wie lange dauert die Bearbeitung des Antrags?"
    )
    _, messages = await run(
        ActionIkzFoerderung(), make_tracker(text, "ikz_foerderung", slots={"anzahl_kommunen": 3.0})
    )
    assert [m["response"] for m in messages if str(m.get("response")).startswith("utter_faq")] == [
        "utter_faq/ikz_antrag"
    ]
    # What IKZ is is part of the funding answer: not repeated.
    text = "Was ist IKZ überhaupt, und wie viel gibt es für drei Gemeinden?"
    _, messages = await run(
        ActionIkzFoerderung(), make_tracker(text, "ikz_foerderung", slots={"anzahl_kommunen": 3.0})
    )
    assert not [m for m in messages if str(m.get("response")).startswith("utter_faq/ikz")]


# --- Handoff and fallback ---------------------------------------------------------------------
async def test_kontakt_names_115_and_the_home_municipality() -> None:
    _, [message] = await run(
        ActionKontakt(), make_tracker("Mensch bitte", "kontakt_mensch", metadata={"kommune": MARBURG.ags})
    )
    assert "115" in message["text"] and "Verwaltung von Marburg" in message["text"]
    _, [plain] = await run(ActionKontakt(), make_tracker("Mensch bitte", "kontakt_mensch"))
    assert "Marburg" not in plain["text"]


async def test_kontakt_ignores_an_invalid_kommune() -> None:
    _, [message] = await run(
        ActionKontakt(), make_tracker("Mensch", "kontakt_mensch", metadata={"kommune": "<script>"})
    )
    assert "Verwaltung von" not in message["text"]


async def test_fallback_offers_topics_first_and_a_person_after_a_second_miss() -> None:
    _, [first] = await run(ActionFallbackThemen(), make_tracker("blub", "nlu_fallback"))
    assert first["buttons"] and "nicht verstanden" in first["text"]
    history = [user_event("blub", "nlu_fallback"), {"event": "bot", "text": "..."}]
    _, [second] = await run(ActionFallbackThemen(), make_tracker("blab", "nlu_fallback", history=history))
    assert "115" in second["text"] and not second.get("buttons")
    history = [user_event("Hallo", "greet")]
    _, [again] = await run(ActionFallbackThemen(), make_tracker("blab", "nlu_fallback", history=history))
    assert again["buttons"]
    # An out-of-scope answer already showed a menu: a miss right after it goes to a person.
    history = [user_event("Wie wird das Wetter?", "out_of_scope"), {"event": "bot", "text": "..."}]
    _, [after_scope] = await run(
        ActionFallbackThemen(), make_tracker("blab", "nlu_fallback", history=history)
    )
    assert "115" in after_scope["text"] and not after_scope.get("buttons")


async def test_abbrechen_stops_the_form_and_forgets_its_answers() -> None:
    events, [message] = await run(
        ActionFormularAbbrechen(), make_tracker("abbrechen", "abbrechen", active_loop="standesamt_form")
    )
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)
    assert slots_of(events)["ort"] is None and slots_of(events)["urkundenart"] is None
    assert "abgebrochen" in message["text"]


# --- Orte: Stadtteile, Namensvettern, gemeinsame Standesämter (issue 12) -----------------------
async def test_mainz_kastel_is_answered_for_wiesbaden_saying_why_once() -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateStandesamtForm().validate_ort(
        "Mainz-Kastel", dispatcher, make_tracker("Mainz-Kastel", "angabe", [gemeinde("Mainz-Kastel")]), DOMAIN
    )
    assert result == {"ort": "Mainz-Kastel"} and dispatcher.messages == []
    slots = {"anliegen": "urkunde", "urkundenart": "geburtsurkunde", **result}
    _, messages = await run(ActionStandesamtAuskunft(), make_tracker("Mainz-Kastel", "angabe", slots=slots))
    wiesbaden = load_municipalities().resolve("Wiesbaden").municipality
    assert wiesbaden is not None
    assert messages[0]["text"].startswith("Mainz-Kastel gehört zu Wiesbaden.")
    assert sum("gehört zu" in m["text"] for m in messages) == 1
    assert any(f"regschl={wiesbaden.ars}" in m["text"] for m in messages)


async def test_auskunft_for_a_district_answers_for_its_town() -> None:
    slots = {"anliegen": "urkunde", "urkundenart": "geburtsurkunde", "ort": "Frankfurt-Höchst"}
    events, messages = await run(ActionStandesamtAuskunft(), make_tracker("x", "angabe", slots=slots))
    frankfurt = load_municipalities().resolve("Frankfurt am Main").municipality
    assert frankfurt is not None and "ort" not in slots_of(events)
    assert messages[0]["text"].startswith("Höchst gehört zu Frankfurt am Main.")
    assert any(f"regschl={frankfurt.ars}" in m["text"] for m in messages)
    assert not any("Höchst i. Odw." in m["text"] for m in messages)


async def test_a_bare_district_with_a_namesake_town_is_asked_back_with_both() -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateStandesamtForm().validate_ort(
        "Höchst", dispatcher, make_tracker("Höchst", "angabe", [gemeinde("Höchst")]), DOMAIN
    )
    assert result == {"ort": None}
    message, links = dispatcher.messages
    titles = [b["title"] for b in message["buttons"]]
    assert titles == ["Frankfurt am Main (Stadtteil Höchst)", "Höchst i. Odw. (Odenwaldkreis)"]
    assert "Frankfurt am Main (Stadtteil Höchst): https://" in links["text"]
    assert message["buttons"][0]["payload"] == '/angabe{"gemeinde": "06412000"}'


async def test_a_namesake_outside_hessen_is_asked_back_with_buttons() -> None:
    dispatcher = CollectingDispatcher()
    result = await ValidateStandesamtForm().validate_ort(
        "Weimar", dispatcher, make_tracker("Weimar", "angabe", [gemeinde("Weimar")]), DOMAIN
    )
    assert result == {"ort": None}
    [message] = dispatcher.messages
    assert "in Hessen und außerhalb von Hessen" in message["text"]
    assert [b["title"] for b in message["buttons"]] == [
        "Weimar (Lahn) (Landkreis Marburg-Biedenkopf)",
        "Weimar (Thüringen) (Thüringen)",
    ]
    # The outside button's payload is understood as the place outside Hessen.
    assert message["buttons"][1]["payload"] == '/angabe{"gemeinde": "Weimar (Thüringen)"}'
    chosen = await ValidateStandesamtForm().validate_ort(
        "Weimar (Thüringen)", CollectingDispatcher(), make_tracker("x", "angabe"), DOMAIN
    )
    assert chosen == {"ort": "Weimar (Thüringen)"}


async def test_auskunft_for_frankfurt_oder_says_it_is_not_in_hessen() -> None:
    slots = {"anliegen": "urkunde", "urkundenart": "geburtsurkunde", "ort": "Frankfurt (Oder)"}
    _, messages = await run(ActionStandesamtAuskunft(), make_tracker("x", "angabe", slots=slots))
    assert messages[0]["text"].startswith("Frankfurt (Oder) liegt in Brandenburg, nicht in Hessen.")
    assert not any("regschl=" in m["text"] for m in messages)


@pytest.mark.parametrize("anliegen", ["urkunde", "standesamt"])
async def test_auskunft_names_the_seat_of_a_shared_standesamt(anliegen: str) -> None:
    battenberg = load_municipalities().resolve("Battenberg (Eder)").municipality
    assert battenberg is not None
    slots = {"anliegen": anliegen, "urkundenart": "geburtsurkunde", "ort": battenberg.ags}
    _, messages = await run(ActionStandesamtAuskunft(), make_tracker("x", "angabe", slots=slots))
    texts = [m["text"] for m in messages]
    shared = [t for t in texts if "gemeinsamer Standesamtsbezirk" in t]
    assert shared and shared[0].startswith(
        "Für Battenberg (Eder) ist das Standesamt in Allendorf (Eder) zuständig (gemeinsamer Standesamtsbezirk"
    )
    assert f"regschl={battenberg.ars}" in shared[0]


async def test_an_uncertain_shared_standesamt_is_named_with_a_caveat_also_in_leichte_sprache() -> None:
    kaufungen = load_municipalities().resolve("Kaufungen").municipality
    assert kaufungen is not None
    for leicht in (False, True):
        slots = {"anliegen": "standesamt", "ort": kaufungen.ags, "leichte_sprache": leicht}
        _, messages = await run(ActionStandesamtAuskunft(), make_tracker("x", "angabe", slots=slots))
        [shared] = [m["text"] for m in messages if "Helsa" in m["text"]]
        assert ("nicht sicher bestätigt" in shared) if not leicht else ("nicht sicher" in shared)
        if leicht:
            assert "Das Standesamt ist das Amt für Geburt, Hochzeit und Tod." in shared
            assert max(len(s.split()) for s in shared.split(". ")) <= 15


async def test_a_mandated_standesamt_is_named_beside_the_municipalitys_own_link() -> None:
    kriftel = load_municipalities().resolve("Kriftel").municipality
    assert kriftel is not None
    slots = {"anliegen": "urkunde", "urkundenart": "geburtsurkunde", "ort": kriftel.ags}
    _, messages = await run(ActionStandesamtAuskunft(), make_tracker("x", "angabe", slots=slots))
    [mandate] = [m["text"] for m in messages if "Hofheim am Taunus" in m["text"]]
    assert mandate.startswith(
        "Die Aufgaben des Standesamts Kriftel erledigt das Standesamt in Hofheim am Taunus."
    )
    assert f"regschl={kriftel.ars}" in mandate
    # A mandate whose latest source has run out is named with a caveat.
    zwingenberg = load_municipalities().resolve("Zwingenberg").municipality
    assert zwingenberg is not None
    slots = {"anliegen": "standesamt", "ort": zwingenberg.ags}
    _, messages = await run(ActionStandesamtAuskunft(), make_tracker("x", "angabe", slots=slots))
    [mandate] = [m["text"] for m in messages if "Bensheim" in m["text"]]
    assert "nicht sicher bestätigt" in mandate


async def test_the_seat_and_other_towns_get_no_shared_standesamt_note() -> None:
    for name in ("Allendorf (Eder)", "Marburg", "Hofheim am Taunus"):
        m = load_municipalities().resolve(name).municipality
        assert m is not None
        slots = {"anliegen": "standesamt", "ort": m.ags}
        _, messages = await run(ActionStandesamtAuskunft(), make_tracker("x", "angabe", slots=slots))
        assert not any("Standesamtsbezirk" in msg["text"] for msg in messages)
        assert not any("Die Aufgaben des Standesamts" in msg["text"] for msg in messages)


async def test_ort_kontext_for_a_district_offers_its_town() -> None:
    tracker = make_tracker("Biebrich", "angabe", [gemeinde("Biebrich")])
    _, messages = await run(ActionOrtKontext(), tracker)
    wiesbaden = load_municipalities().resolve("Wiesbaden").municipality
    assert wiesbaden is not None
    assert messages[0]["text"].startswith("Biebrich gehört zu Wiesbaden.")
    assert messages[-1]["buttons"][0]["payload"] == f'/standesamt_suchen{{"gemeinde": "{wiesbaden.ags}"}}'


@pytest.mark.parametrize(
    "text",
    [
        "Kann ich Wohngeld online beantragen? Wenn nicht, brauche ich eine Telefonnummer.",
        "Can I apply for Wohngeld online? If not, give me a phone number please.",
    ],
)
async def test_a_request_for_a_person_beside_the_question_gets_the_handoff(text: str) -> None:
    tracker = make_tracker(text, "online_beantragen", [{"entity": "leistung", "value": "wohngeld"}])
    _, messages = await run(ActionOnlineLeistung(), tracker)
    assert len(messages) == 2
    assert "Wohngeld" in messages[0]["text"] and "115" in messages[1]["text"]


async def test_no_handoff_without_a_request_for_a_person() -> None:
    tracker = make_tracker(
        "Kann ich Wohngeld online beantragen?",
        "online_beantragen",
        [{"entity": "leistung", "value": "wohngeld"}],
    )
    _, messages = await run(ActionOnlineLeistung(), tracker)
    assert len(messages) == 1


async def test_ikz_a_second_number_asked_about_gets_its_amount_too() -> None:
    text = (
        "Wie hoch ist die Förderung, wenn drei Kommunen mitmachen, und wie viel gibt es, wenn wir fünf sind?"
    )
    tracker = make_tracker(text, "ikz_foerderung", slots={"anzahl_kommunen": 3.0})
    _, messages = await run(ActionIkzFoerderung(), tracker)
    answer = "\n".join(m["text"] for m in messages)
    assert "3 Kommunen" in answer and "75.000 €" in answer
    assert "5 Kommunen" in answer and "100.000 €" in answer


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Ehe", "eheurkunde"),
        ("Trauschein", "eheurkunde"),
        ("Gebrutsurkunde", "geburtsurkunde"),
        ("Todesfall", "sterbeurkunde"),
        ("birth certificate", "geburtsurkunde"),
        ("geboren in Kassel", "geburtsurkunde"),
        ("Hallo", None),
    ],
)
def test_the_certificate_kind_from_its_word_or_its_event(text: str, kind: str | None) -> None:
    from actions.standesamt import urkundenart_from

    assert urkundenart_from(text) == kind


async def test_a_service_asked_beside_the_ikz_funding_is_answered_too() -> None:
    text = (
        "Wie viel IKZ-Förderung bekommen fünf Gemeinden zusammen? Und wo beantrage ich eigentlich Wohngeld?"
    )
    _, messages = await run(
        ActionIkzFoerderung(), make_tracker(text, "ikz_foerderung", slots={"anzahl_kommunen": 5.0})
    )
    answer = "\n".join(m.get("text") or "" for m in messages)
    assert "100.000" in answer and "Wohngeld" in answer


async def test_a_service_beside_the_ikz_question_is_answered_before_the_count_is_asked() -> None:
    text = "Unsere Ortsteilfeuerwehren sollen fusionieren, gibt es IKZ-Förderung? Und privat: wie melde ich meinen neuen Hund an"
    _, messages = await run(ActionAskAnzahlKommunen(), make_tracker(text, "ikz_foerderung"))
    assert "15.000 €" in messages[0]["text"]
    assert any("Hundesteuer" in (m.get("text") or "") for m in messages[1:-1])
    # The count is asked last, with its buttons.
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["2", "3", "4", "5"]


async def test_the_online_overview_names_the_page_municipality() -> None:
    tracker = make_tracker(
        "Welche Online-Dienste bietet unsere Stadt an?", "online_beantragen", metadata={"kommune": "06535001"}
    )
    _, [message] = await run(ActionOnlineLeistung(), tracker)
    assert "Die Online-Dienste von Alsfeld" in message["text"]
    assert "https://verwaltungsportal.hessen.de" in message["text"]
    # "bietet … an" is no catalogue service ("Waren auf der Straße anbieten").
    assert "Sondernutzung" not in message["text"]


async def test_ikz_counts_the_named_partners_and_the_asking_municipality() -> None:
    text = (
        "Wir überlegen, mit Weilburg und Löhnberg einen gemeinsamen Standesamtsbezirk zu bilden. Gefördert?"
    )
    events, _ = await run(
        ActionIkzVorbereiten(),
        make_tracker(text, "ikz_foerderung", [gemeinde("Weilburg"), gemeinde("Löhnberg")]),
    )
    assert slots_of(events) == {"anzahl_kommunen": 3.0}
    events, _ = await run(
        ActionIkzVorbereiten(),
        make_tracker(
            "Förderung für eine Kooperation mit Weilburg?", "ikz_foerderung", [gemeinde("Weilburg")]
        ),
    )
    assert slots_of(events) == {"anzahl_kommunen": None}


async def test_a_catalogue_service_beside_a_detailed_one_is_answered_too() -> None:
    text = "ich brauche eine waffenbesitzkarte für mein erbstück und ausserdem eine meldebescheinigung"
    entities = [
        {"entity": "leistung", "value": "Waffenbesitzkarte"},
        {"entity": "leistung", "value": "meldebescheinigung"},
    ]
    _, messages = await run(ActionOnlineLeistung(), make_tracker(text, "online_beantragen", entities))
    texts = [m["text"] for m in messages]
    assert texts[0].startswith("Meldebescheinigung")
    assert any("„Waffenbesitzkarte“" in t for t in texts[1:])


async def test_a_rule_of_the_standesamt_is_answered_without_asking_for_a_place() -> None:
    from actions.nachfragen import ActionNachfrage

    events, [message] = await run(
        ActionNachfrage(), make_tracker("Wie lange führt ein Standesamt die Geburtseinträge?", "nachfrage")
    )
    assert "110 Jahre" in message["text"] and "30 Jahre" in message["text"]
    # "Und die Sterbeeinträge?" right after: the same answer, which names all three registers.
    _, [again] = await run(
        ActionNachfrage(), make_tracker("Und die Sterbeeinträge?", "nachfrage", slots=slots_of(events))
    )
    assert "Sterberegister 30 Jahre" in again["text"]
    text = "Ist für eine Sterbeurkunde das Standesamt am Wohnort oder am Sterbeort zuständig?"
    _, [message] = await run(ActionNachfrage(), make_tracker(text, "nachfrage"))
    assert (
        "an dem die Person gestorben ist" in message["text"] and "nicht das des Wohnorts" in message["text"]
    )
