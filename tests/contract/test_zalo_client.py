"""Our Zalo client against the published wire format (a fake server over real HTTP)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_api import FileTooLarge, ZaloClient, ZaloError
from bot.config import ZaloBotConfig
from bot.web.links import FileLinks
from bot.web.server import create_web_app
from handlers.messages import Choice, Document, Photo, Reply
from tests.fakes.zalo_api import FakeZalo, ServerThread


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    with FakeZalo() as fake:
        yield fake


# Zalo's JSON errors come mostly with HTTP 200; some integrators met the same body with its
# code as the HTTP status (an HTTP 408 getUpdates: ../shared/zalo-live.md). Both mean the same.
ERROR_FORMS = {"http-200": False, "http-status-is-the-code": True}


@pytest.fixture(params=sorted(ERROR_FORMS))
def zalo_errors(request: pytest.FixtureRequest) -> Iterator[FakeZalo]:
    """The fake Zalo answering its JSON errors in one of the two forms the live API uses."""
    with FakeZalo(errors_in_http_status=ERROR_FORMS[request.param]) as fake:
        yield fake


async def _get_me_with_token(zalo: FakeZalo, token: str) -> Any:
    async with ZaloClient(token, base_url=zalo.base_url) as client:
        return await client.get_me()


def _raw(zalo: FakeZalo, method: str, token: str | None = None, **params: Any) -> httpx.Response:
    """What the fake answers on the wire (the test checks the form it is testing)."""
    return httpx.post(f"{zalo.base_url}{token or zalo.token}/{method}", json=params)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def _with_client(zalo: FakeZalo, work: Any, **kwargs: Any) -> Any:
    async with ZaloClient(zalo.token, base_url=zalo.base_url, **kwargs) as client:
        return await work(client)


def test_requests_go_to_base_url_token_method_as_json(zalo: FakeZalo):
    me = run(_with_client(zalo, lambda c: c.get_me()))
    assert me == zalo.bot and me["account_name"].startswith("bot.")
    chat = zalo.user("u-1", "Lan")
    run(_with_client(zalo, lambda c: c.send_message(chat["id"], "Xin chào")))
    assert zalo.calls_of("sendMessage") == [{"chat_id": "u-1", "text": "Xin chào"}]


def test_get_updates_sends_the_timeout_as_a_string_and_408_means_nothing(zalo: FakeZalo):
    assert run(_with_client(zalo, lambda c: c.get_updates(timeout=1))) is None
    assert zalo.calls_of("getUpdates")[0]["timeout"] == "1"
    update = zalo.send_text(zalo.user("u-1", "Lan"), "vneid 3")
    assert run(_with_client(zalo, lambda c: c.get_updates(timeout=1))) == update


def test_an_error_carries_code_and_description_but_never_the_token(zalo: FakeZalo):
    with pytest.raises(ZaloError) as caught:
        run(_with_client(zalo, lambda c: c.send_message("u-nobody", "x")))
    assert caught.value.error_code == 400 and "chat not found" in caught.value.description
    assert zalo.token not in str(caught.value)
    assert len(zalo.calls_of("sendMessage")) == 1  # a bad request is not tried again


def test_a_403_is_zalos_server_error_and_is_tried_again(zalo: FakeZalo):
    chat = zalo.user("u-1", "Lan")
    zalo.fail_next("sendMessage", status=403, times=2)
    run(_with_client(zalo, lambda c: c.send_message(chat["id"], "vẫn đến nơi")))
    assert [m["text"] for m in zalo.sent("u-1")] == ["vẫn đến nơi"]
    assert len(zalo.calls_of("sendMessage")) == 3


def test_a_quota_answer_is_not_tried_again_and_says_so(zalo: FakeZalo):
    chat = zalo.user("u-1", "Lan")
    zalo.set_quota(0)
    with pytest.raises(ZaloError) as caught:
        run(_with_client(zalo, lambda c: c.send_message(chat["id"], "x")))
    assert caught.value.quota_exceeded
    assert len(zalo.calls_of("sendMessage")) == 1  # no tight retries: it only spends more


def test_the_proxys_own_429_page_is_a_rate_limit_waited_out_not_the_quota(zalo: FakeZalo):
    chat = zalo.user("u-1", "Lan")
    zalo.rate_limit_next("sendMessage")
    run(_with_client(zalo, lambda c: c.send_message(chat["id"], "vẫn đến nơi")))
    assert [m["text"] for m in zalo.sent("u-1")] == ["vẫn đến nơi"]


def test_a_missing_webhook_is_no_webhook_whether_its_404_comes_with_http_200_or_404(
    zalo_errors: FakeZalo,
):
    zalo = zalo_errors
    wire = _raw(zalo, "getWebhookInfo")
    assert wire.status_code == (404 if zalo.errors_in_http_status else 200)
    assert wire.json() == {"ok": False, "description": "Not Found", "error_code": 404}
    assert run(_with_client(zalo, lambda c: c.get_webhook_info())) == {}
    assert zalo.calls_of("getWebhookInfo") == [{}, {}]


def test_a_json_bad_request_is_a_zalo_error_not_retried_with_http_200_or_400(
    zalo_errors: FakeZalo,
):
    zalo = zalo_errors
    wire = _raw(zalo, "sendMessage", chat_id="u-nobody", text="x")
    assert wire.status_code == (400 if zalo.errors_in_http_status else 200)
    with pytest.raises(ZaloError) as caught:
        run(_with_client(zalo, lambda c: c.send_message("u-nobody", "x")))
    error = caught.value
    assert (error.error_code, error.description) == (400, "Bad Request: chat not found")
    assert not (error.gateway or error.uncertain or error.retried or error.quota_exceeded)
    assert len(zalo.calls_of("sendMessage")) == 2  # the raw one and the client's: no retry


def test_a_wrong_token_is_zalos_401_with_http_200_or_401_and_never_shows_the_token(
    zalo_errors: FakeZalo,
):
    zalo = zalo_errors
    wire = _raw(zalo, "getMe", token="wrong-token-456")
    assert wire.status_code == (401 if zalo.errors_in_http_status else 200)
    with pytest.raises(ZaloError) as caught:
        run(_get_me_with_token(zalo, "wrong-token-456"))
    error = caught.value
    assert (error.error_code, error.description) == (401, "Unauthorized")
    assert not (error.gateway or error.uncertain or error.retried)
    assert "wrong-token-456" not in str(error)


def test_zalos_json_403_and_500_are_retried_and_the_send_goes_with_http_200_or_their_code(
    zalo_errors: FakeZalo,
):
    zalo = zalo_errors
    chat = zalo.user("u-1", "Lan")
    http = {False: lambda code: 200, True: lambda code: code}[zalo.errors_in_http_status]
    zalo.fail_next("sendMessage", status=403, http_status=http(403))
    zalo.fail_next("sendMessage", status=500, http_status=http(500))
    run(_with_client(zalo, lambda c: c.send_message(chat["id"], "vẫn đến nơi")))
    # Zalo's own ok:false said the message was not sent: tried again, never "uncertain"
    assert [m["text"] for m in zalo.sent("u-1")] == ["vẫn đến nơi"]
    assert len(zalo.calls_of("sendMessage")) == 3


def test_the_quota_is_used_up_whether_its_429_comes_with_http_200_or_429(
    zalo_errors: FakeZalo,
):
    zalo = zalo_errors
    chat = zalo.user("u-1", "Lan")
    zalo.set_quota(0)
    wire = _raw(zalo, "sendMessage", chat_id="u-1", text="x")
    assert wire.status_code == (429 if zalo.errors_in_http_status else 200)
    assert wire.json() == {"ok": False, "description": "Quota exceeded", "error_code": 429}
    with pytest.raises(ZaloError) as caught:
        run(_with_client(zalo, lambda c: c.send_message(chat["id"], "x")))
    assert caught.value.quota_exceeded and not caught.value.gateway
    assert len(zalo.calls_of("sendMessage")) == 2  # the raw one and the client's: no retry
    assert zalo.sent("u-1") == []


def test_no_update_is_none_whether_getupdates_408_comes_with_http_200_or_408(
    zalo_errors: FakeZalo,
):
    zalo = zalo_errors
    zalo.answer_empty_at_once(http_status=200)  # 200, or 408 with errors_in_http_status
    wire = _raw(zalo, "getUpdates", timeout="1")
    assert wire.status_code == (408 if zalo.errors_in_http_status else 200)
    assert run(_with_client(zalo, lambda c: c.get_updates(timeout=1))) is None
    update = zalo.send_text(zalo.user("u-1", "Lan"), "vneid 3")
    assert run(_with_client(zalo, lambda c: c.get_updates(timeout=1))) == update


def test_server_errors_are_retried_with_backoff(zalo: FakeZalo):
    chat = zalo.user("u-1", "Lan")
    zalo.fail_next("sendMessage", status=500, times=2)  # Zalo's own ok:false: it did not send
    run(_with_client(zalo, lambda c: c.send_message(chat["id"], "vẫn đến nơi")))
    assert [m["text"] for m in zalo.sent("u-1")] == ["vẫn đến nơi"]
    assert len(zalo.calls_of("sendMessage")) == 3
    zalo.fail_next("getMe", status=502)  # the proxy's page: asking again sends nothing twice
    assert run(_with_client(zalo, lambda c: c.get_me())) == zalo.bot
    assert len(zalo.calls_of("getMe")) == 2


# ----- download(): a voice message's file, from Zalo's file host and nowhere else ----------


@pytest.fixture
def nobody_listening() -> Iterator[tuple[str, socket.socket]]:
    """An address on this machine that is not the fake's (127.0.0.2), with a socket that
    listens there and never answers: any request the client made would connect to it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.2", 0))
        sock.listen()
        sock.setblocking(False)
        yield f"127.0.0.2:{sock.getsockname()[1]}", sock


@pytest.mark.parametrize(
    "address",
    ["http://{host}/voice/a.aac", "ftp://{host}/a.aac", "file:///etc/passwd", "//{host}/a.aac"],
)
def test_download_refuses_an_address_that_is_not_https_before_any_request(
    zalo: FakeZalo, nobody_listening: tuple[str, socket.socket], address: str
):
    host, sock = nobody_listening
    url = address.format(host=host)
    with pytest.raises(ZaloError) as caught:
        run(_with_client(zalo, lambda c: c.download(url, limit=1000), timeout=2))
    assert (caught.value.error_code, caught.value.description) == (0, "file address refused")
    with pytest.raises(BlockingIOError):  # nobody connected: refused before any request
        sock.accept()


def test_download_never_follows_a_redirect(zalo: FakeZalo):
    voice_url = zalo.send_voice(zalo.user("u-1", "Lan"), audio=b"AAC voice")["message"]["voice_url"]

    async def moved(request: Request) -> Response:
        return RedirectResponse(voice_url, status_code=302)

    elsewhere = ServerThread(Starlette(routes=[Route("/moved.aac", moved)]), "moved-host")
    with elsewhere, pytest.raises(ZaloError) as caught:
        run(_with_client(zalo, lambda c: c.download(f"{elsewhere.url}/moved.aac", limit=1000)))
    assert (caught.value.error_code, caught.value.description) == (302, "file not fetched")
    assert zalo.voice_fetches == []  # where it pointed was never asked for
    assert run(_with_client(zalo, lambda c: c.download(voice_url, limit=1000))) == b"AAC voice"


def test_download_stops_at_the_size_asked_for(zalo: FakeZalo):
    audio = bytes(range(256)) * 400  # 102,400 bytes: more than one chunk on the wire
    voice_url = zalo.send_voice(zalo.user("u-1", "Lan"), audio=audio)["message"]["voice_url"]
    with pytest.raises(FileTooLarge):
        run(_with_client(zalo, lambda c: c.download(voice_url, limit=len(audio) - 1)))
    assert run(_with_client(zalo, lambda c: c.download(voice_url, limit=len(audio)))) == audio


def test_an_unreachable_server_is_a_zalo_error_without_the_token():
    async def work() -> None:
        async with ZaloClient(
            "secret-token-123", base_url="http://127.0.0.1:9/bot", attempts=2
        ) as client:
            await client.get_me()

    with pytest.raises(ZaloError) as caught:
        run(work())
    assert "secret-token-123" not in str(caught.value)


def test_sends_keep_to_the_pace_a_burst_when_quiet_then_evenly_spaced(zalo: FakeZalo):
    """Through the wire, the pace holds: 25 sends at 10 a second take at least the 1.5 s the
    15 after the burst need (how fast the burst goes is a bound the machine's load can break:
    tests/unit/test_zalo_pace.py shows it without the clock)."""
    chat = zalo.user("u-1", "Lan")

    async def burst(client: ZaloClient) -> float:
        clock = asyncio.get_running_loop().time
        started = clock()
        await asyncio.gather(*(client.send_message(chat["id"], str(n)) for n in range(25)))
        return clock() - started

    took = run(_with_client(zalo, burst, sends_per_second=10))
    # 25 sends at 10 a second: 10 at once, then one every 0.1 s for the other 15
    assert took >= 1.4
    sent = sorted((m["text"] for m in zalo.sent(chat["id"])), key=int)
    assert sent == [str(n) for n in range(25)]  # each once


def test_files_reach_zalo_as_signed_links_that_download(zalo: FakeZalo, tmp_path: Path):
    links = FileLinks(
        secret=b"ward",
        folder=tmp_path / "links",
        public_url="http://placeholder",
        ttl=timedelta(hours=24),
    )
    with ServerThread(create_web_app(links=links)) as web:
        links = FileLinks(
            secret=b"ward", folder=tmp_path / "links", public_url=web.url, ttl=timedelta(hours=24)
        )
        workbook, chart = tmp_path / "bao-cao.xlsx", tmp_path / "tuan.png"
        workbook.write_bytes(b"PK workbook")
        chart.write_bytes(b"\x89PNG chart")
        chat = zalo.user("u-1", "Lan")

        async def send() -> None:
            channel = ZaloChannel(
                engine=None,
                config=ZaloBotConfig(
                    token=zalo.token,  # type: ignore[arg-type]
                    base_url=zalo.base_url,
                ),
                links=links,
            )
            reply = Reply(
                "Báo cáo của phường",
                choices=(Choice("Xem thêm", "x:1"),),
                document=Document("Báo cáo quý IV.xlsx", str(workbook)),
                photo=Photo(str(chart), "Tuần này"),
            )
            try:
                await channel.send(chat["id"], reply)
            finally:
                await channel.client.close()

        run(send())
        [text, photo] = zalo.sent("u-1")  # the link inside the text: one message, not two
        shown, link = text["text"].split("\n\n", 1)
        assert shown == "Báo cáo của phường"
        assert link.endswith("\n  1. Xem thêm\n(Trả lời 1)")  # the choices come last
        url = link.split(": ", 1)[1].split("\n")[0]
        assert "Báo cáo quý IV.xlsx" in link and url.startswith(web.url + "/files/")
        assert httpx.get(url).content == b"PK workbook"
        assert photo["method"] == "sendPhoto" and photo["caption"] == "Tuần này"
        assert httpx.get(photo["photo"]).content == b"\x89PNG chart"
        assert httpx.get(url[:-3] + "abc").status_code == 404


def test_a_weekly_tally_on_zalo_is_one_message_with_the_charts_link_inside(
    zalo: FakeZalo, tmp_path: Path
):
    from bot.channels.sender import ChannelSender
    from schedules.delivery import Outcome

    links = FileLinks(
        secret=b"ward",
        folder=tmp_path / "links",
        public_url="https://bot.example.vn",
        ttl=timedelta(hours=24),
    )
    chart = tmp_path / "tuan.png"
    chart.write_bytes(b"\x89PNG chart")
    group = zalo.group("g-1", "Tổ CNSCĐ TDP 1")

    async def send() -> Any:
        async with ZaloClient(zalo.token, base_url=zalo.base_url) as client:
            sender = ChannelSender(zalo={"": client}, links=links)
            return await sender.send("zalo", group["id"], "📊 Tổ CNSCĐ TDP 1, tuần …", chart)

    delivery = run(send())
    [message] = zalo.sent("g-1")  # every message counts against the bot's monthly quota
    assert (delivery.outcome, delivery.error, delivery.messages) == (Outcome.SENT, None, 1)
    assert message["method"] == "sendMessage"
    assert message["text"].startswith("📊 Tổ CNSCĐ TDP 1")
    assert "📈 Biểu đồ: https://bot.example.vn/files/" in message["text"]


def test_zalos_403_is_tried_again_later_never_taken_for_a_block(zalo: FakeZalo):
    from bot.channels.sender import ChannelSender
    from schedules.delivery import Outcome

    chat = zalo.user("u-1", "Lan")
    zalo.fail_next("sendMessage", status=403, times=2)

    async def send() -> Any:
        async with ZaloClient(zalo.token, base_url=zalo.base_url, attempts=2) as client:
            return await ChannelSender(zalo={"": client}).send("zalo", chat["id"], "⏰ Nhắc hạn")

    outcome, error, messages, _ = run(send())
    assert outcome is Outcome.FAILED and "403" in (error or "") and messages == 0
    zalo.set_quota(0)
    outcome, error, *_ = run(send())
    assert outcome is Outcome.QUOTA and "Quota exceeded" in (error or "")
