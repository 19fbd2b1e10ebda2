"""Messenger channels (Telegram, Matrix) for the Hessen citizen assistant.

Channels are enabled per deployment by environment variables; see
``bot.channels.credentials`` and docs/messengers.md.
"""
