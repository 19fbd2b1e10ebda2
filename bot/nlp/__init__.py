"""German spaCy pipeline for Rasa's ``SpacyNLP``, built from code (no model download)."""
