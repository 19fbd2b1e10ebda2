"""A last NLU step that lists entities in the order they appear in the message.

Rasa appends entities extractor by extractor (the spaCy place names, then DIET's
certificate kinds and services), so "Geburtsurkunde aus Marburg" would list Marburg
first. Sorting by position makes slot filling and conversation tests see entities
in reading order.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class EntityOrder(GraphComponent):
    """Sorts the entities of each message by start offset."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EntityOrder:
        """Stateless: nothing to configure or train."""
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Reorder entities in place; the entity dicts themselves are unchanged."""
        for message in messages:
            entities = message.get(ENTITIES) or []
            ordered = sorted(entities, key=lambda e: (e.get("start", 0), e.get("end", 0)))
            message.set(ENTITIES, ordered, add_to_output=True)
        return messages
