"""Texts the gateway sends to citizens (shown by the widget), German with English versions.

The widget sends its DE/EN choice as ``Accept-Language`` (it sets the header itself, so a
browser's own language does not decide); :func:`in_language` picks the text.
"""

from __future__ import annotations

# Source for the 115 fallback: "Behördennummer 115", digitales.hessen.de,
# https://digitales.hessen.de/Moderne-Verwaltung/Behoerdennummer-115 (one number
# for questions to federal, state and municipal administration; Mon-Fri 8-18).
UNAVAILABLE = (
    "Der Chat ist gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal. "
    "Telefonisch hilft Ihnen die Behördennummer 115."
)
EMPTY_MESSAGE = "Bitte schreiben Sie eine Nachricht."
FORBIDDEN_ORIGIN = (
    "Der Chat darf von dieser Webseite aus nicht genutzt werden. "
    "Bitte nutzen Sie den Chat auf der Webseite Ihrer Kommune."
)
MALFORMED = (
    "Ihre Nachricht konnte nicht verarbeitet werden. "
    "Bitte laden Sie die Seite neu und versuchen Sie es noch einmal."
)
BAD_SENDER = (
    "Ihr Gespräch konnte nicht zugeordnet werden. "
    "Bitte klicken Sie auf „Neu starten“ und versuchen Sie es noch einmal."
)
UNSUPPORTED_TYPE = (
    "Ihre Nachricht hat ein falsches Format. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal."
)
UNSUPPORTED_ENCODING = (
    "Ihre Nachricht wurde komprimiert gesendet. Das ist hier nicht möglich. Bitte laden Sie die Seite neu."
)
BODY_TOO_LARGE = "Ihre Nachricht ist zu groß. Bitte fassen Sie sich kürzer."
RATE_LIMITED = (
    "Sie haben sehr viele Nachrichten in kurzer Zeit geschickt. "
    "Bitte warten Sie {seconds} Sekunden und versuchen Sie es dann noch einmal."
)
NOT_FOUND = "Diese Adresse gibt es hier nicht."
METHOD_NOT_ALLOWED = "Diese Anfrage ist hier nicht möglich."
INTERNAL_ERROR = (
    "Es ist ein Fehler aufgetreten. Bitte versuchen Sie es später noch einmal. "
    "Telefonisch hilft Ihnen die Behördennummer 115."
)
NOT_READY = "Der Assistent ist noch nicht bereit."


TOO_LONG = "Ihre Nachricht ist zu lang. Bitte fassen Sie sich kürzer (höchstens {max_chars} Zeichen)."

# English versions, keyed by the German text. Same facts (115, limits); placeholders kept.
ENGLISH = {
    UNAVAILABLE: (
        "The chat is not available right now. Please try again later. "
        "By phone, the public service number 115 can help you."
    ),
    EMPTY_MESSAGE: "Please write a message.",
    FORBIDDEN_ORIGIN: (
        "The chat cannot be used from this website. Please use the chat on your municipality's website."
    ),
    MALFORMED: "Your message could not be processed. Please reload the page and try again.",
    BAD_SENDER: "Your conversation could not be identified. Please click “Restart” and try again.",
    UNSUPPORTED_TYPE: "Your message has the wrong format. Please reload the page and try again.",
    UNSUPPORTED_ENCODING: "Your message was sent compressed. That is not possible here. Please reload the page.",
    BODY_TOO_LARGE: "Your message is too large. Please keep it shorter.",
    RATE_LIMITED: (
        "You have sent a lot of messages in a short time. Please wait {seconds} seconds and then try again."
    ),
    NOT_FOUND: "This address does not exist here.",
    METHOD_NOT_ALLOWED: "This request is not possible here.",
    INTERNAL_ERROR: (
        "An error occurred. Please try again later. By phone, the public service number 115 can help you."
    ),
    NOT_READY: "The assistant is not ready yet.",
    TOO_LONG: "Your message is too long. Please keep it shorter (at most {max_chars} characters).",
}


def language_of(accept_language: str | None) -> str:
    """``en`` when the first language of an Accept-Language header is English, else ``de``."""
    first = (accept_language or "").split(",")[0].split(";")[0].strip().lower()
    return "en" if first == "en" or first.startswith("en-") else "de"


def in_language(text: str, language: str, **values: object) -> str:
    """``text`` (one of the German texts above) in ``language``, filled with ``values``."""
    template = ENGLISH.get(text, text) if language == "en" else text
    return template.format(**values) if values else template
