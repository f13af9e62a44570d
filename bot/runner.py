"""`gotungnha run`: the configured channels, and the web server when one needs it."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import hmac
import logging
import signal
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.routing import BaseRoute
from telegram import Update

from bot.app import App
from bot.channels.lanes import LIMIT as LANES
from bot.channels.polling import POLLER_LOCK, poll_while_elected
from bot.channels.sender import ChannelSender
from bot.channels.telegram import TelegramChannel
from bot.channels.usage import UsageMeter
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_updates import WEBHOOK_RETRY, register_webhook
from bot.cleanup import clean_up_daily
from bot.config import Config, ZaloBotConfig
from bot.voice.desk import VoiceDesk
from bot.voice.engines import VoiceUnavailable, load_engine
from bot.web.dashboard.routes import Dashboard
from bot.web.links import COPIES, FileLinks
from bot.web.metrics import Metrics
from bot.web.server import TELEGRAM_PATH, create_web_app
from schedules.backups import BackupPlan
from schedules.gate import BotPlan
from schedules.jobs import SENDERS
from schedules.runner import ScheduleRunner
from storage import bot_usage
from storage.identities import unnamed_bot
from storage.locks import LeaderLock
from storage.migrate import not_ready
from storage.models import Role
from storage.queries import identities_with_role

log = logging.getLogger(__name__)
THREADS = LANES + SENDERS + 4  # chats in the engine, scheduled sends, and room to spare


class NoChannel(RuntimeError):
    """Nothing to run: no chat platform is configured."""


def derived_secret(token: str, purpose: str, *, length: int = 48) -> str:
    """A secret derived from a bot token: the same in every worker, unguessable without it."""
    digest = hmac.new(token.encode(), f"gotungnha {purpose}".encode(), hashlib.sha256)
    return digest.hexdigest()[:length]


def telegram_secret(config: Config) -> str:
    """The Telegram webhook secret: configured, or derived from the token."""
    telegram = config.telegram
    return telegram.webhook_secret or derived_secret(telegram.token, "telegram webhook")


def zalo_secret(bot: ZaloBotConfig) -> str:
    """A Zalo bot's webhook secret: configured, or derived from its token."""
    return bot.webhook_secret or derived_secret(bot.token, "zalo webhook")


def bot_plans(config: Config) -> dict[tuple[str, str], BotPlan]:
    """The bots the schedule sends through: their names, and their plans' monthly limits."""
    return {
        ("zalo", bot.name): BotPlan(bot.label, bot.monthly_messages) for bot in config.zalo.all_bots
    }


def backup_plan(config: Config) -> BackupPlan | None:
    """The daily backup, unless `[backup] time` is empty."""
    backup = config.backup
    if not backup.time:
        return None
    return BackupPlan(Path(backup.dir), at=backup.time, keep_days=backup.keep_days)


def file_links(config: Config) -> FileLinks | None:
    """Signed download links, when there is a public address to put in them."""
    public = config.public_url
    if not public:
        return None
    tokens = "".join(bot.token for bot in config.zalo.all_bots) or config.zalo.token
    secret = config.server.link_secret or derived_secret(
        tokens + config.telegram.token, "download links"
    )
    return FileLinks(
        secret=secret.encode(),
        folder=COPIES,
        public_url=public,
        ttl=timedelta(hours=config.server.link_hours),
    )


def web_dashboard(app: App) -> list[BaseRoute]:
    """The dashboard's routes, when it is on and has a public address (/web gives links)."""
    url = app.config.dashboard_url
    if not url:
        return []
    return Dashboard(app, secure=url.startswith("https://")).routes()


def voice_desk(config: Config, metrics: Metrics | None = None) -> VoiceDesk | None:
    """The desk that hears voice messages, or None (turned off, or the extra not installed:
    members are then asked to type)."""
    voice = config.voice
    if not voice.enabled:
        return None
    try:
        engine = load_engine(voice.engine)
    except VoiceUnavailable as exc:
        log.warning("voice messages not heard: %s", exc)
        return None
    log.info("voice messages heard engine=%s max_seconds=%d", voice.engine, voice.max_seconds)
    return VoiceDesk(
        engine,
        max_seconds=voice.max_seconds,
        workers=voice.workers,
        waiting=voice.waiting,
        observe=metrics.heard if metrics is not None else None,
    )


async def serve(
    app: App,
    *,
    stop: asyncio.Event | None = None,
    webhook_retry: tuple[float, float] = WEBHOOK_RETRY,
) -> None:
    """Run every configured channel until stopped (SIGINT/SIGTERM, or `stop` being set).

    Zalo webhooks are registered once the web server listens, and tried again while Zalo
    refuses (`webhook_retry`: the first and the longest wait, in seconds).
    """
    config = app.config
    if not config.telegram.token and not config.zalo.all_bots:
        raise NoChannel("Chưa cấu hình kênh chat nào.")
    stop = stop or _stop_on_signals()
    # the engine and the scheduler's sends run in threads: enough for every chat lane and
    # sender at once (asyncio's default is CPUs + 4, six threads on a 2-core VPS)
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=THREADS))
    privacy = config.privacy
    photo_dir = Path(privacy.photo_dir)
    links = file_links(config)
    background = [asyncio.create_task(clean_up_daily(app, links))]
    hooks: dict[str, Any] = {}  # the webhook routes to serve, with their secrets
    registrations: list[Callable[[], Coroutine[Any, Any, None]]] = []  # once listening
    telegram: TelegramChannel | None = None
    zalo: dict[str, ZaloChannel] = {}
    meter = UsageMeter(app.uow, zone=config.zone, clock=app.clock)
    scheduler: ScheduleRunner | None = None
    voice = voice_desk(config, app.metrics)
    try:
        async with contextlib.AsyncExitStack() as stack:
            if voice is not None:
                stack.callback(voice.close)
            if config.telegram.token:
                telegram = await stack.enter_async_context(
                    TelegramChannel(
                        app.engine,
                        config.telegram,
                        webhook=config.telegram.mode == "webhook",
                        photo_dir=photo_dir if privacy.keep_photos else None,
                        voice=voice,
                        metrics=app.metrics,
                    )
                )
                with app.uow(read_only=True) as unit:
                    people = identities_with_role(
                        unit.session, "telegram", [Role.LEADER, Role.OFFICER, Role.UNIT]
                    )
                await telegram.set_menus(people)
                if config.telegram.mode == "webhook":
                    url = config.telegram.webhook_url.rstrip("/") + TELEGRAM_PATH
                    secret = telegram_secret(config)
                    await telegram.app.bot.set_webhook(
                        url, secret_token=secret, allowed_updates=Update.ALL_TYPES
                    )
                    hooks |= {"telegram": telegram.feed, "telegram_secret": secret}
                    log.info("telegram webhook url=%s", url)
                else:
                    # one worker polls (a second would be cut off with 409): the elected one
                    poller = LeaderLock(app.db, POLLER_LOCK)
                    background.append(asyncio.create_task(poll_while_elected(telegram, poller)))
            for bot in config.zalo.all_bots:
                channel = await stack.enter_async_context(
                    ZaloChannel(
                        app.engine,
                        bot,
                        links=links,
                        zone=config.zone,
                        meter=meter,
                        voice=voice,
                        metrics=app.metrics,
                        photo_dir=photo_dir if privacy.keep_photos else None,
                    )
                )
                zalo[bot.name] = channel
                if bot.uses_webhook:
                    url = bot.webhook_url.rstrip("/") + bot.webhook_path
                    hooks.setdefault("zalo_bots", {})[bot.name] = (channel.feed, zalo_secret(bot))
                    registrations.append(
                        functools.partial(
                            register_webhook,
                            channel.client,
                            url,
                            zalo_secret(bot),
                            bot=bot.name,
                            retry=webhook_retry,
                        )
                    )
                else:
                    background.append(asyncio.create_task(channel.poll(stop)))
                    log.info("zalo polling bot=%s", bot.name or "-")
            if zalo:
                await asyncio.to_thread(_warn_of_unknown_bots, app, list(zalo))
            sender = ChannelSender(
                telegram=telegram.app.bot if telegram else None,
                zalo={name: channel.client for name, channel in zalo.items()},
                links=links,
                zone=config.zone,
            )
            scheduler = ScheduleRunner(
                app.db,
                app.uow,
                sender,
                zone=config.zone,
                clock=app.clock,
                every_seconds=config.bot.tick_seconds,
                exports_dir=Path(config.bot.exports_dir),
                bots=bot_plans(config),
                backup=backup_plan(config),
                observe=app.metrics.ticked,
            )
            scheduler.start()
            dashboard = web_dashboard(app)
            metrics = app.metrics.exposition if config.server.metrics else None
            if hooks or links is not None or dashboard or metrics is not None:
                web = create_web_app(
                    links=links,
                    dashboard=dashboard,
                    not_ready=functools.partial(not_ready, app.db),
                    metrics=metrics,
                    **hooks,
                )

                def register() -> None:
                    background.extend(asyncio.create_task(r()) for r in registrations)

                await serve_web(config, web, stop, listening=register)
            else:
                await stop.wait()
            await _stop_all(scheduler, background)  # before the channels close their clients
    finally:
        await _stop_all(scheduler, background)


def _warn_of_unknown_bots(app: App, configured: list[str]) -> None:
    """People or groups that came through a Zalo bot no longer in the config get nothing
    (those of the unnamed bot of before go through the first named bot, if it is gone)."""
    with app.uow(read_only=True) as unit:
        unknown = bot_usage.bots_in_use(unit.session, "zalo") - set(configured)
    if unnamed_bot([("zalo", name) for name in configured], "zalo"):
        unknown.discard("")
    for name in sorted(unknown):
        log.warning(
            "zalo chats came through bot=%s, which is not configured: their messages cannot "
            "be sent (keep its token: %s)",
            name or "-",
            "[zalo] token" if not name else f"[[zalo.bots]] name = {name!r}",
        )


async def _stop_all(scheduler: ScheduleRunner | None, tasks: list[asyncio.Task[None]]) -> None:
    if scheduler is not None:
        scheduler.stop()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def serve_web(
    config: Config,
    web: Starlette,
    stop: asyncio.Event | None = None,
    *,
    listening: Callable[[], None] | None = None,
) -> None:
    """Serve the web app until stopped (SIGINT/SIGTERM when no `stop` is given);
    `listening` is called once it accepts connections."""
    stop = stop or _stop_on_signals()
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
    log.info("web server listening=%s:%d", config.server.host, config.server.port)
    stopped = asyncio.create_task(stop.wait())
    if listening is not None and await _started(server, server_task):
        listening()
    await asyncio.wait({server_task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    await server_task
    stopped.cancel()


async def _started(server: uvicorn.Server, task: asyncio.Task[None]) -> bool:
    """Wait until the server accepts connections; False when it ended first (its port was
    taken: uvicorn says so)."""
    while not server.started:
        if task.done():
            return False
        await asyncio.sleep(0.01)
    return True


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    return stop
