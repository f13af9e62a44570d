"""`gotungnha run`: the configured channels, and the web server when a webhook needs it."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import signal
from pathlib import Path

import uvicorn
from telegram import Update

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.config import Config, TelegramConfig
from bot.photos import purge_old_photos
from bot.web import TELEGRAM_PATH, create_web_app

log = logging.getLogger(__name__)
DAY = 86400


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
    privacy = app.config.privacy
    photo_dir = Path(privacy.photo_dir)
    purging = asyncio.create_task(_purge_photos_daily(photo_dir, privacy.photo_days))
    webhook = telegram.mode == "webhook"
    channel = TelegramChannel(
        app.engine,
        telegram,
        webhook=webhook,
        photo_dir=photo_dir if privacy.keep_photos else None,
    )
    try:
        async with channel:
            if webhook:
                await _serve_webhook(app.config, channel, stop)
            else:
                await channel.start_polling()
                log.info("telegram polling")
                await stop.wait()
    finally:
        purging.cancel()


async def _serve_webhook(config: Config, channel: TelegramChannel, stop: asyncio.Event) -> None:
    """Register the webhook with Telegram, then serve it until stopped."""
    secret = webhook_secret(config.telegram)
    url = config.telegram.webhook_url.rstrip("/") + TELEGRAM_PATH
    await channel.app.bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
    web = create_web_app(telegram=channel, telegram_secret=secret)
    server = uvicorn.Server(
        uvicorn.Config(
            web,
            host=config.server.host,
            port=config.server.port,
            log_level="warning",
            lifespan="off",
        )
    )
    server_task = asyncio.create_task(server.serve())
    log.info("telegram webhook url=%s listening=%s:%d", url, config.server.host, config.server.port)
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({server_task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    await server_task
    stopped.cancel()


async def _purge_photos_daily(folder: Path, days: int) -> None:
    """Kept photos go after `days` (also those kept before the setting was turned off)."""
    while True:
        await asyncio.to_thread(purge_old_photos, folder, days=days)
        await asyncio.sleep(DAY)


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    return stop
