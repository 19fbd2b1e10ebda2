"""Last NLU step: keep plausible place entities and list entities in reading order.

Two things the extractors cannot know:

- Some Hessian municipalities are ordinary German words: "Wetter", "Sinn", "Linden",
  "Mücke", "Schlitz". The entity ruler tags them everywhere (it must find every
  municipality), so here such a word only stays a place when the text treats it as one:
  after "in", "aus", "nach", "Standesamt" …, or when it is the whole answer.
- A birthday is no certificate: the classifier sometimes tags "Geburtstag" as one ("Opa hat
  mir zum Geburtstag seine Angelrute geschenkt").
- Rasa appends entities extractor by extractor, so "Geburtsurkunde aus Marburg" would
  list Marburg first. Sorting by position gives slots and tests the reading order.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.certificates import KIND_LABEL

PLACE_LABEL = "gemeinde"
_BIRTHDAY = re.compile(r"geburtstag|birthday", re.IGNORECASE)
# Municipality names that are also common words (lower case, as typed).
COMMON_WORD_PLACES = frozenset(
    {
        "wetter",
        "sinn",
        "linden",
        "mücke",
        "muecke",
        "mucke",
        "schlitz",
        "brechen",
        "selters",
        "burgwald",
        "dornbusch",
    }
)
# Words right before a name that make it a place.
_PLACE_CUES = frozenset(
    {"in", "im", "aus", "nach", "von", "bei", "für", "fuer", "gemeinde", "stadt", "standesamt",
     "rathaus", "bürgerbüro", "buergerbuero", "ort", "wohnort", "geburtsort"}
)  # fmt: skip
# Words that may stand around a bare answer ("nein, Wetter", "Wetter bitte").
_FILLER = frozenset({"nein", "ja", "doch", "bitte", "genau", "also", "ach", "in", "aus", "nach"})
_WORD = re.compile(r"\w+", re.UNICODE)


def plausible_place(text: str, start: int, end: int) -> bool:
    """Whether the place entity ``text[start:end]`` is meant as a place."""
    name = text[start:end].lower()
    if name not in COMMON_WORD_PLACES:
        return True
    before = _WORD.findall(text[:start].lower())
    if before and before[-1] in _PLACE_CUES:
        return True
    others = [w for w in _WORD.findall((text[:start] + " " + text[end:]).lower()) if w not in _FILLER]
    return not others


def plausible(text: str, entity: dict[str, Any]) -> bool:
    """Whether ``entity`` is meant as what its label says (a place, a certificate)."""
    if "start" not in entity:
        return True
    if entity.get("entity") == PLACE_LABEL:
        return plausible_place(text, entity["start"], entity["end"])
    if entity.get("entity") == KIND_LABEL:
        return not _BIRTHDAY.search(text[entity["start"] : entity["end"]])
    return True


def clean_entities(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop implausible places and certificates and sort the rest by position."""
    kept = [e for e in entities if plausible(text, e)]
    return sorted(kept, key=lambda e: (e.get("start", 0), e.get("end", 0)))


class StatelessComponent(GraphComponent):
    """A pipeline step with nothing to configure or train: Rasa creates it without arguments."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> StatelessComponent:
        """Stateless: nothing to configure or train."""
        return cls()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class EntityCleanup(StatelessComponent):
    """Applies :func:`clean_entities` to every message."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Replace each message's entities by the cleaned list."""
        for message in messages:
            entities = message.get(ENTITIES) or []
            message.set(ENTITIES, clean_entities(message.get(TEXT) or "", entities), add_to_output=True)
        return messages
