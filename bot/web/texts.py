"""German texts the gateway sends to citizens (shown by the widget)."""

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


def too_long(max_chars: int) -> str:
    """Text for a message that exceeds the configured length."""
    return f"Ihre Nachricht ist zu lang. Bitte fassen Sie sich kürzer (höchstens {max_chars} Zeichen)."
