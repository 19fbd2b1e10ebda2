"""Run the gateway: ``python -m bot.web`` (configured via environment)."""

from __future__ import annotations

import logging
import os

from aiohttp import web

from bot.web.app import create_app
from bot.web.config import GatewayConfig


def main() -> None:
    """Start the gateway with settings from the environment."""
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    config = GatewayConfig.from_env(os.environ)
    # access_log=None: aiohttp's own access log would add client address,
    # referer and user agent; our middleware logs the privacy-safe subset.
    web.run_app(create_app(config), host=config.host, port=config.port, access_log=None)


if __name__ == "__main__":
    main()
