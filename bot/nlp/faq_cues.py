"""Which FAQ answer a question gets when its words decide (Rasa-free).

The ResponseSelector spreads some questions over neighbouring FAQs; a topic word and a cue
make them certain (:func:`cued_faq`: "BundID gelöscht", "Servicekonto Login", "Wer berät uns
zur IKZ?"). A message with several questions gets one answer per question (:func:`faq_answers`),
and a FAQ picked for an order or a service question is recognised as misread.
"""

from __future__ import annotations

import re
from typing import Any

from bot.knowledge.dialekt import standardise
from bot.knowledge.ereignisort import tells_event
from bot.knowledge.services import load_services, names_a_service
from bot.nlp.certificates import (
    CANONICAL_KINDS,
    CERTIFICATE_INTENT,
    CLAUSES,
    certificate_kind,
    certificate_question,
    has_cue_of,
)
from bot.nlp.ikz_cues import ikz_funding_question

# Intents a certificate question may be misread as; the FAQ it belongs to is set instead.
_QUESTION_OVERRIDABLE = frozenset(
    {"urkunde_beantragen", "angabe", "online_beantragen", "standesamt_suchen", "faq", "chitchat"}
)
FAQ_INTENT = "faq"
# Below this confidence the FallbackClassifier (config.yml, threshold 0.5) or a near tie would
# answer with the topic menu; a named service or a cued question is the better guess.
UNSURE = 0.6


# Questions whose answer is one FAQ however they are worded: a topic word and a cue. "Wird
# meine BundID gelöscht, wenn ich sie nicht benutze?" (the deletion after 24 months is in
# faq/bundid_was), "Brauche ich die BundID oder gibt es was für Firmen?", "Servicekonto
# Hessen Login", "Wer hilft uns bei de interkommunale Zusammenarbeit?". The classifier
# spreads them over neighbouring FAQs or, in long messages, falls back.
_ACCOUNT = r"bund\s*-?\s*id|servicekonto|nutzerkonto|\bkonto\b|\baccount\b"
# A word for the citizen's account (a question with it may be an account FAQ).
ACCOUNT_WORD = re.compile(_ACCOUNT, re.IGNORECASE)
_IKZ = r"interkommunal|\bikz\b|inter-?\s?municipal"
_MINISTRY = r"ministeri|ministry|\bhmdi\b"
# The EU's wallet: the login ways' answer says it is planned from 2027.
# Not "my wallet got stolen with my Personalausweis inside".
_WALLET = re.compile(
    r"\beudi\b|\b(?:eu|digital\w*|id|e-?id|identity|ausweis)\s*-?\s*wallet|\bwallet\s+(?:app|der\s+eu|of\s+the\s+eu)",
    re.IGNORECASE,
)
# The ID card's online function (eID): a way to log in.
_ID_FUNCTION = re.compile(
    r"online-?\s?funktion|onlinefunktion|ausweisfunktion|online-?\s?ausweis|\beid\b|online[- ]id\b",
    re.IGNORECASE,
)
# Logging in with the ID card, named without its online function: "Wie logge ich mich mit
# meinem Personalausweis ein?", "Mit welcher App lese ich meinen Ausweis aus?", "Ausweis auf
# dem Handy" (not "den Ausweis mit dem Handy beantragen": that is the ID card service).
_ID_CARD = r"(?:ausweis|\bperso\b|\bid\s*card)"
_LOGGING_IN = r"(?:\blogg\w*|\beinlogg\w*|\b(?:aus)?les(?:e|en)\b|\bliest\b|ausweis-?app|sign(?:ing)?\s+in|\blog\s*-?\s*in)"
_ID_CARD_LOGIN = re.compile(
    # Short messages only: a long story that tells how the citizen logged in once asks
    # something else ("… musste mich mit meinem Ausweis und der App anmelden. Wo ist mein Bescheid?").
    r"^(?=[\s\S]{0,140}$)(?:"
    rf"[\s\S]*?(?:{_ID_CARD}[\s\S]{{0,60}}?{_LOGGING_IN}|{_LOGGING_IN}[\s\S]{{0,60}}?{_ID_CARD}|ausweis\s*-?\s*app)"
    # Not the passport photo taken with the phone ("mei Passbild … selwer mit em Handy mache").
    r"|(?![\s\S]*(?:beantrag|verl(?:ä|ae)nger|apply|renew|passbild|passfoto|\bfoto|\bbild\b|photo|picture))[\s\S]*?"
    rf"(?:(?:handy|smartphone)[\s\S]{{0,40}}?{_ID_CARD}|{_ID_CARD}[\s\S]{{0,40}}?(?:handy|smartphone))"
    r")",
    re.IGNORECASE,
)
# A company or a club as the account's owner ("für Firmen", "für unseren Sportverein", "business
# account"), not the employer of a newcomer's story ("my company transferred me").
_COMPANY_OWNER = re.compile(
    r"unternehmenskonto|organisationskonto|\b(?:gmbh|gbr|ohg|e\.\s?k\.)(?=\W|$)|\b(?:f(?:ü|ue)r|als)\s+(?:eine?n?\s+|meine?n?\s+|unsere?n?\s+|die\s+)?"
    r"(?:firm(?:a|en)|unternehm\w*|betrieb\w*|gewerbe\w*|\w*verein\w*)"
    # "BundID Firma Konto ELSTER Organisationszertifikat", "which account do organisations use"
    r"|organisationszertifikat|\bfirm(?:a|en)\s+konto|\bkonto\s+firm(?:a|en)\b|organi[sz]ations?\s+use"
    # "Womit meldet sich ein Verein bei Online-Diensten an, auch mit BundID?": the club as subject.
    r"|\b(?:ein|eine|unser|unsere)\s+(?:\w*verein|firma|unternehmen|betrieb)\b"
    # "welches Konto braucht meine kleine Firma?"
    r"|\b(?:meine?[nmrs]?|unsere?[nmrs]?)\s+(?:\w+\s+)?(?:firma|firmen|unternehmen|gmbh|\w*verein)\b"
    r"|(?:business|company|companies|firm)\s+account|account\s+for\s+(?:a\s+|my\s+|our\s+)?"
    r"(?:business(?:es)?|compan(?:y|ies)|firm)|for\s+(?:businesses|companies)",
    re.IGNORECASE,
)
# "What is …?" asked of a topic: "Was genau ist eigentlich …", Hessian "was is'n des …".
# Narrower than _WHAT_IS below, which also takes "wer macht …" to split a long message into
# its questions.
_WHAT_IS_ASKED = re.compile(
    r"\b(?:what|was)\s+(?:genau\s+|eigentlich\s+|exactly\s+|actually\s+)?(?:is|ist|is'?n|bedeutet|means?)\b"
    r"|\bwhat'?s\b|\bmeaning\b|erkl(?:ä|ae)r|explain",
    re.IGNORECASE,
)
_CUED_FAQS = (
    (
        # First: a company's account is the question even where ELSTER or the BundID is named.
        "faq/unternehmenskonto",
        re.compile(_ACCOUNT, re.IGNORECASE),
        _COMPANY_OWNER,
    ),
    (
        # "Alle babbele von som Unternehmenskonto fer die Ämter. Was is des un wie krieg isch des?"
        "faq/unternehmenskonto",
        re.compile(r"unternehmenskonto|organisationskonto", re.IGNORECASE),
        re.compile(
            r"\bwas\s+(?:ist|is)\b|was\s+bedeutet|wie\s+(?:krieg|kriege|bekomm|komm)|wof(?:ü|ue)r|brauch|anleg|registrier",
            re.IGNORECASE,
        ),
    ),
    (
        # "und wird mein altes Konto automatisch übernommen?" after the Servicekonto answer: it
        # was not; the citizen registers anew with the BundID.
        "faq/servicekonto_bundid",
        re.compile(r"\balte[sn]?\s+(?:service)?konto|\bold\s+account", re.IGNORECASE),
        re.compile(
            r"(?:ü|ue)bernomm|(?:ü|ue)bertrag|automatisch|migrier|weiter\s+nutzen|mitgenommen"
            r"|transferr|migrat|carried\s+over|automatic",
            re.IGNORECASE,
        ),
    ),
    (
        # "Wofür ist das Postfach in der BundID da?": the mailbox's answer (notices arrive there).
        "faq/postfach",
        re.compile(r"postfach|mailbox|\binbox\b", re.IGNORECASE),
        re.compile(
            r"bund\s*-?\s*id|konto|account|wof(?:ü|ue)r|wozu|was\s+(?:ist|bringt|soll)|what|bescheid|nachricht",
            re.IGNORECASE,
        ),
    ),
    (
        # "… und wo finde ich eigentlich meine Bescheide?": they arrive in the BundID's Postfach.
        "faq/postfach",
        re.compile(r"\bbescheide?\b|\bdecisions?\b", re.IGNORECASE),
        re.compile(
            r"\bwo\s+(?:finde|kriege?|bekomme?|sehe|lese)\b|\bwo\s+kommen\b|\bwhere\s+(?:do|can|will)\s+i\s+(?:find|get|see)",
            re.IGNORECASE,
        ),
    ),
    (
        # "Is the DeutschlandID already available?", "Gibt es die DeutschlandID schon?": the BundID's
        # answer says the new name is announced and not yet started (session 19).
        "faq/bundid_was",
        re.compile(r"deutschland\s*-?\s*id\b", re.IGNORECASE),
        re.compile(
            r"verf(?:ü|ue)gbar|\bschon\b|bereits|\bwann\b|gibt\s+es|\bkommt|\bstart|was\s+ist|ersetz|\bneu"
            # "… und heißt die BundID jetzt DeutschlandID?"
            r"|\bhei(?:ß|ss)t\b|umbenannt|\bjetzt\b"
            r"|availab|already|\byet\b|\bwhen\b|launch|what\s+is|replac|\bnew\b|\bexist",
            re.IGNORECASE,
        ),
    ),
    (
        # "EUDI wallet Germany available now?": the login ways' answer says it is planned from
        # 2027. Only when no other FAQ topic is named; beside another question it is answered
        # per clause (_clause_faq).
        "faq/eid_elster",
        _WALLET,
        re.compile(
            r"\A(?![\s\S]*(?:\bozg\b|bund\s*-?\s*id|servicekonto|civento|ekom21|\bikz\b|interkommunal))",
            re.IGNORECASE,
        ),
    ),
    (
        # "hiii u speak english?? my german is soooo bad", "Kann ich Ihnen auch auf Englisch schreiben?",
        # "Babbelst du aach Hessisch odder nur Hochdeutsch?"
        "faq/sprachen",
        re.compile(
            r"\b(?:speak|talk|write|understand|answer|reply|sprechen|sprichst|spricht|schreiben"
            r"|verstehen?|verstehst|antworten|antwortest|babbel(?:st|t|e|n)?|k(?:ö|oe)nnen\s+sie|kannst\s+du)\b"
            r"(?:\s+\w+){0,3}?\s+(?:in\s+|auf\s+)?(?:english|englisch|hessisch|hochdeutsch|dialekt|mundart)\b",
            re.IGNORECASE,
        ),
        # Only a short message is a question about the language itself: "I don't understand
        # German, what is the BundID?" asks about the BundID.
        re.compile(r"\A[\s\S]{0,80}\Z"),
    ),
    (
        # "How much is the Personalausweis, and can I use it afterwards to log in to BundID?":
        # logging in with the ID card is the login ways' answer.
        "faq/eid_elster",
        re.compile(r"bund\s*-?\s*id", re.IGNORECASE),
        re.compile(
            r"\b(?:use|using)\s+(?:it|this|that)\b.{0,40}\blog\s*-?\s*in\b"
            r"|\b(?:damit|mit\s+(?:ihm|dem|meinem\s+(?:perso|personalausweis|ausweis)))\b.{0,40}\b(?:einlogg|anmeld)",
            re.IGNORECASE,
        ),
    ),
    (
        # "Kann ich mich bei der BundID auch mit ELSTER anmelden?": the trust levels of the login ways.
        "faq/eid_elster",
        re.compile(r"\belster\b", re.IGNORECASE),
        re.compile(
            r"anmeld|einlogg|login|log\s+in|nutz|verwend|benutz|zertifikat|\buse\b|\bsign\s+in|certificate",
            re.IGNORECASE,
        ),
    ),
    (
        # "Wie unterstützt das Land Gemeinden, die zusammenarbeiten wollen?": IKZ, not the
        # digitalisation programme.
        "faq/ikz_was",
        re.compile(
            r"(?:gemeinden|kommunen|municipalities)\b.{0,40}(?:zusammenarbeit|kooperier|cooperat|work\s+together)",
            re.IGNORECASE,
        ),
        re.compile(r"unterst(?:ü|ue)tz|f(?:ö|oe)rder|\bhilft\b|support|\bfund", re.IGNORECASE),
    ),
    (
        # "Muss ich für jeden Online-Antrag ein Konto anlegen oder geht das auch ohne?": whether an
        # account is needed at all (guest access), not how to register.
        "faq/ohne_konto",
        re.compile(_ACCOUNT, re.IGNORECASE),
        re.compile(r"\bauch\s+ohne\s*(?:[?.!]|$)|f(?:ü|ue)r\s+jeden\s+(?:online-?\s?)?antrag", re.IGNORECASE),
    ),
    (
        # "no german passport only aufenthaltstitel card, can i still make this BundID?"
        "faq/bundid_registrieren",
        re.compile(r"bund\s*-?\s*id", re.IGNORECASE),
        re.compile(
            r"aufenthaltstitel|residence\s+(?:permit|title|card)|no\s+german\s+(?:passport|id)"
            r"|ohne\s+(?:deutschen?\s+)?(?:pass|ausweis)|kein(?:en)?\s+deutschen?\s+(?:pass|ausweis)",
            re.IGNORECASE,
        ),
    ),
    (
        # "… some common platform, I think it was called civento. Who actually runs civento?"
        "faq/civento",
        re.compile(r"\bcivento\b", re.IGNORECASE),
        re.compile(
            r"\bwho\s+(?:actually\s+|really\s+)?(?:runs|operates|owns|makes|is\s+behind|provides)"
            r"|\bwer\s+(?:\w+\s+)?(?:betreibt|steckt|macht|entwickelt|stellt)|\bwas\s+ist\b|\bwhat\s+is\b",
            re.IGNORECASE,
        ),
    ),
    (
        # "Brauche ich für die BundID unbedingt die Online-Ausweisfunktion?", "… mein Perso mit dem
        # PIN-Zeuch oder geht des aach annerschd?": the registration FAQ names the other ways
        # (ELSTER certificate, user name and password).
        "faq/bundid_registrieren",
        re.compile(r"bund\s*-?\s*id", re.IGNORECASE),
        re.compile(
            r"(?:brauch|unbedingt|n(?:ö|oe)tig|zwingend|muss|need|have\s+to|required).{0,60}"
            r"(?:online-?\s?ausweis|ausweisfunktion|\bpin\b|\beid\b|perso\b|personalausweis|id\s+card)",
            re.IGNORECASE,
        ),
    ),
    (
        # "Wer setzt das in Hessen technisch für die Kommunen um?": the municipal IT provider.
        "faq/ekom21",
        re.compile(
            # "Und wer macht die Technik dahinter für die Gemeinden?"
            r"technisch|\btechnik\b|\bit-?dienstleister|rechenzentrum|\btechnically\b|it\s+provider",
            re.IGNORECASE,
        ),
        re.compile(
            r"\bsetz\w*\b.{0,60}\bum\b|umsetz|betreib|\bwer\s+macht|who\s+(?:runs|builds|implements|does)",
            re.IGNORECASE,
        ),
    ),
    (
        # "Ist mein Servicekonto Hessen noch gültig? … seitdem nicht mehr benutzt.": the old
        # account was replaced (not the BundID's deletion after 24 months, unless it is named).
        "faq/servicekonto_bundid",
        re.compile(r"^(?!.*bund\s*-?\s*id).*(?:servicekonto|service\s+account)", re.IGNORECASE | re.DOTALL),
        re.compile(
            r"g(?:ü|ue)ltig|\bvalid|\bnoch\b|nicht\s+mehr\s+(?:be)?nutz|einlogg|log\s*-?\s*in|\bstill\b"
            r"|(?:geht|funktioniert)\s+(?:\w+\s+){0,3}(?:nicht|net)\s+mehr"
            # "Ich komme mit meinem Servicekonto Hessen nicht mehr rein", "Passwort vergessen"
            r"|(?:nicht|net)\s+mehr\s+rein|passwort",
            re.IGNORECASE,
        ),
    ),
    (
        "faq/bundid_was",
        re.compile(_ACCOUNT, re.IGNORECASE),
        re.compile(
            r"l(?:ö|oe|o)sch|existiert\s+nicht\s+mehr|nicht\s+mehr\s+(?:zu\s+)?existier|gibt\s+es\s+nicht\s+mehr"
            # "… es heißt, das Konto gibt es nicht": deleted after 24 months unused.
            r"|konto\s+(?:gibt\s+es|existiert)\s+nicht|konto\s+nicht\s+gefunden|kein\s+konto\s+gefunden"
            # "… wenn ich das Konto nicht mehr haben will, bleibt das dann ewig gespeichert?"
            r"|nicht\s+mehr\s+(?:haben|brauchen)\s+will|(?:ewig|immer|f(?:ü|ue)r\s+immer)\s+gespeichert"
            r"|verf(?:ä|ae)llt|inaktiv|konto\s+(?:\w+\s+)?l(?:ö|oe)sen\b"
            # "Meine BundID von 2023 … funktioniert nicht mehr": perhaps deleted after 24 months.
            r"|funktioniert\s+(?:\w+\s+)?nicht\s+mehr"
            # "mein BundID Konto ist weg obwohl ichs 2023 angelegt hab"
            r"|konto\s+(?:ist\s+)?(?:einfach\s+)?weg\b"
            # "… gibt es das Konto überhaupt noch?"
            r"|gibt\s+es\s+(?:das|mein|dein|ihr)\s+konto\s+(?:(?:ü|ue)berhaupt\s+)?noch\b"
            r"|(?:nicht|nich|net|nie)\s+(?:mehr\s+|wieder\s+)?(?:be|ge)?nutz|nicht\s+(?:mehr\s+)?einlogg|irgendwann\s+weg|dann\s+weg\b"
            r"|delet|no\s+longer\s+exist|expire|inactive|not\s+used|(?:never|don'?t|do\s+not)\s+(?:log\s*in|use\b)"
            # "After that I never logged in again … my account just does not seem to exist anymore."
            r"|(?:does\s*n[o']?t|doesn'?t)\s+(?:seem\s+to\s+)?exist|never\s+logged\s+in"
            # "And does the BundID cost anything?", "Kostet die BundID etwas?": the answer says it is free.
            r"|bund\s*-?\s*id\W+(?:\w+\W+){0,2}?cost|\bkostet\s+(?:die\s+)?bund\s*-?\s*id"
            # "… and does the account cost anything?" beside another BundID question.
            r"|\baccount\W+(?:\w+\W+){0,2}?cost|\bkostet\s+(?:das|mein|ein)\s+konto",
            re.IGNORECASE,
        ),
    ),
    (
        # "Ich hab meins 2023 angelegt und seitdem nie wieder benutzt. Geht das noch?", "I made one
        # in 2023 and never logged in again": an account made and never used (no account word
        # after a BundID answer) is the deletion after 24 months of the BundID's answer.
        "faq/bundid_was",
        re.compile(
            r"angelegt|erstellt|registriert|eingerichtet|gemacht"
            r"|\b(?:made|created|set\s+up|opened)\s+(?:one|it|mine|an?\s+account)\b",
            re.IGNORECASE,
        ),
        re.compile(
            r"\bnie\s+(?:wieder\s+|mehr\s+)?(?:be|ge)?nutzt|\bnie\s+(?:wieder\s+|mehr\s+)?(?:eingeloggt|angemeldet|gebraucht)"
            r"|\bnever\s+(?:logged|signed)\s+in|\bnever\s+used\s+it",
            re.IGNORECASE,
        ),
    ),
    (
        "faq/servicekonto_bundid",
        re.compile(r"servicekonto|service\s+account", re.IGNORECASE),
        re.compile(
            r"geworden|log\s*-?\s*in|einlogg|noch\s+(?:be)?nutz|(?:ü|ue)bernomm|(?:ü|ue)bertrag|still\s+use"
            r"|what\s+happened|transferr|wird\s+aus|what\s+happens\s+(?:to|with)"
            # "how do I move from Servicekonto to BundID", "vom Servicekonto zur BundID wechseln"
            r"|\b(?:move|switch|migrat\w*)\s+(?:\w+\s+)?from|wechsel|umstieg|umsteig|umzieh",
            re.IGNORECASE,
        ),
    ),
    (
        "faq/servicekonto_bundid",
        re.compile(r"servicekonto|service\s+account", re.IGNORECASE),
        # "Was ist der Unterschied zwischen dem Servicekonto Hessen und der BundID?"
        re.compile(
            r"gibt\s+es\s+.*\bnoch\b|existiert\s+.*\bnoch\b|still\s+exist|unterschied|difference"
            # "Das Servicekonto Hessen gibts ja nicht mehr, oder?"
            r"|gibt\s*'?s\b.*\b(?:noch|nicht\s+mehr)\b|gibt\s+es\s+.*\bnicht\s+mehr\b",
            re.IGNORECASE,
        ),
    ),
    (
        "faq/bundid_registrieren",
        re.compile(_ACCOUNT, re.IGNORECASE),
        re.compile(
            r"\banleg|\blege\b.*\ban\b|einricht|\bricht\w*\b.*\bein\b|erstell|registrier|er(?:ö|oe)ffn|\bcreate|set\s*(?:it\s*|one\s*)?up"
            r"|sign\s*up|register\s+(?:for\s+)?(?:a|an|the|my)?\s*(?:bund\s*id|account)"
            r"|\beu[-\s]?(?:b(?:ü|ue)rger|citizen)|ausl(?:ä|ae)nd|foreign"
            r"|no\s+german\s+id|kein(?:en)?\s+deutschen\s+(?:ausweis|pass)|residence\s+permit"
            # "… braucht so eine BundID. Was braucht man denn dafür?": what registering needs.
            r"|was\s+brauch\w*\s+(?:man|ich|sie|wir)\b|what\s+do\s+(?:i|you|we)\s+need\b"
            # "Wie krie isch etz so e BundID?", "how do I get a BundID?": getting one is registering.
            r"|\bwie\s+(?:krieg\w*|krie|bekomm\w*)\s+(?:ich|isch|man|mer|wir)\s+(?:\w+\s+){0,2}(?:e|eine?|ne|so\s+e)\s+bund"
            # "wie mach ich ne bundid": making one is registering.
            r"|\bwie\s+mach\w*\s+(?:ich|isch|man|mer|wir)\s+(?:\w+\s+){0,2}(?:e|eine?|ne|so\s+e)\s+bund"
            r"|\bhow\s+(?:do|can)\s+i\s+get\s+(?:a|an|one)\s+bund",
            re.IGNORECASE,
        ),
    ),
    (
        # "Und brauch ich da so ein Konto für?" after the Verwaltungsportal: whether an account
        # is needed at all. Only with a word pointing back or "ohne": "Brauche ich für die
        # Geburtsurkunde eine BundID?" is the certificate's own question (urkunde_konto).
        "faq/ohne_konto",
        re.compile(r"\bkonto\b|\baccount\b|bund\s*-?\s*id", re.IGNORECASE),
        re.compile(
            r"brauch\w*\s+(?:ich|man|wir)\s+(?:da(?:f(?:ü|ue)r)?|dort|hier)\b|ohne\s+(?:ein\s+|eine\s+)?\w*konto"
            r"|need\s+an?\s+account\s+(?:for\s+(?:it|that|this)|there)|without\s+(?:an?\s+)?account"
            # "… und brauche ich für den Online-Antrag eine BundID?": an account for applying online.
            r"|online-?\s?antr(?:ag|(?:ä|ae)ge)|(?:need|require)s?\s+(?:an?\s+|the\s+)?(?:bund\s*-?\s*id|account)"
            r"\s+(?:to|for)\s+(?:apply|the\s+online|online)",
            re.IGNORECASE,
        ),
    ),
    (
        # "Welches Ministerium ist heute für die Digitalisierung zuständig?" (the classifier
        # reads the question about digitalisation as the OZG deadline).
        "faq/ministerium",
        re.compile(_MINISTRY, re.IGNORECASE),
        re.compile(
            r"zust(?:ä|ae)ndig|verantwort|k(?:ü|ue)mmert|responsible|in\s+charge|digital", re.IGNORECASE
        ),
    ),
    (
        "faq/ikz_beratung",
        re.compile(_IKZ, re.IGNORECASE),
        re.compile(
            r"wer\s+(?:hilft|ber(?:ä|ae)t|unterst(?:ü|ue)tzt)|beratung|ansprechpartner|who\s+(?:helps|advises)"
            r"|\badvi[cs]e",
            re.IGNORECASE,
        ),
    ),
    (
        # "inter municipal cooperation what is it": what IKZ is, unless it asks about money.
        "faq/ikz_was",
        re.compile(
            r"^(?!.*(?:f(?:ö|oe)rder|funding|grant|zuschuss|zuwendung|geld|money|cost|kost))(?:.*?)(?:"
            + _IKZ
            + ")",
            re.IGNORECASE | re.DOTALL,
        ),
        _WHAT_IS_ASKED,
    ),
    (
        # "Was genau ist eigentlich dieses OZG?" is no question about its deadline.
        "faq/ozg_was",
        re.compile(
            r"^(?!.*(?:frist|bis\s+wann|deadline|until\s+when|2\.0|ende\s+20|end\s+of\s+20))(?:.*?)"
            r"(?:\bozg\b|onlinezugangsgesetz|online\s+access\s+act)",
            re.IGNORECASE | re.DOTALL,
        ),
        _WHAT_IS_ASKED,
    ),
    (
        # "Was hat sich durch das OZG 2.0 geändert?", "Was is'n des OZG 2.0?": the OZG answer
        # says what OZG 2.0 changed (not a deadline question).
        "faq/ozg_was",
        # Not a question about deadlines or a right to sue: the deadlines' answer says those.
        re.compile(
            r"^(?!.*(?:frist|bis\s+wann|ab\s+wann|deadline|klag|anspruch|\brecht\s+dr?a?uf|until\s+when|\bsue\b"
            r"|\bright\s+to\b|legal\s+right|from\s+when))"
            r".*(?:\bozg\s*-?\s*2(?:\.0)?\b|ozg-?(?:ä|ae)nderungsgesetz)",
            re.IGNORECASE | re.DOTALL,
        ),
        re.compile(
            # Not "seit wann gilt …": the deadlines' answer has the date too (and the deadlines).
            r"ge(?:ä|ae)ndert|(?:ä|ae)nder(?:t|ung)|what\s+changed"
            r"|\bwas\s+(?:is|ist|is'n|isn|bedeutet|hei(?:ß|ss)t)\b|\bwhat\s+is\b",
            re.IGNORECASE,
        ),
    ),
    (
        "faq/ikz_was",
        re.compile(_IKZ + r"|f(?:ö|oe)rder(?:programm|ung)|funding\s+program", re.IGNORECASE),
        re.compile(
            r"bis\s+wann|laufzeit|until\s+when|when\s+does\s+the\s+\w+\s+end"
            # "Und wie lange läuft die IKZ-Förderung des Landes noch?"
            r"|wie\s+lange\s+l(?:ä|ae)uft|l(?:ä|ae)uft\s+(?:\w+\s+){0,5}noch\b",
            re.IGNORECASE,
        ),
    ),
    (
        # Last: the registering and the other BundID cues come first. "Geht das auch, wenn mein
        # Ausweis keine Online-Funktion hat?", "ob da diese Online-Funktion an ist": the ID
        # card's online function is a way to log in (the login ways' answer), not the ID card
        # as a service.
        "faq/eid_elster",
        _ID_FUNCTION,
        re.compile(
            r"bund\s*-?\s*id|konto|account|einlogg|anmeld|login|log\s+in|registrier|\bohne\b|\bkeine?\b"
            r"|\bnicht\b|anders|annerschd|without|\bno\b|\bgeht\s+(?:das|des)\b"
            # "… brauch isch do unbedingt de Perso mit dere Online-Funktion?"
            r"|\bbrauch\w*|unbedingt|n(?:ö|oe)tig|\bneed\b"
            # "online ausweis funktion aktivieren wie", "Welches Vertrauensniveau mit dem Online-Ausweis?"
            r"|aktivier|freischalt|activat|vertrauensniveau|trust\s+level",
            re.IGNORECASE,
        ),
    ),
    # "Wie logge ich mich mit meinem Personalausweis ein?": the same answer.
    ("faq/eid_elster", _ID_CARD_LOGIN, _ID_CARD_LOGIN),
    (
        # "kann isch mei Passbild … selwer mit em Handy mache?": the digital photo's answer (only
        # at the office or a certified studio since May 2025), not the ID card's login.
        "faq/passfoto",
        re.compile(r"passbild|passfoto|\b(?:foto|bild|photo|picture)\b", re.IGNORECASE),
        re.compile(
            r"handy|smartphone|selbst|selber|selwer|ausdruck|ausgedruckt|papier|automat|fotograf|digital"
            r"|phone|myself|print",
            re.IGNORECASE,
        ),
    ),
)
# Intents a cued FAQ does not override: they ask for something else than an answer.
CUE_KEEPS = frozenset(
    {
        "kontakt_mensch",
        "unzufrieden",
        "andere_sprache",
        "leichte_sprache_an",
        "leichte_sprache_aus",
        "abbrechen",
    }
)


_FAQ_TOPIC = re.compile(
    _ACCOUNT + "|" + _IKZ + "|" + _MINISTRY + r"|\bozg\b|civento|ekom21|verwaltungsportal|portal\b",
    re.IGNORECASE,
)
# A follow-up names no topic and is short ("wird die irgendwann gelöscht, wenn ich sie nicht benutze?").
_MAX_FOLLOW_UP_FAQ_WORDS = 12


def is_faq_follow_up(text: str) -> bool:
    """Whether a short question names no FAQ topic of its own, so the previous one is meant."""
    return (
        len(text.split()) <= _MAX_FOLLOW_UP_FAQ_WORDS
        and not _FAQ_TOPIC.search(text)
        and certificate_kind(text) is None
        and not names_a_service(text)
    )


def cued_faq(text: str) -> str | None:
    """The FAQ key of a question that only one FAQ answers (topic word and cue), if it is one."""
    if ikz_funding_question(text):
        return None
    # Dialect read as standard German too: "Gibt's mei BundID noch? Isch hab se aagelegt un nie
    # mehr benutzt" (bot/knowledge/dialekt.py; the cues are written in standard German).
    readings = dict.fromkeys((text, standardise(text)))
    for key, topic, cue in _CUED_FAQS:
        if any(topic.search(t) and cue.search(t) for t in readings):
            return key
    return None


_EASY_INTENTS = frozenset({"leichte_sprache_an", "leichte_sprache_aus"})
_HANDOFF_INTENTS = frozenset({"kontakt_mensch", "unzufrieden"})
# Words with which citizens ask for a person ("Mensch", "Mitarbeiter", "anrufen", "115").
PERSON_WORD = re.compile(
    r"mensch|person|mitarbeiter|sachbearbeiter|jemand|telefon|anruf|hotline|\b115\b|durchwahl|nummer|verbind"
    r"|human|someone|somebody|agent|\bcall\b|phone|\bstaff\b|employee|speak|talk|sprech|rede",
    re.IGNORECASE,
)
_EASY_WORD = re.compile(r"leicht|einfach|easy|simpl|plain|normal|verst(?:ä|ae)nd|understand", re.IGNORECASE)


def faq_override(text: str, intent: dict[str, Any] | None, has_place: bool) -> str | None:
    """The FAQ key a certificate or cued question must get instead of the classifier's intent."""
    name = (intent or {}).get("name")
    # A question about a named service keeps its answer ("Wohngeld mit der BundID beantragen").
    # Not when the ID card named is its online function or a way to log in.
    service_question = (
        name == "online_beantragen"
        and names_a_service(text)
        and not _ID_FUNCTION.search(text)
        and not _ID_CARD_LOGIN.search(text)
    )
    # "Sterbeurkunde …, der ist in Hünfeld gestorben. Und außerdem: Wie lege ich eine BundID an?":
    # the order is answered, the question after it (actions/themen.py).
    # Only when a certificate is named: a long story with places ("BundID 2023 in Marburg angelegt
    # … jetzt in Kirchhain") that the classifier took for an order is the cued question.
    certificate_order = name == CERTIFICATE_INTENT and has_place and certificate_kind(text) is not None
    # Easy language asked without an easy-language word ("EUDI wallet Germany available now?")
    # is the classifier's guess for a keyword query; the cue decides.
    # A handoff the classifier only guessed ("unser Bürschermaaster babbelt dauernd vun dere IKZ.
    # Was is'n des?": talking is no request for a person) does not keep: unsure, or a person
    # asked for without a word for one. The rules set a wanted person or dissatisfaction with
    # full confidence (bot/nlp/rules.py).
    confidence = (intent or {}).get("confidence")
    unsure = confidence is not None and float(confidence) < UNSURE
    guessed = (name in _HANDOFF_INTENTS and unsure) or (
        name == "kontakt_mensch" and confidence is not None and not PERSON_WORD.search(text)
    )
    keeps = name in CUE_KEEPS and not (name in _EASY_INTENTS and not _EASY_WORD.search(text)) and not guessed
    if not keeps and not service_question and not certificate_order:
        cued = cued_faq(text)
        if cued:
            return cued
    if has_place or name not in _QUESTION_OVERRIDABLE:
        return None
    return certificate_question(text)


# "Where do I get a death certificate?" read as the FAQ on duration or fees: those FAQs have
# reliable cues (certificate_question); without one, a "where / get" question is the order.
# Not for "who may" (faq/urkunde_berechtigt): "Wer darf eine Sterbeurkunde beantragen?" has no
# relative to cue on and is still that question.
_ORDER_CUE = re.compile(
    # "I need a marriage certificate", "Ich brauche eine Sterbeurkunde": an order too.
    r"\b(?:where|wo|woher|get|bekomme?n?|kriege?n?|krieg|need|brauche|ben(?:ö|oe)tige|order|bestellen)\b"
    r"|\bwant\s+to\s+(?:apply|order|request)\b|\b(?:m(?:ö|oe)chte|will)\b.*\bbeantragen\b",
    re.IGNORECASE,
)
# "und für meine Tochter, die ist 8?", "and if I don't have an account?": a message that opens
# like a follow-up (also used by bot/nlp/rules.py).
FOLLOW_UP_OPENING = re.compile(r"^\s*(?:und|auch|and|also|what\s+about|how\s+about)\b", re.IGNORECASE)
_ANY_CERTIFICATE_WORD = re.compile(r"urkunde|certificate|\bcert\b|standesamt|registry", re.IGNORECASE)
_CUED_CERTIFICATE_FAQS = frozenset(
    {
        "faq/urkunde_dauer",
        "faq/urkunde_gebuehr",
        "faq/urkunde_konto",
        "faq/urkunde_international",
        "faq/urkunde_bestellweg",
    }
)
# "Who may order" is an order too when nothing asks who may ("I want to apply for a
# Sterbeurkunde"); "bin 15, darf ich …", "Kann ein Anwalt für mich …", "berechtigtes Interesse"
# ask it.
_WHO_MAY = re.compile(
    r"\bdarf\b|d(?:ü|ue)rfen|berechtigt|\bkann\b|k(?:ö|oe)nnen|\bmay\b|allowed|entitled|\bcan\b|\bcould\b",
    re.IGNORECASE,
)


def event_told_for_certificate_faq(text: str, response_key: str | None, has_place: bool) -> bool:
    """Whether a certificate FAQ was picked for a message that tells an event and its place.

    "Und für meine Schwester? Die ist in Fulda zur Welt gekommen." reads like "who may order"
    (faq/urkunde_berechtigt); the told birth in Fulda makes it an order for Fulda.
    """
    return bool((response_key or "").startswith("faq/urkunde_") and has_place and tells_event(text))


# "geht das trotzdem?", "klappt das auch so?": a question about the topic just answered.
_BACK_TO_TOPIC = re.compile(
    r"\b(?:geht|klappt|funktioniert)\s+(?:das|es)\s+(?:trotzdem|auch|dann|noch|so)\b"
    r"|\b(?:does|will)\s+(?:it|that)\s+(?:still\s+)?work\b",
    re.IGNORECASE,
)


def certificate_faq_guessed(text: str, response_key: str | None) -> bool:
    """Whether a certificate FAQ was picked for a message with neither a certificate nor its cue.

    "und muss ich dann trotzdem noch was ausdrucken oder unterschreiben?" after the Elterngeld
    answer got the multilingual certificate: the topic in focus is meant.
    """
    if response_key is None:
        return False
    guessed = (
        response_key in _CUED_CERTIFICATE_FAQS
        # Only a follow-up: a question of its own ("how much is the photo at the office") may be
        # one the classifier knows better than the cues.
        and (FOLLOW_UP_OPENING.match(text) or _BACK_TO_TOPIC.search(text))
        # "mein Fahrzeugschein ist von 2012, geht das trotzdem?" after deregistering a car got
        # "who may order a certificate": nothing asks who may.
        or response_key == "faq/urkunde_berechtigt"
        and _BACK_TO_TOPIC.search(text)
        and not _WHO_MAY.search(text)
    )
    return bool(
        guessed
        and certificate_kind(text) is None
        and not _ANY_CERTIFICATE_WORD.search(text)
        and not has_cue_of(text, response_key)
    )


def certificate_order_misread_as_faq(text: str, response_key: str | None) -> bool:
    """Whether a certificate FAQ answer ("faq/urkunde_dauer") was picked for an order."""
    cued = response_key in _CUED_CERTIFICATE_FAQS or (
        response_key == "faq/urkunde_berechtigt" and not _WHO_MAY.search(text)
    )
    return bool(
        cued and certificate_kind(text) and certificate_question(text) is None and _ORDER_CUE.search(text)
    )


_COST_CUE = re.compile(
    r"kost(?!heim)|geb(?:ü|ue)hr|\bpreis|\bteuer|\bcosts?\b|\bfees?\b|how\s+much", re.IGNORECASE
)


# Background answers about digitalisation in general, which a question about one service's
# online way is read as.
_BACKGROUND_FAQS = frozenset({"faq/digitalprogramm", "faq/ozg_frist", "faq/ozg_was", "faq/ikz_digital"})


# FAQs about the citizen account: a service question without an account word is no such question.
_ACCOUNT_FAQS = ("faq/bundid_", "faq/servicekonto_", "faq/ohne_konto", "faq/vertrauensniveau")
# FAQs about logging in (a company's account, the ID card's online function, ELSTER): a service
# question without an account or login word is no such question ("register a small business",
# "Can I apply for my new ID card online?").
_LOGIN_FAQS = ("faq/unternehmenskonto", "faq/eid_elster")
_LOGIN = re.compile(
    _ACCOUNT + r"|log\s*-?\s*in|einlogg|anmeld\w*\s+mit|elster|\bpin\b|organisationszertifikat"
    r"|organisation certificate|" + _ID_FUNCTION.pattern + "|" + _ID_CARD_LOGIN.pattern,
    re.IGNORECASE,
)
# Words of municipal cooperation: with them an IKZ answer fits even where a service is named.
_COOPERATION_WORDS = re.compile(
    r"interkommunal|\bikz\b|inter-?\s?municipal|zusammenarb|kooper|cooperat|gemeinden|kommunen|municipalities",
    re.IGNORECASE,
)


def service_misread_as_faq(text: str, response_key: str | None) -> bool:
    """Whether a FAQ was picked for a question about a detailed service.

    "Reisepass Gebühren" reads like "Urkunde Gebühren" to the classifier, "Was kostet ein
    Reisepass?" like the FAQ on passport photos; the service's own answer names its fees.
    "Geht Elterngeld komplett digital?" reads like the Land's digitalisation programme; the
    service's answer says how far it is online.
    """
    key = response_key or ""
    about_the_service = (
        key.startswith("faq/urkunde_")
        or _COST_CUE.search(text)
        or key in _BACKGROUND_FAQS
        # "Who handles Wohngeld applications in Fulda?" read as the IKZ application procedure.
        or (key.startswith("faq/ikz_") and not _COOPERATION_WORDS.search(text))
        # "I want to register a small business in Wiesbaden." read as registering the BundID.
        or (key.startswith(_ACCOUNT_FAQS) and not re.search(_ACCOUNT, text, re.IGNORECASE))
        or (key in _LOGIN_FAQS and not _LOGIN.search(text))
        # "how i get money help for rent" with small talk's "how are you" as the answer.
        or key.startswith("chitchat/")
    )
    if certificate_kind(text) or not about_the_service:
        return False
    service = load_services().find(text)
    return service is not None and service.id not in CANONICAL_KINDS


# The online offer as a whole ("Welche Online-Dienste bietet unsere Stadt an?", "Was bietet die
# Gemeinde online an?"): the classifier reads "unsere Stadt … an?" as small talk about the
# assistant, "Online-Dienste der Stadt" as the company account; the overview answers it.
_ONLINE_OFFER = re.compile(
    # German only: English "online services" comes with login, rights and funding questions
    # the classifier answers better (tests/nlu/heldout_en.yml).
    # "Und wo finde ich in Hessen die Online-Anträge?"
    r"\b(?:online|digital\w*)\s*-?\s*(?:dienst|angebot|leistung|antr(?:ä|ae)g)\w*"
    r"|\b(?:bietet|bieten|anbiet\w*)\b.{0,40}\bonline\b"
    # "… und welche Leistungen kann ich in Hessen online beantragen"
    r"|\bwelche\s+(?:\w+\s+){0,2}?(?:leistungen|dienste|antr(?:ä|ae)ge|beh(?:ö|oe)rdeng(?:ä|ae)nge)\b.{0,40}\bonline\b"
    r"|\bonline\b.{0,40}\b(?:anbieten|angeboten|erledigen)\b",
    re.IGNORECASE,
)
# Words with which a background answer fits: the Land's programme, the OZG, the right to it
# ("Habe ich ein Recht darauf, dass ich Behördensachen online erledigen kann?").
_DIGITAL_BACKGROUND = re.compile(
    r"\bozg\b|onlinezugang|digitalisierung|programm|strategie|\bland\b|gesetz"
    r"|\brecht\b|anspruch|pflicht|verpflicht|bis\s+wann|\bfrist|f(?:ö|oe)rder|zugang|gast",
    re.IGNORECASE,
)
ONLINE_OFFER_OVERRIDABLE = frozenset({FAQ_INTENT, "chitchat", "out_of_scope"})


def asks_for_online_offer(text: str) -> bool:
    """Whether ``text`` asks what can be done online in general, naming no service or account."""
    return bool(
        _ONLINE_OFFER.search(text)
        and not names_a_service(text)
        and not certificate_kind(text)
        and not ACCOUNT_WORD.search(text)
        and not _LOGIN.search(text)
        and not _COOPERATION_WORDS.search(text)
        and not _DIGITAL_BACKGROUND.search(text)
    )


# Questions about the Standesamt's rules, asked without a place: the classifier reads them as
# the Standesamt search, whose form then asks for a place. "Wie lange führt ein Standesamt die
# Geburtseinträge?" (fakten.yml: register_archiv); "Ist für eine Sterbeurkunde das Standesamt am
# Wohnort oder am Sterbeort zuständig?" (standesamt_ereignisort).
_REGISTER_RETENTION = re.compile(
    r"wie\s+lange\b.{0,60}\b(?:\w*eintr(?:ä|ae)g\w*|\w*register\w*)"
    r"|\b(?:\w*eintr(?:ä|ae)g\w*|\w*register)\b.{0,60}\barchiv"
    # "Die Ehe wurde 1976 geschlossen. Hat das Standesamt das Register überhaupt noch?"
    r"|\b(?:hat|haben|gibt|existiert|f(?:ü|ue)hrt)\b.{0,40}\b\w*register\b.{0,20}\bnoch\b",
    re.IGNORECASE,
)
_EVENT_PLACE = r"(?:sterbe|geburts|heirats|hochzeits|trau|ereignis)ort\w*|ort\s+der\s+(?:geburt|heirat|trauung|hochzeit|eheschlie\w+)"
_RESIDENCE_OR_EVENT_PLACE = re.compile(
    rf"wohnort\w*\b.{{0,40}}\b(?:oder|bzw\.?)\s.{{0,40}}\b(?:{_EVENT_PLACE})"
    rf"|\b(?:{_EVENT_PLACE})\b.{{0,40}}\b(?:oder|bzw\.?)\s.{{0,40}}\bwohnort",
    re.IGNORECASE,
)
STANDESAMT_RULE_OVERRIDABLE = frozenset(
    {
        "standesamt_suchen",
        "urkunde_beantragen",
        FAQ_INTENT,
        "angabe",
        "nachfrage",
        "out_of_scope",
        "nlu_fallback",
    }
)


def register_retention_question(text: str) -> bool:
    """Whether ``text`` asks how long the Standesamt keeps its registers."""
    return bool(_REGISTER_RETENTION.search(text))


def event_place_rule_question(text: str) -> bool:
    """Whether ``text`` asks if the residence or the event place decides the Standesamt."""
    return bool(_RESIDENCE_OR_EVENT_PLACE.search(text))


def ministry_misread_as_faq(text: str, response_key: str | None, has_place: bool) -> bool:
    """Whether the ministry or an IKZ FAQ was picked for "who handles it in <place>?" about the topic in focus.

    "I live in Wetzlar, who handles it there?" after a Wohngeld answer asks for that service's
    office in Wetzlar; only a question that names the ministry (or none of the places) wants the
    Land's ministry.
    """
    key = response_key or ""
    return has_place and (
        key == "faq/ministerium"
        and not re.search(_MINISTRY, text, re.IGNORECASE)
        # The same for an IKZ answer to a question without a word of municipal cooperation.
        or key.startswith("faq/ikz_")
        and not _COOPERATION_WORDS.search(text)
    )


def ikz_faq_without_cooperation(text: str, response_key: str | None) -> bool:
    """Whether an IKZ answer was picked for a question that names no cooperation or funding.

    "Wohin schicke ich den Antrag dann?" after the Elterngeld answer got the IKZ procedure; where
    a service or certificate is in focus, it decides instead (actions/faq.py).
    """
    return (response_key or "").startswith("faq/ikz_") and not (
        _COOPERATION_WORDS.search(text) or _IKZ_MONEY.search(text)
    )


_IKZ_MONEY = re.compile(
    r"f(?:ö|oe)rder|zuschuss|zuwendung|verband|gemeinde|kommune|funding|grant", re.IGNORECASE
)


def old_account_misread_as_company(text: str, response_key: str | None) -> bool:
    """Whether the company account's FAQ was picked for a question about the old Servicekonto.

    "servicekonto hesen passwort vergesen, wie komm ich wieder rein??": the Servicekonto's answer
    (replaced by the BundID) is the one that helps; no company is named.
    """
    return bool(
        response_key == "faq/unternehmenskonto"
        and _OLD_ACCOUNT_ONLY.search(text)
        and not _COMPANY_OWNER.search(text)
    )


def faq_for_stray_selection(text: str, selected: str | None) -> str | None:
    """The topic FAQ when the ResponseSelector picked small talk or another topic than the one named.

    "Gude, isch bräucht jetzt so e BundID … Was is'n des fer e Ding un kost des ebbes?": the
    selector, lost in the dialect, picked the insult's answer ("Ding"); the BundID named is the
    question. Only a topic with its own "what is" answer (:data:`_TOPIC_FAQS`) decides.
    """
    if not selected:
        return None
    standard = standardise(text)
    named = [key for key, pattern in _TOPIC_FAQS if pattern.search(standard)]
    if not selected.startswith("faq/"):
        return named[0] if named else None
    # "Gude, … so e BundID. Was is dann des, un kost des was?" got the OZG's answer: one topic
    # named and asked what it is, another background topic selected.
    family = _topic_family(selected)
    if (
        len(named) == 1
        and _WHAT_IS.search(standard)
        and family in {_topic_family(key) for key, _ in _TOPIC_FAQS}
        and family != _topic_family(named[0])
    ):
        return named[0]
    return None


def _topic_family(key: str) -> str:
    """The topic of a FAQ key: "faq/bundid_registrieren" → "bundid"."""
    return key.removeprefix("faq/").split("_")[0]


def response_key(selector: Any) -> str | None:
    """The sub-intent ("faq/urkunde_dauer") the ResponseSelector picked, if any."""
    try:
        key = selector["default"]["response"]["intent_response_key"]
    except (KeyError, TypeError):
        return None
    return key if isinstance(key, str) else None


def response_confidence(selector: Any) -> float | None:
    """How sure the ResponseSelector was of its sub-intent, if it picked one."""
    try:
        confidence = selector["default"]["response"]["confidence"]
    except (KeyError, TypeError):
        return None
    return float(confidence) if isinstance(confidence, (int, float)) else None


# Background topics a "what is …" clause names ("… und was hat civento damit zu tun?").
_TOPIC_FAQS = (
    ("faq/civento", re.compile(r"\bcivento\b", re.IGNORECASE)),
    ("faq/ekom21", re.compile(r"\bekom\s*21\b", re.IGNORECASE)),
    ("faq/ministerium", re.compile(_MINISTRY, re.IGNORECASE)),
    ("faq/verwaltungsportal", re.compile(r"verwaltungsportal|administration\s+portal", re.IGNORECASE)),
    ("faq/ozg_was", re.compile(r"\bozg\b|onlinezugangsgesetz|online\s+access\s+act", re.IGNORECASE)),
    ("faq/smarte_regionen", re.compile(r"smart\w*\s+regionen?|smart\s+regions?", re.IGNORECASE)),
    # "Was ist dieses Internetkonto vom Staat, mit dem man sich bei den Ämtern anmeldet?"
    (
        "faq/bundid_was",
        re.compile(r"bund\s*-?\s*id|b(?:ü|ue)rgerkonto|internetkonto|online-?konto", re.IGNORECASE),
    ),
    ("faq/servicekonto_was", re.compile(r"servicekonto", re.IGNORECASE)),
    # "Was ist eigentlich das KIKZ?": the competence centre that advises on IKZ.
    ("faq/ikz_beratung", re.compile(r"\bkikz\b|kompetenzzentrum", re.IGNORECASE)),
    ("faq/ikz_was", re.compile(r"interkommunal|\bikz\b", re.IGNORECASE)),
)
_NAMED_TOPIC_FAQS = tuple(
    (key, pattern)
    for key, pattern in _TOPIC_FAQS
    if key in {"faq/civento", "faq/ekom21", "faq/smarte_regionen"}
)
# A message that names the old Servicekonto and not the BundID.
_OLD_ACCOUNT_ONLY = re.compile(r"^(?!.*bund\s*-?\s*id).*servicekonto", re.IGNORECASE | re.DOTALL)
SERVICEKONTO_REPLACED = "faq/servicekonto_bundid"
MAX_FAQ_ANSWERS = 3
# Only the opening of a pasted 10 kB text is split into questions.
_MAX_FAQ_CHARS = 1000


_WHAT_IS = re.compile(
    r"\b(?:was|wer)\s+(?:genau\s+|eigentlich\s+)?(?:ist|sind|war|hat|macht|bedeutet|steckt)\b"
    # "… und was finde ich alles im Verwaltungsportal?": what it holds is what it is.
    r"|\bwas\s+(?:finde|findet|gibt\s+es|bietet)\b|\bwas\s+kann\s+(?:ich|man)\s+(?:im|in|auf|mit|bei|beim)\b"
    r"|\bwhat(?:'s|\s+(?:exactly\s+|actually\s+|even\s+)?(?:is|are|does|has))|\bwho(?:'s|\s+is|\s+runs)\b",
    re.IGNORECASE,
)


# "… und kann ich schon die Smart-eID auf dem Handy nutzen?": the login ways' answer says it was stopped.
_SMART_EID = re.compile(r"\bsmart\s*-?\s*e-?id\b", re.IGNORECASE)
# "Wie viel IKZ-Förderung gibt es …, und wie lange dauert die Bearbeitung des Antrags?": the
# clause names no topic, the message does; the procedure's answer says how long it takes.
# Not how long the funding programme runs ("Wie lange dauert die Förderung noch?").
_DURATION = re.compile(
    # "… die Bearbeitung eines IKZ-Förderantrags" is the procedure's duration.
    r"^(?!.*(?:f(?:ö|oe)rder(?!antr)|programm|rahmenvereinbarung|funding|programme))"
    # "… wie lange die Bearbeitung eines IKZ-Förderantrags dauert".
    r".*(?:wie\s+lange\s+(?:\S+\s+){0,6}?dauer|bearbeitungs(?:zeit|dauer)|how\s+long\s+(?:does|will|do))",
    re.IGNORECASE | re.DOTALL,
)
_IKZ_WORD = re.compile(_IKZ, re.IGNORECASE)
_DIFFERENCE = re.compile(r"unterschied|difference\s+between|versus|\bvs\.?\s", re.IGNORECASE)
# Whether one needs an account at all (not how to create one).
_NEED_AN_ACCOUNT = re.compile(
    r"^(?!.*(?:anleg|registrier|erstell|einricht|\bcreate\b|\bset\s+up\b|sign\s+up))"
    r".*\b(?:brauch\w*|ben(?:ö|oe)tig\w*|muss\s+ich|need|required)\b.*\b(?:bund\s*-?\s*id|konto|account)\b",
    re.IGNORECASE | re.DOTALL,
)


_COMPANY_ACCOUNT = re.compile(
    r"unternehmenskonto|organisationskonto"
    # "… dass Firmen so ein spezielles Konto für Behördensachen brauchen. ELSTER hab ich privat …"
    r"|\b(?:firm(?:a|en)|unternehmen|betriebe?)\b.{0,40}\bkonto\b",
    re.IGNORECASE,
)
# "… außerdem geht die bundid auch mit elster": the login ways (ELSTER certificate) for an account.
_ELSTER_LOGIN = re.compile(
    r"^(?=.*\belster\b).*(?:bund\s*-?\s*id|\bkonto\b|anmeld|einlogg|login|registrier)", re.IGNORECASE
)
# "Was ist die BundID und wie bekomme ich die?": the second clause points back to the account.
_HOW_TO_GET_IT = re.compile(
    r"^\s*(?:und\s+|un\s+)?wie\s+(?:bekomm\w*|krieg\w*|krieh\w*|mach\w*|kommt?\s+man\s+an|komme\s+ich\s+an)"
    r"\s+(?:ich|man|mer|isch)?\s*(?:die|des|das|es|sie|se|dran|daran)\b",
    re.IGNORECASE,
)
# "… Und seit wann gilt das OZG 2.0?" beside another question: the deadlines' answer gives the
# date (24.07.2024). In a whole message the classifier decides.
_OZG_WHEN = re.compile(
    r"^(?=.*(?:\bozg\b|onlinezugangsgesetz|online\s+access\s+act))"
    r".*(?:seit\s+wann|ab\s+wann|bis\s+wann|wann\s+(?:gilt|galt|trat|tritt|kam|kommt)|since\s+when"
    r"|when\s+(?:did|does|will))",
    re.IGNORECASE | re.DOTALL,
)


def _clause_faq(clause: str) -> str | None:
    found = cued_faq(clause) or certificate_question(clause)
    if not found and (_WALLET.search(clause) or _SMART_EID.search(clause)):
        # "… und kann ich die EUDI-Wallet schon nutzen?" beside another question.
        return "faq/eid_elster"
    if not found and _COMPANY_ACCOUNT.search(clause):
        # "… Brauche ich dafür so ein Unternehmenskonto?" beside a service or a life event (in
        # the whole message the classifier decides: the account may only be part of the story).
        return "faq/unternehmenskonto"
    if (
        not found
        and _NEED_AN_ACCOUNT.search(clause)
        and not certificate_kind(clause)
        # "Brauche ich für die Hundesteuer eine BundID?": the service is the subject.
        and not names_a_service(clause)
    ):
        # "… und brauche ich als Bürger eine BundID, wenn ich online was beantragen will?": not
        # always (guest access), often yes; the answer on applying without an account says so.
        return "faq/ohne_konto"
    if not found and _ELSTER_LOGIN.search(clause):
        return "faq/eid_elster"
    if not found and _OZG_WHEN.search(clause):
        return "faq/ozg_frist"
    if found:
        return found
    # A name that only one background topic has ("… und ist civento für uns kostenlos?") is that
    # topic in any question; the common ones (BundID, IKZ, the portal) only in "what is …".
    topics = (
        _TOPIC_FAQS if _WHAT_IS.search(clause) or _WHAT_IS.search(standardise(clause)) else _NAMED_TOPIC_FAQS
    )
    return next((key for key, pattern in topics if pattern.search(clause)), None)


def faqs_asked(text: str) -> list[str]:
    """The FAQ keys that the clauses of ``text`` ask, in order.

    Only unmistakable ones: a cued FAQ, a question about a certificate, or "what is" + a topic.
    """
    clauses = [c for c in CLAUSES.split(text[:_MAX_FAQ_CHARS]) if c and c.strip()]
    about_ikz = bool(_IKZ_WORD.search(text))
    keys: list[str] = []
    for clause in clauses:
        key = _clause_faq(clause) or (
            "faq/ikz_antrag"
            if about_ikz and _DURATION.search(clause) and not certificate_kind(clause)
            else None
        )
        if key is None and keys and keys[-1] == "faq/bundid_was" and _HOW_TO_GET_IT.search(clause):
            key = "faq/bundid_registrieren"
        if key:
            keys.append(key)
    if len(keys) < 2 and _DIFFERENCE.search(text):
        # "Was ist der Unterschied zwischen dem Verwaltungsportal Hessen und der BundID?": both
        # answers, in the order named (the Servicekonto and the BundID have one answer together).
        standard = standardise(text)
        named = sorted(
            ((match.start(), key) for key, pattern in _TOPIC_FAQS if (match := pattern.search(standard))),
        )
        if len(named) >= 2 and not cued_faq(text):
            keys = [key for _, key in named]
    if _OLD_ACCOUNT_ONLY.search(text):
        # "I created a Servicekonto Hessen account … Did they delete my account? Do I have to
        # start over?": "my account" is the old Servicekonto, whose answer says what became of it.
        keys = [SERVICEKONTO_REPLACED if k.startswith("faq/bundid_") else k for k in keys]
    return list(dict.fromkeys(keys))


def clause_faqs(text: str) -> list[str]:
    """:func:`faqs_asked` for a message with two or more clauses or a difference asked (else the classifier's)."""
    clauses = [c for c in CLAUSES.split(text[:_MAX_FAQ_CHARS]) if c and c.strip()]
    # "Was ist der Unterschied zwischen X und Y?" is one clause asking about two topics.
    return faqs_asked(text) if len(clauses) > 1 or _DIFFERENCE.search(text) else []


def faq_answers(text: str, selected: str | None) -> list[str]:
    """The FAQ answers for ``text``: the selected one, or one per question when it asks several.

    "Was ist das Verwaltungsportal Hessen und was hat civento damit zu tun?" gets both answers,
    in the order asked; a single question keeps the ResponseSelector's choice.
    """
    keys = clause_faqs(text)
    if len(keys) >= 2:
        # Two or more questions the words decide: each answered, in the order asked.
        return keys[:MAX_FAQ_ANSWERS]
    if selected and keys and keys[0] != selected:
        return [selected, keys[0]]
    return [selected] if selected else keys[:1]


def select_response(selector: Any, key: str) -> dict[str, Any]:
    """The ResponseSelector output with ``key`` ("faq/urkunde_dauer") as its prediction."""
    data = dict(selector) if isinstance(selector, dict) else {}
    default = dict(data.get("default") or {})
    response = dict(default.get("response") or {})
    response.update({"intent_response_key": key, "utter_action": f"utter_{key}", "confidence": 1.0})
    default["response"] = response
    data["default"] = default
    return data
