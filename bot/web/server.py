"""The web server (starlette, run by uvicorn): chat webhooks, downloads, the dashboard and
a health check.

Routes: POST /telegram/webhook, POST /zalo/webhook and /zalo/webhook/<bot name> (each
checks its secret header: 403 otherwise; a body over 1 MB: 413; empty, not JSON, or not an
update: 400, but Zalo's events that bring no message, an empty body among them: 200; and
answers at once),
GET /files/<signed link>, /web/… (bot/web/dashboard), GET /healthz (alive), GET /readyz (the
database answers and its schema is the code's; 503 otherwise). Every answer, a 404 or a
405 too, carries the security headers (SECURITY_HEADERS).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.channels.zalo_api import as_update, unhandled_event
from bot.web.links import FileLinks
from handlers import texts

log = logging.getLogger(__name__)
TELEGRAM_PATH = "/telegram/webhook"
ZALO_PATH = "/zalo/webhook"
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ZALO_SECRET_HEADER = "X-Bot-Api-Secret-Token"
Feed = Callable[[dict[str, Any]], Awaitable[bool | None]]  # False: not an update after all
MAX_BODY = 1024 * 1024  # a real update is a few kB; anything over 1 MB is refused (413)
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",  # frame-ancestors, for browsers that predate it
    "Referrer-Policy": "no-referrer",  # a login link never leaves in a Referer header
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",  # figures and names stay off shared computers' caches
}
CACHEABLE = ("/web/static/",)  # the stylesheet: nothing personal, fetched once on a slow line


def create_web_app(
    *,
    telegram: Feed | None = None,
    telegram_secret: str = "",
    zalo: Feed | None = None,
    zalo_secret: str = "",
    zalo_bots: Mapping[str, tuple[Feed, str]] | None = None,
    links: FileLinks | None = None,
    dashboard: list[BaseRoute] | None = None,
    not_ready: Callable[[], str | None] | None = None,
    metrics: Callable[[], tuple[bytes, str]] | None = None,
) -> Starlette:
    """The ASGI app; a webhook hands its update to the channel and answers at once.

    `zalo_bots` maps each Zalo bot's name to its channel's feed and webhook secret; the
    bot named "" (or `zalo`, `zalo_secret`) is at /zalo/webhook, the others at
    /zalo/webhook/<name>.
    """
    bots = dict(zalo_bots or {})
    if zalo is not None:
        bots[""] = (zalo, zalo_secret)

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"ok": True})

    async def readyz(_request: Request) -> Response:
        """Ready to serve: the database answers and its schema is the code's (503 if not)."""
        reason = await asyncio.to_thread(not_ready) if not_ready is not None else None
        if reason is not None:
            return JSONResponse({"ok": False, "reason": reason}, status_code=503)
        return JSONResponse({"ok": True})

    async def prometheus(_request: Request) -> Response:
        """What an operator watches ([server] metrics = true); the database read off the loop."""
        assert metrics is not None
        body, content_type = await asyncio.to_thread(metrics)
        return Response(body, media_type=content_type)

    async def telegram_webhook(request: Request) -> Response:
        data = await _checked_json(request, telegram, TELEGRAM_SECRET_HEADER, telegram_secret)
        if isinstance(data, Response):
            return data
        if "update_id" not in data or telegram is None:
            return Response(status_code=400)
        if await telegram(data) is False:
            return Response(status_code=400)
        return Response(status_code=200)

    async def zalo_webhook(request: Request) -> Response:
        feed, secret = bots.get(request.path_params.get("name", ""), (None, ""))
        data = await _checked_json(request, feed, ZALO_SECRET_HEADER, secret, allow_empty=True)
        if isinstance(data, Response):
            return data
        update = as_update(data)  # live: the update itself; the docs: wrapped in "result"
        event = unhandled_event(data) if update is None else None
        if event is not None:
            # a follow, an event Zalo adds later, an empty post: a 400 could make Zalo give
            # up on the webhook. Logged by its name, never its body
            log.info(
                "zalo webhook event=%s path=%s: not a message, ignored", event, request.url.path
            )
            return JSONResponse({"ok": True})
        if update is None or feed is None:
            log.warning("zalo webhook refused path=%s: not an update", request.url.path)
            return Response(status_code=400)
        await feed(update)
        return JSONResponse({"ok": True})

    async def download(request: Request) -> Response:
        token = request.path_params["token"]
        now = datetime.now(UTC)
        found = links.resolve(token, now=now) if links is not None else None
        if found is None:
            if links is not None and links.removed(token, now=now):  # an erasure took it
                return Response(texts.FILE_REMOVED, status_code=410, media_type="text/plain")
            return Response(texts.LINK_EXPIRED, status_code=404)
        path, filename = found
        # a workbook holds names: no cache in between (a proxy, the phone) keeps a copy
        return FileResponse(path, filename=filename, headers={"Cache-Control": "no-store"})

    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            *([Route("/metrics", prometheus, methods=["GET"])] if metrics else []),
            Route(TELEGRAM_PATH, telegram_webhook, methods=["POST"]),
            Route(ZALO_PATH, zalo_webhook, methods=["POST"]),
            Route(ZALO_PATH + "/{name}", zalo_webhook, methods=["POST"]),
            Route("/files/{token}", download, methods=["GET"]),
            *(dashboard or []),
        ],
        middleware=[Middleware(SecurityHeaders)],
    )


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every answer that has not set its own (starlette's 404 and
    405 included); the stylesheet keeps its browser cache."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = str(scope.get("path", "")).startswith(CACHEABLE)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if not (cacheable and name == "Cache-Control"):
                        headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)


async def _checked_json(
    request: Request,
    channel: Feed | None,
    header: str,
    secret: str,
    *,
    allow_empty: bool = False,
) -> dict[str, Any] | Response:
    """The JSON body of a webhook request whose secret header is right, else the answer;
    an empty body is {} with `allow_empty` (else 400)."""
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
    if allow_empty and not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # bad JSON, bad UTF-8, or nested too deep
        return Response(status_code=400)
    return data if isinstance(data, dict) else Response(status_code=400)
