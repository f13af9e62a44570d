"""The daily clean-up: what is past its keeping time goes (README, Privacy).

Every worker runs it once a day; each step is safe to run twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.app import App
from bot.photos import purge_old_photos, purge_unlinked_photos
from bot.web.links import FileLinks
from storage import bot_usage
from storage.models import SupportLog
from storage.retention import purge_expired

log = logging.getLogger(__name__)
DAY = 86400


def clean_up(app: App, links: FileLinks | None) -> dict[str, int]:
    """Remove expired answers, old sent texts, expired web sessions and invite attempts,
    expired download copies, photos past their days or no longer on any log, and who wrote
    to each bot before last month."""
    privacy = app.config.privacy
    with app.uow() as uow:
        purged = purge_expired(
            uow.session,
            now=app.clock(),
            message_days=privacy.message_days,
            outbox_days=privacy.outbox_days,
        )
        stmt = select(SupportLog.photo_file_id).where(col(SupportLog.photo_file_id).is_not(None))
        photo_ids = {str(file_id) for file_id in uow.session.exec(stmt)}
        senders = bot_usage.forget_senders_before(
            uow.session, last_month(app.clock(), app.config.zone)
        )
        uow.commit()
    folder = Path(privacy.photo_dir)
    done = {
        "answers": purged.answers,
        "sent_texts": purged.texts,
        "sent_rows": purged.messages,
        "web_sessions": purged.web,
        "invite_attempts": purged.attempts,
        "link_copies": links.remove_expired() if links is not None else 0,
        "old_photos": purge_old_photos(folder, days=privacy.photo_days),
        "unlinked_photos": purge_unlinked_photos(folder, photo_ids),
        "old_senders": senders,
    }
    log.info("clean-up %s", " ".join(f"{k}={v}" for k, v in done.items()))
    return done


def last_month(now: datetime, zone: ZoneInfo) -> str:
    """The month before `now`'s (local time), as YYYY-MM."""
    first = now.astimezone(zone).replace(day=1)
    return bot_usage.month_of(first - timedelta(days=1), zone)


async def clean_up_daily(app: App, links: FileLinks | None) -> None:
    """Clean up now, then once a day; a failure is logged and tried again the next day."""
    while True:
        try:
            await asyncio.to_thread(clean_up, app, links)
        except Exception:
            log.exception("clean-up failed")
        await asyncio.sleep(DAY)
