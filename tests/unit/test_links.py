"""Signed download links: one file each, unforgeable, gone after they expire."""

from __future__ import annotations

import asyncio
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from bot.web.links import FileLinks
from bot.web.server import create_web_app

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


class Client:
    """Requests to the ASGI app in this process."""

    def __init__(self, app: Starlette) -> None:
        self._transport = httpx.ASGITransport(app=app)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            async with httpx.AsyncClient(transport=self._transport, base_url="http://t") as c:
                return await c.request(method, url, **kwargs)

        return asyncio.run(send())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)


def links(tmp_path: Path, secret: bytes = b"ward-secret") -> FileLinks:
    return FileLinks(
        secret=secret,
        folder=tmp_path / "links",
        public_url="https://bot.example.vn/",
        ttl=timedelta(hours=24),
    )


def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(b"PK\x03\x04 a workbook")
    return path


def test_a_published_file_is_downloadable_under_its_name_until_it_expires(tmp_path: Path):
    published = links(tmp_path).publish(workbook(tmp_path), "Báo cáo quý IV.xlsx", now=NOW)
    assert published.url.startswith("https://bot.example.vn/files/")
    token = published.url.rsplit("/", 1)[1]
    path, name = links(tmp_path).resolve(token, now=NOW + timedelta(hours=23))  # type: ignore[misc]
    assert path.read_bytes() == b"PK\x03\x04 a workbook" and name == "Báo cáo quý IV.xlsx"
    assert links(tmp_path).resolve(token, now=NOW + timedelta(hours=25)) is None


def test_a_forged_or_foreign_link_resolves_to_nothing(tmp_path: Path):
    token = links(tmp_path).publish(workbook(tmp_path), "a.xlsx", now=NOW).url.rsplit("/", 1)[1]
    body, signature = token.split(".")
    assert links(tmp_path, secret=b"another-deployment").resolve(token, now=NOW) is None
    assert links(tmp_path).resolve(body + "." + signature[::-1], now=NOW) is None
    assert links(tmp_path).resolve("nonsense", now=NOW) is None


def test_the_web_app_serves_a_valid_link_and_answers_404_after_expiry(tmp_path: Path):
    fresh = links(tmp_path).publish(workbook(tmp_path), "a.xlsx", now=datetime.now(UTC))
    old = links(tmp_path).publish(
        workbook(tmp_path), "b.xlsx", now=datetime.now(UTC) - timedelta(days=2)
    )
    client = Client(create_web_app(links=links(tmp_path)))
    ok = client.get("/files/" + fresh.url.rsplit("/", 1)[1])
    assert ok.status_code == 200 and ok.content == b"PK\x03\x04 a workbook"
    assert "a.xlsx" in ok.headers["content-disposition"]
    assert ok.headers["cache-control"] == "no-store"  # names in it: no copy kept on the way
    gone = client.get("/files/" + old.url.rsplit("/", 1)[1])
    assert gone.status_code == 404 and "hết hạn" in gone.text


def test_webhooks_refuse_a_wrong_secret_and_answer_health_checks(tmp_path: Path):
    received: list[dict] = []

    async def feed(update: dict) -> None:
        received.append(update)

    client = Client(
        create_web_app(
            zalo=feed, zalo_secret="zalo-secret-1", telegram=feed, telegram_secret="tg-secret"
        )
    )
    update = {"ok": True, "result": {"event_name": "message.text.received", "message": {}}}
    assert client.post("/zalo/webhook", json=update).status_code == 403
    assert (
        client.post(
            "/zalo/webhook", json=update, headers={"X-Bot-Api-Secret-Token": "wrong"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/telegram/webhook",
            json={"update_id": 1},
            headers={"X-Telegram-Bot-Api-Secret-Token": "zalo-secret-1"},
        ).status_code
        == 403
    )
    assert received == []
    assert (
        client.post(
            "/zalo/webhook", json=update, headers={"X-Bot-Api-Secret-Token": "zalo-secret-1"}
        ).status_code
        == 200
    )
    assert received == [update["result"]]
    assert client.get("/healthz").json() == {"ok": True}


def test_copies_whose_links_expired_are_deleted_when_the_next_file_is_published(tmp_path: Path):
    published = links(tmp_path)
    old, fresh = tmp_path / "old.xlsx", tmp_path / "fresh.xlsx"
    old.write_bytes(b"names and phones")
    fresh.write_bytes(b"this week")
    old_link = published.publish(old, "old.xlsx", now=NOW)
    kept = published.resolve(old_link.url.rsplit("/", 1)[1], now=NOW)
    assert kept is not None
    day_ago = time.time() - 25 * 3600  # the copy is older than the links' life
    os.utime(kept[0], (day_ago, day_ago))
    new_link = published.publish(fresh, "fresh.xlsx", now=NOW)
    assert not kept[0].exists()
    assert published.resolve(new_link.url.rsplit("/", 1)[1], now=NOW) is not None
