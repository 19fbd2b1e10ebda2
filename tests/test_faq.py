"""FAQ answers through action_faq: the selected answer, or one per question (actions/faq.py)."""

from __future__ import annotations

import pytest

from actions.faq import ActionFaq
from bot.nlp.faq_cues import faq_answers, faqs_asked, select_response
from tests.tracker_factory import make_tracker, run


@pytest.mark.parametrize(
    ("text", "selected", "answers"),
    [
        # Two questions: one answer each, in the order asked, whatever the selector chose.
        (
            "Was ist das Verwaltungsportal Hessen und was hat civento damit zu tun?",
            "faq/civento",
            ["faq/verwaltungsportal", "faq/civento"],
        ),
        (
            "Was ist die BundID und was ist aus dem Servicekonto Hessen geworden?",
            "faq/servicekonto_was",
            ["faq/bundid_was", "faq/servicekonto_bundid"],
        ),
        (
            "Wer berät uns zur interkommunalen Zusammenarbeit und bis wann läuft das Förderprogramm?",
            "faq/ikz_beratung",
            ["faq/ikz_beratung", "faq/ikz_was"],
        ),
        # One question: the selector's answer, even where a keyword would say otherwise.
        ("Was ist die BundID?", "faq/bundid_was", ["faq/bundid_was"]),
        ("Was ist civento?", "faq/ekom21", ["faq/ekom21"]),
        ("Hallo. Was ist die BundID?", "faq/bundid_was", ["faq/bundid_was"]),
    ],
)
def test_one_answer_per_question(text: str, selected: str, answers: list[str]) -> None:
    assert faq_answers(text, selected) == answers


async def test_action_faq_says_the_domain_responses() -> None:
    text = "Was ist das Verwaltungsportal Hessen und was hat civento damit zu tun?"
    tracker = make_tracker(text, "faq")
    tracker.latest_message["response_selector"] = select_response({}, "faq/civento")
    events, messages = await run(ActionFaq(), tracker)
    assert events == []
    assert [m["response"] for m in messages] == ["utter_faq/verwaltungsportal", "utter_faq/civento"]


async def test_action_faq_without_a_selection_offers_help_instead_of_nothing() -> None:
    _, messages = await run(ActionFaq(), make_tracker("Was ist das?", "faq"))
    assert [m["response"] for m in messages] == ["utter_wie_sonst"]


@pytest.mark.parametrize(
    ("text", "own_account"),
    [
        # "that" is the service in focus: Wohngeld's own registration with an e-mail address.
        ("do I need a BundID for that?", True),
        ("Brauche ich dafür eine BundID?", True),
        # A question about the account itself, or about another service, is the FAQ's.
        ("Was ist die BundID?", False),
        ("Brauche ich für den Reisepass eine BundID?", False),
    ],
)
async def test_an_account_question_about_the_service_in_focus_gets_its_account(
    text: str, own_account: bool
) -> None:
    tracker = make_tracker(text, "faq", slots={"fokus": "leistung:wohngeld"})
    tracker.latest_message["response_selector"] = select_response({}, "faq/bundid_was")
    _, messages = await run(ActionFaq(), tracker)
    answer = "\n".join(str(m.get("text") or m.get("response")) for m in messages)
    assert ("mail" in answer.lower()) is own_account
    # The next step: the portal (Wohngeld's sourced page is one town's example).
    assert ("https://verwaltungsportal.hessen.de" in answer) is own_account
    assert "regschl=" not in answer
    assert ("utter_faq/bundid_was" in answer) is not own_account


def test_a_topic_word_alone_is_no_second_question() -> None:
    # "wie lege ich eine BundID an" asks how, not what the BundID is: one answer.
    assert faq_answers("Hallo, wie lege ich eine BundID an?", "faq/bundid_registrieren") == [
        "faq/bundid_registrieren"
    ]


async def test_a_request_for_a_person_after_the_faq_question_gets_the_contact() -> None:
    text = (
        "Does my old Servicekonto Hessen still work? And if not, is there a phone number I can call for help?"
    )
    tracker = make_tracker(text, "faq")
    tracker.latest_message["response_selector"] = select_response({}, "faq/servicekonto_was")
    _, messages = await run(ActionFaq(), tracker)
    answer = "\n".join(str(m.get("text") or m.get("response")) for m in messages)
    assert messages[0]["response"] == "utter_faq/servicekonto_was"
    assert "115" in answer
    # Without such a request, the answer stays alone.
    tracker = make_tracker("Was ist das Servicekonto Hessen?", "faq")
    tracker.latest_message["response_selector"] = select_response({}, "faq/servicekonto_was")
    _, messages = await run(ActionFaq(), tracker)
    assert [m.get("response") for m in messages] == ["utter_faq/servicekonto_was"]


async def test_a_service_asked_after_the_faq_question_is_answered_next() -> None:
    text = (
        "Wie kann ich meine BundID löschen? Und was kostet eigentlich ein neuer Personalausweis, ich bin 45?"
    )
    tracker = make_tracker(text, "faq")
    tracker.latest_message["response_selector"] = select_response({}, "faq/bundid_was")
    _, messages = await run(ActionFaq(), tracker)
    assert messages[0]["response"] == "utter_faq/bundid_was"
    assert any(str(m.get("text") or "").startswith("Personalausweis") for m in messages[1:])
    # A service inside the FAQ's own question is that question's subject, not a second topic.
    tracker = make_tracker("Brauche ich für Wohngeld eine BundID?", "faq")
    tracker.latest_message["response_selector"] = select_response({}, "faq/ohne_konto")
    _, messages = await run(ActionFaq(), tracker)
    assert [m.get("response") for m in messages] == ["utter_faq/ohne_konto"]


async def test_a_service_in_the_first_sentence_before_the_faq_question_is_answered_too() -> None:
    text = "Can I do the Wohngeld application online? And what happens to my old Servicekonto Hessen?"
    tracker = make_tracker(text, "faq")
    tracker.latest_message["response_selector"] = select_response({}, "faq/servicekonto_bundid")
    _, messages = await run(ActionFaq(), tracker)
    assert messages[0]["response"] == "utter_faq/servicekonto_bundid"
    assert any("Wohngeld" in str(m.get("text") or "") for m in messages[1:])


async def test_a_service_clause_beside_the_faq_clause_is_answered_too() -> None:
    text = "Was kostet ein neuer Personalausweis (ich bin 52) und wie lege ich eine BundID an?"
    tracker = make_tracker(text, "faq")
    tracker.latest_message["response_selector"] = select_response({}, "faq/bundid_registrieren")
    _, messages = await run(ActionFaq(), tracker)
    assert messages[0]["response"] == "utter_faq/bundid_registrieren"
    assert any("46" in str(m.get("text") or "") for m in messages[1:])


async def test_a_certificate_question_bei_uns_on_a_municipal_website_adds_its_standesamt() -> None:
    # "Was kostet bei uns eine Sterbeurkunde, und kann ich die online bestellen?" on Seligenstadt's page.
    text = "Was kostet bei uns eine Sterbeurkunde, und kann ich die online bestellen?"
    tracker = make_tracker(text, "faq", metadata={"kommune": "06438013"})
    tracker.latest_message["response_selector"] = select_response({}, "faq/urkunde_gebuehr")
    _, messages = await run(ActionFaq(), tracker)
    assert messages[0]["response"] == "utter_faq/urkunde_gebuehr"
    answer = "\n".join(m.get("text") or "" for m in messages)
    assert "Seligenstadt" in answer and "regschl=064380013013" in answer


async def test_a_certificate_question_without_a_word_for_here_adds_no_office() -> None:
    tracker = make_tracker("Was kostet eine Sterbeurkunde?", "faq", metadata={"kommune": "06438013"})
    tracker.latest_message["response_selector"] = select_response({}, "faq/urkunde_gebuehr")
    _, messages = await run(ActionFaq(), tracker)
    assert [m.get("response") for m in messages] == ["utter_faq/urkunde_gebuehr"]


def _after(faq: str) -> list[dict]:
    return [
        {"event": "user", "text": "Was ist die BundID?", "parse_data": {"intent": {"name": "faq"}}},
        {"event": "bot", "text": "…", "metadata": {"utter_action": f"utter_{faq}"}},
    ]


async def test_a_follow_up_without_a_topic_gets_the_faq_of_the_topic_in_focus() -> None:
    text = "wird die irgendwann gelöscht, wenn ich sie nicht benutze?"
    tracker = make_tracker(text, "faq", history=_after("faq/bundid_was"))
    tracker.latest_message["response_selector"] = select_response({}, "faq/servicekonto_bundid")
    _, messages = await run(ActionFaq(), tracker)
    assert [m["response"] for m in messages] == ["utter_faq/bundid_was"]


async def test_a_question_naming_a_certificate_keeps_its_own_faq_after_an_account_answer() -> None:
    tracker = make_tracker("Was kostet eine Geburtsurkunde?", "faq", history=_after("faq/bundid_was"))
    tracker.latest_message["response_selector"] = select_response({}, "faq/urkunde_gebuehr")
    _, messages = await run(ActionFaq(), tracker)
    assert [m["response"] for m in messages] == ["utter_faq/urkunde_gebuehr"]


def test_a_wallet_question_beside_another_gets_the_login_ways_answer() -> None:
    text = "Seit wann gilt eigentlich das OZG 2.0, und kann ich die EUDI-Wallet schon auf dem Handy nutzen?"
    assert faq_answers(text, "faq/ozg_frist") == ["faq/ozg_frist", "faq/eid_elster"]


def test_which_number_to_call_beside_a_question_is_a_request_for_a_person() -> None:
    from actions.themen import other_topics

    assert other_topics(
        "is servicekonto hessen still working? and which number i can call if i need help", ()
    ).handoff
    assert not other_topics("is servicekonto hessen still working?", ()).handoff


@pytest.mark.parametrize(
    "text",
    [
        "ich will jetzt mit einem echten Menschen sprechen! Und dann brauch ich noch eine Geburtsurkunde",
        "Isch will mit em Mensch schwätze, und mei Geburtsurkund brauch isch aach",
    ],
)
def test_a_person_wanted_beside_a_certificate_is_a_handoff(text: str) -> None:
    from actions.themen import other_topics

    assert other_topics(text, ("geburtsurkunde",)).handoff


def test_a_duration_clause_beside_ikz_funding_asks_for_the_procedure() -> None:
    text = (
        "Wie viel IKZ-Förderung gibt es für drei Kommunen und wie lange dauert die Bearbeitung des Antrags?"
    )
    assert faqs_asked(text) == ["faq/ikz_antrag"]
    # How long the programme runs is no question about the procedure.
    assert "faq/ikz_antrag" not in faqs_asked("Wie lange dauert die IKZ-Förderung noch, und wer berät uns?")
    # Without IKZ in the message, a duration clause is no IKZ question.
    assert "faq/ikz_antrag" not in faqs_asked("Ich brauche Wohngeld, und wie lange dauert die Bearbeitung?")


def test_the_smart_eid_beside_another_question_gets_the_login_ways() -> None:
    text = (
        "Was ist der Unterschied zwischen dem Servicekonto Hessen und der BundID? "
        "Und kann ich schon die Smart-eID auf dem Handy nutzen?"
    )
    assert faqs_asked(text) == ["faq/servicekonto_bundid", "faq/eid_elster"]


def test_the_mailbox_and_the_accounts_cost_beside_each_other_get_both_answers() -> None:
    text = "Two things: what is the BundID Postfach for, and does the account cost anything?"
    assert faqs_asked(text) == ["faq/postfach", "faq/bundid_was"]
    text = "Wofür ist das Postfach in der BundID da, und welches Vertrauensniveau habe ich bei der Anmeldung mit ELSTER?"
    assert faqs_asked(text) == ["faq/postfach", "faq/eid_elster"]
    # "mein altes Konto … übernommen?" after the Servicekonto answer: what became of it.
    assert faqs_asked("und wird mein altes Konto automatisch übernommen?") == ["faq/servicekonto_bundid"]


def test_a_complaint_beside_a_question_names_a_person_with_an_apology() -> None:
    from actions.themen import other_topics

    text = "Seit einer Stunde in der Warteschleife, eine Frechheit! Und wie beantrage ich Wohngeld?"
    others = other_topics(text, ("wohngeld",))
    assert others.handoff and others.contact_key == "kontakt_mitgefuehl"


def test_a_clause_that_points_back_is_read_with_the_one_before() -> None:
    from actions.themen import other_topics

    text = "Wir ziehen im Sommer nach Gießen, wie melde ich mich da an? Und was kostet ein Reisepass?"
    assert [s.id for s in other_topics(text, ("reisepass",)).services] == ["wohnsitz_anmelden"]


def test_whether_one_needs_an_account_beside_another_question() -> None:
    from bot.nlp.faq_cues import clause_faqs

    text = "Wie viel IKZ-Förderung gibt es für drei Gemeinden, und brauche ich als Bürger eine BundID?"
    assert "faq/ohne_konto" in clause_faqs(text)
    # A service named makes it that service's question.
    text = "Brauche ich für die Anmeldung zur Hundesteuer eine BundID? Und wie lege ich so ein Konto an?"
    assert "faq/ohne_konto" not in clause_faqs(text)
    # A company's account is its own answer.
    text = "Gibt es das Servicekonto Hessen noch? Und welches Konto braucht meine kleine Firma?"
    assert clause_faqs(text) == ["faq/servicekonto_bundid", "faq/unternehmenskonto"]


def test_a_second_clause_asking_what_the_portal_holds_gets_the_portals_answer() -> None:
    text = "Was ist eigentlich das OZG und was finde ich alles im Verwaltungsportal Hessen?"
    assert faqs_asked(text) == ["faq/ozg_was", "faq/verwaltungsportal"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Was ist das OZG und was kann ich im Verwaltungsportal machen?",
            ["faq/ozg_was", "faq/verwaltungsportal"],
        ),
        (
            "Ich will in Korbach ein Gewerbe anmelden. Brauche ich dafür so ein Unternehmenskonto?",
            ["faq/unternehmenskonto"],
        ),
    ],
)
def test_a_second_question_about_the_portal_or_a_company_account_is_asked(
    text: str, expected: list[str]
) -> None:
    assert faqs_asked(text) == expected


def test_a_login_problem_with_the_servicekonto_beside_a_service_is_asked() -> None:
    text = (
        "Ich komme mit meinem Servicekonto Hessen nicht mehr rein. Und kann ich Wohngeld online beantragen?"
    )
    assert faqs_asked(text) == ["faq/servicekonto_bundid"]


def test_a_wish_to_complain_beside_a_question_asks_for_a_person() -> None:
    from actions.themen import other_topics

    text = "Wie viel Förderung bekommen drei Gemeinden? Und außerdem möchte ich mich beschweren."
    assert other_topics(text, ()).handoff
    assert not other_topics("Wie viel Förderung bekommen drei Gemeinden?", ()).handoff


@pytest.mark.parametrize(
    ("faq", "text", "expected"),
    [
        # What registering needs, then what it costs, after the BundID.
        ("faq/bundid_registrieren", "und was brauch ich dafür?", "utter_faq/bundid_registrieren"),
        ("faq/bundid_registrieren", "kostet das was?", "utter_faq/bundid_was"),
        # The next step after the old Servicekonto: registering for the BundID.
        ("faq/servicekonto_bundid", "ok, was muss ich jetzt machen?", "utter_faq/bundid_registrieren"),
        # The running costs after civento or ekom21; the deadline after the OZG.
        ("faq/civento", "Müssen die Gemeinden dafür bezahlen?", "utter_faq/civento"),
        ("faq/ekom21", "kostet das die Kommune was?", "utter_faq/civento"),
        ("faq/ozg_was", "und bis wann?", "utter_faq/ozg_frist"),
        # Suing for an online service: the right exists for federal services only.
        (
            "faq/ozg_was",
            "Kann ich dann klagen, wenn meine Gemeinde etwas nicht online anbietet?",
            "utter_faq/ozg_frist",
        ),
        # A company after the BundID: the company account.
        ("faq/postfach", "und für meine Firma, geht das da auch?", "utter_faq/unternehmenskonto"),
        ("faq/civento", "und wo finde ich das Rathaus?", None),
        # What the company account needs, and a club after it: that account, not the BundID's.
        ("faq/unternehmenskonto", "was brauche ich dafür?", "utter_faq/unternehmenskonto"),
        # What to do once the account was deleted: the deletion's answer (register again).
        ("faq/bundid_was", "Mist. Und wenn es gelöscht wurde, was mache ich dann?", "utter_faq/bundid_was"),
        # Whether one way to register is enough for everything: the levels of trust.
        (
            "faq/bundid_registrieren",
            "Und reicht das dann für alles, oder gibt es da Unterschiede?",
            "utter_faq/vertrauensniveau",
        ),
        (
            "faq/unternehmenskonto",
            "und für meinen Fußballverein, geht das da genauso?",
            "utter_faq/unternehmenskonto",
        ),
        # The Smart-eID after the BundID: the login ways, not how to register.
        (
            "faq/bundid_was",
            "Kann ich mich stattdessen mit der Smart-eID auf dem Handy anmelden?",
            "utter_faq/eid_elster",
        ),
    ],
)
def test_a_follow_up_to_a_background_answer_gets_its_faq(faq: str, text: str, expected: str | None) -> None:
    from actions.fokus import focus_faq

    assert focus_faq(make_tracker(text, "nachfrage", history=_after(faq))) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The duration of an IKZ funding application is the procedure's answer.
        (
            "Wie lange dauert die Bearbeitung eines IKZ-Förderantrags, und wie viel Geld gibt es bei vier Gemeinden?",
            ["faq/ikz_antrag"],
        ),
        # Since when the OZG 2.0 applies: the deadlines' answer has the date.
        (
            "Wie viel IKZ-Förderung gibt es für fünf Gemeinden? Und seit wann gilt das OZG 2.0?",
            ["faq/ozg_frist"],
        ),
        # A club's account is the company account.
        (
            "Mein altes Servicekonto Hessen funktioniert nicht mehr. Und gibt es für unseren Sportverein auch so ein Konto?",
            ["faq/servicekonto_bundid", "faq/unternehmenskonto"],
        ),
    ],
)
def test_second_questions_about_duration_the_ozg_and_a_clubs_account(text: str, expected: list[str]) -> None:
    assert faqs_asked(text) == expected


def test_the_ikz_funding_programme_is_still_no_procedure() -> None:
    assert faqs_asked("Wie viel gibt es für drei Gemeinden, und wie lange dauert die Förderung noch?") == []


def test_an_account_that_is_not_found_after_years_is_the_deletion() -> None:
    from bot.nlp.faq_cues import cued_faq

    text = (
        "Ich hatte mir 2023 eine BundID angelegt und danach nie wieder gebraucht. Jetzt heißt es beim "
        "Einloggen, das Konto gibt es nicht. Was ist da los?"
    )
    assert cued_faq(text) == "faq/bundid_was"
    assert cued_faq("Wie lege ich eine BundID an?") != "faq/bundid_was"


def test_an_account_unused_for_years_in_dialect_is_the_deletion() -> None:
    from bot.nlp.faq_cues import cued_faq

    assert cued_faq("Isch hab mei BundID seit 2023 net mehr benutzt. Geht die dann überhaupt noch?") == (
        "faq/bundid_was"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The BundID's answer says the new name is announced, not started.
        ("Is the DeutschlandID already available?", "faq/bundid_was"),
        ("Gibt es die Deutschland-ID schon?", "faq/bundid_was"),
        # Its mailbox is the mailbox's answer.
        ("Was ist das Postfach der DeutschlandID?", "faq/postfach"),
    ],
)
def test_the_deutschlandid_is_the_bundids_answer(text: str, expected: str) -> None:
    from bot.nlp.faq_cues import cued_faq

    assert cued_faq(text) == expected


def test_an_ikz_answer_for_a_question_without_cooperation_is_a_guess() -> None:
    from bot.nlp.faq_cues import ikz_faq_without_cooperation

    assert ikz_faq_without_cooperation("Wohin schicke ich den Antrag dann?", "faq/ikz_antrag")
    assert not ikz_faq_without_cooperation("Wie stellen die Gemeinden den Antrag?", "faq/ikz_antrag")
    assert not ikz_faq_without_cooperation("Wer hilft bei der IKZ-Förderung?", "faq/ikz_beratung")
    assert not ikz_faq_without_cooperation("Wohin schicke ich den Antrag dann?", "faq/bundid_was")


async def test_an_ikz_guess_after_a_service_gets_the_services_answer() -> None:
    tracker = make_tracker(
        "Wohin schicke ich den Antrag dann?", "faq", slots={"fokus": "leistung:elterngeld"}
    )
    tracker.latest_message["response_selector"] = select_response({}, "faq/ikz_antrag")
    _, messages = await run(ActionFaq(), tracker)
    assert not any(m.get("response") == "utter_faq/ikz_antrag" for m in messages)
    assert "Elterngeld" in " ".join(m.get("text") or "" for m in messages)


def test_an_account_made_and_never_used_again_in_dialect_is_the_deletion() -> None:
    """Round 50: "nie mehr benutzt" and the dialect "aagelegt" (read as "angelegt")."""
    from bot.nlp.faq_cues import cued_faq

    assert cued_faq(
        "Isch hab so e BundID wesche de Einmalzahlung unn seitdem nie mehr benutzt. Gibt's die noch?"
    ) == ("faq/bundid_was")
    assert (
        cued_faq("Mei Enkel hat mer e Konto aagelegt un isch habs nie wieder gebraucht") == "faq/bundid_was"
    )
    assert cued_faq("Isch hab e BundID aagelegt, wie meld isch mich do aa?") != "faq/bundid_was"


def test_a_company_account_and_the_old_servicekonto_in_one_message_get_both_answers() -> None:
    """Round 49: "für die Firma" is the company's account; "gibts nicht mehr" the old one's fate."""
    text = (
        "Ich hab ne kleine Schreinerei. Was für ein Konto brauch ich privat und was für die Firma? "
        "Das Servicekonto Hessen gibts ja nicht mehr, oder?"
    )
    from bot.nlp.faq_cues import cued_faq

    assert faq_answers(text, cued_faq(text)) == ["faq/unternehmenskonto", "faq/servicekonto_bundid"]


@pytest.mark.parametrize(
    ("text", "selected", "expected"),
    [
        # The selector, lost in the dialect, picked the insult's answer for "Ding".
        (
            "Gude, mei Enkelin saacht, isch bräucht jetzt so e BundID fer die Ämter. Was is'n des fer e Ding?",
            "chitchat/beleidigung",
            "faq/bundid_was",
        ),
        ("Un was is'n des OZG fer e Sach?", "chitchat/bot_challenge", "faq/ozg_was"),
        # Round 25: the BundID named and asked what it is, the OZG's answer selected.
        (
            "Gude, mei Enkel sacht, isch bräucht jetzt so e BundID. Was is dann des?",
            "faq/ozg_was",
            "faq/bundid_was",
        ),
        # Two topics named: the selector's choice stays.
        ("Was ist das OZG und was hat die BundID damit zu tun?", "faq/ozg_was", None),
        # A FAQ selected stays; small talk without a topic stays small talk.
        ("Was ist die BundID?", "faq/bundid_was", None),
        ("Du bist ein dummes Ding", "chitchat/beleidigung", None),
    ],
)
def test_a_topic_named_beside_a_stray_small_talk_selection_gets_the_topics_faq(
    text: str, selected: str, expected: str | None
) -> None:
    from bot.nlp.faq_cues import faq_for_stray_selection

    assert faq_for_stray_selection(text, selected) == expected


def test_a_number_to_reach_a_real_person_beside_a_service_is_a_handoff() -> None:
    """Round 50: the dog tax form crashes, "ne Nummer wo ich nen echten Menschen erreiche?"."""
    from actions.themen import other_topics

    text = (
        "Das Online Formular für die Hundesteuer stürzt bei mir ständig ab, ich bin echt genervt!! "
        "Gibts da ne Nummer wo ich nen echten Menschen erreiche?"
    )
    assert other_topics(text, ("hundesteuer",)).handoff
    assert not other_topics("Wo steht die Nummer meiner Hundesteuermarke?", ("hundesteuer",)).handoff


def test_the_difference_between_two_topics_gets_both_answers() -> None:
    """Round 52: one clause, two topics; the Servicekonto and the BundID keep their joint answer."""
    text = "Was ist eigentlich der Unterschied zwischen dem Verwaltungsportal Hessen und der BundID?"
    assert faq_answers(text, "faq/verwaltungsportal") == ["faq/verwaltungsportal", "faq/bundid_was"]
    text = "Was ist der Unterschied zwischen Servicekonto und BundID?"
    assert faq_answers(text, "faq/servicekonto_bundid") == ["faq/servicekonto_bundid"]


def test_the_company_account_named_and_asked_about_in_dialect_is_its_faq() -> None:
    """Round 52: "Alle babbele von som Unternehmenskonto … Was is des un wie krieg isch des?"."""
    from bot.nlp.faq_cues import cued_faq

    text = "Alle babbele von som Unternehmenskonto fer die Ämter. Was is des un wie krieg isch des?"
    assert cued_faq(text) == "faq/unternehmenskonto"
    assert cued_faq("Mein Unternehmenskonto zeigt einen Fehler") is None


def test_an_unused_account_typed_nich_and_an_annoyed_complaint_beside_it() -> None:
    """Round 51: "… wenn ich es nich nutze?" after "echt ärgerlich!!": the deletion and a person."""
    from actions.themen import other_topics
    from bot.nlp.faq_cues import cued_faq

    text = (
        "euer online formular is schon wieder abgestürzt, echt ärgerlich!! und mal ne frage: wie lang "
        "bleibt mein bundid konto eigentlich bestehen wenn ich es nich nutze?"
    )
    assert cued_faq(text) == "faq/bundid_was"
    assert other_topics(text, ("faq/bundid_was",)).handoff


def test_a_club_asking_how_it_logs_in_gets_the_company_account() -> None:
    """Round 52: "Womit meldet sich ein Verein bei Online-Diensten der Ämter an, auch mit BundID?"."""
    from bot.nlp.faq_cues import cued_faq

    assert cued_faq("Womit meldet sich ein Verein bei Online-Diensten der Ämter an, auch mit BundID?") == (
        "faq/unternehmenskonto"
    )
    assert cued_faq("Ich bin in einem Verein und frage mich, was die BundID ist") != "faq/unternehmenskonto"


def test_the_passport_photo_taken_with_the_phone_is_the_photos_answer() -> None:
    """Round 54: "Passbild … selwer mit em Handy" read as logging in with the ID card on the phone."""
    from bot.nlp.faq_cues import cued_faq

    text = "Sach ema, kann isch mei Passbild fürn neue Ausweis noch selwer mit em Handy mache?"
    assert cued_faq(text) == "faq/passfoto"
    assert cued_faq("Kann ich meinen Ausweis auf dem Handy nutzen?") == "faq/eid_elster"


def test_whether_the_register_still_exists_is_the_retention_rule() -> None:
    """Round 54: "Die Ehe wurde 1976 geschlossen. Hat das Standesamt das Register überhaupt noch?"."""
    from bot.nlp.faq_cues import register_retention_question

    assert register_retention_question(
        "Die Ehe wurde 1976 geschlossen. Hat das Standesamt das Register überhaupt noch?"
    )
    assert register_retention_question("Gibt es das Geburtsregister von 1920 noch?")
    assert not register_retention_question("Hat das Standesamt noch offen?")
