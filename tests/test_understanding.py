"""The deterministic NLU rules (bot/nlp/rules.py, applied by bot/nlp/understanding.py): keyword queries, "hier", certificate questions."""

from __future__ import annotations

import pytest

from bot.nlp.certificates import certificate_kind, certificate_question, refers_to_here
from bot.nlp.faq_cues import certificate_order_misread_as_faq, faq_override, response_key, select_response
from bot.nlp.rules import refine

MARBURG_AGS = "06534014"


def place(value: str) -> dict[str, str]:
    return {"entity": "gemeinde", "value": value, "extractor": "SpacyEntityExtractor"}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Geburtsurkunde Kassel", "geburtsurkunde"),
        ("geburtsurkunte fulda", "geburtsurkunde"),
        ("Geburtenregisterauszug", "geburtsurkunde"),
        ("Heiratsurkunde Bad Homburg", "eheurkunde"),
        ("Ehe-Urkunde", "eheurkunde"),
        ("Sterbeurkunde Offenbch", "sterbeurkunde"),
        ("Todesurkunde", "sterbeurkunde"),
        ("Wohngeld Kassel", None),
        ("Ich bin in Kassel geboren", None),
    ],
)
def test_certificate_kind_from_the_word(text: str, kind: str | None) -> None:
    assert certificate_kind(text) == kind


@pytest.mark.parametrize("intent", ["angabe", "out_of_scope", "chitchat"])
def test_certificate_word_and_place_is_a_certificate_request(intent: str) -> None:
    new_intent, entities = refine(
        "Geburtsurkunde Kassel", {"name": intent, "confidence": 0.7}, [place("Kassel")], {}
    )
    assert new_intent == {"name": "urkunde_beantragen", "confidence": 1.0}
    assert {"entity": "urkundenart", "value": "geburtsurkunde"}.items() <= entities[-1].items()


def test_a_question_keeps_its_faq_intent_and_a_bare_place_stays_a_place() -> None:
    faq = {"name": "faq", "confidence": 0.9}
    assert refine("Was kostet die Geburtsurkunde in Kassel?", faq, [place("Kassel")], {})[0] is faq
    angabe = {"name": "angabe", "confidence": 0.9}
    assert refine("Kassel", angabe, [place("Kassel")], {})[0] is angabe


@pytest.mark.parametrize(
    "text",
    [
        "Wo kann ich hier eine Geburtsurkunde bestellen?",
        "Ich bin hier geboren.",
        "Geht das bei uns online?",
        "Ich brauche eine Eheurkunde aus unserer Stadt",
        "Wie ist das in meiner Gemeinde?",
        "Meine Mutter ist hier im Krankenhaus gestorben.",
        "Wir haben hier in der Stadt geheiratet",
        "Sterbeurkunde hier",
    ],
)
def test_here_words_point_at_the_place(text: str) -> None:
    assert refers_to_here(text)


@pytest.mark.parametrize("text", ["Bin ich hier richtig?", "hier steht nichts", "Was ist die BundID?"])
def test_here_as_an_ordinary_word_is_no_place(text: str) -> None:
    assert not refers_to_here(text)


def test_here_becomes_the_page_municipality_only_when_the_page_names_one() -> None:
    text = "Wo kann ich hier eine Geburtsurkunde bestellen? Ich bin hier geboren."
    intent = {"name": "urkunde_beantragen", "confidence": 0.95}
    _, with_page = refine(text, intent, [], {"kommune": MARBURG_AGS})
    assert [e["value"] for e in with_page if e["entity"] == "gemeinde"] == [MARBURG_AGS]
    _, without_page = refine(text, intent, [], {})
    assert not [e for e in without_page if e["entity"] == "gemeinde"]
    _, forged = refine(text, intent, [], {"kommune": "09162000"})  # Munich: not a Hessian AGS
    assert not [e for e in forged if e["entity"] == "gemeinde"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Kann ich die Geburtsurkunde für meine Oma beantragen?", "faq/urkunde_berechtigt"),
        ("Darf ich die Sterbeurkunde meines Onkels bestellen?", "faq/urkunde_berechtigt"),
        ("Ist die Geburtsurkunde auch auf Englisch erhältlich?", "faq/urkunde_international"),
        ("Brauche ich für die Geburtsurkunde eine BundID?", "faq/urkunde_konto"),
        ("Wie lange dauert es, bis ich die Geburtsurkunde bekomme?", "faq/urkunde_dauer"),
        ("Was kostet eine Eheurkunde?", "faq/urkunde_gebuehr"),
        ("Ich brauche eine Geburtsurkunde", None),
        ("Ich brauche die Sterbeurkunde meines Vaters", None),
        ("Wie lange dauert ein Reisepass?", None),
    ],
)
def test_questions_about_a_certificate(text: str, key: str | None) -> None:
    assert certificate_question(text) == key


def test_certificate_question_overrides_an_order_but_not_with_a_place() -> None:
    order = {"name": "urkunde_beantragen", "confidence": 0.9}
    text = "Kann ich die Geburtsurkunde für meine Oma beantragen?"
    assert faq_override(text, order, has_place=False) == "faq/urkunde_berechtigt"
    assert faq_override(text, order, has_place=True) is None
    assert faq_override(text, {"name": "kontakt_mensch", "confidence": 0.9}, has_place=False) is None


def test_select_response_names_the_faq_answer() -> None:
    selected = select_response(
        {"default": {"response": {"utter_action": "utter_faq/postfach"}}}, "faq/urkunde_dauer"
    )
    assert selected["default"]["response"]["utter_action"] == "utter_faq/urkunde_dauer"
    assert selected["default"]["response"]["intent_response_key"] == "faq/urkunde_dauer"


def test_an_unsure_certificate_intent_with_its_place_is_made_certain() -> None:
    unsure = {"name": "urkunde_beantragen", "confidence": 0.45}
    intent, _ = refine("Heiratsurkunde Wetzlar", unsure, [place("Wetzlar")], {})
    assert intent == {"name": "urkunde_beantragen", "confidence": 1.0}


def test_keyword_certificate_with_place_read_as_online_question_is_a_request_unless_it_says_online() -> None:
    online = {"name": "online_beantragen", "confidence": 0.8}
    assert refine("Geburtsurkunde Kassel", online, [place("Kassel")], {})[0]["name"] == "urkunde_beantragen"
    assert refine("Geburtsurkunde Kassel online", online, [place("Kassel")], {})[0] is online


@pytest.mark.parametrize("text", ["sorry vertippt, ich meinte Bad Nauheim", "ach, ich meine Bad Nauheim"])
def test_a_corrected_place_is_a_place_answer(text: str) -> None:
    start = text.index("Bad Nauheim")
    entity = {"entity": "gemeinde", "value": "Bad Nauheim", "start": start, "end": start + 11}
    assert refine(text, {"name": "out_of_scope", "confidence": 0.99}, [entity], {})[0]["name"] == "angabe"


def test_only_a_place_is_a_place_answer() -> None:
    text = "Und in Kassel?"
    kassel = {"entity": "gemeinde", "value": "Kassel", "start": 7, "end": 13}
    assert refine(text, {"name": "out_of_scope", "confidence": 0.6}, [kassel], {})[0]["name"] == "angabe"
    weather = "Wie ist das Wetter in Kassel?"
    kassel_in_weather = {"entity": "gemeinde", "value": "Kassel", "start": 22, "end": 28}
    assert (
        refine(weather, {"name": "out_of_scope", "confidence": 0.9}, [kassel_in_weather], {})[0]["name"]
        == "out_of_scope"
    )


def test_an_id_card_question_is_not_the_lost_card_life_event() -> None:
    event = {"name": "lebenslage", "confidence": 0.9}
    assert refine("Personalausweis Kosten", event, [], {})[0]["name"] == "online_beantragen"
    lost = [{"entity": "lebenslage", "value": "ausweis_verloren", "start": 16, "end": 40}]
    assert refine("Ich habe meinen Personalausweis verloren", event, lost, {})[0] is event
    assert refine("Mein Perso ist weg", event, [{**lost[0], "start": 5, "end": 18}], {})[0] is event


def test_a_life_event_without_its_event_word_but_with_a_service_is_that_service() -> None:
    event = {"name": "lebenslage", "confidence": 0.7}
    text = "Wir haben einen Hund aus dem Tierheim geholt, muss ich den anmelden?"
    assert refine(text, event, [], {})[0]["name"] == "online_beantragen"
    baby = [{"entity": "lebenslage", "value": "geburt", "start": 19, "end": 23}]
    assert refine("Wir bekommen ein Baby", event, baby, {})[0] is event


def test_certificate_words_apart_and_requests_misread_as_faq_or_life_event() -> None:
    assert certificate_kind("Urkunde Geburt Korbach") == "geburtsurkunde"
    assert certificate_kind("Urkunde für die Hochzeit") == "eheurkunde"
    korbach = [place("Korbach")]
    assert (
        refine("Urkunde Geburt Korbach", {"name": "angabe"}, korbach, {})[0]["name"] == "urkunde_beantragen"
    )
    faq = {"name": "faq", "confidence": 0.8}
    arolsen = [place("Bad Arolsen")]
    text = "Wo bekomme ich eine Sterbeurkunde aus Bad Arolsen?"
    assert refine(text, faq, arolsen, {})[0]["name"] == "urkunde_beantragen"
    assert refine("Was kostet eine Sterbeurkunde in Bad Arolsen?", faq, arolsen, {})[0] is faq
    event = {"name": "lebenslage", "confidence": 0.9}
    text = "Er ist in Fritzlar gestorben, wo bekomme ich die Sterbeurkunde?"
    assert refine(text, event, [place("Fritzlar")], {})[0]["name"] == "urkunde_beantragen"


def test_typos_in_certificate_words_and_the_clause_of_the_certificate() -> None:
    assert certificate_kind("Gebrutsurkunde Offenbach") == "geburtsurkunde"
    assert certificate_kind("Eheurkude Obrursel") == "eheurkunde"
    assert certificate_kind("Geburtstagsfeier") is None
    two = "Ich brauche eine Geburtsurkunde aus Bad Camberg und außerdem: was kostet ein Reisepass?"
    assert certificate_question(two) is None
    assert certificate_question("Was kostet eine Geburtsurkunde in Kassel?") == "faq/urkunde_gebuehr"


def test_a_rule_decision_survives_rasas_fallback_classifier() -> None:
    # DIET said "angabe" with 0.93; the rule's 1.0 next to it must not look "ambiguous".
    from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlp.understanding import ContextualUnderstanding

    text = "Geburtsurkunde Lautertal"
    message = Message(
        data={
            "text": text,
            "intent": {"name": "angabe", "confidence": 0.93},
            "intent_ranking": [{"name": "angabe", "confidence": 0.93}, {"name": "faq", "confidence": 0.04}],
            "entities": [{"entity": "gemeinde", "value": "Lautertal", "start": 15, "end": 24}],
        }
    )
    ContextualUnderstanding().process([message])
    fallback = FallbackClassifier(
        {**FallbackClassifier.get_default_config(), "threshold": 0.5, "ambiguity_threshold": 0.08}
    )
    fallback.process([message])
    assert message.get("intent")["name"] == "urkunde_beantragen"


def test_a_number_of_municipalities_with_cooperation_is_the_ikz_calculator() -> None:
    from bot.nlp.ikz_cues import ikz_funding_question

    assert ikz_funding_question("Wir sind nur zwei Gemeinden, die ihre Bauhöfe zusammenlegen wollen")
    assert ikz_funding_question("Wie viel Förderung gibt es für IKZ bei drei Gemeinden?")
    assert not ikz_funding_question("Ich habe drei Kinder und brauche Geld")
    assert not ikz_funding_question("Wie stellen drei Gemeinden gemeinsam den Antrag?")
    fallback = {"name": "nlu_fallback", "confidence": 0.4}
    text = "Wir sind drei Gemeinden und wollen den Bauhof gemeinsam betreiben."
    assert refine(text, fallback, [], {})[0]["name"] == "ikz_foerderung"
    # The classifier's own pick, too unsure for the fallback threshold, is confirmed by the cue.
    unsure = {"name": "ikz_foerderung", "confidence": 0.35}
    story = "Wir führen Gespräche mit vier Nachbargemeinden über ein gemeinsames Standesamt. Bezuschusst das Land so etwas?"
    assert refine(story, unsure, [], {})[0] == {"name": "ikz_foerderung", "confidence": 1.0}
    # Hessian "zammelesche" (zusammenlegen) is cooperation.
    assert ikz_funding_question(
        "Mir wolle mit zwaa Nachbargemeinde unser Bauhöf zammelesche. Wie viel gibt's?"
    )


def test_dialect_certificate_with_event_word_and_typo_entities() -> None:
    assert certificate_kind("Des Kind is in Friedberg gebore, wo hol isch die Urkund?") == "geburtsurkunde"
    assert certificate_kind("Er is in Fulda gestorbe, wo krieg isch die Urkunde?") == "sterbeurkunde"
    assert certificate_kind("Welche Urkunde brauche ich?") is None
    typo = [{"entity": "urkundenart", "value": "Gebrutsurkunde", "start": 0, "end": 14}]
    _, entities = refine("Gebrutsurkunde Offenbach", {"name": "angabe"}, typo, {})
    assert [e["value"] for e in entities if e["entity"] == "urkundenart"] == ["geburtsurkunde"]


# --- English (issue 16): the same rules for English words -----------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("birth certificate Kassel", "geburtsurkunde"),
        ("birth certifcate", "geburtsurkunde"),
        ("marriage cert Fulda", "eheurkunde"),
        ("wedding certificate", "eheurkunde"),
        ("death certficate of my granpa", "sterbeurkunde"),
        ("a certificate of good conduct", None),
    ],
)
def test_english_certificate_words(text: str, kind: str | None) -> None:
    assert certificate_kind(text) == kind


def test_english_keyword_query_finds_its_place_and_is_a_request() -> None:
    new_intent, entities = refine(
        "death certificate Gross-Umstadt", {"name": "angabe", "confidence": 0.9}, [], {}
    )
    assert new_intent == {"name": "urkunde_beantragen", "confidence": 1.0}
    assert [e["value"] for e in entities if e["entity"] == "gemeinde"] == ["Gross-Umstadt"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("death certificate fee", "faq/urkunde_gebuehr"),
        ("How much is a birth certificate?", "faq/urkunde_gebuehr"),
        ("how long does a marriage certificate take", "faq/urkunde_dauer"),
        ("Is the birth certificate available in English?", "faq/urkunde_international"),
        ("Can I get the birth certificate for my grandma?", "faq/urkunde_berechtigt"),
        ("Do I need an account to order a birth certificate?", "faq/urkunde_konto"),
        ("who can ordr my grandmas death certifcate?", "faq/urkunde_berechtigt"),
        ("Wer darf eine Sterbeurkunde beantragen?", "faq/urkunde_berechtigt"),
        ("Wer kann mir helfen? Ich brauche eine Geburtsurkunde", None),
        ("I need a birth certificate", None),
        ("birth certificate Darmstadt, and how much is a passport?", None),
    ],
)
def test_english_questions_about_a_certificate(text: str, key: str | None) -> None:
    assert certificate_question(text) == key


@pytest.mark.parametrize(
    "text",
    [
        "I was born here",
        "Where is the Standesamt here?",
        "Can I do that in our town?",
        "the local registry office",
    ],
)
def test_english_here_words_point_at_the_place(text: str) -> None:
    assert refers_to_here(text)


def test_english_only_a_place_is_a_place_answer() -> None:
    kassel = {**place("Kassel"), "start": 7, "end": 13}
    new_intent, _ = refine("and in Kassel?", {"name": "out_of_scope", "confidence": 0.6}, [kassel], {})
    assert new_intent == {"name": "angabe", "confidence": 1.0}


def test_a_service_with_a_number_is_no_ikz_question() -> None:
    new_intent, _ = refine(
        "How much does a passport cost if I am 35 years old?",
        {"name": "ikz_foerderung", "confidence": 0.8},
        [],
        {},
    )
    assert new_intent == {"name": "online_beantragen", "confidence": 1.0}
    kept, _ = refine(
        "IKZ for 3 municipalities, how much?", {"name": "ikz_foerderung", "confidence": 0.8}, [], {}
    )
    assert kept == {"name": "ikz_foerderung", "confidence": 0.8}


def test_a_service_with_a_place_is_a_service_question_and_kostheim_no_fee() -> None:
    giessen = {**place("Gießen"), "start": 12, "end": 18}
    new_intent, _ = refine("Hundesteuer Gießen", {"name": "angabe", "confidence": 0.9}, [giessen], {})
    assert new_intent == {"name": "online_beantragen", "confidence": 1.0}
    assert certificate_question("Geburtsurkunde Mainz-Kostheim") is None
    assert certificate_question("Was kostet die Geburtsurkunde?") == "faq/urkunde_gebuehr"


@pytest.mark.parametrize(
    ("text", "key", "misread"),
    [
        ("where do I get a death certificate?", "faq/urkunde_dauer", True),
        ("Wo bekomme ich eine Sterbeurkunde?", "faq/urkunde_gebuehr", True),
        ("I need a marriage certificate", "faq/urkunde_konto", True),
        ("Brauche ich für die Geburtsurkunde ein Konto?", "faq/urkunde_konto", False),
        ("How long does a death certificate take?", "faq/urkunde_dauer", False),
        ("where do I get a death certificate?", "faq/bundid_was", False),
        ("Was ist die BundID?", "faq/urkunde_dauer", False),
        ("Wer darf eine Sterbeurkunde beantragen?", "faq/urkunde_berechtigt", False),
        ("I want to apply for a Sterbeurkunde", "faq/urkunde_berechtigt", True),
        ("Kann ich die Geburtsurkunde für meine Oma beantragen?", "faq/urkunde_berechtigt", False),
        ("Darf ich mit 15 meine Geburtsurkunde selbst bestellen?", "faq/urkunde_berechtigt", False),
        ("Kann eine Anwältin für mich eine Sterbeurkunde bekommen?", "faq/urkunde_berechtigt", False),
    ],
)
def test_a_certificate_order_read_as_a_certificate_faq(text: str, key: str, misread: bool) -> None:
    assert certificate_order_misread_as_faq(text, key) is misread


def test_response_key_of_a_selector_output() -> None:
    assert response_key(select_response({}, "faq/urkunde_dauer")) == "faq/urkunde_dauer"
    assert response_key(None) is None


@pytest.mark.parametrize("text", ["certificate", "Urkunde?", "a certificate"])
def test_the_bare_certificate_word_is_the_order(text: str) -> None:
    new_intent, _ = refine(text, {"name": "faq", "confidence": 0.7}, [], {})
    assert new_intent == {"name": "urkunde_beantragen", "confidence": 1.0}


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Wird meine BundID gelöscht, wenn ich sie nicht benutze?", "faq/bundid_was"),
        (
            "Jetzt wollte ich mich einloggen und das Konto existiert nicht mehr. Wie kann das sein?",
            "faq/bundid_was",
        ),
        (
            "Brauche ich für meinen Handwerksbetrieb die BundID oder gibt es was für Firmen?",
            "faq/unternehmenskonto",
        ),
        ("Is there an account for my company?", "faq/unternehmenskonto"),
        ("Servicekonto Hessen Login", "faq/servicekonto_bundid"),
        ("Wer hilft uns bei de interkommunale Zusammenarbeit?", "faq/ikz_beratung"),
        ("und bis wann läuft die Förderung?", "faq/ikz_was"),
        ("hiii u speak english?? my german is soooo bad haha", "faq/sprachen"),
        ("Sprechen Sie auch Englisch?", "faq/sprachen"),
        ("Gude! Babbelst du aach Hessisch odder nur Hochdeutsch?", "faq/sprachen"),
        ("Verstehen Sie auch Dialekt?", "faq/sprachen"),
        (
            "Muss ich ein Gewerbe anmelden, und brauche ich für den Online-Antrag eine BundID?",
            "faq/ohne_konto",
        ),
        ("Do I need a BundID to apply online?", "faq/ohne_konto"),
        ("EUDI wallet Germany available now?", "faq/eid_elster"),
        (
            "After that I never logged in again, and now my BundID account does not seem to exist anymore.",
            "faq/bundid_was",
        ),
        ("Gibt es die EUDI-Wallet für das Handy schon, kann ich die in Hessen benutzen?", "faq/eid_elster"),
        ("how do I move from Servicekonto to BundID", "faq/servicekonto_bundid"),
        # A stolen wallet is no EU wallet.
        ("my wallet was stolen, my ID card was in it", None),
        # Not cued: the classifier decides.
        ("I do not speak German well, can you tell me what the BundID is and how it works?", None),
        ("Ist die Geburtsurkunde auch auf Englisch erhältlich?", None),
        # "dafür ein Gewerbe" is no account for a company.
        ("Muss ich dafür ein Gewerbe anmelden und brauche ich ein Konto?", None),
        ("Was ist die BundID?", None),
        ("Wie viel IKZ-Förderung gibt es für drei Gemeinden?", None),
        ("Kann ich mit der BundID mein Gewerbe anmelden?", None),
    ],
)
def test_questions_only_one_faq_answers(text: str, key: str | None) -> None:
    from bot.nlp.faq_cues import cued_faq

    assert cued_faq(text) == key
    overridden = faq_override(text, {"name": "nlu_fallback"}, has_place=True)
    assert overridden == key
    # A request for a person stays one.
    assert faq_override(text, {"name": "kontakt_mensch"}, has_place=False) in (
        None,
        certificate_question(text),
    )


def test_a_death_with_only_the_residence_named_stays_the_life_event() -> None:
    text = (
        "My father died on Sunday. He lived alone in Bad König, I live in Ireland. "
        "I don't really know where to start, what do I have to do now?"
    )
    start = text.index("Bad König")
    place = {"entity": "gemeinde", "value": "Bad König", "start": start, "end": start + 9}
    kind = {"entity": "urkundenart", "value": "sterbeurkunde", "start": 10, "end": 14}
    intent, _ = refine(text, {"name": "lebenslage"}, [kind, place], None)
    assert (intent or {}).get("name") == "lebenslage"
    # With the place of death it is the certificate.
    text = "Mein Vater ist in Fritzlar gestorben, wo bekomme ich die Sterbeurkunde?"
    start = text.index("Fritzlar")
    place = {"entity": "gemeinde", "value": "Fritzlar", "start": start, "end": start + 8}
    intent, _ = refine(text, {"name": "lebenslage"}, [kind, place], None)
    assert (intent or {}).get("name") == "urkunde_beantragen"


@pytest.mark.parametrize(
    ("text", "dissatisfied"),
    [
        ("Das war nicht hilfreich. Wer kann mir sonst helfen?", True),
        ("Das hilft mir nicht weiter", True),
        ("So ein Quatsch", True),
        ("This is not helpful at all", True),
        ("Nein", False),
        ("Nein, Fulda", False),
        ("Wer kann mir helfen?", False),
    ],
)
def test_unmistakable_dissatisfaction_overrides_small_talk(text: str, dissatisfied: bool) -> None:
    for before in ("chitchat", "kontakt_mensch", "deny"):
        intent, _ = refine(text, {"name": before, "confidence": 0.9}, [], None)
        assert ((intent or {}).get("name") == "unzufrieden") is dissatisfied


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        (
            "Geburtsurkunde Hünfeld und Heiratsurkunde Fulda, wo bekomme ich beides?",
            [("geburtsurkunde", "Hünfeld"), ("eheurkunde", "Fulda")],
        ),
        (
            "Ich bin in Nidda geboren und habe in Schotten geheiratet. Wo bekomme ich die Geburts- und die Heiratsurkunde?",
            [("geburtsurkunde", "Nidda"), ("eheurkunde", "Schotten")],
        ),
        (
            "Meine Kinder sind in Heusenstamm und in Mainz geboren. Wo kriege ich die Geburtsurkunden?",
            [("geburtsurkunde", "Heusenstamm"), ("geburtsurkunde", "Mainz")],
        ),
        (
            "I was born in Kassel and married in Fulda, where do I get the certificates?",
            [("geburtsurkunde", "Kassel"), ("eheurkunde", "Fulda")],
        ),
        # One event place, or a place of residence: one request, the form handles it.
        ("Ich wohne in Kassel und bin in Fulda geboren, wo bekomme ich die Geburtsurkunde?", []),
        ("Ich bin in Kassel geboren und in Fulda aufgewachsen", []),
        ("Geburtsurkunde und Heiratsurkunde aus Kassel", []),
        ("Geburtsurkunde Dillenburg und wie melde ich mich in Herborn um?", []),
    ],
)
def test_certificates_for_several_event_places(text: str, pairs: list[tuple[str, str]]) -> None:
    from bot.nlp.certificates import certificate_requests

    found = certificate_requests(text)
    assert [kind for kind, _ in found] == [kind for kind, _ in pairs]
    for (_, clause), (_, name) in zip(found, pairs, strict=True):
        assert name in clause


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("I need a birth certificate from Darmstadt, and do I need a BundID for that?", "faq/urkunde_konto"),
        ("Geburtsurkunde Kassel, wie lange dauert das?", "faq/urkunde_dauer"),
        ("Sterbeurkunde für meine Oma aus Fulda, geht das auf Englisch?", "faq/urkunde_international"),
        ("Geburtsurkunde Kassel bitte", None),
        ("Ich brauche eine Geburtsurkunde aus Fulda und wie lange dauert ein Reisepass?", None),
        # The question in the sentence that names the certificate.
        (
            "Ich bin in Darmstadt geboren. Wie lange dauert es, bis die Geburtsurkunde bei mir ist?",
            "faq/urkunde_dauer",
        ),
        ("Wie lange dauert ein Reisepass, und ich brauche eine Geburtsurkunde aus Kassel", None),
    ],
)
def test_a_question_about_the_certificate_after_the_order(text: str, key: str | None) -> None:
    from bot.nlp.certificates import follow_on_certificate_question

    assert follow_on_certificate_question(text) == key


@pytest.mark.parametrize(
    ("text", "key", "misread"),
    [
        ("Reisepass Gebühren", "faq/urkunde_gebuehr", True),
        ("Geburtsurkunde Gebühren", "faq/urkunde_gebuehr", False),
        ("Reisepass Gebühren", "faq/ozg_was", True),
        # A service's online way read as the OZG in general: the service answers it.
        ("Reisepass online?", "faq/ozg_was", True),
        ("Reisepass online?", "faq/verwaltungsportal", False),
        # An account FAQ for a service question that names no account; with one it stays.
        ("Reisepass online?", "faq/bundid_was", True),
        ("I want to register a small business in Wiesbaden.", "faq/bundid_registrieren", True),
        ("Brauche ich für den Reisepass eine BundID?", "faq/bundid_was", False),
        # The login FAQs likewise, with a login word instead of an account word.
        ("I want to register a small business in Wiesbaden.", "faq/unternehmenskonto", True),
        ("Can I apply for my new ID card online?", "faq/eid_elster", True),
        ("Can I log in with my ID card?", "faq/eid_elster", False),
        ("Personalausweis mit PIN zum Anmelden nutzen?", "faq/eid_elster", False),
        ("Gewerbe anmelden mit ELSTER-Zertifikat der Firma?", "faq/unternehmenskonto", False),
        ("Was kostet das?", "faq/urkunde_gebuehr", False),
        # Any FAQ, when the question is about a service's fees.
        ("Was kostet ein Reisepass?", "faq/passfoto", True),
        ("Brauche ich für den Reisepass ein digitales Passfoto?", "faq/passfoto", False),
    ],
)
def test_another_service_read_as_a_certificate_faq(text: str, key: str, misread: bool) -> None:
    from bot.nlp.faq_cues import service_misread_as_faq

    assert service_misread_as_faq(text, key) is misread


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Can I request my mother's birth certificate?", "faq/urkunde_berechtigt"),
        ("Can I get the birth certificate in another language?", "faq/urkunde_international"),
        ("How many days until I receive the marriage certificate?", "faq/urkunde_dauer"),
        ("Is the death certificate free?", "faq/urkunde_gebuehr"),
        ("Do I need to log in to order a birth certificate?", "faq/urkunde_konto"),
        ("I need my father's death certificate", None),
        ("Where can I get my birth certificate?", None),
    ],
)
def test_more_english_questions_about_a_certificate(text: str, key: str | None) -> None:
    assert certificate_question(text) == key


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("and my mother died 2019 in Mainz-Kastel, which office for her certificate?", "sterbeurkunde"),
        ("where is the cert, she was born in Fulda", "geburtsurkunde"),
        # Another document's name is no certificate of the Standesamt.
        ("I was born in India and need a certificate of good conduct", None),
        ("born in Kassel, vehicle registration certificate", None),
    ],
)
def test_the_bare_english_certificate_word_takes_its_kind_from_the_event(text: str, kind: str | None) -> None:
    assert certificate_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Can I register for a BundID as an EU citizen?", "faq/bundid_registrieren"),
        ("Gibt es das Servicekonto Hessen eigentlich noch?", "faq/servicekonto_bundid"),
        # A newcomer's employer or address is no question about accounts for companies.
        ("My company transferred me to Darmstadt, do I need an account?", None),
        ("I want to register my address, do I need an account?", None),
    ],
)
def test_account_cues_need_the_account_in_question(text: str, key: str | None) -> None:
    from bot.nlp.faq_cues import cued_faq

    assert cued_faq(text) == key


def test_an_event_with_its_place_and_where_asks_for_the_certificate_not_the_life_event() -> None:
    munich = {"entity": "gemeinde", "value": "Munich", "start": 31, "end": 37}
    text = "Oh, and my wife was born in Munich, where does she get hers?"
    intent, entities = refine(text, {"name": "lebenslage"}, [munich], None)
    assert (intent or {}).get("name") == "urkunde_beantragen"
    assert {"entity": "urkundenart", "value": "geburtsurkunde"} in [
        {k: e[k] for k in ("entity", "value")} for e in entities
    ]
    # "get" alone is no such question: the life event stays.
    text = "Our baby was born in Kassel last week, what do we need to get done?"
    intent, _ = refine(text, {"name": "lebenslage"}, [dict(munich, value="Kassel")], None)
    assert (intent or {}).get("name") == "lebenslage"


@pytest.mark.parametrize(
    ("text", "dissatisfied"),
    [
        ("Ich bin echt bedient, Ihr Chat schickt mich nur im Kreis.", True),
        ("Ach des is doch nix, des hilft mer kaa Stück weider.", True),
        ("ur bot is rly not helping me at all", True),
        ("Honestly this is really frustrating and I am very unhappy with this service.", True),
        ("Immer nur Links, das ist echt frustrierend. Kann mir jemand am Telefon helfen?", True),
        ("Eure Seite ist total unübersichtlich, das hilft mir alles nicht!", True),
        (
            "Ehrlich, ich bin gerade ziemlich genervt. Gibt es einen Menschen, mit dem ich sprechen kann?",
            True,
        ),
        # A district is no circle: "im Kreis Offenbach" names a place.
        ("Standesamt im Kreis Offenbach", False),
        ("Wir fahren abends im Kreis und suchen einen Parkplatz", False),
    ],
)
def test_more_ways_to_say_it_does_not_help(text: str, dissatisfied: bool) -> None:
    for before in ("kontakt_mensch", "leichte_sprache_aus", "angabe"):
        intent, _ = refine(text, {"name": before, "confidence": 0.9}, [], None)
        assert ((intent or {}).get("name") == "unzufrieden") is dissatisfied


def test_a_story_with_places_read_as_an_order_keeps_its_cued_faq() -> None:
    story = (
        "Ich habe 2023 in Marburg so ein BundID-Konto angelegt und danach nie wieder benutzt. "
        "Jetzt wohne ich in Kirchhain und das Konto scheint weg zu sein."
    )
    order = {"name": "urkunde_beantragen", "confidence": 0.3}
    assert faq_override(story, order, has_place=True) == "faq/bundid_was"
    # An order that names its certificate keeps the order.
    named = "Sterbeurkunde für Hünfeld, er ist dort gestorben. Wie lege ich eine BundID an?"
    assert faq_override(named, order, has_place=True) is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("und wenn ich mich da ewig nicht einlogge, ist das Konto dann irgendwann weg?", "faq/bundid_was"),
        ("und brauch ich da so ein Konto für?", "faq/ohne_konto"),
        ("Geht das auch ohne Konto?", "faq/ohne_konto"),
        (
            "Welches Ministerium ist heute für die Digitalisierung der Verwaltung zuständig?",
            "faq/ministerium",
        ),
        ("was wird aus meinem alten Servicekonto Hessen?", "faq/servicekonto_bundid"),
        (
            "Sie braucht dafür so eine BundID. Was braucht man denn dafür eigentlich?",
            "faq/bundid_registrieren",
        ),
        ("Was brauche ich für Wohngeld?", None),
        # The certificate's own question, not whether an account is needed at all.
        ("Brauche ich für die Geburtsurkunde eine BundID?", None),
        ("Brauche ich ein Konto für Wohngeld?", None),
    ],
)
def test_more_questions_only_one_faq_answers(text: str, key: str | None) -> None:
    from bot.nlp.faq_cues import cued_faq

    assert cued_faq(text) == key


@pytest.mark.parametrize(
    ("text", "answers"),
    [
        ("Was bedeutet eigentlich OZG 2.0 und wer steckt hinter civento?", ["faq/ozg_was", "faq/civento"]),
        ("Wie lege ich eine BundID an und was wird aus meinem alten Servicekonto Hessen?",
         ["faq/bundid_registrieren", "faq/servicekonto_bundid"]),
    ],
)  # fmt: skip
def test_what_is_and_who_is_behind_ask_a_second_faq(text: str, answers: list[str]) -> None:
    from bot.nlp.faq_cues import faq_answers

    assert faq_answers(text, answers[0]) == answers


def test_named_certificates_decide_which_event_words_are_requests() -> None:
    from bot.nlp.certificates import certificate_requests

    story = (
        "My mum lives in Kassel now because she married again. Grandpa was born 1950 in Eschwege. "
        "So I need his birth certificate, where do I get it?"
    )
    # The marriage is part of the story, only the birth certificate is asked for.
    assert certificate_requests(story) == []
    both = "I was born in Nidda and married in Schotten. Where do I get the birth and marriage certificates?"
    assert [kind for kind, _ in certificate_requests(both)] == ["geburtsurkunde", "eheurkunde"]


def test_where_to_order_and_what_it_costs_with_a_place_is_the_order() -> None:
    text = "Where do I order a marriage certificate, we married in Heppenheim, and how much does it cost?"
    for before in ("nachfrage", "faq"):
        intent, entities = refine(text, {"name": before, "confidence": 0.39}, [place("Heppenheim")], None)
        assert (intent or {}).get("name") == "urkunde_beantragen"
    # Without "where" a follow-up with a kind stays a follow-up.
    intent, _ = refine(
        "und was kostet die Eheurkunde aus Heppenheim?", {"name": "nachfrage"}, [place("Heppenheim")], None
    )
    assert (intent or {}).get("name") == "nachfrage"


def test_an_unsure_place_answer_is_made_certain() -> None:
    entity = {**place("Großauheim"), "start": 8, "end": 18}
    intent, _ = refine("und für Großauheim?", {"name": "angabe", "confidence": 0.48}, [entity], None)
    assert intent == {"name": "angabe", "confidence": 1.0}


def test_an_unsure_story_that_names_a_service_is_that_service() -> None:
    story = (
        "Wir räumen die Wohnung meiner Tante leer. Jetzt stehen hier noch ein altes Schlafsofa und zwei "
        "Schränke rum. Wie werde ich das Zeug los?"
    )
    intent, _ = refine(story, {"name": "out_of_scope", "confidence": 0.45}, [], None)
    assert (intent or {}).get("name") == "online_beantragen"
    # A confident classifier keeps its intent; no service named, no change.
    assert refine(story, {"name": "out_of_scope", "confidence": 0.9}, [], None)[0] == {
        "name": "out_of_scope",
        "confidence": 0.9,
    }
    assert refine("Wie wird das Wetter?", {"name": "out_of_scope", "confidence": 0.4}, [], None)[0] == {
        "name": "out_of_scope",
        "confidence": 0.4,
    }


@pytest.mark.parametrize(
    ("text", "before", "after"),
    [
        ("use easier words, my english is not good", "faq", "leichte_sprache_an"),
        ("can you talk more easy", "leichte_sprache_aus", "leichte_sprache_an"),
        ("disable easy-to-read", "leichte_sprache_an", "leichte_sprache_aus"),
        ("Bitte wieder normale Sprache", "faq", "leichte_sprache_aus"),
        # Switching off in German names the easy language too: the negation decides.
        ("Keine einfache Sprache mehr bitte", "leichte_sprache_an", "leichte_sprache_aus"),
        ("Leichte Sprache wieder deaktivieren", "leichte_sprache_an", "leichte_sprache_aus"),
        ("Bitte nicht mehr in leichter Sprache", "leichte_sprache_an", "leichte_sprache_aus"),
        ("Ich verstehe das nicht, keine Ahnung, bitte in leichter Sprache", "faq", "leichte_sprache_an"),
        ("start over", "lebenslage", "abbrechen"),
        ("nvm", "affirm", "abbrechen"),
        ("reset please", "angabe", "abbrechen"),
        # A longer message with "cancel" is a request, not "stop this".
        ("Cancel my trade registration please", "nachfrage", "nachfrage"),
        # A service question in simple words keeps its intent (the action switches and answers).
        ("Einfache Worte bitte: wie bekomme ich Wohngeld?", "online_beantragen", "online_beantragen"),
    ],
)
def test_easy_language_and_cancel_words(text: str, before: str, after: str) -> None:
    intent, _ = refine(text, {"name": before, "confidence": 0.5}, [], None)
    assert (intent or {}).get("name") == after


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("will my birth certificate arrive before Friday", "faq/urkunde_dauer"),
        ("when can I expect my Heiratsurkunde", "faq/urkunde_dauer"),
        ("can I get the marriage certificate of my parents", "faq/urkunde_berechtigt"),
        ("can I order a birth certificate as a guest", "faq/urkunde_konto"),
        ("birth certificate for use in Spain", "faq/urkunde_international"),
        ("I need my birth certificate, what do I expect to pay?", "faq/urkunde_gebuehr"),
        ("I need a birth certificate from Kassel", None),
    ],
)
def test_english_certificate_questions_in_other_words(text: str, key: str | None) -> None:
    assert certificate_question(text) == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("inter municipal cooperation what is it", "faq/ikz_was"),
        ("Was ist IKZ?", "faq/ikz_was"),
        ("Sag mal, was is'n des IKZ eigentlich?", "faq/ikz_was"),
        ("Was genau ist eigentlich dieses OZG?", "faq/ozg_was"),
        ("Bis wann muss das OZG umgesetzt sein?", None),
        # Logging in with the ID card is the login ways' answer, not the ID card service.
        ("Wie logge ich mich mit meinem Personalausweis ein?", "faq/eid_elster"),
        ("Welche Ausweis-App brauche ich?", "faq/eid_elster"),
        ("Online-Ausweis aktivieren, wie geht das?", "faq/eid_elster"),
        ("Kann ich den Ausweis mit dem Handy beantragen?", None),
        # About money: the calculator or the funding FAQ decides.
        ("Was ist die IKZ-Förderung?", None),
        ("Wie viel IKZ-Förderung gibt es für drei Gemeinden?", None),
    ],
)
def test_what_ikz_is(text: str, key: str | None) -> None:
    from bot.nlp.faq_cues import cued_faq

    assert cued_faq(text) == key


@pytest.mark.parametrize(
    ("text", "totals"),
    [
        ("Gesamtsumme IKZ Förderung Hessen", True),
        ("Kennzahlen IKZ-Förderung", True),
        ("Wie viele Kooperationen wurden bisher gefördert?", True),
        # The calculator's question: an amount per cooperation or a number of municipalities.
        ("Wie viel Förderung gibt es für IKZ-Projekte?", False),
        ("Insgesamt vier Gemeinden wollen zusammenarbeiten, wie viel Förderung gibt es?", False),
    ],
)
def test_the_totals_picked_for_a_totals_question_stay(text: str, totals: bool) -> None:
    from bot.nlp.ikz_cues import totals_misread_as_funding

    assert totals_misread_as_funding(text, "faq/ikz_kennzahlen") is totals
    assert not totals_misread_as_funding(text, "faq/ikz_was")


def test_an_unsure_message_with_an_event_and_its_place_asks_for_that_certificate() -> None:
    text = "Ich bin in Kostheim geboren, ist das hier zuständig?"
    intent, entities = refine(text, {"name": "angabe", "confidence": 0.4}, [place("Kostheim")], None)
    assert (intent or {}).get("name") == "urkunde_beantragen"
    assert {"entity": "urkundenart", "value": "geburtsurkunde"}.items() <= entities[-1].items()
    # Sure of a place answer, or no event word: unchanged.
    assert refine(text, {"name": "angabe", "confidence": 0.9}, [place("Kostheim")], None)[0] == {
        "name": "angabe",
        "confidence": 0.9,
    }
    assert refine(
        "Kostheim, ist das hier?", {"name": "angabe", "confidence": 0.4}, [place("Kostheim")], None
    )[0] == {
        "name": "angabe",
        "confidence": 0.4,
    }


def test_unsure_short_intents_with_a_service_follow_ups_and_another_certificate() -> None:
    # "Fuehrerschein umschreiben lassen" read as "abbrechen": the service decides.
    intent, _ = refine(
        "Fuehrerschein umschreiben lassen", {"name": "abbrechen", "confidence": 0.55}, [], None
    )
    assert (intent or {}).get("name") == "online_beantragen"
    # A short message opening like a follow-up, read unsure as something else: the focus decides.
    intent, _ = refine(
        "und für meine Tochter, die ist 8?", {"name": "ikz_foerderung", "confidence": 0.35}, [], None
    )
    assert (intent or {}).get("name") == "nachfrage"
    # "und eine Sterbeurkunde?" read as the fee FAQ: another certificate, asked as a follow-up.
    kind = [{"entity": "urkundenart", "value": "sterbeurkunde"}]
    intent, _ = refine("und eine Sterbeurkunde?", {"name": "faq", "confidence": 1.0}, kind, None)
    assert (intent or {}).get("name") == "nachfrage"
    # With a question of its own it stays the FAQ.
    intent, _ = refine("und was kostet eine Sterbeurkunde?", {"name": "faq", "confidence": 1.0}, kind, None)
    assert (intent or {}).get("name") == "faq"


def test_a_word_for_here_with_a_certificate_is_the_order_not_a_place_answer() -> None:
    entities = [{"entity": "urkundenart", "value": "sterbeurkunde", "start": 0, "end": 13}]
    intent, _ = refine(
        "Sterbeurkunde hier", {"name": "angabe", "confidence": 0.91}, entities, {"kommune": "06433012"}
    )
    assert (intent or {}).get("name") == "urkunde_beantragen"


def test_an_unsure_order_in_other_words_takes_its_kind_from_the_event() -> None:
    text = "yo i need my birth paper, i was born in Friedberg, how i get it??"
    entities = [{"entity": "urkundenart", "value": "geburt"}, place("Friedberg")]
    intent, found = refine(text, {"name": "urkunde_beantragen", "confidence": 0.47}, entities, None)
    assert (intent or {}).get("name") == "urkunde_beantragen"
    assert [e["value"] for e in found if e["entity"] == "urkundenart"] == ["geburtsurkunde"]


def test_a_service_question_read_as_a_background_faq_is_the_service() -> None:
    from bot.nlp.faq_cues import service_misread_as_faq

    assert service_misread_as_faq("Geht Elterngeld komplett digital?", "faq/digitalprogramm")
    assert not service_misread_as_faq("Was tut das Land für die Digitalisierung?", "faq/digitalprogramm")


def test_a_lost_card_read_as_the_id_card_service_is_the_life_event() -> None:
    intent, entities = refine(
        "hab meinen persnalausweiss verlorn was muss ich jetz machn", {"name": "online_beantragen"}, [], None
    )
    assert (intent or {}).get("name") == "lebenslage"
    assert [e["value"] for e in entities if e["entity"] == "lebenslage"] == ["ausweis_verloren"]
    # "nicht mehr gültig" is no loss.
    intent, _ = refine("Mein Ausweis ist nicht mehr gültig", {"name": "online_beantragen"}, [], None)
    assert (intent or {}).get("name") == "online_beantragen"


def test_an_event_and_where_with_a_place_outside_hessen_is_the_certificate() -> None:
    text = "und meine Schwester ist in Göttingen geboren, wo kriegt die ihre?"
    intent, _ = refine(text, {"name": "out_of_scope", "confidence": 0.9}, [place("Göttingen")], None)
    assert (intent or {}).get("name") == "urkunde_beantragen"


def test_a_cued_question_beside_a_certificate_order_leaves_the_order() -> None:
    text = "Ich brauche die Sterbeurkunde von meinem Onkel, der ist in Hünfeld gestorben. Und außerdem: Wie lege ich eine BundID an?"
    assert faq_override(text, {"name": "urkunde_beantragen"}, has_place=True) is None
    assert (
        faq_override("Wie lege ich eine BundID an?", {"name": "chitchat"}, has_place=False)
        == "faq/bundid_registrieren"
    )


@pytest.mark.parametrize(
    ("text", "dissatisfied"),
    [("Des is doch alles Kokolores, was du do verzählst.", True), ("So ein Blödsinn", True)],
)
def test_hessian_and_plain_words_for_nonsense(text: str, dissatisfied: bool) -> None:
    intent, _ = refine(text, {"name": "kontakt_mensch", "confidence": 0.9}, [], None)
    assert ((intent or {}).get("name") == "unzufrieden") is dissatisfied


def test_three_questions_get_three_answers_and_what_even_is() -> None:
    from bot.nlp.faq_cues import faq_answers

    text = "Was genau ist eigentlich civento und was hat die ekom21 damit zu tun? Und gibt es das Servicekonto Hessen noch?"
    assert faq_answers(text, "faq/civento") == ["faq/civento", "faq/ekom21", "faq/servicekonto_bundid"]
    assert (
        faq_answers("ok what even is this bundid thing? and who runs civento?", None)[0] == "faq/bundid_was"
    )


def test_both_certificates_named_in_one_clause_are_requested() -> None:
    from bot.nlp.certificates import certificate_requests

    text = (
        "Ich bin in Michelstadt geboren und habe in Bad König geheiratet. Ich brauche sowohl meine "
        "Geburtsurkunde als auch die Eheurkunde. Wo bekomme ich die?"
    )
    assert [kind for kind, _ in certificate_requests(text)] == ["geburtsurkunde", "eheurkunde"]


def test_a_rant_the_classifier_is_unsure_about_is_dissatisfaction() -> None:
    text = "Ich versuche seit drei Wochen einen Antrag durchzubekommen, und Ihre Antworten haben mir null geholfen."
    for before in (
        {"name": "online_beantragen", "confidence": 0.4},
        {"name": "lebenslage", "confidence": 0.67},
    ):
        assert (refine(text, before, [], None)[0] or {}).get("name") == "unzufrieden"
    # A sure service question is left alone.
    assert refine(text, {"name": "online_beantragen", "confidence": 0.9}, [], None)[0] == {
        "name": "online_beantragen",
        "confidence": 0.9,
    }


@pytest.mark.parametrize(
    ("text", "intent", "entities"),
    [
        ("Ich bin in Kostheim geboren, ist das hier zuständig?", "angabe", [{**place("Kostheim"), "start": 11, "end": 19}]),
        ("hab meinen persnalausweiss verlorn", "online_beantragen", []),
        ("Oh, my wife was born in Fulda, where does she get hers?", "lebenslage", [{**place("Fulda"), "start": 24, "end": 29}]),
    ],
)  # fmt: skip
def test_entities_the_rules_add_have_their_span(text: str, intent: str, entities: list[dict]) -> None:
    # Rasa's NLU evaluation and story tests compare entities by start and end.
    _, found = refine(text, {"name": intent, "confidence": 0.4}, entities, None)
    assert found and all("start" in e and "end" in e for e in found)
    assert [e["start"] for e in found] == sorted(e["start"] for e in found)


def test_a_lost_card_in_dialect_is_the_life_event_however_sure_the_classifier_is() -> None:
    text = "Isch hab mei Perso verbummelt, was mach isch dann jetz?"
    intent, entities = refine(text, {"name": "out_of_scope", "confidence": 0.87}, [], None)
    assert (intent or {}).get("name") == "lebenslage"
    assert [e["value"] for e in entities if e["entity"] == "lebenslage"] == ["ausweis_verloren"]
    # Small talk with no card in it stays small talk.
    intent, _ = refine("Ich hab mein Handy verbummelt", {"name": "chitchat", "confidence": 0.87}, [], None)
    assert (intent or {}).get("name") == "chitchat"


@pytest.mark.parametrize(
    ("text", "calculator"),
    [
        ("IKZ funding merger volunteer fire brigades Feuerwehr amount", True),
        ("Wie viel Förderung gibt es, wenn Ortsteilfeuerwehren fusionieren?", True),
        ("Was bekommen wir für einen Gemeindeverwaltungsverband an Zuschuss?", True),
        # Not about the money, or not about cooperation: no calculator.
        ("Wie beantrage ich IKZ-Förderung für die Feuerwehr?", False),
        ("Wo ist die Feuerwehr in Kassel?", False),
    ],
)
def test_what_ikz_pays_for_a_special_case_is_the_calculator(text: str, calculator: bool) -> None:
    intent, _ = refine(text, {"name": "faq", "confidence": 0.99}, [], None)
    assert ((intent or {}).get("name") == "ikz_foerderung") is calculator


def test_who_handles_it_in_a_place_is_no_question_about_the_ministry() -> None:
    from bot.nlp.faq_cues import ministry_misread_as_faq

    assert ministry_misread_as_faq("I live in Wetzlar, who handles it there?", "faq/ministerium", True)
    assert not ministry_misread_as_faq(
        "Welches Ministerium ist in Wetzlar zuständig?", "faq/ministerium", True
    )
    assert not ministry_misread_as_faq(
        "Wer ist in Hessen für Digitalisierung zuständig?", "faq/ministerium", False
    )
    # An IKZ answer to the same question, unless it names municipal cooperation.
    assert ministry_misread_as_faq("I live in Wetzlar, who handles it there?", "faq/ikz_digital", True)
    assert not ministry_misread_as_faq(
        "Wer berät Kommunen in Wetzlar zur Zusammenarbeit?", "faq/ikz_beratung", True
    )


def test_who_implements_it_technically_is_the_municipal_it_provider() -> None:
    from bot.nlp.faq_cues import cued_faq

    assert cued_faq("und wer setzt das in Hessen technisch für die Kommunen um?") == "faq/ekom21"
    assert cued_faq("Who runs it technically for the municipalities?") == "faq/ekom21"
    assert cued_faq("Wer setzt das um?") is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Wie unterstützt das Land Hessen Gemeinden, die zusammenarbeiten wollen?", "faq/ikz_was"),
        (
            "no german passport only aufenthaltstitel card. can i still make this BundID thing?",
            "faq/bundid_registrieren",
        ),
        ("Wie unterstützt das Land die Digitalisierung der Gemeinden?", None),
    ],
)
def test_cues_of_the_tenth_round(text: str, key: str | None) -> None:
    from bot.nlp.faq_cues import cued_faq

    assert cued_faq(text) == key


def test_dialect_plural_and_together_still_ask_for_ikz_funding() -> None:
    from bot.nlp.ikz_cues import ikz_funding_question

    assert ikz_funding_question("mir sin vier Gemeinde un wolle unsern Bauhof zusamme mache, gibt's do was?")
    assert not ikz_funding_question("Die Gemeinde hat vier Bauhöfe")


def test_at_the_end_of_ones_nerves_is_dissatisfaction() -> None:
    intent, _ = refine(
        "Ich bin am Ende mit meinen Nerven, nichts klappt", {"name": "kontakt_mensch"}, [], None
    )
    assert (intent or {}).get("name") == "unzufrieden"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Kann ich mich bei der BundID auch mit ELSTER anmelden?", "faq/eid_elster"),
        ("Who actually runs civento?", "faq/civento"),
        ("What happens to my BundID account if I don't use it for a long time?", "faq/bundid_was"),
        ("Ich mache meine Steuer mit ELSTER", None),
    ],
)
def test_cues_of_the_eleventh_round(text: str, key: str | None) -> None:
    from bot.nlp.faq_cues import cued_faq

    assert cued_faq(text) == key


def test_how_much_funding_a_project_gets_is_no_question_about_the_totals() -> None:
    from bot.nlp.ikz_cues import funding_misread_as_totals

    assert funding_misread_as_totals("Wie viel Förderung gibt es für IKZ-Projekte?", "faq/ikz_kennzahlen")
    assert not funding_misread_as_totals(
        "Wie viele IKZ-Projekte wurden bisher gefördert?", "faq/ikz_kennzahlen"
    )
    assert not funding_misread_as_totals("Wie viel Förderung gibt es für IKZ-Projekte?", "faq/ikz_antrag")
    # Past tense asks for what was paid: the totals.
    assert not funding_misread_as_totals("Wie viel Geld ist in IKZ-Projekte geflossen?", "faq/ikz_kennzahlen")
    assert not funding_misread_as_totals("How much money was granted to IKZ projects?", "faq/ikz_kennzahlen")


def test_a_named_service_without_cooperation_words_is_no_ikz_question() -> None:
    from bot.nlp.faq_cues import service_misread_as_faq

    assert service_misread_as_faq("Who handles Wohngeld applications in Fulda?", "faq/ikz_antrag")
    assert not service_misread_as_faq("Wie stellen drei Gemeinden den IKZ-Antrag?", "faq/ikz_antrag")


@pytest.mark.parametrize(
    "text",
    [
        "We are moving to Darmstadt next month.",
        "Wir ziehen im Mai nach Kassel",
        "Ich ziehe um",
        "we getting married in june",
    ],
)
def test_the_words_of_a_life_event_overrule_small_talk(text: str) -> None:
    intent, _ = refine(text, {"name": "out_of_scope", "confidence": 0.9}, [], None)
    assert (intent or {}).get("name") == "lebenslage"


def test_english_certificate_typos_name_the_kind() -> None:
    assert certificate_kind("i need a deth certificat for my granmother") == "sterbeurkunde"
    assert certificate_kind("brith certificate pls") == "geburtsurkunde"
    assert certificate_kind("she dyed, where is the cert?") == "sterbeurkunde"


@pytest.mark.parametrize(
    ("text", "thanks"),
    [
        ("Danke, jetzt verstehe ich es.", True),
        ("Thank you, that helped a lot", True),
        ("Danke, aber wie melde ich mein Auto um?", False),
        ("Danke, aber das hilft mir nicht", False),
        ("Danke für nichts", False),
        ("Danke für nichts, ihr habt mir überhaupt nicht geholfen und ich bin jetzt wirklich sauer", False),
    ],
)
def test_thanks_without_a_question_is_thanks(text: str, thanks: bool) -> None:
    from bot.nlp.rules import thanks_only

    assert thanks_only(text) is thanks


def test_a_typed_event_place_is_the_certificates_place() -> None:
    """The entity ruler misses "Bad Nauhiem"; the words after "married in" still name the place."""
    intent, entities = refine(
        "wher do i get a marrige certifcate? we got maried in Bad Nauhiem last yaer",
        {"name": "online_beantragen", "confidence": 0.8},
        [],
        None,
    )
    assert (intent or {}).get("name") == "urkunde_beantragen"
    assert [e["value"] for e in entities if e["entity"] == "gemeinde"] == ["Bad Nauhiem"]


@pytest.mark.parametrize(
    "text",
    ["pls i want speak with real people not computer", "Ich möchte mit einem Menschen sprechen"],
)
def test_asking_for_a_person_is_the_handoff(text: str) -> None:
    intent, _ = refine(text, {"name": "nlu_fallback", "confidence": 0.4}, [], None)
    assert (intent or {}).get("name") == "kontakt_mensch"


def test_small_talk_asking_for_a_machine_is_recognised() -> None:
    from bot.nlp.rules import asks_what_the_bot_is

    assert asks_what_the_bot_is("hey mate how r u? who u are, u a robot or what?")
    assert asks_what_the_bot_is("Bist du eine KI?")
    assert not asks_what_the_bot_is("Wie geht es Ihnen?")


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        (
            "We are moving from Berlin to Darmstadt next month with our two kids.",
            "urkunde_beantragen",
            "lebenslage",
        ),
        (
            "Ich möchte wissen, welche Behördengänge ich in Hessen online erledigen kann.",
            "lebenslage",
            "online_beantragen",
        ),
    ],
)
def test_rules_of_the_twelfth_round(text: str, intent: str, expected: str) -> None:
    decided, _ = refine(text, {"name": intent, "confidence": 0.9}, [], None)
    assert (decided or {}).get("name") == expected


def test_a_lost_id_card_typed_with_slips_is_that_life_event() -> None:
    tagged = [{"entity": "lebenslage", "value": "persoausweis", "start": 12, "end": 24}]
    _, entities = refine(
        "ich hab mein persoausweis verlorn, was muss ich jezt machen??",
        {"name": "lebenslage", "confidence": 1.0},
        tagged,
        None,
    )
    assert [e["value"] for e in entities if e["entity"] == "lebenslage"] == ["ausweis_verloren"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("wie kann ich mein bundi konto lösen? brauch das nich mehr", "faq/bundid_was"),
        (
            "Ich wollte mich einloggen und das BundID-Konto scheint nicht mehr zu existieren.",
            "faq/bundid_was",
        ),
        ("Brauche ich für die BundID unbedingt die Online-Ausweisfunktion?", "faq/bundid_registrieren"),
    ],
)
def test_cues_of_the_twelfth_round(text: str, key: str) -> None:
    from bot.nlp.faq_cues import cued_faq

    assert cued_faq(text) == key


def test_smart_regions_in_any_inflection_are_their_topic() -> None:
    from bot.nlp.faq_cues import faq_answers

    text = "Was ist das OZG 2.0 und seit wann gilt es? Und was hat es mit diesen Smarten Regionen auf sich?"
    assert faq_answers(text, "faq/ozg_was") == ["faq/ozg_was", "faq/smarte_regionen"]


def test_quatsch_with_the_right_event_place_is_a_correction() -> None:
    text = "Ach nee, Quatsch – mein Onkel ist in Petersberg gestorben, nicht in Fulda."
    places = [
        {"entity": "gemeinde", "value": "Petersberg", "start": 34, "end": 44},
        {"entity": "gemeinde", "value": "Fulda", "start": 66, "end": 71},
    ]
    intent, entities = refine(text, {"name": "unzufrieden", "confidence": 0.9}, places, None)
    assert (intent or {}).get("name") == "urkunde_beantragen"
    assert {"urkundenart": "sterbeurkunde"}.items() <= {e["entity"]: e["value"] for e in entities}.items()
    # Without a place it stays a complaint.
    complaint, _ = refine("Quatsch, das hilft mir nicht", {"name": "chitchat", "confidence": 0.9}, [], None)
    assert (complaint or {}).get("name") == "unzufrieden"


def test_cues_of_the_thirteenth_round() -> None:
    from bot.nlp.faq_cues import cued_faq

    assert cued_faq("Kann ich mit meiner GmbH auch die BundID nutzen oder brauch ich dafür was anderes?") == (
        "faq/unternehmenskonto"
    )
    assert cued_faq("Ist mein Servicekonto Hessen noch gueltig? Seitdem nicht mehr benutzt.") == (
        "faq/servicekonto_bundid"
    )
    assert cued_faq("Und brauche ich dafür eine BundID?") == "faq/ohne_konto"
    decided, _ = refine(
        "Wir bekommen im März unser erstes Kind.", {"name": "lebenslage", "confidence": 0.38}, [], None
    )
    assert decided == {"name": "lebenslage", "confidence": 1.0}


def test_an_ikz_question_with_one_neighbour_and_how_much_is_the_calculator() -> None:
    from bot.nlp.ikz_cues import ikz_funding_question

    assert ikz_funding_question(
        "If we run the Bauhof together with only one neighbour village, can we get money "
        "from the Land for this cooperation, how much and where we apply?"
    )
    # How to apply, without an amount: the application FAQ.
    assert not ikz_funding_question("Wie beantragen wir die Förderung für drei Gemeinden?")


def test_a_certificate_order_misread_for_a_named_service_is_that_service() -> None:
    text = "I would like to exchange my Indian driving licence for a German one, I live in Darmstadt."
    start = text.index("Darmstadt")
    place = {"entity": "gemeinde", "value": "Darmstadt", "start": start, "end": start + 9}
    intent, _ = refine(text, {"name": "urkunde_beantragen", "confidence": 0.6}, [place], None)
    assert (intent or {}).get("name") == "online_beantragen"


def test_a_faq_intent_with_a_small_talk_answer_for_a_named_service_is_that_service() -> None:
    from bot.nlp.faq_cues import service_misread_as_faq

    assert service_misread_as_faq("how i get money help for rent, my salary too small", "chitchat/wie_gehts")
    assert not service_misread_as_faq("hallo wie gehts dir", "chitchat/wie_gehts")


def test_cues_of_the_eighteenth_round() -> None:
    from bot.nlp.faq_cues import clause_faqs, cued_faq, faqs_asked

    # A name only one background topic has is that topic in any question beside another one.
    assert clause_faqs("Wie viel IKZ-Förderung gibt es? Und ist civento für uns als Kommune kostenlos?") == [
        "faq/civento"
    ]
    # Not for a common word: "the portal" beside another question needs "what is".
    assert clause_faqs("Wohngeld beantragen, und finde ich das im Verwaltungsportal?") == []
    # "my account" in a story about the old Servicekonto is that account, not the BundID.
    story = (
        "Back in 2021 I created a Servicekonto Hessen account. Now my old username does not work. "
        "Did they delete my account? Do I have to start over?"
    )
    assert faqs_asked(story) == ["faq/servicekonto_bundid"]
    # An account made and never used again: the BundID's deletion after 24 months.
    assert cued_faq("I made one in 2023 and never logged in again. Does it still exist?") == "faq/bundid_was"
    assert cued_faq("Ich hab meins 2023 angelegt und seitdem nie wieder benutzt. Geht das noch?") == (
        "faq/bundid_was"
    )
    assert cued_faq("Ich habe 2023 einen Antrag gestellt und nie wieder was gehört.") is None


def test_an_office_the_citizen_guesses_is_no_second_event_place() -> None:
    from bot.nlp.certificates import certificate_requests

    text = "Mein Sohn ist in Mainz-Kastel geboren. Bekomme ich seine Geburtsurkunde dann beim Standesamt in Mainz?"
    assert certificate_requests(text) == []
    # Two certificates, each from its office, are still two requests.
    assert (
        len(
            certificate_requests(
                "Geburtsurkunde vom Standesamt in Fulda und Heiratsurkunde vom Standesamt in Kassel"
            )
        )
        == 2
    )


def test_here_in_the_event_clause_beside_a_residence_is_the_page_municipality() -> None:
    text = "My dad passed away at the hospital here in our town last week. We all live in Willingen though."
    start = text.index("Willingen")
    residence = {"entity": "gemeinde", "value": "Willingen", "start": start, "end": start + 9}
    _, entities = refine(
        text, {"name": "urkunde_beantragen", "confidence": 0.9}, [residence], {"kommune": "06635015"}
    )
    assert [e["value"] for e in entities if e["entity"] == "gemeinde"] == ["06635015", "Willingen"]
    # Without a municipal website, "here" is no place.
    _, entities = refine(text, {"name": "urkunde_beantragen", "confidence": 0.9}, [residence], None)
    assert [e["value"] for e in entities if e["entity"] == "gemeinde"] == ["Willingen"]


def test_cues_of_the_nineteenth_round() -> None:
    from bot.nlp.faq_cues import cued_faq, event_told_for_certificate_faq, faqs_asked
    from bot.nlp.rules import service_beside_small_talk

    assert faqs_asked(
        "Gude, des alte Servicekonto geht bei mir net mehr. Wie krie isch etz so e BundID?"
    ) == [
        "faq/servicekonto_bundid",
        "faq/bundid_registrieren",
    ]
    assert cued_faq("Ich hatte mir 2023 eins gemacht und es seitdem nie benutzt. Gibt es das noch?") == (
        "faq/bundid_was"
    )
    # A told birth with its place after a certificate answer is another order, not "who may".
    sister = "Und für meine Schwester? Die ist in Fulda zur Welt gekommen."
    assert event_told_for_certificate_faq(sister, "faq/urkunde_berechtigt", has_place=True)
    assert not event_told_for_certificate_faq(
        "Darf meine Schwester die Urkunde bestellen?", "faq/urkunde_berechtigt", True
    )
    # Small talk with a service question in a sentence of its own; thanks stay thanks.
    assert service_beside_small_talk("Bist du ein Bot? Kann ich Wohngeld online beantragen?")
    assert not service_beside_small_talk("Danke, das mit dem Wohngeld hat geklappt.")


def test_a_told_move_and_a_question_for_the_steps_is_the_life_event() -> None:
    text = (
        "Wir sind letzten Samstag von Regensburg nach Kassel gezogen, ein Auto mit R-Kennzeichen. "
        "Was muss ich denn als Erstes machen?"
    )
    for classified in ("online_beantragen", "lebenslage"):
        intent, _ = refine(text, {"name": classified, "confidence": 0.9}, [], None)
        assert (intent or {}).get("name") == "lebenslage"
    # A service question without the steps stays the service.
    intent, _ = refine(
        "Ich bin nach Kassel gezogen. Wie melde ich mein Auto um?",
        {"name": "online_beantragen", "confidence": 0.9},
        [],
        None,
    )
    assert (intent or {}).get("name") == "online_beantragen"


def test_places_of_the_nineteenth_round() -> None:
    from bot.knowledge.ereignisort import event_place_text, is_residence
    from bot.nlp.certificates import certificate_requests

    died = "She lived in Hünfeld her whole life but the last days she was at the hospital in Fulda, that's where she died."
    assert "Fulda" in event_place_text(died, "sterbeurkunde")
    assert is_residence("we rent a flat in Eschborn")
    story = (
        "We rent a flat in Eschborn. In March my wife gave birth to our son at the Bürgerhospital in Frankfurt. "
        "I have no idea whether I should go to the Rathaus in Eschborn or somewhere in Frankfurt."
    )
    assert certificate_requests(story) == []


def test_cues_of_the_twentieth_round() -> None:
    from bot.knowledge.ikz import parse_count
    from bot.nlp.faq_cues import cued_faq, faqs_asked

    assert cued_faq("BundID Firma Konto ELSTER Organisationszertifikat") == "faq/unternehmenskonto"
    assert cued_faq("Kann ich mich mit dem ELSTER-Zertifikat bei der BundID anmelden?") == "faq/eid_elster"
    assert faqs_asked(
        "What's the difference between the Servicekonto Hessen and the BundID? And does the BundID cost anything?"
    ) == [
        "faq/servicekonto_bundid",
        "faq/bundid_was",
    ]
    assert parse_count("yo so our lil village + 2 neighbours wanna team up") == 3
    assert parse_count("Two things: how much do three cooperating municipalities get?") == 3
    assert (
        parse_count(
            "We and two neighbouring municipalities, so three of us, how much do three municipalities get?"
        )
        == 3
    )


@pytest.mark.parametrize(
    ("text", "greeting_and_how_are_you"),
    [
        ("hallo wie gehts dir", True),
        ("Gude, wie geht's?", True),
        ("hi how r u", True),
        ("Wie geht es weiter mit meinem Antrag auf Wohngeld?", False),
        ("how r u, u a robot?", True),
    ],
)
def test_a_greeting_that_asks_how_the_assistant_is(text: str, greeting_and_how_are_you: bool) -> None:
    # The classifier splits "hallo wie gehts dir" between greet and small talk and falls back.
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlp.rules import how_are_you_only
    from bot.nlp.understanding import RESPONSE_SELECTOR, ContextualUnderstanding

    assert how_are_you_only(text) is greeting_and_how_are_you
    message = Message(
        data={"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.5}, "entities": []}
    )
    ContextualUnderstanding().process([message])
    key = ((message.get(RESPONSE_SELECTOR) or {}).get("default", {}).get("response") or {}).get(
        "intent_response_key"
    )
    asks_what_it_is = "robot" in text
    assert (key == "chitchat/wie_gehts") is (greeting_and_how_are_you and not asks_what_it_is)


@pytest.mark.parametrize(
    ("text", "follow_up"),
    [
        ("Was kostet ein neuer? Ich bin 42.", True),
        ("und wie teuer ist das?", True),
        ("how much is it for me, I am 30", True),
        ("how many days I have for this?", True),
        # A named service or certificate is its own question.
        ("Was kostet ein Reisepass?", False),
        ("Was kostet eine Geburtsurkunde?", False),
    ],
)
def test_a_short_cost_or_deadline_question_that_names_nothing_is_a_follow_up(
    text: str, follow_up: bool
) -> None:
    intent, _ = refine(text, {"name": "out_of_scope", "confidence": 0.7}, [], {})
    assert ((intent or {}).get("name") == "nachfrage") is follow_up


@pytest.mark.parametrize(
    ("text", "follow_up"),
    [
        # A FAQ picked for a question that names nothing is a guess; the topic in focus decides.
        ("was kostet ein neuer?", True),
        ("bis wann muss ich das machen?", True),
        # The certificate fees and the account's answer are named.
        ("Was kostet eine Urkunde?", False),
        ("Was kostet die BundID?", False),
        # A FAQ topic of its own: the photo, the Land's digitalisation money.
        ("how much is a biometric photo in the citizens' office", False),
        ("Was kostet das Foto im Bürgerbüro?", False),
        ("how much does the state invest in digital town halls", False),
    ],
)
def test_a_faq_for_a_cost_question_that_names_nothing_is_a_follow_up(text: str, follow_up: bool) -> None:
    intent, _ = refine(text, {"name": "faq", "confidence": 1.0}, [], {})
    assert ((intent or {}).get("name") == "nachfrage") is follow_up


def test_unsure_thanks_are_thanks() -> None:
    # DIET split "Danke, jetzt verstehe ich es." over the handoff and complaints (0.2 each).
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlp.understanding import RESPONSE_SELECTOR, ContextualUnderstanding

    def key(text: str, intent: str, confidence: float) -> str | None:
        message = Message(
            data={"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []}
        )
        ContextualUnderstanding().process([message])
        selected = (message.get(RESPONSE_SELECTOR) or {}).get("default", {}).get("response") or {}
        return selected.get("intent_response_key")

    assert key("Danke, jetzt verstehe ich es.", "kontakt_mensch", 0.2) == "chitchat/danke"
    assert key("Danke, jetzt verstehe ich es.", "kontakt_mensch", 0.9) is None


def test_a_named_service_is_no_request_to_stop() -> None:
    stop = {"name": "abbrechen", "confidence": 0.75}
    assert refine("Fuehrerschein umschreiben lassen", stop, [], {})[0]["name"] == "online_beantragen"
    assert refine("Lassen wir das, abbrechen bitte", stop, [], {})[0]["name"] == "abbrechen"


@pytest.mark.parametrize(
    ("text", "online_list"),
    [
        ("Which administrative services can I apply for online in Hessen, and where do I find them?", True),
        ("Welche Behördengänge kann ich online erledigen?", True),
        ("Welche Leistungen kann ich mit der BundID online nutzen?", False),
    ],
)
def test_which_services_are_online_is_no_faq(text: str, online_list: bool) -> None:
    intent, _ = refine(text, {"name": "faq", "confidence": 0.9}, [], {})
    assert ((intent or {}).get("name") == "online_beantragen") is online_list


@pytest.mark.parametrize(
    "text",
    [
        "mate you just don't get me at all, who can I actually ring about this",
        "this dosnt help at all, i allready know that. i need to speek to a real persn",
    ],
)
def test_a_complaint_with_a_request_for_a_person_gets_the_apology(text: str) -> None:
    for before in ("chitchat", "kontakt_mensch"):
        intent, _ = refine(text, {"name": before, "confidence": 0.9}, [], None)
        assert (intent or {}).get("name") == "unzufrieden"


def test_a_keyword_query_read_as_easy_language_gets_its_faq() -> None:
    easy = {"name": "leichte_sprache_an", "confidence": 0.8}
    assert faq_override("EUDI wallet Germany available now?", easy, has_place=False) == "faq/eid_elster"
    # Asked with an easy-language word, easy language stays.
    assert faq_override("EUDI wallet in easy words please", easy, has_place=False) is None


def test_a_told_start_of_a_business_is_the_life_event() -> None:
    text = "Ich mache mich nächsten Monat als Fotografin selbstständig."
    for before in ("faq", "out_of_scope"):
        assert refine(text, {"name": before, "confidence": 0.8}, [], {})[0]["name"] == "lebenslage"
    # A question about an account beside it stays the FAQ.
    asked = "Ich mache mich selbstständig, brauche ich ein Unternehmenskonto?"
    assert refine(asked, {"name": "faq", "confidence": 0.8}, [], {})[0]["name"] == "faq"


def test_a_place_after_a_certificate_is_no_ikz_question_and_a_told_birth_no_small_talk() -> None:
    place = [{"entity": "gemeinde", "value": "Schlitz", "start": 8, "end": 15}]
    intent, _ = refine("und aus Schlitz?", {"name": "ikz_foerderung", "confidence": 0.8}, place, {})
    assert intent == {"name": "angabe", "confidence": 1.0}
    text = "und mein Schwiegervater, der ist in Heidelberg geboren?"
    born = [{"entity": "gemeinde", "value": "Heidelberg", "start": 35, "end": 45}]
    intent, _ = refine(text, {"name": "chitchat", "confidence": 0.8}, born, {})
    assert intent == {"name": "urkunde_beantragen", "confidence": 1.0}


@pytest.mark.parametrize(
    "text",
    [
        "Geht das auch, wenn mein Ausweis keine Online-Funktion hat?",
        "Sie braucht dafür so eine BundID. Sie hat einen Personalausweis, aber ob die Online-Funktion an ist, weiß keiner.",
        "Ei gude, brauch isch fer die BundID unbedingt den Ausweis mit dere Online-Funktion odder geht des aach annerschd?",
    ],
)
def test_the_id_cards_online_function_is_a_way_to_log_in(text: str) -> None:
    # The login ways' answer, or registering the BundID (which names them) where that is asked.
    key = faq_override(text, {"name": "online_beantragen", "confidence": 0.9}, has_place=False)
    assert key in ("faq/eid_elster", "faq/bundid_registrieren")


def test_the_id_card_as_a_service_keeps_its_answer() -> None:
    assert (
        faq_override("Kann ich den Personalausweis online beantragen?", {"name": "online_beantragen"}, False)
        is None
    )


def test_the_old_servicekonto_read_as_a_company_account() -> None:
    from bot.nlp.faq_cues import old_account_misread_as_company

    key = "faq/unternehmenskonto"
    assert old_account_misread_as_company(
        "servicekonto hesen passwort vergesen, wie komm ich wieder rein??", key
    )
    assert not old_account_misread_as_company("Servicekonto für meine Firma, welches brauche ich?", key)
    assert not old_account_misread_as_company("servicekonto passwort vergessen", "faq/servicekonto_was")


@pytest.mark.parametrize(
    ("text", "before", "after"),
    [
        ("easy language off please", "leichte_sprache_an", "leichte_sprache_aus"),
        ("give me someone from the office", "nachfrage", "kontakt_mensch"),
        ("this info seems outdated", "chitchat", "unzufrieden"),
        ("Die Angabe ist doch veraltet", "chitchat", "unzufrieden"),
    ],
)
def test_english_requests_to_stop_easy_language_for_a_person_and_complaints(
    text: str, before: str, after: str
) -> None:
    intent, _ = refine(text, {"name": before, "confidence": 0.9}, [], None)
    assert (intent or {}).get("name") == after


@pytest.mark.parametrize(
    ("text", "before", "after"),
    [
        # Hessian complaints and requests for a person, read in standard German too.
        ("Des is doch alles Kappes, was Sie do schreibe!", "chitchat", "unzufrieden"),
        ("Isch krieh kaa gscheit Antwort vun Ihne.", "nlu_fallback", "unzufrieden"),
        ("Isch will mit em rischtische Mensch redde.", "nlu_fallback", "kontakt_mensch"),
        ("Isch will jetzt mit nem rischtische Mensche redde!", "nlu_fallback", "kontakt_mensch"),
        # Unhappy first, then a person: the apology with the contact.
        (
            "Des versteh isch net, des hilft mer gar nix. Gibt's do kaan Mensche, wo mer aarufe kann?",
            "kontakt_mensch",
            "unzufrieden",
        ),
        ("Ich will mit einem richtigen Menschen reden.", "chitchat", "kontakt_mensch"),
        # The same topic for another person, not a life event; in dialect too.
        ("und für meine Tochter, sie ist 12?", "lebenslage", "nachfrage"),
        ("un fer mein Bub, der is 17?", "out_of_scope", "nachfrage"),
        ("and for my son?", "lebenslage", "nachfrage"),
    ],
)
def test_dialect_complaints_a_wanted_person_and_a_topic_for_someone_else(
    text: str, before: str, after: str
) -> None:
    intent, _ = refine(text, {"name": before, "confidence": 0.7}, [], None)
    assert (intent or {}).get("name") == after


@pytest.mark.parametrize(
    "text",
    [
        # A life event told for another person stays a life event.
        "und für meine Tochter, die ist gestern geboren?",
        "Für meine Mutter, sie ist gestorben, was muss ich erledigen?",
        "Wir sind umgezogen und für meinen Sohn brauchen wir jetzt eine Kita",
    ],
)
def test_a_life_event_for_someone_else_stays_a_life_event(text: str) -> None:
    intent, _ = refine(text, {"name": "lebenslage", "confidence": 0.9}, [], None)
    assert (intent or {}).get("name") == "lebenslage"


def test_a_handoff_the_classifier_only_guessed_yields_to_a_cued_question() -> None:
    text = "Gude, unser Bürschermaaster babbelt dauernd vun dere IKZ. Was is'n des eischentlich?"
    assert faq_override(text, {"name": "kontakt_mensch", "confidence": 0.39}, False) == "faq/ikz_was"
    # Talking about someone who talks is no request for a person, however sure the classifier is.
    text = "Sach mol, was is'n des IKZ? Unser Bürgermeister babbelt dauernd devon."
    assert faq_override(text, {"name": "kontakt_mensch", "confidence": 0.9}, False) == "faq/ikz_was"
    # A sure request for a person keeps its intent.
    text = "Ich will mit einem Menschen sprechen, was ist das IKZ?"
    assert faq_override(text, {"name": "kontakt_mensch", "confidence": 0.9}, False) is None


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Trinkst du aach gern en Ebbelwoi? Un sach ema, bei was kannste mer helfe?", True),
        ("Wie geht es Ihnen? Womit können Sie mir helfen?", True),
        ("how r u, what can you do?", True),
        ("Wie geht es dir?", False),
        ("Was kann ich tun, wenn mein Ausweis weg ist?", False),
    ],
)
def test_small_talk_that_asks_what_the_assistant_can_do(text: str, asks: bool) -> None:
    from bot.nlp.rules import asks_what_the_bot_can_do

    assert asks_what_the_bot_can_do(text) is asks


@pytest.mark.parametrize(
    "text",
    [
        "und eine Sterbeurkunde von dort auch? mein Schwiegervater ist da gestorben",
        "and a death certificate from there too?",
    ],
)
def test_another_certificate_from_the_place_just_answered_is_a_follow_up(text: str) -> None:
    intent, _ = refine(text, {"name": "faq", "confidence": 0.9}, [], None)
    assert (intent or {}).get("name") == "nachfrage"
    # "is there" asks whether something exists, not for the same place.
    intent, _ = refine(
        "and is there a birth certificate in English?", {"name": "faq", "confidence": 0.9}, [], None
    )
    assert (intent or {}).get("name") != "nachfrage"
    # A place named in the message is that place's request, not the previous one.
    intent, _ = refine(
        "und eine Sterbeurkunde aus Fulda?", {"name": "faq", "confidence": 0.9}, [place("Fulda")], None
    )
    assert (intent or {}).get("name") != "nachfrage"


def test_simply_is_no_request_for_easy_language() -> None:
    text = "und kann ich die einfach per E-Mail bestellen?"
    intent, _ = refine(text, {"name": "leichte_sprache_an", "confidence": 0.77}, [], None)
    assert (intent or {}).get("name") == "nachfrage"
    # Requests for easy language keep it, with or without the words "leichte Sprache".
    for text in (
        "Erklären Sie das bitte ganz einfach",
        "Das ist mir zu kompliziert",
        "too many difficult words",
    ):
        intent, _ = refine(text, {"name": "leichte_sprache_an", "confidence": 0.9}, [], None)
        assert (intent or {}).get("name") == "leichte_sprache_an", text


def test_a_follow_up_read_as_how_are_you_is_a_follow_up() -> None:
    from bot.nlp.rules import follow_up_misread_as_small_talk

    assert follow_up_misread_as_small_talk("und im Expressverfahren?")
    assert follow_up_misread_as_small_talk("and with express?")
    assert not follow_up_misread_as_small_talk("und wie geht's dir so?")
    assert not follow_up_misread_as_small_talk("und sonst, alles klar bei dir?")
    assert not follow_up_misread_as_small_talk("Wie geht es Ihnen?")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Kann ich eine Geburtsurkunde per E-Mail bestellen?", "faq/urkunde_bestellweg"),
        ("Kann ich die Sterbeurkunde auch schriftlich anfordern?", "faq/urkunde_bestellweg"),
        # Cost and duration come first: they ask about the way only in passing.
        ("Was kostet die Geburtsurkunde per Post?", "faq/urkunde_gebuehr"),
        ("Wie lange dauert die Heiratsurkunde per Post?", "faq/urkunde_dauer"),
    ],
)
def test_the_way_to_order_a_certificate_is_a_question(text: str, key: str) -> None:
    assert certificate_question(text) == key


def test_a_person_wanted_in_hessian_dialect() -> None:
    text = "Isch will jetzt endlisch mit em Mensch schwätze, net mit so nem Compjuter!"
    intent, _ = refine(text, {"name": "nlu_fallback", "confidence": 0.5}, [], None)
    assert (intent or {}).get("name") == "kontakt_mensch"


@pytest.mark.parametrize(
    "text",
    [
        "Our daughter was born three days ago at the hospital in Bad Nauheim and I have no idea which "
        "offices we have to deal with now.",
        "gonna go self employed soon, doing web design stuff from home in Kassel. what do i gotta sort out?",
        "hello sir, i am new come to hessen from nigeria since 1 week, what paper thing i must do first pls",
        "Mein Vater ist letzte Woche in Kassel gestorben. Was müssen wir jetzt alles erledigen?",
        "Wir ziehen nach Korbach, was muss ich bei der Anmeldung beachten?",
    ],
)
def test_a_told_life_event_and_a_question_for_its_steps_is_the_life_event(text: str) -> None:
    for before in ("urkunde_beantragen", "faq", "online_beantragen"):
        intent, _ = refine(text, {"name": before, "confidence": 0.9}, [], None)
        assert (intent or {}).get("name") == "lebenslage", (before, text)


def test_a_named_certificate_beside_a_told_event_stays_the_certificate() -> None:
    text = "Mein Vater ist in Kassel gestorben. Was müssen wir alles erledigen für die Sterbeurkunde?"
    intent, _ = refine(text, {"name": "urkunde_beantragen", "confidence": 0.9}, [], None)
    assert (intent or {}).get("name") == "urkunde_beantragen"


def test_a_certificate_faq_without_certificate_or_cue_is_a_guess() -> None:
    from bot.nlp.faq_cues import certificate_faq_guessed

    text = "und muss ich dann trotzdem noch was ausdrucken oder unterschreiben?"
    assert certificate_faq_guessed(text, "faq/urkunde_international")
    # Its cue or a certificate named keeps it.
    assert not certificate_faq_guessed("und gibt es die auch auf Englisch?", "faq/urkunde_international")
    assert not certificate_faq_guessed("Wie lange dauert das?", "faq/urkunde_dauer")
    assert not certificate_faq_guessed("Geburtsurkunde für Spanien", "faq/urkunde_international")
    # Only a follow-up: a question of its own may be one the classifier knows better.
    assert not certificate_faq_guessed("how much is the photo at the office", "faq/urkunde_gebuehr")
    # Other FAQs are not concerned.
    assert not certificate_faq_guessed(text, "faq/bundid_was")


def test_who_are_you_is_a_question_about_the_assistant() -> None:
    from bot.nlp.rules import asks_what_the_bot_is

    assert asks_what_the_bot_is("Hallo, wer bist du eigentlich? Und was heißt IKZ?")
    assert asks_what_the_bot_is("who are you?")
    assert not asks_what_the_bot_is("Wer ist ekom21?")


def test_a_guess_of_easy_language_without_a_request_or_topic_falls_back() -> None:
    intent, _ = refine(
        "write my homework about the Roman empire",
        {"name": "leichte_sprache_an", "confidence": 0.8},
        [],
        None,
    )
    assert (intent or {}).get("name") == "nlu_fallback"


@pytest.mark.parametrize(
    "text",
    [
        "In welcher Sprache bekomme ich eine Geburtsurkunde, wenn ich sie im Ausland vorlegen muss?",
        "Ich muss die Heiratsurkunde im Ausland vorlegen, geht das?",
    ],
)
def test_a_certificate_for_use_abroad_is_the_international_question(text: str) -> None:
    assert certificate_question(text) == "faq/urkunde_international"


def test_a_birth_abroad_is_no_question_about_languages() -> None:
    assert certificate_question("Mein Sohn ist im Ausland geboren, wo bekomme ich die Geburtsurkunde?") != (
        "faq/urkunde_international"
    )


def test_whether_there_is_money_and_how_to_apply_is_the_calculators_question() -> None:
    from bot.nlp.ikz_cues import ikz_funding_question

    text = (
        "Wir überlegen mit zwei Nachbargemeinden die Kasse zusammenzulegen, also wir wären dann zu dritt. "
        "Der Bürgermeister will wissen, ob es dafür Geld vom Land gibt und wie man das beantragt."
    )
    assert ikz_funding_question(text)
    # How to apply alone stays the procedure's question.
    assert not ikz_funding_question(
        "Wir sind drei Gemeinden und wollen zusammenarbeiten. Wie beantragen wir das?"
    )


def test_a_birth_abroad_to_register_is_a_standesamt_question() -> None:
    text = (
        "Unser Sohn wurde in Spanien geboren und soll jetzt in ein deutsches Register eingetragen werden. "
        "Wir wohnen in Bad Camberg. Wer ist zuständig?"
    )
    intent, _ = refine(text, {"name": "out_of_scope", "confidence": 0.72}, [], None)
    assert (intent or {}).get("name") == "standesamt_suchen"
    # A holiday abroad without an event is no such question.
    intent, _ = refine(
        "Wir fliegen nach Spanien in den Urlaub", {"name": "out_of_scope", "confidence": 0.7}, [], None
    )
    assert (intent or {}).get("name") == "out_of_scope"


@pytest.mark.parametrize(
    ("text", "misread"),
    [
        ("Ist das pro Verband oder pro Gemeinde?", True),
        ("Sind meine Daten da automatisch rübergegangen?", True),
        ("Wie läuft das mit dem Antrag, wo geht der hin?", True),
        # Small talk stays small talk.
        ("Bist du ein Bot?", False),
        ("Wie läuft es bei dir so?", False),
        ("Na, alles klar bei dir?", False),
    ],
)
def test_a_short_topic_question_read_as_small_talk(text: str, misread: bool) -> None:
    from bot.nlp.rules import topic_question_misread_as_small_talk

    assert topic_question_misread_as_small_talk(text) is misread


def test_the_online_id_asked_as_needed_for_the_bundid_is_the_login_ways() -> None:
    from bot.nlp.faq_cues import cued_faq

    assert cued_faq("un brauch isch do unbedingt de Perso mit dere Online-Funktion?") == "faq/eid_elster"


def test_hessian_un_separates_the_event_from_the_residence() -> None:
    from bot.knowledge.ereignisort import event_place_text

    text = "Ei gun Dag, ich bin in Hofgeismar gebore un wohn etz in Kassel. Wo grieje ich minne Geburtsurkunde her?"
    assert "Hofgeismar" in event_place_text(text) and "Kassel" not in event_place_text(text)


def _understood(
    text: str, intent: str, confidence: float, selected: str | None = None
) -> tuple[str, str | None]:
    """Intent and response key after ContextualUnderstanding, from a classifier's guess."""
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlp.understanding import RESPONSE_SELECTOR, ContextualUnderstanding

    data: dict = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []}
    if selected:
        data[RESPONSE_SELECTOR] = {"default": {"response": {"intent_response_key": selected}}}
    message = Message(data=data)
    ContextualUnderstanding().process([message])
    key = ((message.get(RESPONSE_SELECTOR) or {}).get("default", {}).get("response") or {}).get(
        "intent_response_key"
    )
    return message.get("intent")["name"], key


@pytest.mark.parametrize(
    ("text", "alone"),
    [
        (
            "Ach wissen Sie, ich bin jetzt 82 und mit diesen Computern komme ich gar nicht zurecht … "
            "Sind Sie eigentlich ein richtiger Mensch??",
            True,
        ),
        ("Rede ich hier mit einem Menschen?", True),
        ("bist du ein mensch", True),
        # Asking for a person is the hand-off, not a question about the assistant.
        ("Ich möchte mit einem Menschen sprechen", False),
        ("Kann ich mit einem Menschen reden?", False),
        # A topic beside it is answered as the topic.
        ("Sind Sie ein Mensch? Ich brauche eine Geburtsurkunde", False),
        ("Bist du ein Mensch? Was kostet ein Reisepass?", False),
    ],
)
def test_a_bot_question_after_rambling(text: str, alone: bool) -> None:
    from bot.nlp.rules import bot_question_alone

    assert bot_question_alone(text) is alone


def test_an_unsure_bot_question_in_a_long_message_gets_what_the_assistant_is() -> None:
    text = "Meine Enkelin hat mir das hier eingerichtet. Sind Sie eigentlich ein richtiger Mensch??"
    assert _understood(text, "chitchat", 0.29, "chitchat/wie_gehts") == ("chitchat", "chitchat/bot_challenge")


@pytest.mark.parametrize(
    ("text", "offer"),
    [
        ("Welche Online-Dienste bietet unsere Stadt an?", True),
        ("Bietet unsere Stadt eigentlich Online-Dienste an? Wo finde ich die?", True),
        ("Welche Online-Angebote hat Alsfeld?", True),
        ("Was bietet die Gemeinde online an?", True),
        ("Welche digitalen Angebote hat die Gemeinde?", True),
        # A named service, an account, cooperation or the Land's programme: their own answers.
        ("Welche Online-Dienste gibt es für Wohngeld?", False),
        ("Welche Online-Dienste kann ich mit der BundID nutzen?", False),
        ("Fördert das Land gemeinsame Online-Dienste mehrerer Gemeinden?", False),
        ("Wie weit ist das OZG mit den Online-Diensten?", False),
        ("Habe ich ein Recht darauf, dass ich Behördensachen online erledigen kann?", False),
        ("Kann ich die Geburtsurkunde online bestellen?", False),
        # English login, rights and funding questions keep the classifier's FAQ.
        ("how does my business log in for online services", False),
        ("when do I have a right to digital services", False),
    ],
)
def test_the_online_offer_as_a_whole(text: str, offer: bool) -> None:
    from bot.nlp.faq_cues import asks_for_online_offer

    assert asks_for_online_offer(text) is offer


@pytest.mark.parametrize(
    ("intent", "selected"),
    [("faq", "chitchat/bot_challenge"), ("faq", "faq/unternehmenskonto"), ("out_of_scope", None)],
)
def test_the_online_offer_misread_is_the_online_overview(intent: str, selected: str | None) -> None:
    name, _ = _understood("Welche Online-Dienste bietet unsere Stadt an?", intent, 1.0, selected)
    assert name == "online_beantragen"


def test_a_prospective_funding_question_is_not_about_the_totals() -> None:
    from bot.nlp.ikz_cues import asks_totals, funding_misread_as_totals

    plan = "Wir überlegen, mit Weilburg zusammenzuarbeiten. Wird das vom Land gefördert, und mit wie viel?"
    assert not asks_totals(plan)
    assert funding_misread_as_totals(plan, "faq/ikz_kennzahlen")
    assert asks_totals("Wie viele Kooperationen wurden gefördert?")
    assert asks_totals("Wie viele Projekte werden gefördert?")


@pytest.mark.parametrize(
    ("text", "funding"),
    [
        (
            "Wir in unserer Gemeinde überlegen, mit Weilburg und Löhnberg einen gemeinsamen "
            "Standesamtsbezirk zu bilden. Wird das vom Land gefördert, und mit wie viel?",
            True,
        ),
        ("Gibt es einen Zuschuss, wenn wir mit Löhnberg zusammenarbeiten?", True),
        # The Standesamt of a place, and the totals, stay what they are.
        ("Wo ist das Standesamt für Weilburg und Löhnberg?", False),
        ("Wie viele Kooperationen mit Weilburg wurden bisher gefördert?", False),
    ],
)
def test_funding_for_a_cooperation_with_named_partners(text: str, funding: bool) -> None:
    from bot.nlp.rules import refine

    entities = [
        {"entity": "gemeinde", "value": name, "start": text.index(name), "end": text.index(name) + len(name)}
        for name in ("Weilburg", "Löhnberg")
        if name in text
    ]
    intent, _ = refine(text, {"name": "standesamt_suchen", "confidence": 0.53}, entities, None)
    assert (intent["name"] == "ikz_foerderung") is funding


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("ach man, so kompliziert. kann ich da nicht einfach wen anrufen?", "kontakt_mensch"),
        ("Das ist mir zu kompliziert, bitte einfacher", "leichte_sprache_an"),
    ],
)
def test_a_person_asked_for_beside_complicated_is_the_handoff(text: str, intent: str) -> None:
    from bot.nlp.rules import refine

    refined, _ = refine(text, {"name": "leichte_sprache_an", "confidence": 0.9}, [], None)
    assert refined["name"] == intent


@pytest.mark.parametrize(
    ("text", "guessed"),
    [
        ("mein Fahrzeugschein ist von 2012, geht das trotzdem?", True),
        # Who may order is asked ("darf"), or a certificate is named: the FAQ stays.
        ("Darf mein Bruder das trotzdem beantragen, geht das auch?", False),
        ("Geht das trotzdem mit der Geburtsurkunde?", False),
    ],
)
def test_a_question_back_to_the_topic_is_no_certificate_faq(text: str, guessed: bool) -> None:
    from bot.nlp.faq_cues import certificate_faq_guessed

    assert certificate_faq_guessed(text, "faq/urkunde_berechtigt") is guessed


@pytest.mark.parametrize(
    ("text", "retention", "place_rule"),
    [
        ("Wie lange führt ein Standesamt die Geburtseinträge?", True, False),
        ("Wie lange bleiben Sterbeeinträge beim Standesamt, bevor sie ins Archiv kommen?", True, False),
        ("Ist für eine Sterbeurkunde das Standesamt am Wohnort oder am Sterbeort zuständig?", False, True),
        ("Geburtsort oder Wohnort, was zählt beim Standesamt?", False, True),
        # The duration of an order and a search with a place are other questions.
        ("Wie lange dauert eine Geburtsurkunde?", False, False),
        ("Standesamt Wohnort Kassel", False, False),
    ],
)
def test_rules_of_the_standesamt_asked_without_a_place(text: str, retention: bool, place_rule: bool) -> None:
    from bot.nlp.faq_cues import event_place_rule_question, register_retention_question

    assert register_retention_question(text) is retention
    assert event_place_rule_question(text) is place_rule
    name, _ = _understood(text, "standesamt_suchen", 0.9)
    assert (name == "nachfrage") is (retention or place_rule)


def test_a_count_in_the_verband_is_the_calculators_question() -> None:
    from bot.nlp.rules import refine

    # After the Verband rule, while the calculator waits for the number.
    intent, _ = refine(
        "Und wenn vier Gemeinden im Verband sind?", {"name": "nachfrage", "confidence": 0.9}, [], None
    )
    assert intent["name"] == "ikz_foerderung"


def test_a_qualified_ambiguous_place_travels_as_the_ags_of_the_town_meant() -> None:
    text = "Mei Mudder is in Bad Soden gestorbe, die im Taunus, wer macht da die Sterbeurkund?"
    start = text.index("Bad Soden")
    place = {"entity": "gemeinde", "value": "Bad Soden", "start": start, "end": start + 9}
    _, entities = refine(text, {"name": "urkunde_beantragen", "confidence": 0.9}, [place], {})
    assert [e["value"] for e in entities if e["entity"] == "gemeinde"] == ["06436001"]
    # Without the qualifier the name stays as written, and the citizen is asked.
    _, entities = refine(
        "Sterbeurkunde Bad Soden",
        {"name": "urkunde_beantragen", "confidence": 0.9},
        [{"entity": "gemeinde", "value": "Bad Soden", "start": 14, "end": 23}],
        {},
    )
    assert [e["value"] for e in entities if e["entity"] == "gemeinde"] == ["Bad Soden"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "den normalen" is the ordinary passport (round 49), not the ordinary language.
        ("Und wenn ich doch den normalen nehme, kann ich mir den nach Hause schicken lassen?", "nachfrage"),
        ("Kann ich mir den normalen nach Hause schicken lassen?", "nlu_fallback"),
        # Requests to leave Leichte Sprache stay.
        ("wieder normal", "leichte_sprache_aus"),
        ("Bitte wieder Standardsprache", "leichte_sprache_aus"),
        ("wieder die normale Version bitte", "leichte_sprache_aus"),
        ("Du musst nicht mehr so einfach schreiben", "leichte_sprache_aus"),
    ],
)
def test_leaving_leichte_sprache_needs_a_word_for_the_language(text: str, expected: str) -> None:
    intent, _ = refine(text, {"name": "leichte_sprache_aus", "confidence": 0.66}, [], {})
    assert intent is not None and intent["name"] == expected


def test_every_german_training_example_for_leaving_leichte_sprache_names_the_language() -> None:
    import yaml

    from bot.nlp.rules import _EASY_OFF_REQUEST

    with open("data/nlu/leichte_sprache.yml", encoding="utf-8") as f:
        data = yaml.safe_load(f)
    [block] = [b for b in data["nlu"] if b.get("intent") == "leichte_sprache_aus"]
    examples = [line[2:].strip() for line in block["examples"].splitlines() if line.strip()]
    assert len(examples) > 20
    assert [e for e in examples if not _EASY_OFF_REQUEST.search(e)] == []


def test_a_follow_up_naming_a_place_and_a_told_death_asks_for_the_certificate() -> None:
    """Round 52: "und für witzenhausen? da ist … verstorben" after a certificate, not the list."""
    text = "und für witzenhausen? da ist letztes jahr mein onkel verstorben"
    place = {"entity": "gemeinde", "value": "witzenhausen", "start": 8, "end": 20}
    intent, entities = refine(text, {"name": "lebenslage", "confidence": 0.9}, [place], {})
    assert intent is not None and intent["name"] == "urkunde_beantragen"
    assert ("urkundenart", "sterbeurkunde") in [(e["entity"], e["value"]) for e in entities]
    # Asking what to do after the death stays the life event's list.
    text = "Und mein Vater ist in Kassel gestorben, was muss ich jetzt alles machen?"
    place = {"entity": "gemeinde", "value": "Kassel", "start": 22, "end": 28}
    intent, _ = refine(text, {"name": "lebenslage", "confidence": 0.9}, [place], {})
    assert intent is not None and intent["name"] == "lebenslage"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Round 53: the second clause leaves out "ist … geboren".
        (
            "Unsere Tochter ist in Marburg geboren und unser Sohn in Gießen. Wo bestelle ich die Geburtsurkunden?",
            ["Marburg", "Gießen"],
        ),
        # Round 54: who speaks and where ("Landwirt hier in Tann") is no event place.
        (
            "Ich bin Landwirt hier in Tann. Mein Vater ist in Fulda gestorben, wo bekomme ich die Sterbeurkunde?",
            [],
        ),
        ("Meine Kinder sind in Heusenstamm und in Mainz geboren", ["Heusenstamm", "Mainz"]),
        # Hessian "un" and "gebore" (round 40).
        (
            "Isch bin in Gedern gebore un mei Fraa in Nidda, mir wohne abber in Ortenberg.",
            ["Gedern", "Nidda"],
        ),
    ],
)
def test_certificates_for_several_places_pair_each_told_event(text: str, expected: list[str]) -> None:
    from bot.nlp.certificates import certificate_requests

    places = [place for _, place in certificate_requests(text)]
    assert len(places) == len(expected)
    assert all(name in place for name, place in zip(expected, places, strict=True))


def test_the_speakers_occupation_and_place_is_no_event_place() -> None:
    from bot.knowledge.ereignisort import event_municipality

    text = "Ich bin Landwirt hier in Tann. Mein Vater ist im Krankenhaus in Fulda gestorben."
    found = event_municipality(text, "sterbeurkunde")
    assert found is not None and found.short_name == "Fulda"
    # Where one works may be where it happened (round 54).
    from bot.knowledge.ereignisort import named_as_residence

    text = "Ich arbeite im Pflegeheim in Bad Karlshafen. Ein Bewohner ist heute früh verstorben."
    assert not named_as_residence(text, "Bad Karlshafen")
    assert named_as_residence("Ich bin Landwirt hier in Tann.", "Tann")
    # A year or the event itself after "ich bin" is no occupation: the birth place stays.
    text = "Also, ich bin 1950 in Korbach geboren, wohne aber seit 40 Jahren in Bayern, nahe Würzburg."
    found = event_municipality(text, "geburtsurkunde")
    assert found is not None and found.short_name == "Korbach"


# Rounds 55–57 (session 21): categories found by blind authors, one test per category.


def test_ikz_funding_without_a_count_is_the_calculator_not_a_person() -> None:
    """ "babbelt … vun IKZ … gibt's da Geld defür?": talking is no request for a person."""
    from bot.nlp.ikz_cues import ikz_funding_without_count

    dialect = "Gude, unser Bürgermeister babbelt vun IKZ. Was is des eichentlich un gibt's da Geld defür?"
    intent, _ = refine(dialect, {"name": "kontakt_mensch", "confidence": 0.52}, [], None)
    assert intent is not None and intent["name"] == "ikz_foerderung"
    intent, _ = refine(
        "Was ist IKZ und gibt es da Geld dafür?", {"name": "nachfrage", "confidence": 0.9}, [], None
    )
    assert intent is not None and intent["name"] == "ikz_foerderung"
    # How long the programme runs, the totals and the procedure are other questions.
    assert not ikz_funding_without_count("Gibt es die IKZ-Förderung 2027 noch?")
    assert not ikz_funding_without_count("Wie viel Geld hat das Land für IKZ bisher ausgegeben?")
    assert not ikz_funding_without_count("Wie beantragen wir IKZ-Förderung?")
    # A person asked for in words stays the handoff.
    intent, _ = refine(
        "Ich will mit einem Menschen über IKZ-Förderung sprechen",
        {"name": "kontakt_mensch", "confidence": 0.9},
        [],
        None,
    )
    assert intent is not None and intent["name"] == "kontakt_mensch"


@pytest.mark.parametrize(
    ("text", "intent_name", "expected"),
    [
        ("Un was kannste dann so?", "goodbye", "chitchat"),
        ("Was können Sie eigentlich alles?", "nachfrage", "chitchat"),
        # A long message that only mentions it keeps the classifier's intent.
        (
            "Was kannst du so alles, ich brauche nämlich dringend eine neue Meldebescheinigung für die Bank",
            "goodbye",
            "goodbye",
        ),
    ],
)
def test_what_can_you_do_alone_is_small_talk(text: str, intent_name: str, expected: str) -> None:
    from bot.nlp.rules import CAN_DO_OVERRIDABLE, can_do_question_alone

    decided = "chitchat" if intent_name in CAN_DO_OVERRIDABLE and can_do_question_alone(text) else intent_name
    assert decided == expected


def test_a_bare_place_the_classifier_reads_as_an_unsure_order_answers_the_form() -> None:
    """ "Büdingen" after "Ich brauche eine Geburtsurkunde." fell back to the topic menu."""
    entities = [{"entity": "gemeinde", "value": "Büdingen", "start": 0, "end": 8}]
    intent, _ = refine("Büdingen", {"name": "urkunde_beantragen", "confidence": 0.25}, entities, None)
    assert intent is not None and intent["name"] == "angabe"
    # A confident order keeps its intent.
    intent, _ = refine("Büdingen", {"name": "urkunde_beantragen", "confidence": 0.95}, entities, None)
    assert intent is not None and intent["name"] == "urkunde_beantragen"


def test_a_life_event_with_its_steps_asked_beside_a_service_is_the_life_event() -> None:
    """Round 54: "Zwillinge … Was müssen wir nach der Geburt alles erledigen, und … Kinderreisepass?"."""
    from bot.nlp.rules import asks_steps_of_told_event

    text = (
        "Wir bekommen im Frühjahr Zwillinge! Was müssen wir nach der Geburt alles erledigen, und "
        "bekommen die beiden für den Sommerurlaub noch einen Kinderreisepass?"
    )
    assert asks_steps_of_told_event(text)
    intent, _ = refine(text, {"name": "online_beantragen", "confidence": 1.0}, [], None)
    assert intent is not None and intent["name"] == "lebenslage"
    assert not asks_steps_of_told_event("Was muss ich für einen Kinderreisepass alles mitbringen?")


def test_the_birth_place_may_follow_in_the_next_clause() -> None:
    """Round 52: "… unser zweites Kind bekommen, im Klinikum in Wetzlar." beside the residence Aßlar."""
    from bot.knowledge.ereignisort import event_municipality

    text = (
        "Zuerst waren wir in Gießen in der Erstaufnahme, jetzt wohnen wir in Aßlar. Meine Frau hat im "
        "März unser zweites Kind bekommen, im Klinikum in Wetzlar. Wo bekommen wir die Geburtsurkunde?"
    )
    found = event_municipality(text, "geburtsurkunde")
    assert found is not None and found.short_name == "Wetzlar"
    # A residence in the next clause is no event place.
    assert event_municipality("Unser Kind ist geboren, wir wohnen in Aßlar.", "geburtsurkunde") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Round 60: typed without commas, the residence verb starts its own clause.
        ("brauch ne geburtsurkunde bin in wetzlar geboren wohn aber in gießen", "Wetzlar"),
        ("wo bekom ich ne geburtsurkunfe bin in rüselsheim geborn wohn jetz in mainz", "Rüsselsheim am Main"),
        ("baby is da!! geboren in hanau wir wohnen in maintal wo krieg ich die geburtsurkunde", "Hanau"),
        # A residence verb at the end of a subordinate clause stays in it (round 36).
        (
            "Welches Standesamt ist zuständig, wenn ich in Limburg wohne, aber in Hadamar geboren bin?",
            "Hadamar",
        ),
    ],
)
def test_residence_typed_without_commas_is_no_event_place(text: str, expected: str) -> None:
    from bot.knowledge.ereignisort import event_municipality

    found = event_municipality(text, "geburtsurkunde")
    assert found is not None and found.short_name == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Round 60: the point of "2.0" is no sentence end.
        (
            "ozg 2.0 seit wann gilt das und welches ministerium is in hessen für die verwaltungsdigitalisierung zuständig",
            ["faq/ozg_frist", "faq/ministerium"],
        ),
        (
            "Was hat sich durch das OZG 2.0 eigentlich geändert? Und wie lange läuft die IKZ-Förderung des Landes noch?",
            ["faq/ozg_was", "faq/ikz_was"],
        ),
        # Hessian "un" before a question (round 40).
        (
            "Was is'n des OZG 2.0 un gibt's des Servicekonto Hesse eichentlich noch?",
            ["faq/ozg_was", "faq/servicekonto_bundid"],
        ),
        # Round 58: how long the IKZ procedure takes, with words between "wie lange" and "dauert".
        (
            "Ich wollte wissen, wie lange die Bearbeitung eines IKZ-Förderantrags dauert. Mein Vater ist gestern gestorben, was muss ich jetzt alles erledigen?",
            ["faq/ikz_antrag"],
        ),
        # Round 57: the KIKZ is the competence centre.
        (
            "Was ist eigentlich das KIKZ und bis wann läuft das IKZ-Förderprogramm noch?",
            ["faq/ikz_beratung", "faq/ikz_was"],
        ),
    ],
)
def test_two_questions_get_one_faq_each(text: str, expected: list[str]) -> None:
    from bot.nlp.faq_cues import clause_faqs

    assert clause_faqs(text) == expected


def test_a_deadline_question_about_ozg_2_is_not_the_ozg_answer() -> None:
    from bot.nlp.faq_cues import cued_faq

    assert cued_faq("Gibt es mit dem OZG 2.0 eine Frist für die Kommunen?") != "faq/ozg_was"
    assert cued_faq("Was hat sich mit dem OZG 2.0 geändert?") == "faq/ozg_was"
    # A legal right asked beside it is the deadlines' question (English tuning round 18).
    assert cued_faq("What is OZG 2.0 and from when do I have a legal right to online services?") is None


@pytest.mark.parametrize(
    ("text", "intent_name", "expected"),
    [
        # Round 58: an age alone after the fees.
        ("Ich bin 22.", "angabe", "nachfrage"),
        # Round 58: "Und ein Reisepass?" read as small talk.
        ("Und ein Reisepass?", "chitchat", "nachfrage"),
        # Round 58: a phone number where a real person answers.
        (
            "Ich habe dreimal versucht, einen Antrag zu stellen. Gibt es irgendwo eine Telefonnummer, wo ein echter Mensch rangeht?",
            "out_of_scope",
            "kontakt_mensch",
        ),
        # Round 58: Hessian "met em richtische Mensch schwätze" asks for a person, not easy words.
        (
            "Ach, dos es mer alles ze kompliziert. Ech will met em richtische Mensch schwätze!",
            "leichte_sprache_an",
            "kontakt_mensch",
        ),
    ],
)
def test_short_follow_ups_and_requests_for_a_person(text: str, intent_name: str, expected: str) -> None:
    entities = (
        [{"entity": "leistung", "value": "reisepass", "start": 7, "end": 17}] if "Reisepass" in text else []
    )
    intent, _ = refine(text, {"name": intent_name, "confidence": 0.7}, entities, None)
    assert intent is not None and intent["name"] == expected


def test_hessian_here_and_died_use_the_pages_municipality() -> None:
    """Round 58: "Der es hier be uns im Krankehaus gestorwe." on Alsfeld's website."""
    _, entities = refine(
        "Ech brauch die Sterbeurkunn vo mei'm Vadder. Der es hier be uns im Krankehaus gestorwe.",
        {"name": "urkunde_beantragen", "confidence": 0.9},
        [],
        {"kommune": "06535001"},
    )
    assert {"entity": "gemeinde", "value": "06535001"}.items() <= next(
        e for e in entities if e["entity"] == "gemeinde"
    ).items()


def test_dialect_counts_the_neighbouring_municipalities() -> None:
    from bot.knowledge.ikz import parse_count

    assert parse_count("Mir wolle mit zwaa Nochbergemaane unser Kass zammelegge.") == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Meine BundID von 2023 funktioniert nicht mehr. Und nebenbei: Wo melde ich ein Gewerbe an?",
            "faq/bundid_was",
        ),
        ("wie mach ich ne bundid und kann ich mein auto online abmelden?", "faq/bundid_registrieren"),
    ],
)
def test_account_questions_beside_a_service(text: str, expected: str) -> None:
    from bot.nlp.faq_cues import clause_faqs

    assert clause_faqs(text)[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Round 61: the account gone and where the notices arrive.
        (
            "mein BundID Konto ist weg obwohl ichs 2023 angelegt hab woran liegt das und wo finde ich eigentlich meine Bescheide",
            ["faq/bundid_was", "faq/postfach"],
        ),
        # Round 62: the state's internet account is the BundID.
        (
            "Was ist dieses Internetkonto vom Staat, mit dem man sich bei den Ämtern anmeldet? Und kann ich damit auch gleich meinen Personalausweis online beantragen?",
            ["faq/bundid_was"],
        ),
    ],
)
def test_account_words_citizens_use(text: str, expected: list[str]) -> None:
    from bot.nlp.faq_cues import clause_faqs

    assert clause_faqs(text) == expected


def test_technology_behind_the_portal_is_ekom21_and_online_requests_are_the_overview() -> None:
    from bot.nlp.faq_cues import asks_for_online_offer, cued_faq

    assert cued_faq("Und wer macht die Technik dahinter für die Gemeinden?") == "faq/ekom21"
    assert asks_for_online_offer("und welche Leistungen kann ich in Hessen online beantragen")
    assert asks_for_online_offer("Und wo finde ich in Hessen die Online-Anträge?")
    assert not asks_for_online_offer("Kann ich Wohngeld online beantragen?")


def test_a_certificate_with_a_request_for_a_person_is_the_certificate() -> None:
    """Round 61: "… gestorben, wo bekomme ich die Sterbeurkunde? Und kann ich auch mit jemandem persönlich sprechen?"."""
    text = "Meine Mutter ist in Bad Hersfeld gestorben, wo bekomme ich die Sterbeurkunde? Und kann ich auch mit jemandem persönlich sprechen?"
    entities = [
        {"entity": "gemeinde", "value": "Bad Hersfeld", "start": 18, "end": 30},
        {"entity": "urkundenart", "value": "sterbeurkunde", "start": 60, "end": 73},
    ]
    intent, _ = refine(text, {"name": "kontakt_mensch", "confidence": 0.46}, entities, None)
    assert intent is not None and intent["name"] == "urkunde_beantragen"


# Rounds 64–66 (session 22).


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Was ist das OZG 2.0 und heißt die BundID jetzt DeutschlandID?", ["faq/ozg_was", "faq/bundid_was"]),
        ("sterbeurkunde fulda und mein servicekonto geht nicht mehr", ["faq/servicekonto_bundid"]),
    ],
)
def test_a_second_question_after_und_is_a_clause_of_its_own(text: str, expected: list[str]) -> None:
    from bot.nlp.certificates import CLAUSES
    from bot.nlp.faq_cues import faqs_asked

    assert faqs_asked(text) == expected
    assert len([c for c in CLAUSES.split(text) if c and c.strip()]) == 2


def test_plus_between_keywords_separates_two_topics() -> None:
    from bot.nlp.certificates import CLAUSES

    clauses = [c.strip() for c in CLAUSES.split("hundesteuer anmelden + ikz antrag wie geht das") if c]
    assert clauses == ["hundesteuer anmelden", "ikz antrag wie geht das"]
    # "und" inside one request stays one clause.
    assert len([c for c in CLAUSES.split("Geburtsurkunde für mich und meine Schwester") if c]) == 1


def test_bei_euch_is_the_pages_municipality() -> None:
    text = "Gude, mir hawwe hier bei eusch uff'm Standesamt geheirat. Wie komme mer an die Eheurkund?"
    intent, entities = refine(text, {"name": "nlu_fallback", "confidence": 0.5}, [], {"kommune": MARBURG_AGS})
    assert intent == {"name": "urkunde_beantragen", "confidence": 1.0}
    assert any(e["entity"] == "gemeinde" and e["value"] == MARBURG_AGS for e in entities)


def test_a_place_put_right_is_a_place_not_a_complaint() -> None:
    text = "Ach nein, Quatsch, das war in Mainz-Kastel, nicht Würzburg."
    entities = [
        {**place("Mainz-Kastel"), "start": text.index("Mainz"), "end": text.index("Mainz") + 12},
        {**place("Würzburg"), "start": text.index("Würzburg"), "end": text.index("Würzburg") + 8},
    ]
    intent, refined = refine(text, {"name": "unzufrieden", "confidence": 1.0}, entities, {})
    assert intent == {"name": "angabe", "confidence": 1.0}
    assert [e["value"] for e in refined if e["entity"] == "gemeinde"] == ["Mainz-Kastel"]
    # Without a place it stays a complaint.
    assert refine("Quatsch, das hilft nicht", {"name": "chitchat", "confidence": 0.9}, [], {})[0] == {
        "name": "unzufrieden",
        "confidence": 1.0,
    }


@pytest.mark.parametrize(
    "text",
    [
        "Das ist doch Abzocke. Ich will mich beschweren, mit wem kann ich da reden?",
        "Ich möchte mich beschweren.",
    ],
)
def test_a_complaint_gets_an_apology_and_a_person(text: str) -> None:
    assert refine(text, {"name": "nlu_fallback", "confidence": 0.4}, [], {})[0] == {
        "name": "unzufrieden",
        "confidence": 1.0,
    }


@pytest.mark.parametrize(
    "text",
    ["Unser Klaa kimmt im Mai. Was misse mer dann alles erledische?", "Mer krieje e Kinnsche!"],
)
def test_a_baby_on_its_way_in_dialect_is_the_birth(text: str) -> None:
    from actions.lebenslagen import detect, load_lebenslagen

    event = detect(text, load_lebenslagen())
    assert event is not None and event.id == "geburt"


def test_a_residence_after_the_event_without_commas_leaves_the_event_place() -> None:
    from bot.knowledge.ereignisort import event_municipality

    text = (
        "wir haben damals in wiesbaden geheiratet wohnen aber seit jahren in gießen jetzt ziehen wir "
        "nach kassel was müssen wir beim umzug machen und wo gibts die eheurkunde"
    )
    found = event_municipality(text, "eheurkunde")
    assert found is not None and found.short_name == "Wiesbaden"


# Rounds 67–69 (session 22).


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "mein altes servicekonto hessen geht nicht mehr außerdem geht die bundid auch mit elster",
            ["faq/servicekonto_bundid", "faq/eid_elster"],
        ),
        (
            "was isn des BundID fer e Ding un wie krieh isch des",
            ["faq/bundid_was", "faq/bundid_registrieren"],
        ),
        ("Was ist die BundID und wie bekomme ich die?", ["faq/bundid_was", "faq/bundid_registrieren"]),
        (
            "Brauchen Firmen so ein spezielles Konto für Behördensachen? ELSTER hab ich privat schon, reicht das?",
            ["faq/unternehmenskonto"],
        ),
    ],
)
def test_second_account_questions_in_one_message(text: str, expected: list[str]) -> None:
    from bot.nlp.faq_cues import faqs_asked

    assert faqs_asked(text) == expected


@pytest.mark.parametrize(
    ("text", "place_text"),
    [
        ("un mei Fraa, die is in Offebach gebore", "Offebach"),
        ("des Kind kimmt in Gieße uff die Welt", "Gieße"),
        ("wir haben in Bad Nauhiem geheiratet", "Bad Nauhiem"),
        ("wir haben in der Kirche in Wetzlar geheiratet", "Wetzlar"),
    ],
)
def test_a_told_events_place_the_ruler_missed_is_a_place(text: str, place_text: str) -> None:
    _, entities = refine(text, {"name": "angabe", "confidence": 0.7}, [], {})
    assert [e["value"] for e in entities if e["entity"] == "gemeinde"] == [place_text]


def test_no_place_is_made_up_from_a_told_event_without_one() -> None:
    _, entities = refine(
        "Meine Oma ist im Krankenhaus gestorben", {"name": "lebenslage", "confidence": 0.9}, [], {}
    )
    assert not [e for e in entities if e["entity"] == "gemeinde"]


@pytest.mark.parametrize(
    "text",
    [
        "Isch bin do bei eich in de Stadt gebore",
        "Und wenn wir hier heiraten",
        "wo bekomm ich hier eine Geburtsurkunde",
        "wer ist denn hier zuständig?",
    ],
)
def test_more_ways_to_say_here(text: str) -> None:
    assert refers_to_here(text)


def test_ich_meinte_with_a_place_corrects_the_place() -> None:
    text = "nein, Entschuldigung, ich meinte Gießen"
    entities = [
        {
            "entity": "leistung",
            "value": "Entschuldigung",
            "extractor": "DIETClassifier",
            "start": 6,
            "end": 20,
        },
        {**place("Gießen"), "start": text.index("Gießen"), "end": len(text)},
    ]
    intent, refined = refine(text, {"name": "angabe", "confidence": 1.0}, entities, {})
    assert intent == {"name": "angabe", "confidence": 1.0}
    assert [e["entity"] for e in refined] == ["gemeinde"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("gibt es bis dahin einen vorläufigen?", "goodbye"),
        ("was brauche ich sonst noch?", "nlu_fallback"),
    ],
)
def test_short_follow_ups_misread_as_goodbye_or_nothing(text: str, intent: str) -> None:
    assert refine(text, {"name": intent, "confidence": 0.74}, [], {})[0] == {
        "name": "nachfrage",
        "confidence": 1.0,
    }


def test_a_farewell_stays_a_farewell() -> None:
    goodbye = {"name": "goodbye", "confidence": 0.9}
    assert refine("Tschüss, bis dann!", goodbye, [], {})[0] is goodbye


def test_the_weather_in_dialect_is_out_of_scope_not_a_place() -> None:
    text = "waaßt du wie des Wedder morsche werd in Frankfort"
    start = text.index("Frankfort")
    intent, entities = refine(
        text,
        {"name": "angabe", "confidence": 0.57},
        [{**place("Frankfort"), "start": start, "end": start + 9}],
        {},
    )
    assert intent == {"name": "out_of_scope", "confidence": 1.0}
    assert not [e for e in entities if e["entity"] == "gemeinde"]


@pytest.mark.parametrize(
    "text",
    [
        "Ich warte seit drei Wochen auf eine Antwort vom Bürgerbüro, das ist doch unmöglich!",
        "Also des is doch e Frechheit! Isch will endlich mit em Mensche redde!",
    ],
)
def test_outrage_gets_an_apology(text: str) -> None:
    assert refine(text, {"name": "kontakt_mensch", "confidence": 0.9}, [], {})[0] == {
        "name": "unzufrieden",
        "confidence": 1.0,
    }


# Rounds 70–72 (session 22).


@pytest.mark.parametrize(
    "text",
    [
        "wo melde ich den hier an?",
        "und wo mache ich das hier?",
        "und die Stadtverwaltung hier?",
        "Un wo mach isch des bei uns?",
    ],
)
def test_where_here_on_a_municipal_page_is_a_follow_up_for_that_place(text: str) -> None:
    intent, entities = refine(text, {"name": "chitchat", "confidence": 0.8}, [], {"kommune": MARBURG_AGS})
    assert intent == {"name": "nachfrage", "confidence": 1.0}
    assert [e["value"] for e in entities if e["entity"] == "gemeinde"] == [MARBURG_AGS]
    # Without the page's municipality nothing is made up.
    assert not [
        e
        for e in refine(text, {"name": "chitchat", "confidence": 0.8}, [], {})[1]
        if e["entity"] == "gemeinde"
    ]


def test_a_told_birth_after_und_is_the_certificate_for_its_place() -> None:
    text = "und meine Schwester ist in Melsungen geboren"
    start = text.index("Melsungen")
    for intent in ("chitchat", "faq"):
        refined, entities = refine(
            text,
            {"name": intent, "confidence": 1.0},
            [{**place("Melsungen"), "start": start, "end": start + 9}],
            {},
        )
        assert refined == {"name": "urkunde_beantragen", "confidence": 1.0}
        assert any(e["entity"] == "urkundenart" and e["value"] == "geburtsurkunde" for e in entities)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ich brauche eine Geburtsurkunde aus Limburg und möchte mich für die BundID registrieren.", 2),
        ("Eheurkunde aus Bad Homburg; und wie richte ich die BundID mit meinem Personalausweis ein?", 2),
    ],
)
def test_a_wish_after_und_is_a_clause_of_its_own(text: str, expected: int) -> None:
    from bot.nlp.certificates import CLAUSES
    from bot.nlp.faq_cues import faqs_asked

    assert len([c for c in CLAUSES.split(text) if c and c.strip()]) == expected
    assert faqs_asked(text) == ["faq/bundid_registrieren"]


def test_hessian_words_that_look_english_keep_a_message_german() -> None:
    from bot.nlp.language import detect

    assert detect("unn mei alt Servicekonto, was is do demit?") == "de"
    assert detect("Is Wohngeld available online in Darmstadt?") == "en"
    assert detect("How do I register for the BundID?") == "en"


def test_a_residence_with_an_adverb_of_time_is_still_a_residence() -> None:
    from bot.knowledge.ereignisort import named_as_residence

    text = "Wir haben hier geheiratet, wohnen aber inzwischen in Weilburg. Wo bekommen wir die Eheurkunde?"
    assert named_as_residence(text, "Weilburg")
    intent, entities = refine(
        text,
        {"name": "urkunde_beantragen", "confidence": 1.0},
        [{**place("Weilburg"), "start": text.index("Weilburg"), "end": text.index("Weilburg") + 8}],
        {"kommune": MARBURG_AGS},
    )
    assert MARBURG_AGS in [e["value"] for e in entities if e["entity"] == "gemeinde"]


def test_meine_is_no_correction_and_an_event_here_is_no_question_for_the_administration() -> None:
    text = (
        "Für die SV: Was kostet ein Personalausweis für Schüler unter 24, und wo bekomme ich meine "
        "Geburtsurkunde? Ich bin in Nidda geboren."
    )
    start = text.index("Nidda")
    intent, _ = refine(
        text, {"name": "faq", "confidence": 0.6}, [{**place("Nidda"), "start": start, "end": start + 5}], {}
    )
    assert intent["name"] != "angabe"
    text = "Ich bin in Kostheim geboren, ist das hier zuständig?"
    start = text.index("Kostheim")
    intent, _ = refine(
        text,
        {"name": "faq", "confidence": 0.9},
        [{**place("Kostheim"), "start": start, "end": start + 8}],
        {"kommune": "06414000"},
    )
    assert intent["name"] != "nachfrage"


def test_where_here_keeps_a_faq_and_the_online_overview() -> None:
    faq = {"name": "faq", "confidence": 0.95}
    assert refine("Wo bekomme ich hier eine BundID?", faq, [], {"kommune": MARBURG_AGS})[0] is faq
    online = {"name": "online_beantragen", "confidence": 0.95}
    assert refine("Wo finde ich hier die Online-Dienste?", online, [], {"kommune": MARBURG_AGS})[0] is online


def test_where_here_read_as_an_online_request_is_the_follow_up() -> None:
    online = {"name": "online_beantragen", "confidence": 0.9}
    intent, _ = refine("wo melde ich den hier an?", online, [], {"kommune": MARBURG_AGS})
    assert intent == {"name": "nachfrage", "confidence": 1.0}


def test_impatience_beside_the_wish_for_a_person_is_a_complaint() -> None:
    faq = {"name": "faq", "confidence": 1.0}
    text = "seid 3 tagen versuch ich mich bei der bundid anzumelden und nix klappt!!! ich will jetz endlich mit nem menschen redn"
    assert refine(text, faq, [], {})[0]["name"] == "unzufrieden"
    # A calm wish for a person stays the handoff.
    unsure = {"name": "out_of_scope", "confidence": 0.5}
    assert refine("Ich möchte mit einem Menschen sprechen", unsure, [], {})[0]["name"] == "kontakt_mensch"


def test_an_age_with_a_particle_after_a_fee_answer_is_a_follow_up() -> None:
    out_of_scope = {"name": "out_of_scope", "confidence": 0.98}
    assert refine("ich bin aber erst 19", out_of_scope, [], {})[0]["name"] == "nachfrage"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Whether an account is needed at all, not how to register.
        (
            "Muss ich fuer jeden Online-Antrag ein Konto anlegen oder geht das manchmal auch ohne?",
            "faq/ohne_konto",
        ),
        ("Kann ich die BundID auch ohne Ausweis anlegen?", "faq/bundid_registrieren"),
        # Not wanting the account any more: the deletion (faq/bundid_was).
        (
            "Was ist, wenn ich das Konto nicht mehr haben will, bleibt das dann ewig gespeichert?",
            "faq/bundid_was",
        ),
    ],
)
def test_account_questions_by_their_cue(text: str, expected: str) -> None:
    from bot.nlp.faq_cues import faqs_asked

    assert faqs_asked(text) == [expected]


def test_where_to_apply_for_it_with_a_residence_is_a_follow_up_not_a_certificate() -> None:
    certificate = {"name": "urkunde_beantragen", "confidence": 0.68}
    fulda = [{"entity": "gemeinde", "value": "Fulda", "start": 38, "end": 43}]
    assert (
        refine("Und wo beantrage ich das? Ich wohne in Fulda.", certificate, fulda, {})[0]["name"]
        == "nachfrage"
    )
    # A birth told with it stays the certificate.
    born = [{"entity": "gemeinde", "value": "Fulda", "start": 31, "end": 36}]
    text = "Wo bekomme ich die? Ich bin in Fulda geboren."
    assert (
        refine(text, {"name": "urkunde_beantragen", "confidence": 0.9}, born, {})[0]["name"]
        == "urkunde_beantragen"
    )


def test_being_angry_is_dissatisfaction() -> None:
    unsure = {"name": "nlu_fallback", "confidence": 0.5}
    assert (
        refine("Ich bin echt sauer, hier kommt nichts Vernünftiges", unsure, [], {})[0]["name"]
        == "unzufrieden"
    )


def test_hessian_wish_for_someone_to_call_is_a_handoff() -> None:
    text = "Gibt's do kaan Mensch, wo mer aarufe kann?"
    assert refine(text, {"name": "nlu_fallback", "confidence": 0.5}, [], {})[0]["name"] == "kontakt_mensch"
