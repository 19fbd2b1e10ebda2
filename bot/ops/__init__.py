"""What runs with the servers: how they start (``processes``), endpoints and lock store from
the environment, the patches to Rasa, the hardened action server, retention, logging.

Benchmarks and test harnesses live in ``bot.tooling`` (never shipped).
"""
