"""Custom actions of the Hessen citizen assistant, one module per topic.

Actions stay thin: read the tracker, ask ``bot.knowledge``, answer with a response
template from domain.yml (so wording and Leichte-Sprache variations live in one place).
"""
