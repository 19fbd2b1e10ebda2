"""Tooling for developers and CI; it never ships.

Evaluation (``evaluation``, ``e2e_eval``, ``finder_eval``), benchmarks (``bench``, ``proxy``,
``finder_bench``), the test harness of local Rasa replicas (``replicas``), link and fact
reviews (``linkcheck``, ``facts_review``) and the catalogue import (``leika_import``).
Nothing under ``bot/`` outside this package imports it, and the images (``deploy/``) do not
copy it. What runs in production is ``bot.ops`` (server start, endpoints, lock store, Rasa
patches, action server, retention, logging), ``bot.knowledge``, ``bot.nlp``,
``bot.channels`` and ``bot.web``.
"""
