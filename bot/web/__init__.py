"""Website chat: aiohttp gateway between the embeddable widget and Rasa."""

from bot.web.app import create_app
from bot.web.config import GatewayConfig

__all__ = ["GatewayConfig", "create_app"]
