"""A small typed client for the Zalo Bot Platform API (httpx; no SDK on PyPI is fit for use).

Usage:
    async with ZaloClient(token, base_url="https://bot-api.zaloplatforms.com/bot") as zalo:
        me = await zalo.get_me()
        update = await zalo.get_updates(timeout=30)      # None when nothing came (408)
        await zalo.send_message(chat_id, "Xin chào")

Requests go to `{base_url}{token}/{method}` as POST JSON. The token is part of the URL, so
it never appears in an error or a log line of ours.
"""

from __future__ import annotations

import asyncio
import logging
import re
from types import TracebackType
from typing import Any

import httpx

from bot.channels.sends import NEVER_LEFT
from bot.channels.zalo_pace import SendPace
from bot.config import SENDS_PER_SECOND as SENDS_PER_SECOND  # the [zalo] default pace

log = logging.getLogger(__name__)
TEXT_LIMIT = 2000
# Zalo documents 403 as its own "internal server error" (retry later): an `ok: false` answer
# is Zalo saying the call failed, so it is tried again, like its own 5xx. 429 is "quota
# exceeded" (the plan's messages of the month), not a per-second limit: trying again at once
# only spends more, so it is never retried here (the caller pauses the bot).
RETRIED = {403, 500, 502, 503, 504}
QUOTA_EXCEEDED = 429
# what puts a message in a chat: tried again only when it surely never left (bot/channels/sends.py)
SENDS = frozenset({"sendMessage", "sendPhoto", "sendSticker", "sendVoice"})
MESSAGE_EVENTS = "message."  # message.text.received, message.image.received…
_EVENT_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")  # what of an event's name may be logged


class ZaloError(Exception):
    """An `ok: false` answer (or an unusable one), with Zalo's error code and description."""

    def __init__(
        self,
        error_code: int,
        description: str,
        method: str = "",
        *,
        gateway: bool = False,
        uncertain: bool = False,
    ) -> None:
        super().__init__(f"{method}: {error_code} {description}".strip(": "))
        self.error_code = error_code
        self.description = description
        self.method = method
        self.gateway = gateway  # an HTML page from the proxy in front, not Zalo's own answer
        # a send that left without a usable answer: it may have been delivered, so it is
        # never sent again (a duplicate in the chat, twice the quota)
        self.uncertain = uncertain

    @property
    def quota_exceeded(self) -> bool:
        """The bot used up its plan's messages: no send goes through until the quota returns.

        Only Zalo's own JSON answer says so; the proxy in front also answers an HTML 429 when
        requests come too fast, which is a rate limit to wait out like a 5xx.
        """
        return self.error_code == QUOTA_EXCEEDED and not self.gateway

    @property
    def retried(self) -> bool:
        """Worth trying again shortly: Zalo's server errors (403 among them), the proxy's."""
        return self.error_code in RETRIED or (self.gateway and self.error_code >= 429)


class FileTooLarge(Exception):
    """A downloaded file went past the size asked for."""


def as_update(body: Any) -> dict[str, Any] | None:
    """The update inside a webhook body or a getUpdates answer, or None when there is none.

    The live platform posts the update itself (`{"event_name": …, "message": {…}}`); the
    docs show it wrapped as `{"ok": true, "result": {…}}`. Both are accepted. Only message
    events are updates: anything else (unhandled_event) is not the bot's business.
    """
    body = _unwrapped(body)
    if not isinstance(body, dict):
        return None
    event = body.get("event_name")
    if not isinstance(event, str) or not event.startswith(MESSAGE_EVENTS):
        return None
    if not isinstance(body.get("message"), dict):
        return None
    if not all(isinstance(body["message"].get(part, {}), dict) for part in ("chat", "from")):
        return None  # `"chat": "x"`: the shape of an update with wrong insides
    update: dict[str, Any] = body
    return update


def unhandled_event(body: Any) -> str | None:
    """The name of an event that brings the bot no message, for the log ("-" when it has
    none): a body without `message` (an empty one too), or an event other than a message
    (a follow, a kind Zalo adds later). None for a message update, and for a broken one
    (a `message` that is not one): those are not the platform's events but bad requests.
    """
    body = _unwrapped(body)
    if not isinstance(body, dict):
        return None
    name = body.get("event_name")
    named = isinstance(name, str)
    if "message" in body and (not named or str(name).startswith(MESSAGE_EVENTS)):
        return None
    return str(name) if named and _EVENT_NAME.fullmatch(str(name)) else "-"


def _unwrapped(body: Any) -> Any:
    """The update itself, out of the docs' `{"ok": true, "result": {…}}` when wrapped."""
    if isinstance(body, dict) and "event_name" not in body and isinstance(body.get("result"), dict):
        return body["result"]
    return body


class ZaloClient:
    """The Bot API methods the bot uses, with timeouts, retries and a send pace (replies
    first: bot/channels/zalo_pace.py)."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str = "https://bot-api.zaloplatforms.com/bot",
        sends_per_second: float = SENDS_PER_SECOND,
        attempts: int = 4,
        timeout: float = 10,
    ) -> None:
        self._url = f"{base_url}{token}/"
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(timeout))
        self._pace = SendPace(sends_per_second)
        self._attempts = attempts

    async def __aenter__(self) -> ZaloClient:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connections."""
        await self._http.aclose()

    async def call(self, method: str, *, read_timeout: float | None = None, **params: Any) -> Any:
        """One API call with retries on 429/5xx/network errors; raises ZaloError otherwise.

        A send (SENDS) is tried again only when it surely did not arrive: no connection was
        made, Zalo's own `ok: false` answer, or the proxy's 429 (too fast). After a read
        timeout, a dropped connection or the proxy's 5xx page it may have been delivered:
        it raises an uncertain ZaloError at once instead.
        """
        send = method in SENDS
        for attempt in range(1, self._attempts + 1):
            try:
                return await self._call_once(method, params, read_timeout)
            except ZaloError as exc:
                if send and exc.gateway and exc.error_code >= 500:
                    reason = f"{exc.error_code} {exc.description}"
                    raise ZaloError(0, reason, method, uncertain=True) from None
                if not exc.retried or attempt == self._attempts:
                    raise
                reason = f"{exc.error_code} {exc.description}"
            except httpx.TransportError as exc:
                if send and not isinstance(exc, NEVER_LEFT):
                    reason = f"no answer: {type(exc).__name__}"
                    raise ZaloError(0, reason, method, uncertain=True) from None
                if attempt == self._attempts:
                    raise ZaloError(0, f"network error: {type(exc).__name__}", method) from None
                reason = type(exc).__name__
            wait = 0.5 * 2 ** (attempt - 1)
            log.warning("zalo %s retry reason=%s wait=%.1fs", method, reason, wait)
            await asyncio.sleep(wait)
        raise AssertionError("unreachable")

    async def _call_once(self, method: str, params: dict[str, Any], read: float | None) -> Any:
        timeout = httpx.Timeout(10, read=read) if read is not None else httpx.USE_CLIENT_DEFAULT
        response = await self._http.post(self._url + method, json=params, timeout=timeout)
        # Zalo answers its errors as `ok: false` with an error_code, mostly with HTTP 200:
        # the JSON body decides, never the HTTP status
        try:
            body = response.json()
        except ValueError:
            status = response.status_code
            raise ZaloError(status, "not a JSON answer", method, gateway=True) from None
        if not isinstance(body, dict) or body.get("ok") is not True:
            body = body if isinstance(body, dict) else {}
            try:
                code = int(body.get("error_code") or response.status_code)
            except (TypeError, ValueError):
                code = response.status_code
            raise ZaloError(code, str(body.get("description") or "error"), method)
        return body.get("result")

    async def get_me(self) -> dict[str, Any]:
        """The bot's own account."""
        result: dict[str, Any] = await self.call("getMe")
        return result

    async def get_updates(self, *, timeout: int = 30) -> dict[str, Any] | None:
        """The next update (long poll), or None when none came in `timeout` seconds (408)."""
        try:
            result = await self.call("getUpdates", read_timeout=timeout + 10, timeout=str(timeout))
        except ZaloError as exc:
            if exc.error_code == 408:
                return None
            raise
        update = as_update(result)
        if update is None and result is not None:  # logged by its name only, never its body
            event = unhandled_event(result) or "(a broken message)"
            log.info("zalo getUpdates event=%s: not a message, ignored", event)
        return update

    async def set_webhook(self, url: str, secret_token: str) -> Any:
        """Have Zalo POST updates to `url` with the secret header."""
        return await self.call("setWebhook", url=url, secret_token=secret_token)

    async def delete_webhook(self) -> Any:
        """Go back to getUpdates."""
        return await self.call("deleteWebhook")

    async def get_webhook_info(self) -> dict[str, Any]:
        """The webhook Zalo knows about ({} when none: the live platform answers 404)."""
        try:
            result = await self.call("getWebhookInfo")
        except ZaloError as exc:
            if exc.error_code == 404 and not exc.gateway:
                return {}
            raise
        return result if isinstance(result, dict) else {}

    async def send_message(self, chat_id: str, text: str, *, scheduled: bool = False) -> Any:
        """Send a text of at most 2,000 characters; `scheduled` (a reminder, a tally) lets
        every reply waiting for the pace go first."""
        await self._pace.wait(scheduled=scheduled)
        return await self.call("sendMessage", chat_id=chat_id, text=text)

    async def send_photo(self, chat_id: str, photo_url: str, caption: str | None = None) -> Any:
        """Send a picture by its public URL."""
        await self._pace.wait()
        params: dict[str, Any] = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            params["caption"] = caption
        return await self.call("sendPhoto", **params)

    async def download(self, url: str, *, limit: int) -> bytes:
        """A file Zalo links to (a voice message's `voice_url`), at most `limit` bytes.

        Only https (plain http only on this machine, where the tests' fake server runs), no
        redirects: the address comes from Zalo and goes nowhere else.
        """
        address = httpx.URL(url)
        local = address.host in ("127.0.0.1", "localhost", "::1")
        if address.scheme != "https" and not (address.scheme == "http" and local):
            raise ZaloError(0, "file address refused", "download")
        data = bytearray()
        async with self._http.stream("GET", address, follow_redirects=False) as response:
            if response.status_code != 200:
                raise ZaloError(response.status_code, "file not fetched", "download")
            async for chunk in response.aiter_bytes():
                data += chunk
                if len(data) > limit:
                    raise FileTooLarge(limit)
        return bytes(data)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        """Show "typing…"."""
        return await self.call("sendChatAction", chat_id=chat_id, action=action)
