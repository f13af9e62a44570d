"""`gotungnha run`: the configured channels, and the web server when a webhook needs it."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import signal

import uvicorn
from telegram import Update

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.config import TelegramConfig
from bot.web import TELEGRAM_PATH, create_web_app

log = logging.getLogger(__name__)


class NoChannel(RuntimeError):
    """Nothing to run: no chat platform is configured."""


def webhook_secret(config: TelegramConfig) -> str:
    """The configured secret, or one derived from the token (the same in every worker)."""
    if config.webhook_secret:
        return config.webhook_secret
    digest = hmac.new(config.token.encode(), b"gotungnha telegram webhook", hashlib.sha256)
    return digest.hexdigest()[:48]


async def serve(app: App, *, stop: asyncio.Event | None = None) -> None:
    """Run until stopped (SIGINT/SIGTERM, or `stop` being set)."""
    telegram = app.config.telegram
    if not telegram.token:
        raise NoChannel("Chưa cấu hình kênh chat nào (Telegram).")
    stop = stop or _stop_on_signals()
    webhook = telegram.mode == "webhook"
    async with TelegramChannel(app.engine, telegram, webhook=webhook) as channel:
        if not webhook:
            await channel.start_polling()
            log.info("telegram polling")
            await stop.wait()
            return
        secret = webhook_secret(telegram)
        url = telegram.webhook_url.rstrip("/") + TELEGRAM_PATH
        await channel.app.bot.set_webhook(
            url, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
        web = create_web_app(telegram=channel, telegram_secret=secret)
        server = uvicorn.Server(
            uvicorn.Config(
                web,
                host=app.config.server.host,
                port=app.config.server.port,
                log_level="warning",
                lifespan="off",
            )
        )
        server_task = asyncio.create_task(server.serve())
        log.info(
            "telegram webhook url=%s listening=%s:%d",
            url,
            app.config.server.host,
            app.config.server.port,
        )
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({server_task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        server.should_exit = True
        await server_task
        stopped.cancel()


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    return stop
