"""The web server (starlette, run by uvicorn): chat webhooks, downloads, the dashboard and
a health check.

Routes: POST /telegram/webhook, POST /zalo/webhook (each checks its secret header: 403
otherwise; a body over 1 MB: 413; not a JSON object: 400; and answers at once),
GET /files/<signed link>, /web/… (bot/dashboard), GET /healthz.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.links import FileLinks
from handlers import texts

log = logging.getLogger(__name__)
TELEGRAM_PATH = "/telegram/webhook"
ZALO_PATH = "/zalo/webhook"
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ZALO_SECRET_HEADER = "X-Bot-Api-Secret-Token"
Feed = Callable[[dict[str, Any]], Awaitable[None]]
MAX_BODY = 1024 * 1024  # a real update is a few kB; anything over 1 MB is refused (413)


def create_web_app(
    *,
    telegram: Feed | None = None,
    telegram_secret: str = "",
    zalo: Feed | None = None,
    zalo_secret: str = "",
    links: FileLinks | None = None,
    dashboard: list[BaseRoute] | None = None,
) -> Starlette:
    """The ASGI app; a webhook hands its update to the channel and answers at once."""

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"ok": True})

    async def telegram_webhook(request: Request) -> Response:
        data = await _checked_json(request, telegram, TELEGRAM_SECRET_HEADER, telegram_secret)
        if isinstance(data, Response):
            return data
        if "update_id" not in data or telegram is None:
            return Response(status_code=400)
        await telegram(data)
        return Response(status_code=200)

    async def zalo_webhook(request: Request) -> Response:
        data = await _checked_json(request, zalo, ZALO_SECRET_HEADER, zalo_secret)
        if isinstance(data, Response):
            return data
        update = data.get("result")
        if not isinstance(update, dict) or zalo is None:
            return Response(status_code=400)
        await zalo(update)
        return JSONResponse({"ok": True})

    async def download(request: Request) -> Response:
        token = request.path_params["token"]
        found = links.resolve(token, now=datetime.now(UTC)) if links is not None else None
        if found is None:
            return Response(texts.LINK_EXPIRED, status_code=404)
        path, filename = found
        return FileResponse(path, filename=filename)

    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route(TELEGRAM_PATH, telegram_webhook, methods=["POST"]),
            Route(ZALO_PATH, zalo_webhook, methods=["POST"]),
            Route("/files/{token}", download, methods=["GET"]),
            *(dashboard or []),
        ]
    )


async def _checked_json(
    request: Request, channel: Feed | None, header: str, secret: str
) -> dict[str, Any] | Response:
    """The JSON body of a webhook request whose secret header is right, else the answer."""
    if channel is None:
        return Response(status_code=404)
    given = request.headers.get(header, "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        log.warning("webhook refused path=%s: wrong secret", request.url.path)
        return Response(status_code=403)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return Response(status_code=413)
    body = b""
    async for chunk in request.stream():  # counted as it comes: a lying header changes nothing
        body += chunk
        if len(body) > MAX_BODY:
            return Response(status_code=413)
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # bad JSON, bad UTF-8, or nested too deep
        return Response(status_code=400)
    return data if isinstance(data, dict) else Response(status_code=400)
