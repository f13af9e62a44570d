"""The web server (starlette, run by uvicorn): chat webhooks and a health check.

Routes: POST /telegram/webhook (secret header checked), GET /healthz.
"""

from __future__ import annotations

import hmac
import json
import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.channels.telegram import TelegramChannel

log = logging.getLogger(__name__)
TELEGRAM_PATH = "/telegram/webhook"
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def create_web_app(
    *, telegram: TelegramChannel | None = None, telegram_secret: str = ""
) -> Starlette:
    """The ASGI app; a webhook route answers at once and leaves the work to the channel."""

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"ok": True})

    async def telegram_webhook(request: Request) -> Response:
        if telegram is None:
            return Response(status_code=404)
        given = request.headers.get(TELEGRAM_SECRET_HEADER, "")
        if not telegram_secret or not hmac.compare_digest(given, telegram_secret):
            log.warning("telegram webhook refused: wrong secret")
            return Response(status_code=403)
        try:
            data = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return Response(status_code=400)
        if not isinstance(data, dict) or "update_id" not in data:
            return Response(status_code=400)
        await telegram.feed(data)
        return Response(status_code=200)

    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route(TELEGRAM_PATH, telegram_webhook, methods=["POST"]),
        ]
    )
