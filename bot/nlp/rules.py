"""Rules for the phrasings a classifier trained on sentences misses (Rasa-free).

Decided by rule instead of by DIET, because the words make them certain and a statistical
model keeps getting them wrong on short input (applied in Rasa by
:mod:`bot.nlp.understanding`). The words themselves are recognised in
:mod:`bot.nlp.certificates`, :mod:`bot.nlp.ikz_cues` and :mod:`bot.nlp.faq_cues`; here they
decide the intent:

- **Certificate word + place** ("Geburtsurkunde Kassel") is a certificate request. DIET read
  such keyword queries as a bare place (intent ``angabe``): on a sweep of all 422
  municipalities 86 were routed right.
- **A message that is only a place** ("Und in Kassel?") is a place answer.
- **"Personalausweis Kosten"** is a question about the service, not the lost-card life event.
- **"hier", "bei uns", "in unserer Stadt"** mean the municipality of the page the widget is
  on (``metadata.kommune``, also set by the messenger channels from ``BOT_KOMMUNE``): it is
  added as a ``gemeinde`` entity (its AGS). Without a known municipality nothing is added,
  so the assistant asks.
- **Unmistakable dissatisfaction** ("nicht hilfreich", "Quatsch", "not helpful") is
  ``unzufrieden`` (an apology and a person), whatever question follows it.
- **Another language** the assistant does not answer in (marker words or script, see
  :func:`bot.nlp.language.other_language`) is ``andere_sprache``.
"""

from __future__ import annotations

import re
from typing import Any

from bot.knowledge.ags import kommune_from_metadata
from bot.knowledge.dialekt import standardise
from bot.knowledge.ereignisort import abroad_event, named_as_residence
from bot.knowledge.municipalities import load_municipalities
from bot.knowledge.services import names_a_service
from bot.nlp.certificates import (
    CANONICAL_KINDS,
    CERTIFICATE_INTENT,
    HERE,
    KIND_LABEL,
    MAX_PLACE_WORDS,
    certificate_kind,
    certificate_match,
    certificate_question,
    event_entity,
    event_kind,
    keyword_place,
    span_entity,
    typed_event_place,
)
from bot.nlp.faq_cues import (
    ACCOUNT_WORD,
    CUE_KEEPS,
    FAQ_INTENT,
    FOLLOW_UP_OPENING,
    PERSON_WORD,
    UNSURE,
    asks_for_online_offer,
    is_faq_follow_up,
)
from bot.nlp.ikz_cues import (
    MUNICIPALITIES,
    ikz_funding_question,
    ikz_funding_without_count,
    ikz_special_funding_question,
    named_cooperation_funding,
)
from bot.nlp.language import other_language

PLACE_LABEL = "gemeinde"
# Intents that mean "no question of its own": a keyword query lands here.
_OVERRIDABLE = frozenset({"angabe", "out_of_scope", "chitchat", "standesamt_suchen", "nlu_fallback"})
# "und meine Schwester ist in Göttingen geboren, wo kriegt die ihre?" (read as out of scope).
_EVENT_WHERE_OVERRIDABLE = frozenset({"lebenslage", "out_of_scope", "chitchat", "nachfrage", "angabe"})
# Intents that say nothing about a birth or death abroad told in the message.
_ABROAD_OVERRIDABLE = frozenset({"out_of_scope", "chitchat", "nachfrage", "angabe"})
# Short-message intents too: "Fuehrerschein umschreiben lassen" was read as "abbrechen" (0.55).
_UNSURE_OVERRIDABLE = frozenset(
    {"out_of_scope", "chitchat", "nlu_fallback", "abbrechen", "affirm", "deny", "greet", "goodbye"}
    | {"leichte_sprache_aus"}
)
_UNSURE_EVENT_OVERRIDABLE = _UNSURE_OVERRIDABLE | {
    "angabe",
    "nachfrage",
    "standesamt_suchen",
    "urkunde_beantragen",
}
# A short question for the cost or the deadline that names nothing: that of the topic in focus.
_ASPECT_FOLLOW_UP = re.compile(
    r"^\W*(?:und\s+|and\s+|so\s+)?(?:was\s+kostet|wie\s*viel\s+kostet|wie\s+teuer|was\s+muss\s+ich\s+(?:da(?:f(?:ü|ue)r)?\s+)?zahlen"
    r"|how\s+much\s+(?:is|does|will|would)|what\s+does\s+(?:it|that|a\s+new\s+one)\s+cost"
    r"|how\s+many\s+days|how\s+long\s+do\s+(?:i|we)\s+have|wie\s+viele?\s+tage|wie\s+viel\s+zeit|bis\s+wann"
    # "was brauche ich sonst noch?" after the online registration of an address: its summary.
    r"|was\s+brauch\w*\s+(?:ich|man|wir)\s+(?:denn\s+)?(?:sonst\s+noch|noch|alles|daf(?:ü|ue)r|sonst)"
    # "wohin schicke ich das?" after the Elterngeld: its office.
    r"|wohin\s+(?:schick|send)\w*\s+(?:ich|man|wir)|wo\s+(?:geb|reich)\w*\s+(?:ich|man|wir)\s+(?:das|den|die|es)\s+ab"
    # "gibt es bis dahin einen vorläufigen?" after the ID card's fees (read as "bis dann", goodbye).
    r"|gibt\s+es\s+(?:bis\s+dahin\s+|dann\s+|so\s+|auch\s+)?(?:einen|eine|ein)\s+vorl(?:ä|ae)ufig\w*)\b"
    # An age alone ("Ich bin 22.", "Er ist 8") after a fee answer: the fee for that age.
    r"|^\W*(?:und\s+)?(?:ich\s+bin|er\s+ist|sie\s+ist|i\s*'?\s*a?m|he\s+is|she\s+is)\s+"
    # "ich bin aber erst 19"
    r"(?:aber\s+|doch\s+|ja\s+|halt\s+|but\s+)?(?:erst\s+|schon\s+|only\s+|already\s+)?\d{1,2}"
    r"(?:\s+(?:jahre?|years?)(?:\s+(?:alt|old))?)?\W*$",
    re.IGNORECASE,
)
# "Und wo beantrage ich das?": where to apply for the topic in focus.
_WHERE_TO_APPLY_FOR_IT = re.compile(
    r"^\W*(?:und\s+|aber\s+)?wo\s+(?:beantrag|bekomm|krieg|mach|stell|melde)\w*\s+(?:ich|man|wir)\s+"
    r"(?:denn\s+|dann\s+)?(?:das|den|die|es|ihn|sie|des)\b",
    re.IGNORECASE,
)
# "Und ein Reisepass?": a short follow-up that names a service.
_MAX_SERVICE_FOLLOW_UP_WORDS = 6
_ASPECT_FOLLOW_UP_OVERRIDABLE = frozenset({"out_of_scope", "nlu_fallback", "chitchat", "angabe", "goodbye"})
_ANY_CERTIFICATE = re.compile(r"urkunde|certificate", re.IGNORECASE)
# Topics of FAQ answers that a cost question names for itself: "how much is the photo at the
# office" asks the passport-photo FAQ, "how much does Hessen invest in digitalisation" the Land's
# programme (English held-out errors, session 19), not the fee of the topic in focus.
_OWN_FAQ_TOPIC = re.compile(r"foto|photo|digitali[sz]|invest", re.IGNORECASE)


def _faq_guess(text: str) -> bool:
    """Whether a FAQ pick for a short cost or deadline question can only be a guess.

    "was kostet ein neuer?" after a lost ID card is read as the certificate fees: it names
    no FAQ topic and no certificate, so the topic in focus decides (actions/nachfragen.py
    also answers the certificate fees when a certificate is in focus).
    """
    return is_faq_follow_up(text) and not _ANY_CERTIFICATE.search(text) and not _OWN_FAQ_TOPIC.search(text)


_MAX_FOLLOW_UP_WORDS = 10
# A follow-up that tells the event in a short second sentence ("und für Witzenhausen? da ist …").
_MAX_TOLD_FOLLOW_UP_WORDS = 14
# "von dort", "da gestorben", "from there": the place just answered.
_SAME_PLACE = re.compile(
    r"\b(?:von\s+dort|dort|von\s+da|da\s+(?:geboren|gestorben|geheiratet)|ebenda|from\s+there"
    # Not a bare "there": "and is there an English version?" asks about the certificate.
    r"|(?:born|died|married)\s+there|there\s+(?:too|as\s+well))\b",
    re.IGNORECASE,
)
_SAME_PLACE_OVERRIDABLE = frozenset({"faq", "angabe", "nlu_fallback", "chitchat", "out_of_scope"})
_MAX_SAME_PLACE_WORDS = 16
# "und für meine Tochter?", "and for my son?": the topic in focus for another person.
_FOR_SOMEONE = re.compile(
    r"^\W*(?:und|auch|and|also|what\s+about|how\s+about)?\s*(?:f(?:ü|ue)r|for)\s+"
    r"(?:mein|meine|meinen|meinem|unser|unsere|unseren|unserem|my|our)\s",
    re.IGNORECASE,
)
# "Geburtsurkunde Kassel" is also read as "can I get it online?"; only words about the
# online way keep that intent.
_ONLINE_CUE = re.compile(
    r"online|internet|digital|elektronisch|im\s+netz|per\s+mail|von\s+zu\s*hause|from\s+home",
    re.IGNORECASE,
)
# "Which …" asks for a list ("welche Behördengänge kann ich online erledigen?").
_WHICH = re.compile(
    r"\bwelche[rsnm]?\s+(?:\w+\s+){0,2}?(?:beh(?:ö|oe)rdeng|leistung|dienst|antr(?:ä|ae)g|sachen|dinge|formular)"
    r"|\bwas\s+(?:\w+\s+){0,3}?alles\b.{0,40}\bonline\b|\bwhich\s+(?:\w+\s+)?(?:services|things|applications|forms)"
    r"|\bwhat\s+can\s+(?:i|we)\s+do\s+online",
    re.IGNORECASE,
)
# A message that is only a place ("Und in Kassel?", "und Mainz-Kastel?") answers a question
# or continues a topic; the classifier sometimes calls it out of scope.
_ID_CARD = re.compile(r"ausweis|perso\b|reisepass|\bpass\b|\bid\s*card|passport", re.IGNORECASE)
# Only words that certainly mean the card is gone ("nicht mehr" is also "nicht mehr gültig").
_LOST_CARD = re.compile(
    r"verlor|verlier|gestohlen|geklaut|abhanden|verschwunden|verbummel|verschlamp|verschussel"
    r"|\blost\b|stolen|misplaced|can'?t\s+find|cannot\s+find",
    re.IGNORECASE,
)
# A message that names the ID card and its loss is about the loss, however sure the classifier
# is of small talk or "out of scope" (dialect: "Perso verbummelt … was mach isch dann jetz?").
_LOST_CARD_OVERRIDABLE = frozenset({"online_beantragen", "out_of_scope", "chitchat", "nlu_fallback"})
_LOSS = re.compile(
    r"verlor|verlier|gestohlen|geklaut|weg\b|abhanden|vermiss|nicht\s+mehr|finde|verschwunden|gefunden"
    r"|verbummel|verschlamp|verschussel|misplaced"
    r"|\blost\b|\blose\b|stolen|missing|can'?t\s+find|cannot\s+find",
    re.IGNORECASE,
)
_PLACE_ONLY_OVERRIDABLE = frozenset(
    # "angabe" and "nachfrage" too: "und für Großauheim?" is read as either, too unsure to pass.
    {"out_of_scope", "chitchat", "nlu_fallback", "greet", "goodbye", "affirm", "angabe", "nachfrage"}
    # "und aus Schlitz?" after a certificate: a place answers no IKZ question (that asks a number).
    | {"ikz_foerderung"}
)
_PLACE_ONLY_FILLER = re.compile(
    r"^(?:und|auch|in|im|aus|für|fuer|nach|bei|was|wie|ist|mit|dann|denn|noch|bitte|nein|ja|ne|nee|"
    r"ist\s+es|es|das|dort|da|mit|so|ok|okay"
    # A corrected place ("sorry vertippt, ich meinte Bad Nauheim").
    r"|ich|meinte|meine|sorry|sry|vertippt|verschrieben|korrektur|ach|ups|oops|i|meant|mean"
    # The same in English ("and in Kassel?", "what about Fulda?").
    r"|and|also|from|for|at|what|about|how|is|it|then|please|no|yes|the|there|too)$",
    re.IGNORECASE,
)
_BARE_CERTIFICATE_WORD = re.compile(
    r"^\s*(?:a\s+|an\s+|eine\s+)?(?:certificates?|urk[ou]n[dt]en?)\s*[?!.]*\s*$", re.IGNORECASE
)
# Intents of "no question of its own" that a named service with a place turns into a service question.
# Not out_of_scope: "Termin beim Jobcenter Offenbach" names a service but is rightly out of scope.
_SERVICE_KEYWORD_OVERRIDABLE = frozenset({"angabe", "chitchat", "nlu_fallback"})


def only_places(text: str, entities: list[dict[str, Any]]) -> bool:
    """Whether ``text`` is nothing but its place entities and filler words ("Und in Kassel?")."""
    rest = text
    for entity in sorted(
        (e for e in entities if e.get("entity") == PLACE_LABEL and "start" in e),
        key=lambda e: -int(e["start"]),
    ):
        rest = rest[: int(entity["start"])] + " " + rest[int(entity["end"]) :]
    words = re.findall(r"\w+", rest)
    return len(words) <= MAX_PLACE_WORDS and all(_PLACE_ONLY_FILLER.match(w) for w in words)


# A number of municipalities and a word of cooperation or funding is the IKZ calculator's question.
_IKZ_OVERRIDABLE = frozenset(
    {
        "angabe",
        "out_of_scope",
        "chitchat",
        "nlu_fallback",
        "lebenslage",
        "faq",
        "nachfrage",
        "unzufrieden",
        "deny",
    }
)


# Unmistakable dissatisfaction with the answers ("hilft mir nicht weiter", "Quatsch", "not
# helpful"); the classifier reads such a message as small talk or as the question that
# follows it. Not "falsch" or "nein" alone: after a question they are a plain no.
_DISSATISFIED = re.compile(
    r"nicht\s+(?:sehr\s+|wirklich\s+|so\s+)?hilfreich|hilft\s+(?:mir\s+|mer\s+|uns\s+)?(?:alles\s+)?(?:gar\s+|(?:ü|ue)berhaupt\s+)?(?:nicht|nichts|nix|net|kein|kaa)"
    r"|bringt\s+(?:mir\s+)?nichts|\bquatsch\b|\bunsinn\b|nutzlos|unbrauchbar|kokolores|\bhumbug\b|schwachsinn"
    r"|bl(?:ö|oe)dsinn|(?:null|nicht|nichts|kaum|gar\s+nicht)\s+geholfen"
    r"|verstehen?\s+mich\s+nicht|verstehst\s+mich\s+nicht|verstehen\s+sie\s+mich\s+nicht"
    r"|\bbin\s+(?:\w+\s+){0,2}(?:bedient|genervt|frustriert|verärgert|veraergert|sauer|stinksauer)\b|frustrierend|schick\w*\s+(?:mich|einen|uns)\s+(?:\w+\s+)?im\s+kreis"
    r"|am\s+ende\s+mit\s+(?:meinen|den)\s+nerven"
    r"|not\s+(?:very\s+|really\s+)?helpful|(?:does|did)n[o']?t\s+help|\bdosn'?t\s+help"
    r"|(?:do\s+not|don'?t)\s+get\s+me\b|\buseless\b|\bnonsense\b|\brubbish\b"
    r"|you\s+(?:do\s+not|don'?t)\s+understand|(?:not|n'?t)\s+(?:\w+\s+)?helping|\bfrustrat"
    r"|\b(?:unhappy|fed\s+up)\s+with|in\s+circles|waste\s+of\s+(?:my\s+)?time"
    # "this info seems outdated", "Die Angabe ist veraltet"
    r"|\boutdated\b|out\s+of\s+date|\bveraltet\b"
    # Hessian "Des is doch alles Kappes!" (nonsense); "krieh kaa gscheit Antwort" reads as
    # "kriege keine gescheite Antwort" (see _dialect_too).
    r"|\bkappes\b|keine\s+(?:gescheite|vern(?:ü|ue)nftige|richtige|brauchbare|ordentliche)n?\s+antwort"
    # "Das ist doch Abzocke. Ich will mich beschweren": a complaint wants a person to take it.
    r"|\babzocke\b|\bich\s+(?:will|m(?:ö|oe)chte)\s+mich\s+beschweren\b"
    # "Ich warte seit drei Wochen …, das ist doch unmöglich!", "Des is doch e Frechheit!"
    r"|\bfrechheit\b|unversch(?:ä|ae)mt|\bist\s+(?:doch\s+|echt\s+|einfach\s+)?unm(?:ö|oe)glich\b",
    re.IGNORECASE,
)
_DISSATISFACTION_OVERRIDABLE = frozenset(
    {"chitchat", "out_of_scope", "faq", "nachfrage", "deny", "kontakt_mensch", "nlu_fallback", "angabe"}
    | {"leichte_sprache_aus", "greet", "goodbye", "affirm", "lebenslage"}
)


# Asking for Leichte Sprache (easy-to-read German) or back to the standard answers, in words the
# classifier does not know well ("talk more easy", "disable easy-to-read").
_EASY_ON = re.compile(
    r"leichte[rn]?\s+sprache|einfache(?:re)?n?\s+(?:sprache|worte|w(?:ö|oe)rter|s(?:ä|ae)tze)"
    r"|einfacher\s+(?:erkl|schreib|sagen|formulier)|easy[-\s]+to[-\s]+read|easy\s+language"
    r"|(?:easier|simpler|simple|plain)\s+(?:words|language|english|german|sentences)"
    r"|(?:talk|speak|write|explain)\s+(?:it\s+)?(?:more\s+)?(?:easy|easier|simpl\w*)",
    re.IGNORECASE,
)
_EASY_OFF = re.compile(
    r"(?:normale|standard|schwere)\s+sprache|normal\s+(?:language|text|german|english)"
    r"|\bkeine\s+(?:\w+\s+)?(?:einfache|leichte)n?\s+sprache|nicht\s+mehr\s+(?:in\s+)?(?:einfache|leichte)"
    r"|(?:einfache|leichte)r?\s+sprache\s+(?:\w+\s+)?(?:deaktiv|ausschalt|aus\b|beend|stopp|abschalt)"
    r"|(?:disable|turn\s+off|switch\s+off|stop|deactivate|no\s+more|ausschalten|beenden)\b.*"
    r"(?:easy|leicht|einfach|simple)"
    r"|(?:easy[-\s]+to[-\s]+read|leichte\s+sprache|(?:easy|plain|simple)\s+language)\s+(?:aus|off)\b",
    re.IGNORECASE,
)
# What every request for easy language says: the words for it, for being hard to understand or for
# one's German. "einfach" alone is an adverb ("kann ich die einfach per E-Mail bestellen?").
_EASY_REQUEST = re.compile(
    r"leicht|einfache[rnms]?\b|\beinfach\s*(?:erkl|schreib|sag|formul|bitte|[.!?]|$)"
    r"|bitte\s+(?:\w+\s+){0,2}einfach|kompliziert|schwer|schwierig|verst(?:ä|ae)nd|versteh|fachw(?:ö|oe)rt"
    r"|beh(?:ö|oe)rdendeutsch|k(?:ü|ue)rzer|deutsch|easy|easier|simpl|plain|understand|english"
    r"|short(?:er)?\s+(?:sentences|words)|difficult|hard\b|complicated",
    re.IGNORECASE,
)
# What a request to leave Leichte Sprache names: the language, the writing, or "normal" itself
# ("wieder normal", "normale Version bitte"); not "den normalen" (passport) in a question.
_EASY_OFF_REQUEST = re.compile(
    r"sprach|deutsch|schreib|rede|red(?:en|et)\b|text|version|antwort|s(?:ä|ae)tze|w(?:ö|oe)rter|ausf(?:ü|ue)hrlich"
    r"|leicht|einfach|\bnormal\b|easy|plain|simpl|language|english|words",
    re.IGNORECASE,
)
_EASY_OVERRIDABLE = frozenset(
    {
        "faq",
        "chitchat",
        "out_of_scope",
        "nachfrage",
        "angabe",
        "affirm",
        "deny",
        "unzufrieden",
        "nlu_fallback",
    }
    | {"leichte_sprache_an", "leichte_sprache_aus"}
)
_CANCEL = re.compile(
    r"\s*(?:start\s+(?:over|again)|reset|nvm|never\s*mind|cancel|von\s+vorne|neu\s+anfangen|vergiss\s+es"
    r"|abbrechen|abbruch)\b",
    re.IGNORECASE,
)
_CANCEL_OVERRIDABLE = frozenset(
    {
        "lebenslage",
        "affirm",
        "deny",
        "angabe",
        "chitchat",
        "out_of_scope",
        "nachfrage",
        "nlu_fallback",
        "goodbye",
    }
)
_MAX_CANCEL_WORDS = 3


# Life events the classifier takes for small talk or "out of scope" ("We are moving to Darmstadt
# next month."): the words of a move, a business start or a wedding to come are unmistakable.
_LIFE_EVENT_CUE = re.compile(
    r"\b(?:moving|relocating|move|relocate)\s+(?:\w+\s+){0,3}?to\b|\bziehe?n?\s+(?:\w+\s+){0,3}?nach\b|\bumziehen\b|\bziehe?n?\s+um\b"
    r"|\bumzug\s+nach\b|\bstart(?:ing)?\s+(?:a|my|our)\s+(?:own\s+)?business\b|selbst(?:st)?(?:ä|ae)ndig\s+machen"
    # "Ich mache mich nächsten Monat als Fotografin selbstständig."
    r"|\bmach(?:e|en|t)?\s+(?:mich|uns|sich)\s+(?:\w+\s+){0,5}?selbst(?:st)?(?:ä|ae)ndig\b"
    r"|\b(?:getting|get)\s+(?:married|hitched)\b|\bwir\s+heiraten\b"
    # "Wir bekommen im März unser erstes Kind", "we are expecting a baby".
    r"|\b(?:bekommen|kriegen|erwarten)\s+(?:\w+\s+){0,4}?(?:kind|baby)\b"
    r"|\b(?:having|expecting)\s+(?:a|our)\s+(?:\w+\s+)?(?:baby|child)\b",
    re.IGNORECASE,
)
# "Wir sind von Regensburg nach Kassel gezogen, … ein Auto mit R-Kennzeichen … Was muss ich
# denn als Erstes machen?": a told life event and a question for the steps is the life event's
# list, not the one service (the car) the story mentions.
_EVENT_TOLD = re.compile(
    r"nach\s+\w+(?:\s+\w+)?\s+gezogen|umgezogen|hergezogen|\bmoved\s+(?:\w+\s+){0,4}?to\b"
    # "Wir ziehen nach Korbach, was muss ich bei der Anmeldung beachten?"
    r"|\bzieh(?:e|en)\s+(?:\w+\s+){0,2}?nach\b"
    r"|gestorben|verstorben|passed\s+away|\bdied\b|geheiratet|got\s+married|geboren|was\s+born"
    # "our daughter arrived two weeks ago", "i am new come to hessen", "gonna go self employed".
    r"|\b(?:baby|daughter|son|child)\s+(?:\w+\s+)?arrived\b|\bnew\s+(?:come\s+)?(?:to|in)\s+(?:hessen|germany)\b"
    r"|\bself[-\s]?employed\b|selbst(?:st)?(?:ä|ae)ndig\b|\bneu\s+in\s+(?:hessen|deutschland)\b"
    # A birth to come: "Wir bekommen im Frühjahr Zwillinge! Was müssen wir nach der Geburt alles
    # erledigen, und …?"
    r"|\bnach\s+der\s+geburt\b|\b(?:bekommen|kriegen|erwarten)\s+(?:\w+\s+){0,4}?(?:kind|baby|zwillinge|drillinge|nachwuchs)\b",
    re.IGNORECASE,
)
_STEPS_ASKED = re.compile(
    r"was\s+muss\s+(?:ich|man|wir)\s+(?:denn\s+|jetzt\s+|nun\s+|sonst\s+|noch\s+)*(?:als\s+erst\w*|zuerst|alles)"
    r"|welche\s+schritte|in\s+welcher\s+reihenfolge"
    r"|was\s+muss\s+(?:ich|man|wir)\s+(?:\w+\s+){0,4}?beachten"
    r"|what\s+(?:do|should|must)\s+(?:i|we)\s+(?:have\s+to\s+|need\s+to\s+)?do\s+(?:first|now|next)"
    r"|(?:which|what)\s+steps|in\s+which\s+order"
    # "which offices we have to deal with", "what do i gotta sort out", "what paper thing i must do".
    r"|which\s+offices|what\s+(?:do|should|must)\s+(?:i|we)\s+(?:actually\s+)?(?:have\s+to\s+|need\s+to\s+|gotta\s+)?"
    r"(?:do|sort\s+out|take\s+care\s+of|organi[sz]e)\b|what\s+paper\w*\s+(?:\w+\s+){0,2}(?:i|we)\s+(?:must|need|have)"
    r"|was\s+m(?:ü|ue)ssen\s+wir\s+(?:denn\s+|jetzt\s+|nun\s+|alles\s+)*(?:erledigen|machen|tun)\b"
    # "Was müssen wir nach der Geburt alles erledigen?"
    r"|was\s+m(?:ü|ue|u)ss(?:en|t)?\s+(?:wir|ihr|ich|man)\s+(?:\w+\s+){0,5}?alles\s+(?:erledigen|machen|tun|beachten|beantragen)\b"
    r"|welche\s+(?:(?:ä|ae)mter|beh(?:ö|oe)rden(?:g(?:ä|ae)nge)?)\b"
    # "baby is da!! … was brauch ich jetzt alles und wo krieg ich die geburtsurkunde"
    r"|was\s+brauch\w*\s+(?:ich|wir|man)\s+(?:\w+\s+){0,3}?alles\b",
    re.IGNORECASE,
)
# Intents a told life event with a question for its steps overrides (not a named certificate).
_STEPS_OVERRIDABLE = frozenset(
    {
        "online_beantragen",
        "urkunde_beantragen",
        "standesamt_suchen",
        "faq",
        "chitchat",
        "nlu_fallback",
        "out_of_scope",
        "angabe",
        "greet",
    }
)


def asks_steps_of_told_event(text: str) -> bool:
    """Whether a message tells a life event and asks what to do ("Was muss ich als Erstes machen?")."""
    return bool(_EVENT_TOLD.search(text) and _STEPS_ASKED.search(text))


# A certificate or office intent too, when no certificate is named ("moving from Berlin to
# Darmstadt with our two kids" was read as a certificate order).
_LIFE_EVENT_OVERRIDABLE = frozenset(
    {"out_of_scope", "chitchat", "nlu_fallback", "angabe", "greet", "urkunde_beantragen", "standesamt_suchen"}
)


# "pls i want speak with real people not computer": a person, however unsure the classifier is.
_PERSON_WANTED = re.compile(
    r"\b(?:speak|talk|chat|sprechen|reden|redn|telefonieren)\b.{0,40}"
    r"\b(?:real\s+(?:people|person|human)|(?:a\s+)?human|(?:a\s+)?person|someone\s+real|mensch(?:en)?|mitarbeiter\w*"
    r"|sachbearbeiter\w*|echte[nm]?\s+(?:person|mensch(?:en)?))\b"
    r"|\b(?:real\s+(?:people|person|human)|echte[nm]?\s+mensch(?:en)?)\b.{0,40}\b(?:speak|talk|sprechen|reden)\b"
    r"|\bmit\s+(?:einem|einer|nem|ner)\s+(?:echten\s+|richtigen\s+)?(?:mensch(?:en)?|mitarbeiter\w*|person|sachbearbeiter\w*)\b"
    r".{0,30}\b(?:sprechen|reden|redn|telefonieren)\b"
    # "who can I actually ring about this", "jemand am Telefon"
    r"|\bwho\s+can\s+i\s+(?:\w+\s+)?(?:ring|call|phone)\b|\bjemand\s+am\s+telefon\b"
    # "kann ich da nicht einfach wen anrufen?"
    r"|\b(?:wen|jemanden?|jmd)\s+(?:anrufen|fragen|erreichen)\b|\bwen\s+kann\s+ich\b.{0,20}\banrufen\b"
    # "mit wem kann ich da reden?"
    r"|\bmit\s+wem\s+(?:kann|könnte|koennte|soll)\s+ich\b.{0,20}\b(?:sprechen|reden|telefonieren)\b"
    # "give me someone from the office"
    r"|\b(?:give|get)\s+me\s+(?:someone|somebody|a\s+(?:real\s+)?(?:person|human))\b"
    # "Gibt's do kaan Mensch, wo mer aarufe kann?" (read in standard German: "keinen … anrufen")
    r"|\b(?:kein\w*|einen?)\s+(?:echten?\s+)?mensch\w*\s*,?\s+(?:\w+\s+){0,3}anrufen\b"
    # "Gibt es irgendwo eine Telefonnummer, wo ein echter Mensch rangeht?"
    r"|\btelefonnummer\b.{0,50}\b(?:mensch|person|jemand|mitarbeiter)",
    re.IGNORECASE,
)
# Impatience beside the wish for a person ("seit 3 Tagen … nix klappt!!! ich will jetzt endlich mit
# nem Menschen reden"): an apology comes first, as for any complaint.
_FED_UP = re.compile(
    r"\b(?:nix|nichts|gar\s+nichts)\s+(?:klappt|funktioniert|geht)\b|\bendlich\b|!{2,}", re.IGNORECASE
)
_PERSON_OVERRIDABLE = frozenset({"nlu_fallback", "out_of_scope", "chitchat", "angabe", "nachfrage"})


# "Danke, jetzt verstehe ich es.": thanks with a short tail, no question; the classifier, unsure
# about the tail, falls back to the topic menu.
_THANKS = re.compile(
    r"^\s*(?:danke|vielen\s+dank|herzlichen\s+dank|besten\s+dank|dankesch(?:ö|oe)n|merci|thanks|thank\s+you|thx|ty)\b"
    # Not the sarcastic "Danke für nichts" / "thanks for nothing".
    r"(?!,?\s+(?:f(?:ü|ue)r|for)\s+(?:nichts|nothing))",
    re.IGNORECASE,
)
_MAX_THANKS_WORDS = 8
THANKS_OVERRIDABLE = frozenset({"nlu_fallback", "chitchat", "goodbye", "affirm", "out_of_scope", "angabe"})


# "hey mate how r u? who u are, u a robot or what?": small talk that asks whether this is a
# machine gets that answer (the bot says what it is), not only "fine, thanks".
_BOT_QUESTION = re.compile(
    # "a robot", "ein Bot", "eine KI": asking what it is, not addressing it ("sup bot, what u can do").
    r"\b(?:a|an|ein|eine|ne|'ne)\s+(?:robot|roboter|bot|chat\s*bot|ki|ai|maschine|machine|computer\w*)\b"
    r"|\bare\s+you\s+(?:a\s+)?(?:real|human)|\b(?:echter|richtiger|wirklicher|lebendiger)\s+mensch"
    # "Sind Sie eigentlich ein Mensch?", "Rede ich hier mit einem Menschen?" (not "Ich möchte
    # mit einem Menschen sprechen": that asks for one).
    r"|\b(?:sind\s+sie|bist\s+du)\b.{0,20}\bmensch\b"
    r"|\b(?:rede|spreche|schreibe|chatte)\s+ich\b.{0,20}\bmensch"
    # "Hallo, wer bist du eigentlich?", "who are you?"
    r"|\bwer\s+(?:bist\s+du|sind\s+sie)\b|\bwho\s+are\s+(?:you|u)\b|\bwhat\s+are\s+you\b",
    re.IGNORECASE,
)


def asks_what_the_bot_is(text: str) -> bool:
    """Whether small talk asks if the assistant is a machine ("u a robot or what?")."""
    return bool(_BOT_QUESTION.search(text))


# What the classifier says for a long message that ends in "are you human?": small talk with low
# confidence, or nothing it knows.
BOT_QUESTION_OVERRIDABLE = frozenset({"chitchat", "out_of_scope", "nlu_fallback", "greet"})


def bot_question_alone(text: str) -> bool:
    """Whether ``text`` asks what the assistant is and asks nothing about a topic beside it.

    "Ach wissen Sie, ich bin jetzt 82 … meine Enkelin hat mir das hier eingerichtet … Sind Sie
    eigentlich ein richtiger Mensch??": the rambling before the question is no request, so the
    classifier is unsure; the question is answered (the assistant says what it is).
    """
    return (
        asks_what_the_bot_is(text)
        and not names_a_service(text)
        and not certificate_kind(text)
        and not _TOPIC_WORD.search(text)
        and not asks_what_the_bot_can_do(text)
    )


# Sentences: a question about a service after small talk is asked in a sentence of its own.
_SENTENCES = re.compile(r"(?<=[.?!])\s+")


def service_beside_small_talk(text: str) -> bool:
    """Whether a question after small talk names a detailed service.

    "Hallo! Wer bist du eigentlich, ein Mensch oder ein Computer? Und kann ich über dich Wohngeld
    beantragen?": the service is answered (with the small talk's answer first, where it asks what
    the assistant is). Only a later sentence that asks: thanks that name a service stay thanks.
    """
    later = _SENTENCES.split(text.strip())[1:]
    return any(sentence.rstrip().endswith("?") and names_a_service(sentence) for sentence in later)


# "hallo wie gehts dir", "Gude, wie geht's?", "hi how r u": a greeting that asks how the
# assistant is; the classifier splits it between greet and small talk and falls back.
_HOW_ARE_YOU = re.compile(
    r"\bwie\s+geht'?s\b|\bwie\s+gehts\b|\bwie\s+geht\s+es\s+(?:dir|ihnen|euch)\b"
    r"|\bhow\s+(?:are|r)\s+(?:you|u)\b|\bhow'?s\s+it\s+going\b",
    re.IGNORECASE,
)
_MAX_HOW_ARE_YOU_WORDS = 6
HOW_ARE_YOU_OVERRIDABLE = frozenset({"nlu_fallback", "greet", "chitchat"})


# "Trinkst du aach gern en Ebbelwoi? Un sach ema, bei was kannste mer helfe?": small talk that
# asks what the assistant can do gets that answer, not only "fine, thanks".
_WHAT_CAN_YOU_DO = re.compile(
    r"\b(?:wobei|bei\s+was|womit|mit\s+was|was)\s+(?:kannst|kannste|k(?:ö|oe)nnen\s+(?:sie|ihr))\b.{0,30}?"
    r"\b(?:helfe|helfen|machen|mache|tun)\b"
    # "Un was kannste dann so?", "Was können Sie eigentlich alles?" (after asking what it is).
    r"|\bwas\s+(?:kannst\s+du|kannste|k(?:ö|oe)nnen\s+(?:sie|ihr))\s+(?:(?:denn|dann|eigentlich|eischentlich|(?:ü|ue)berhaupt)\s+)*(?:so|alles)\b"
    r"|\bwhat\s+(?:can|do)\s+(?:you|u)\s+(?:do|help)",
    re.IGNORECASE,
)


def asks_what_the_bot_can_do(text: str) -> bool:
    """Whether ``text`` asks what the assistant can help with ("Wobei kannst du mir helfen?")."""
    return bool(_WHAT_CAN_YOU_DO.search(text))


# Intents a short "what can you do?" is misread as: "Un was kannste dann so?" reads like a
# goodbye ("so, dann …") or a follow-up to the classifier.
CAN_DO_OVERRIDABLE = frozenset({"goodbye", "nachfrage", "nlu_fallback", "greet", "out_of_scope"})
_MAX_CAN_DO_WORDS = 8


def can_do_question_alone(text: str) -> bool:
    """Whether ``text`` is only the question what the assistant can do (a short message)."""
    return asks_what_the_bot_can_do(text) and len(text.split()) <= _MAX_CAN_DO_WORDS


# Words of small talk about how one is ("wie geht's", "alles klar?", "how are you").
_HOW_ONE_IS = re.compile(
    # Not "Wie läuft das mit dem Antrag?", which asks about a procedure.
    # Not "wo geht der Antrag hin?".
    r"\bwie\s+geht|\bgeht'?s\b|\bgeht\s+(?:es\s+)?(?:dir|ihnen|euch)\b|befind|l(?:ä|ae)uft(?!\s+(?:das|der|die|es)\s+mit)|alles\s+(?:klar|gut|fit|okay|ok)|wie\s+isses|wie\s+steht"
    r"|\bhow\s+(?:are|r|is)\b|\bhow'?s\b|\bwhat'?s\s+up\b|\bsup\b",
    re.IGNORECASE,
)


def follow_up_misread_as_small_talk(text: str) -> bool:
    """Whether "how are you" was picked for a short follow-up that asks nothing of the kind.

    "und im Expressverfahren?" after the passport fee got "Danke, mir geht es gut": it opens
    like a follow-up and has no word of small talk, so the topic in focus is meant.
    """
    return (
        bool(FOLLOW_UP_OPENING.match(text))
        and len(text.split()) <= _MAX_FOLLOW_UP_WORDS
        and not _HOW_ONE_IS.search(text)
    )


# Words of the assistant's topics: a short question with one asks about the topic in focus.
_TOPIC_WORD = re.compile(
    r"antrag|beantrag|urkunde|konto|\bdaten\b|gemeinde|kommune|verband|f(?:ö|oe)rder|geb(?:ü|ue)hr|\bkost"
    r"|formular|unterlagen|\bfrist",
    re.IGNORECASE,
)
_MAX_TOPIC_QUESTION_WORDS = 12


def topic_question_misread_as_small_talk(text: str) -> bool:
    """Whether small talk was picked for a short question about the assistant's topics.

    "Ist das pro Verband oder pro Gemeinde?" after the IKZ funding got "I am a computer
    program"; "Sind meine Daten da automatisch rübergegangen?" after the Servicekonto too;
    "Wie läuft das mit dem Antrag, wo geht der hin?" got "fine, thanks".
    """
    return (
        bool(_TOPIC_WORD.search(text))
        and len(text.split()) <= _MAX_TOPIC_QUESTION_WORDS
        and not _HOW_ONE_IS.search(text)
        and not asks_what_the_bot_is(text)
    )


def asks_how_the_bot_is(text: str) -> bool:
    """Whether ``text`` asks how the assistant is ("wie geht's dir?"), alone or before a question."""
    return bool(_HOW_ARE_YOU.search(text))


def how_are_you_only(text: str) -> bool:
    """Whether ``text`` only greets and asks how the assistant is ("hallo wie gehts dir")."""
    return asks_how_the_bot_is(text) and len(text.split()) <= _MAX_HOW_ARE_YOU_WORDS


# "Danke, aber das hilft mir nicht": thanks that go on to a complaint.
_THANKS_BUT = re.compile(r"\b(?:aber|but|trotzdem|nicht|not|nichts|nothing)\b", re.IGNORECASE)


def thanks_only(text: str) -> bool:
    """Whether ``text`` thanks and asks nothing ("Danke, jetzt verstehe ich es.")."""
    return (
        bool(_THANKS.match(text))
        and "?" not in text
        and len(text.split()) <= _MAX_THANKS_WORDS
        and not _THANKS_BUT.search(text)
    )


# "where / which office": the certificate's place is asked ("get" alone is too common).
_WHERE_CUE = re.compile(
    r"\b(?:where|wo|woher|which\s+office|welche[sm]?\s+(?:amt|standesamt))\b", re.IGNORECASE
)


def only_residences(text: str, entities: list[dict[str, Any]]) -> bool:
    """Whether every place the message names is only where someone lives ("He lived in Bad König")."""
    places = [
        text[e["start"] : e["end"]]
        for e in entities
        if e.get("entity") == PLACE_LABEL
        and isinstance(e.get("start"), int)
        and isinstance(e.get("end"), int)
    ]
    return bool(places) and all(named_as_residence(text, place) for place in places)


_TOLD_FOLLOW_UP_OVERRIDABLE = frozenset({"chitchat", "out_of_scope", "nlu_fallback", "greet", "goodbye"})
# Only over small talk and misses: "Wo finde ich hier die Online-Dienste?" (a FAQ, the overview) or
# "wer ist hier zuständig?" read as the ministry's FAQ are decided elsewhere (understanding.py).
_WHERE_HERE_OVERRIDABLE = frozenset(
    {
        "chitchat",
        "greet",
        "goodbye",
        "out_of_scope",
        "nlu_fallback",
        "angabe",
        "nachfrage",
        "standesamt_suchen",
    }
)
# A short question where, or for the administration, on a municipality's page.
_WHERE_HERE = re.compile(
    r"\b(?:wo|wohin|wer)\b|zust(?:ä|ae)ndig|verwaltung|rathaus|b(?:ü|ue)rgerb(?:ü|ue)ro", re.IGNORECASE
)
_WEATHER = re.compile(
    r"\bwetter\b.{0,30}\b(?:morgen|heute|wird|werden|am\s+wochenende)\b"
    r"|\b(?:wie\s+wird|wie\s+ist)\s+(?:das|des)\s+wetter\b|wettervorhersage|wetterbericht",
    re.IGNORECASE,
)
_WEATHER_OVERRIDABLE = frozenset({"angabe", "nlu_fallback", "chitchat", "standesamt_suchen"})
# "das war in Mainz-Kastel, nicht Würzburg", "nicht in Fulda, sondern in Hünfeld": a place put right.
_PLACE_CORRECTION = re.compile(
    r"\b(?:das|es)\s+war\s+(?:doch\s+|aber\s+|eigentlich\s+)?(?:in|im)\b.*\bnicht\b"
    # "nein, Entschuldigung, ich meinte Gießen"
    # (not "wo bekomme ich meine Geburtsurkunde")
    r"|\bich\s+meinte\b|\b(?:nein|nee|sorry|entschuldigung)\W+ich\s+meine\b"
    r"|\bnicht\s+(?:in\s+)?\w+,?\s+sondern\b",
    re.IGNORECASE,
)
_NOT_BEFORE = re.compile(r"\b(?:nicht|net|nich)\s+(?:in\s+|im\s+)?$", re.IGNORECASE)


def _negated_place(entity: dict[str, Any], text: str) -> bool:
    """Whether ``entity`` is a place named as the wrong one ("…, nicht Würzburg")."""
    start = entity.get("start")
    return (
        entity.get("entity") == PLACE_LABEL
        and isinstance(start, int)
        and bool(_NOT_BEFORE.search(text[:start]))
    )


def _dialect_too(pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``pattern`` occurs in ``text`` or in its standard-German reading.

    "Isch will mit em rischtische Mensch redde" asks for a person as plainly as the standard
    sentence; the dialect list (data/knowledge/dialekt.yml) only adds the second reading.
    """
    return bool(pattern.search(text) or pattern.search(standardise(text)))


def _qualified_place(entity: dict[str, Any], text: str) -> dict[str, Any]:
    """An ambiguous place that the message qualifies, as the AGS of the one meant.

    "Mei Mudder is in Bad Soden gestorbe, die im Taunus": the entity "Bad Soden" becomes Bad
    Soden am Taunus's AGS, as "hier" becomes the page's. Every action resolves the slot ``ort``
    from its text alone (actions/orte.py), so the qualifier must travel in the value.
    """
    if entity.get("entity") != PLACE_LABEL or not entity.get("value"):
        return entity
    meant = load_municipalities().qualified(str(entity["value"]), text)
    return {**entity, "value": meant.ags} if meant else entity


def refine(
    text: str, intent: dict[str, Any] | None, entities: list[dict[str, Any]], metadata: Any
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The message's intent and entities after the two rules in the module docstring."""
    entities = list(entities)
    has_place = any(e.get("entity") == PLACE_LABEL for e in entities)
    kommune = kommune_from_metadata(metadata)
    here = HERE.search(text)
    # "… died at the hospital here in our town. We all live in Willingen though.": a place named
    # only as the residence leaves "here" the event place.
    if kommune and here and (not has_place or only_residences(text, entities)):
        entities.append(span_entity(PLACE_LABEL, kommune, here))
        has_place = True
    found = certificate_match(text)
    kind = found[0] if found else None
    # DIET tags a typo ("Gebrutsurkunde") as the kind but the synonym table cannot map it.
    entities = [
        {**e, "value": kind}
        if e.get("entity") == KIND_LABEL and e.get("value") not in CANONICAL_KINDS and kind
        else e
        for e in entities
    ]
    if found and not any(e.get("entity") == KIND_LABEL for e in entities):
        entities.append(span_entity(KIND_LABEL, found[0], found[1]))
    if (found or event_kind(text)) and not has_place:
        # "un mei Fraa, die is in Offebach gebore": a told event's place the ruler missed too.
        span = (keyword_place(text, found[1]) if found else None) or typed_event_place(text)
        if span:
            entities.append(span_entity(PLACE_LABEL, span.group(0), span))
            has_place = True
    entities.sort(key=lambda e: (e.get("start", 0), e.get("end", 0)))
    entities = [_qualified_place(e, text) for e in entities]
    name = (intent or {}).get("name")
    unsure = float((intent or {}).get("confidence") or 0.0) < UNSURE
    correction = has_place and bool(kind or event_kind(text))
    if (
        (name in _DISSATISFACTION_OVERRIDABLE or name == "unzufrieden" or unsure)
        and _dialect_too(_DISSATISFIED, text)
        and correction
    ):
        # "Ach nee, Quatsch – mein Onkel ist in Petersberg gestorben, nicht in Fulda.": a
        # correction of the place, not a complaint; the certificate for the named event place.
        intent = {"name": CERTIFICATE_INTENT, "confidence": 1.0}
        if not any(e.get("entity") == KIND_LABEL for e in entities):
            entities.append(event_entity(text))
    elif (
        (name in _DISSATISFACTION_OVERRIDABLE or name == "unzufrieden" or unsure)
        and has_place
        and _PLACE_CORRECTION.search(text)
    ):
        # "Ach nein, Quatsch, das war in Mainz-Kastel, nicht Würzburg." after a certificate's
        # answer: the place corrected (the request in focus goes on), not a complaint.
        intent = {"name": "angabe", "confidence": 1.0}
        # "nein, Entschuldigung, ich meinte Gießen": DIET may tag the apology as a service.
        entities = [
            e
            for e in entities
            if not _negated_place(e, text)
            and not (e.get("entity") == "leistung" and not names_a_service(str(e.get("value"))))
        ]
    elif (name in _DISSATISFACTION_OVERRIDABLE or unsure) and (
        _dialect_too(_DISSATISFIED, text) or (_FED_UP.search(text) and _dialect_too(_PERSON_WANTED, text))
    ):
        # "Das war nicht hilfreich. Wer kann mir sonst helfen?": an apology and a person.
        intent = {"name": "unzufrieden", "confidence": 1.0}
    elif name in _WEATHER_OVERRIDABLE and not kind and _dialect_too(_WEATHER, text):
        # "waaßt du wie des Wedder morsche werd in Frankfort": the weather, not the place's topics
        # ("Wetter" is also a town, bot/nlp/entities.py).
        intent = {"name": "out_of_scope", "confidence": 1.0}
        entities = [e for e in entities if e.get("entity") != PLACE_LABEL]
    elif (
        kommune
        and here
        and _WHERE_HERE.search(text)
        and len(text.split()) <= _MAX_FOLLOW_UP_WORDS
        and not kind
        # "Ich bin in Kostheim geboren, ist das hier zuständig?" asks for the event's Standesamt.
        and not event_kind(text)
        and not names_a_service(text)
        and (
            name in _WHERE_HERE_OVERRIDABLE or name == "online_beantragen" and not asks_for_online_offer(text)
        )
    ):
        # "wo melde ich den hier an?", "Un wo mach isch des bei uns?" on a municipality's page: the
        # topic in focus for that municipality (or its administration), not small talk.
        intent = {"name": "nachfrage", "confidence": 1.0}
    elif other_language(text):
        # "Je cherche l'état civil de Darmstadt": the notice in German and English, with 115.
        intent = {"name": "andere_sprache", "confidence": 1.0}
    elif name == "leichte_sprache_an" and _dialect_too(_PERSON_WANTED, text):
        # "ach man, so kompliziert. kann ich da nicht einfach wen anrufen?": a person, not easier
        # words ("kompliziert" alone asks for Leichte Sprache).
        intent = {"name": "kontakt_mensch", "confidence": 1.0}
    elif name in _EASY_OVERRIDABLE and _EASY_OFF.search(text):
        # "disable easy-to-read", "normale Sprache bitte" (before the next rule: both say "easy").
        intent = {"name": "leichte_sprache_aus", "confidence": 1.0}
    elif name in _EASY_OVERRIDABLE and _EASY_ON.search(text):
        # "use easier words, my english is not good", "Bitte in einfachen Worten".
        intent = {"name": "leichte_sprache_an", "confidence": 1.0}
    elif name == "leichte_sprache_an" and not _EASY_REQUEST.search(text):
        # "und kann ich die einfach per E-Mail bestellen?": "einfach" only means "simply"; a
        # follow-up asks about the topic in focus, anything else was a guess ("write my homework").
        follow_up = FOLLOW_UP_OPENING.match(text) or names_a_service(text)
        intent = {"name": "nachfrage" if follow_up else "nlu_fallback", "confidence": 1.0}
    elif name == "leichte_sprache_aus" and not _EASY_OFF_REQUEST.search(text):
        # "Und wenn ich doch den normalen nehme, kann ich mir den nach Hause schicken lassen?"
        # after the passport fees: "normalen" is the ordinary passport, not the ordinary language.
        follow_up = FOLLOW_UP_OPENING.match(text) or names_a_service(text)
        intent = {"name": "nachfrage" if follow_up else "nlu_fallback", "confidence": 1.0}
    elif name in _CANCEL_OVERRIDABLE and _CANCEL.match(text) and len(text.split()) <= _MAX_CANCEL_WORDS:
        # "start over", "nvm", "von vorne": short words that only ever mean "stop this".
        intent = {"name": "abbrechen", "confidence": 1.0}
    elif _BARE_CERTIFICATE_WORD.match(text):
        # "certificate", "Urkunde?": the order; the form asks which one.
        intent = {"name": CERTIFICATE_INTENT, "confidence": 1.0}
    elif (
        has_place
        and not kind
        # "Büdingen" after "Ich brauche eine Geburtsurkunde.": an order to the classifier, too
        # unsure to pass the fallback; a bare place answers the form's question.
        and (name in _PLACE_ONLY_OVERRIDABLE or unsure and name in (CERTIFICATE_INTENT, "standesamt_suchen"))
        and only_places(text, entities)
    ):
        intent = {"name": "angabe", "confidence": 1.0}
    elif (
        kind
        and has_place
        and (
            name in _OVERRIDABLE
            or name == CERTIFICATE_INTENT
            # "Wo bekomme ich eine Sterbeurkunde aus Bad Arolsen?" is no FAQ question
            # (fees, who may, how long …); with a place it is a request. "Where do I order …,
            # and how much does it cost?" too: the answer names the fees.
            or (name == FAQ_INTENT and (certificate_question(text) is None or _WHERE_CUE.search(text)))
            # "… gestorben, wo bekomme ich die Sterbeurkunde? Und kann ich auch mit jemandem
            # persönlich sprechen?": the certificate, then the person (actions/themen.py).
            or (name == "kontakt_mensch" and _WHERE_CUE.search(text))
            # "… in Fritzlar gestorben, wo bekomme ich die Sterbeurkunde?" asks for the
            # certificate, not for the whole life event; "My father died on Sunday. He lived
            # alone in Bad König … what do I have to do now?" names no event place: the list.
            or (name == "lebenslage" and not only_residences(text, entities))
            # "Where do I order a marriage certificate, we married in Heppenheim, …?"
            or (name == "nachfrage" and _WHERE_CUE.search(text))
            or (name == "online_beantragen" and not _ONLINE_CUE.search(text))
        )
    ):
        # Also when the classifier already said "certificate" but too unsure to pass the
        # fallback threshold: the words leave no doubt.
        intent = {"name": CERTIFICATE_INTENT, "confidence": 1.0}
    elif (
        (name in _TOLD_FOLLOW_UP_OVERRIDABLE or name == FAQ_INTENT and "?" not in text)
        and has_place
        and FOLLOW_UP_OPENING.match(standardise(text))
        and event_kind(text)
        and len(text.split()) <= _MAX_FOLLOW_UP_WORDS
    ):
        # "und meine Schwester ist in Melsungen geboren" after a birth certificate (read as "who
        # are you?"): the certificate of the told event, for its place.
        intent = {"name": CERTIFICATE_INTENT, "confidence": 1.0}
        entities.append(event_entity(text))
    elif (
        name == "ikz_foerderung"
        and names_a_service(text)
        and not MUNICIPALITIES.search(text)
        and not re.search(r"\bikz\b|interkommunal|inter-municipal", text, re.IGNORECASE)
    ):
        # "How much does a passport cost if I am 35?": a number and "how much" are no IKZ
        # question when a citizen's service is named and no municipalities are.
        intent = {"name": "online_beantragen", "confidence": 1.0}
    elif (
        name == CERTIFICATE_INTENT
        and not kind
        and not event_kind(text)
        and not any(e.get("entity") == KIND_LABEL for e in entities)
        and names_a_service(text)
    ):
        # "I would like to exchange my Indian driving licence for a German one": a service the
        # words name, and no certificate or event anywhere.
        intent = {"name": "online_beantragen", "confidence": 1.0}
    elif name in _SERVICE_KEYWORD_OVERRIDABLE and has_place and names_a_service(text):
        # "Hundesteuer Gießen", "Wohngeld Kassel": a service and a place is a service question
        # (the classifier reads such keyword queries as a bare place).
        intent = {"name": "online_beantragen", "confidence": 1.0}
    elif (name in _IKZ_OVERRIDABLE or name == "ikz_foerderung" and unsure) and ikz_funding_question(text):
        # "Wir sind zwei Gemeinden und wollen die Bauhöfe zusammenlegen": the calculator. Also
        # when the classifier said so itself, too unsure for the fallback threshold (a mayor's
        # long story about the neighbour villages).
        intent = {"name": "ikz_foerderung", "confidence": 1.0}
    elif (
        name in _IKZ_OVERRIDABLE - {FAQ_INTENT} or name == "kontakt_mensch" and not PERSON_WORD.search(text)
    ) and ikz_funding_without_count(text):
        # "… vun IKZ. Was is des eichentlich un gibt's da Geld defür?": talking ("babbelt") is no
        # request for a person; the calculator says what IKZ is and asks the number.
        intent = {"name": "ikz_foerderung", "confidence": 1.0}
    elif name in _IKZ_OVERRIDABLE and ikz_special_funding_question(text):
        # "IKZ funding merger fire brigades amount": the calculator, which names the special rule
        # (15.000 € per fire brigade) before it asks for the number of municipalities.
        intent = {"name": "ikz_foerderung", "confidence": 1.0}
    elif (
        (name in _IKZ_OVERRIDABLE or name == "standesamt_suchen")
        and has_place
        and named_cooperation_funding(text)
    ):
        # "Wir überlegen, mit Weilburg und Löhnberg einen gemeinsamen Standesamtsbezirk zu
        # bilden. Wird das vom Land gefördert?": the calculator counts the named partners.
        intent = {"name": "ikz_foerderung", "confidence": 1.0}
    elif (
        (name == "lebenslage" or name == FAQ_INTENT and not ACCOUNT_WORD.search(text))
        and not any(e.get("entity") == "lebenslage" for e in entities)
        and not _LIFE_EVENT_CUE.search(text)
        and _ONLINE_CUE.search(text)
        and _WHICH.search(text)
    ):
        # "welche Behördengänge ich online erledigen kann": the online services, no life event
        # and no FAQ (the BundID's mailbox was picked for "Which administrative services can I
        # apply for online?"); with an account word it is the account's FAQ.
        intent = {"name": "online_beantragen", "confidence": 1.0}
    elif (
        name == "lebenslage"
        and FOLLOW_UP_OPENING.match(text)
        and len(text.split()) <= _MAX_TOLD_FOLLOW_UP_WORDS
        and has_place
        and not kind
        and event_kind(text)
        and not asks_steps_of_told_event(text)
        and not only_residences(text, entities)
    ):
        # "und für witzenhausen? da ist letztes jahr mein onkel verstorben" after a certificate:
        # the same certificate for the told event's place, not the life event's list.
        intent = {"name": CERTIFICATE_INTENT, "confidence": 1.0}
        entities.append(event_entity(text))
    elif name in _STEPS_OVERRIDABLE and not kind and asks_steps_of_told_event(text):
        # "My father passed away last Tuesday in Kassel … What do we need to do first?", "Our
        # daughter was born … no idea which offices we have to deal with": the event's list
        # (with the certificate from the event place), not one FAQ, service or certificate.
        intent = {"name": "lebenslage", "confidence": 1.0}
    elif (
        name == "lebenslage"
        and not any(e.get("entity") == "lebenslage" for e in entities)
        and names_a_service(text)
        and not asks_steps_of_told_event(text)
    ):
        # No life event named, but a service is ("Hund aus dem Tierheim … anmelden?").
        intent = {"name": "online_beantragen", "confidence": 1.0}
    elif name in _ABROAD_OVERRIDABLE and abroad_event(text):
        # "Unser Sohn wurde in Spanien geboren und soll in ein deutsches Register eingetragen
        # werden … Wer ist zuständig?": the Nachbeurkundung at the Standesamt of the residence
        # (actions/standesamt.py), not "nothing to say".
        intent = {"name": "standesamt_suchen", "confidence": 1.0}
    elif (
        name in _EVENT_WHERE_OVERRIDABLE
        and has_place
        and event_kind(text)
        and _WHERE_CUE.search(text)
        and not only_residences(text, entities)
    ):
        # "Oh, and my wife was born in Munich, where does she get hers?": an event word, its
        # place and "where / get" ask for the certificate, not for the life event's list.
        intent = {"name": CERTIFICATE_INTENT, "confidence": 1.0}
        if not any(e.get("entity") == KIND_LABEL for e in entities):
            entities.append(event_entity(text))
    elif (
        (
            name in _LOST_CARD_OVERRIDABLE
            # "persoausweis verlorn": the classifier's event words are no event the actions know.
            or (name == "lebenslage" and not any(e.get("value") == "ausweis_verloren" for e in entities))
            or (name in _UNSURE_OVERRIDABLE and unsure)
        )
        and _ID_CARD.search(text)
        and _LOST_CARD.search(text)
    ):
        # "hab meinen persnalausweiss verlorn": the lost card is the life event, not the service.
        intent = {"name": "lebenslage", "confidence": 1.0}
        entities = [e for e in entities if e.get("entity") != "lebenslage"]
        loss = _LOST_CARD.search(text)
        assert loss is not None  # checked above
        entities.append(span_entity("lebenslage", "ausweis_verloren", loss))
    elif name == "lebenslage" and _ID_CARD.search(text) and not _LOSS.search(text):
        # "Personalausweis Kosten" is a question about the service, not the life event
        # "ID card lost", whose training examples all name the card.
        intent = {"name": "online_beantragen", "confidence": 1.0}
    elif (
        name in _UNSURE_EVENT_OVERRIDABLE
        # Small talk however sure: "und mein Schwiegervater, der ist in Heidelberg geboren?"
        and (unsure or name == "chitchat")
        and has_place
        and not kind
        and event_kind(text)
        and not names_a_service(text)
    ):
        # "Ich bin in Kostheim geboren, ist das hier zuständig?": an event and its place, and
        # the classifier unsure what is asked; the certificate of that event is the likely need.
        intent = {"name": CERTIFICATE_INTENT, "confidence": 1.0}
        # DIET's own guess of the kind ("birth paper" → "geburt") is no kind the actions know.
        entities = [e for e in entities if e.get("entity") != KIND_LABEL]
        entities.append(event_entity(text))
    elif (
        kind
        and not has_place
        and name == FAQ_INTENT
        and FOLLOW_UP_OPENING.match(text)
        and len(text.split()) <= _MAX_FOLLOW_UP_WORDS
        and certificate_question(text) is None
    ):
        # "und eine Sterbeurkunde?" after a certificate answer asks for it from the same place;
        # the fee FAQ the classifier picked answers nothing that was asked.
        intent = {"name": "nachfrage", "confidence": 1.0}
    elif (
        kind
        and not has_place
        and name in _SAME_PLACE_OVERRIDABLE
        and FOLLOW_UP_OPENING.match(text)
        and _SAME_PLACE.search(text)
        and len(text.split()) <= _MAX_SAME_PLACE_WORDS
    ):
        # "und eine Sterbeurkunde von dort auch? mein Schwiegervater ist da gestorben": the place
        # of the previous answer; the classifier heard "Schwiegervater" and asked who may order.
        intent = {"name": "nachfrage", "confidence": 1.0}
    elif (
        name in ("out_of_scope", "nlu_fallback", "chitchat")
        and not _FOR_SOMEONE.match(text)
        and _dialect_too(_FOR_SOMEONE, text)
        and len(text.split()) <= _MAX_FOLLOW_UP_WORDS
        and not has_place
        and not kind
    ):
        # "un fer mein Bub, der is 17?" after the ID card fee: the standard reading is the
        # follow-up "und für meinen Sohn?" that the classifier knows; the dialect it does not.
        intent = {"name": "nachfrage", "confidence": 1.0}
    elif (
        name == "lebenslage"
        and _FOR_SOMEONE.match(text)
        and len(text.split()) <= _MAX_FOLLOW_UP_WORDS
        and not has_place
        and not kind
        and not event_kind(text)
        and not _LIFE_EVENT_CUE.search(text)
        and not names_a_service(text)
    ):
        # "und für meine Tochter, sie ist 12?" after the passport fee: the same topic for
        # another person, not a life event (the classifier hears "Tochter").
        intent = {"name": "nachfrage", "confidence": 1.0}
    elif (
        unsure
        and name not in CUE_KEEPS
        and FOLLOW_UP_OPENING.match(text)
        and len(text.split()) <= _MAX_FOLLOW_UP_WORDS
        and not names_a_service(text)
    ):
        # The topic in focus decides (actions/nachfragen.py), not the topic menu.
        intent = {"name": "nachfrage", "confidence": 1.0}
    elif (
        (name in _ASPECT_FOLLOW_UP_OVERRIDABLE or unsure or name == FAQ_INTENT and _faq_guess(text))
        and name not in CUE_KEEPS
        and _ASPECT_FOLLOW_UP.match(text)
        and len(text.split()) <= _MAX_FOLLOW_UP_WORDS
        and not kind
        and not names_a_service(text)
    ):
        # "Was kostet ein neuer? Ich bin 42." after a lost ID card: the fee of the topic in focus;
        # "how many days I have for this?" after registering an address: its deadline.
        intent = {"name": "nachfrage", "confidence": 1.0}
    elif (
        name in (CERTIFICATE_INTENT, "standesamt_suchen")
        and not kind
        and not event_kind(text)
        and not _ANY_CERTIFICATE.search(text)
        and _WHERE_TO_APPLY_FOR_IT.match(text)
        and len(text.split()) <= _MAX_FOLLOW_UP_WORDS
    ):
        # "Und wo beantrage ich das? Ich wohne in Fulda." after the postal vote: that service
        # for the place of residence, not a certificate with no kind named.
        intent = {"name": "nachfrage", "confidence": 1.0}
    elif (
        name in ("chitchat", "greet", "goodbye")
        and FOLLOW_UP_OPENING.match(text)
        and len(text.split()) <= _MAX_SERVICE_FOLLOW_UP_WORDS
        and names_a_service(text)
    ):
        # "Und ein Reisepass?" after the ID card's fees: the same question for that service
        # (actions/nachfragen.py), not small talk.
        intent = {"name": "nachfrage", "confidence": 1.0}
    elif (name in _PERSON_OVERRIDABLE or unsure) and _dialect_too(_PERSON_WANTED, text):
        # The handoff: 115 and the municipality's administration.
        intent = {"name": "kontakt_mensch", "confidence": 1.0}
    elif (
        # A FAQ only when nothing is asked: the statement of the event ("Fotografin" read as the
        # passport photo FAQ).
        (
            name in _LIFE_EVENT_OVERRIDABLE
            or (name == "lebenslage" and unsure)
            or name == FAQ_INTENT
            and "?" not in text
        )
        and not kind
        and _LIFE_EVENT_CUE.search(text)
    ):
        # The life event's list (actions/lebenslagen.py reads which event from its keywords).
        intent = {"name": "lebenslage", "confidence": 1.0}
    elif name == "abbrechen" and not kind and names_a_service(text):
        # "Fuehrerschein umschreiben lassen" read as "lass es": a service named is no request to
        # stop.
        intent = {"name": "online_beantragen", "confidence": 1.0}
    elif name in _UNSURE_OVERRIDABLE and unsure and not kind and names_a_service(text):
        # A long story the classifier is unsure about, but which names one of the detailed
        # services ("… ein altes Schlafsofa und zwei Schränke, wie werde ich das los?"):
        # the service's answer instead of the topic menu.
        intent = {"name": "online_beantragen", "confidence": 1.0}
    entities.sort(key=lambda e: (e.get("start", 0), e.get("end", 0)))
    return intent, entities
