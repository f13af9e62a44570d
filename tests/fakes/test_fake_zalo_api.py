"""The fake Zalo Bot API answers plain HTTP (httpx) the way the published contract says.

No project code: the test thread plays the bot with httpx and the test's side of the fake.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.zalo_api import FakeZalo, ServerThread
from tests.fakes.zalo_fixtures import fixture_body

TOKEN = "1234567890:zalo-TEST-token"
AN, BINH, GROUP = "u-an-7f3a", "u-binh-91c2", "g-to-cnscd-01"


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    with FakeZalo(token=TOKEN) as fake:
        yield fake


def api(zalo: FakeZalo, method: str, body: Any = None, timeout: float = 5) -> httpx.Response:
    """Call the API as the bot does: POST {base_url}{token}/{method} with a JSON body."""
    return httpx.post(f"{zalo.base_url}{TOKEN}/{method}", json=body or {}, timeout=timeout)


def error(response: httpx.Response) -> tuple[int, str]:
    """An error as the live platform answers it: HTTP 200, `ok: false`, code and words."""
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False
    return body["error_code"], body["description"]


def get_updates(zalo: FakeZalo, timeout: str = "1") -> httpx.Response:
    return api(zalo, "getUpdates", {"timeout": timeout}, timeout=float(timeout) + 5)


# ----- basics -----------------------------------------------------------------------------


def test_get_me(zalo: FakeZalo) -> None:
    assert zalo.base_url == f"http://127.0.0.1:{zalo.port}/bot"
    answer = api(zalo, "getMe")
    assert answer.status_code == 200
    assert answer.json() == {
        "ok": True,
        "result": {
            "id": "bot-1",
            "account_name": "bot.bot-1",
            "account_type": "BASIC",
            "can_join_groups": True,
        },
    }  # as tests/fixtures/zalo/getMe.json: no display name
    assert set(answer.json()["result"]) == set(fixture_body("getMe")["result"])
    assert answer.json()["result"] == zalo.bot
    assert zalo.calls == [("getMe", {})]


def test_wrong_token_unknown_method_and_bad_bodies(zalo: FakeZalo) -> None:
    wrong = httpx.post(f"{zalo.base_url}not-the-token/getMe", json={})
    assert (wrong.status_code, wrong.json()) == (
        200,
        {"ok": False, "description": "Unauthorized", "error_code": 401},
    )
    assert zalo.calls == []  # calls with a wrong token are not the bot's calls
    assert error(api(zalo, "sendVoice", {"chat_id": AN}))[0] == 404
    assert error(api(zalo, "getme"))[0] == 404  # method names are case-sensitive
    garbage = httpx.post(f"{zalo.base_url}{TOKEN}/getMe", content=b"{nope")
    assert error(garbage)[0] == 400
    assert httpx.get(f"{zalo.base_url}{TOKEN}/getMe").status_code == 405
    assert [name for name, _ in zalo.calls] == ["sendVoice", "getme", "getMe"]


# ----- getUpdates -------------------------------------------------------------------------


def test_queued_update_is_returned_once(zalo: FakeZalo) -> None:
    an = zalo.user(AN, "An")
    update = zalo.send_text(an, "xin chào")
    second = zalo.send_text(an, "lần hai")
    assert len(zalo.pending) == 2
    first_answer = get_updates(zalo)
    assert first_answer.status_code == 200
    assert first_answer.json() == {"ok": True, "result": update}
    message = update["message"]
    assert update["event_name"] == "message.text.received"
    assert message["from"] == {"id": AN, "display_name": "An", "is_bot": False}
    assert set(message) == set(fixture_body("message.text.received")["message"])
    assert message["chat"] == {"id": AN, "chat_type": "PRIVATE"}
    assert message["text"] == "xin chào"
    assert isinstance(message["message_id"], str) and message["message_id"]
    assert abs(message["date"] - time.time() * 1000) < 5000  # milliseconds
    assert get_updates(zalo).json()["result"] == second  # one update per call, in order
    assert zalo.pending == []
    assert error(get_updates(zalo, "0")) == (408, "Request timeout")
    assert zalo.calls_of("getUpdates") == [{"timeout": "1"}] * 2 + [{"timeout": "0"}]


def test_empty_long_poll_times_out_with_408(zalo: FakeZalo) -> None:
    started = time.monotonic()
    answer = get_updates(zalo, "1")
    elapsed = time.monotonic() - started
    assert error(answer) == (408, "Request timeout")
    assert 0.9 <= elapsed < 3


def test_long_poll_is_woken_by_a_message_from_another_thread(zalo: FakeZalo) -> None:
    an = zalo.user(AN, "An")
    sender = threading.Timer(0.3, zalo.send_text, args=(an, "đến rồi"))
    started = time.monotonic()
    sender.start()
    try:
        answer = get_updates(zalo, "10")
    finally:
        sender.join(5)
    assert time.monotonic() - started < 3
    assert answer.json()["result"]["message"]["text"] == "đến rồi"


def test_timeout_next_get_updates_answers_408_at_once(zalo: FakeZalo) -> None:
    update = zalo.send_text(zalo.user(AN, "An"), "chờ")
    zalo.timeout_next_get_updates()
    started = time.monotonic()
    assert error(get_updates(zalo, "10"))[0] == 408
    assert time.monotonic() - started < 1
    assert get_updates(zalo).json()["result"] == update


def test_redeliver_gives_the_same_message_id_twice(zalo: FakeZalo) -> None:
    update = zalo.send_text(zalo.user(AN, "An"), "một lần thôi")
    zalo.redeliver(update)
    ids = [get_updates(zalo).json()["result"]["message"]["message_id"] for _ in range(2)]
    assert ids == [update["message"]["message_id"]] * 2
    fresh = zalo.send_text(zalo.user(AN, "An"), "một lần thôi")
    assert fresh["message"]["message_id"] != update["message"]["message_id"]


def test_a_poll_whose_client_hung_up_takes_nothing(zalo: FakeZalo) -> None:
    with pytest.raises(httpx.ReadTimeout):
        api(zalo, "getUpdates", {"timeout": "10"}, timeout=0.3)
    time.sleep(0.3)
    update = zalo.send_text(zalo.user(AN, "An"), "còn đây")
    time.sleep(0.5)
    assert zalo.pending == [update]
    assert get_updates(zalo).json()["result"] == update


def test_stop_ends_a_pending_long_poll() -> None:
    answers: list[int] = []
    with FakeZalo(token=TOKEN) as fake:

        def poll() -> None:
            answers.append(get_updates(fake, "30").json()["error_code"])

        poller = threading.Thread(target=poll)
        poller.start()
        fake.wait_calls("getUpdates", timeout=5)
        started = time.monotonic()
    poller.join(5)
    assert answers == [408]
    assert time.monotonic() - started < 4


def test_update_shapes_for_images_stickers_groups(zalo: FakeZalo) -> None:
    an = zalo.user(AN, "An")
    group = zalo.group(GROUP, "Tổ CNSCĐ")
    assert group == {"id": GROUP, "chat_type": "GROUP", "name": "Tổ CNSCĐ"}
    image = zalo.send_image(an, "https://example.com/a.jpg", "biên bản", group, queue=False)
    assert image["event_name"] == "message.image.received"
    assert image["message"]["chat"] == {"id": GROUP, "chat_type": "GROUP"}
    assert (image["message"]["photo_url"], image["message"]["caption"]) == (
        "https://example.com/a.jpg",
        "biên bản",
    )
    bare = zalo.send_image(an, "https://example.com/b.jpg", queue=False)["message"]
    assert bare["caption"] == "" and "photo" not in bare  # live: photo_url, caption ""
    assert set(bare) == set(fixture_body("message.image.received")["message"])
    voice = zalo.send_voice(an, queue=False)["message"]
    assert set(voice) == set(fixture_body("message.voice.received")["message"])
    assert voice["voice_url"].endswith(".aac") and voice["message_type"] == "CHAT_VOICE"
    sticker = zalo.send_sticker(an, "stk-42", queue=False)
    assert (sticker["event_name"], sticker["message"]["sticker"]) == (
        "message.sticker.received",
        "stk-42",
    )
    assert set(sticker["message"]) == set(fixture_body("message.sticker.received")["message"])
    other = zalo.send_unsupported(an, queue=False)
    assert other["event_name"] == "message.unsupported.received"
    assert set(other["message"]) == {"from", "chat", "message_id", "date"}
    in_group = zalo.send_text(an, zalo.mention("báo cáo"), group, queue=False)
    assert in_group["message"]["chat"]["chat_type"] == "GROUP"
    assert in_group["message"]["text"] == "@Bot Tổ CNSCĐ báo cáo"
    assert zalo.pending == []  # queue=False queues nothing


# ----- sending ----------------------------------------------------------------------------


def test_send_message_is_recorded_and_limited_to_2000_characters(zalo: FakeZalo) -> None:
    zalo.user(AN, "An")
    answer = api(zalo, "sendMessage", {"chat_id": AN, "text": "Chào An"})
    assert answer.status_code == 200
    result = answer.json()["result"]
    assert set(result) == {"message_id", "date"} and isinstance(result["message_id"], str)
    longest = api(zalo, "sendMessage", {"chat_id": AN, "text": "ă" * 2000})
    assert longest.status_code == 200
    too_long = api(zalo, "sendMessage", {"chat_id": AN, "text": "ă" * 2001})
    code, description = error(too_long)
    assert code == 400 and "text too long" in description
    assert error(api(zalo, "sendMessage", {"chat_id": "u-stranger", "text": "x"}))[0] == 400
    assert error(api(zalo, "sendMessage", {"chat_id": 12345, "text": "x"}))[0] == 400
    assert error(api(zalo, "sendMessage", {"chat_id": AN, "text": ""}))[0] == 400
    [first, second] = zalo.wait_sent(AN, 2, timeout=1)
    assert first["method"] == "sendMessage" and first["text"] == "Chào An"
    assert first["message_id"] == result["message_id"] and first["photo"] is None
    assert len(second["text"]) == 2000
    assert zalo.sent(BINH) == []


def test_send_photo_sticker_and_chat_action(zalo: FakeZalo) -> None:
    zalo.user(AN, "An")
    zalo.group(GROUP, "Tổ CNSCĐ")
    url = "https://cdn.example.com/bao-cao.png"
    photo = api(zalo, "sendPhoto", {"chat_id": GROUP, "photo": url, "caption": "Báo cáo"})
    assert photo.status_code == 200 and set(photo.json()["result"]) == {"message_id", "date"}
    [sent] = zalo.sent(GROUP)
    assert (sent["method"], sent["photo"], sent["caption"], sent["text"]) == (
        "sendPhoto",
        url,
        "Báo cáo",
        None,
    )
    assert sent["message_id"] == photo.json()["result"]["message_id"]
    assert error(api(zalo, "sendPhoto", {"chat_id": GROUP, "photo": "/tmp/a.png"}))[0] == 400
    assert api(zalo, "sendSticker", {"chat_id": AN, "sticker": "stk-1"}).status_code == 200
    assert zalo.sent(AN)[0]["sticker"] == "stk-1"
    typing = api(zalo, "sendChatAction", {"chat_id": AN, "action": "typing"})
    assert typing.json() == {"ok": True, "result": True}
    assert len(zalo.sent(AN)) == 1  # chat actions are calls, not messages
    assert error(api(zalo, "sendChatAction", {"chat_id": AN, "action": "dancing"}))[0] == 400


def test_wait_sent_timeout_shows_what_was_sent(zalo: FakeZalo) -> None:
    zalo.user(AN, "An")
    api(zalo, "sendMessage", {"chat_id": AN, "text": "chỉ một"})
    started = time.monotonic()
    with pytest.raises(AssertionError, match="chỉ một"):
        zalo.wait_sent(AN, 2, timeout=0.3)
    assert time.monotonic() - started < 2


# ----- webhooks ---------------------------------------------------------------------------


def test_set_webhook_validates_the_secret_and_blocks_get_updates(zalo: FakeZalo) -> None:
    url = "https://bot.example.vn/zalo"
    for bad in ({"url": url}, {"url": url, "secret_token": "1234567"}):
        assert error(api(zalo, "setWebhook", bad))[0] == 400
    assert error(api(zalo, "setWebhook", {"url": url, "secret_token": "s" * 257}))[0] == 400
    not_a_url = {"url": "bot.example", "secret_token": "12345678"}
    assert error(api(zalo, "setWebhook", not_a_url))[0] == 400
    unsendable = {"url": url, "secret_token": "bí-mật-123"}  # not a valid header value
    assert error(api(zalo, "setWebhook", unsendable))[0] == 400
    assert zalo.webhook["url"] == ""
    answer = api(zalo, "setWebhook", {"url": url, "secret_token": "12345678"})
    assert answer.status_code == 200 and answer.json()["result"]["url"] == url
    assert api(zalo, "setWebhook", {"url": url, "secret_token": "s" * 256}).status_code == 200
    info = api(zalo, "getWebhookInfo").json()["result"]
    assert set(info) == {"url", "updated_at"} and info["url"] == url
    assert abs(info["updated_at"] - time.time() * 1000) < 5000
    assert zalo.webhook["secret_token"] == "s" * 256
    zalo.send_text(zalo.user(AN, "An"), "đang chờ")
    assert error(get_updates(zalo, "0")) == tuple(
        fixture_body("getUpdates.webhook_set")[key] for key in ("error_code", "description")
    )
    assert api(zalo, "deleteWebhook").json()["result"]["url"] == ""
    assert api(zalo, "getWebhookInfo").json() == fixture_body("getWebhookInfo.none")
    assert get_updates(zalo, "0").json()["result"]["message"]["text"] == "đang chờ"


def test_post_webhook_with_and_without_the_secret(zalo: FakeZalo) -> None:
    received: list[tuple[str | None, Any]] = []

    async def hook(request: Request) -> JSONResponse:
        received.append((request.headers.get("x-bot-api-secret-token"), await request.json()))
        return JSONResponse({"ok": True})

    app = Starlette(routes=[Route("/zalo", hook, methods=["POST"])])
    with ServerThread(app, "webhook-receiver") as receiver:
        hook_url = f"{receiver.url}/zalo"
        answer = api(zalo, "setWebhook", {"url": hook_url, "secret_token": "bi-mat-123"})
        assert answer.status_code == 200
        update = zalo.send_text(zalo.user(AN, "An"), "qua webhook", queue=False)
        assert zalo.post_webhook(hook_url, update) == 200
        assert zalo.post_webhook(hook_url, update, secret="") == 200
        assert zalo.post_webhook(hook_url, update, secret="sai-bi-mat") == 200
        assert zalo.post_webhook(hook_url, update, wrapped=True) == 200
        assert zalo.post_webhook(f"{receiver.url}/other", update) == 404
    assert [secret for secret, _ in received] == ["bi-mat-123", None, "sai-bi-mat", "bi-mat-123"]
    assert received[0][1] == update  # live: the update itself
    assert received[3][1] == {"ok": True, "result": update}  # as the docs show it
    assert zalo.pending == []


# ----- faults -----------------------------------------------------------------------------


def test_fail_next_429_and_502(zalo: FakeZalo) -> None:
    zalo.user(AN, "An")
    body = {"chat_id": AN, "text": "thử lại"}
    zalo.fail_next("sendMessage", 429, times=2)
    quota = fixture_body("error.429")
    for _ in range(2):
        assert error(api(zalo, "sendMessage", body)) == (429, quota["description"])
    assert api(zalo, "sendMessage", body).status_code == 200
    zalo.fail_next("sendMessage", 502)
    gateway = api(zalo, "sendMessage", body)
    assert gateway.status_code == 502
    assert gateway.headers["content-type"].startswith("text/html")
    assert "<html>" in gateway.text
    zalo.fail_next("getMe", 403)
    assert error(api(zalo, "getMe")) == (403, fixture_body("error.403")["description"])
    zalo.rate_limit_next("sendMessage")
    too_fast = api(zalo, "sendMessage", body)
    assert too_fast.status_code == 429 and "<html>" in too_fast.text
    zalo.fail_next("sendMessage", 500)
    assert error(api(zalo, "sendMessage", body))[0] == 500
    assert len(zalo.sent(AN)) == 1  # failed calls send nothing
    assert len(zalo.calls_of("sendMessage")) == 6  # but they are recorded


def test_a_quota_lets_n_messages_through_then_answers_429_until_it_returns(zalo: FakeZalo):
    zalo.user(AN, "An")
    body = {"chat_id": AN, "text": "tin"}
    zalo.set_quota(2)
    assert [api(zalo, "sendMessage", body).json()["ok"] for _ in range(2)] == [True, True]
    assert error(api(zalo, "sendMessage", body)) == (429, "Quota exceeded")
    photo = {"chat_id": AN, "photo": "https://example.com/a.png"}
    assert error(api(zalo, "sendPhoto", photo))[0] == 429
    zalo.set_quota(None)
    assert api(zalo, "sendMessage", body).json()["ok"] is True
    assert len(zalo.sent(AN)) == 3


def test_get_me_says_whether_the_bot_may_join_groups() -> None:
    with FakeZalo(token=TOKEN, can_join_groups=False) as kept_out:
        assert api(kept_out, "getMe").json()["result"]["can_join_groups"] is False


def test_a_hosted_photo_is_served_then_its_link_expires(zalo: FakeZalo) -> None:
    lasting = zalo.host_photo(b"\xff\xd8 kept")
    once = zalo.host_photo(b"\xff\xd8 once", fetches=1)
    assert once.startswith(zalo.url + "/photo/") and once.endswith(".jpg")
    first = httpx.get(once, timeout=5)
    assert first.status_code == 200 and first.content == b"\xff\xd8 once"
    assert first.headers["content-type"] == "image/jpeg"
    assert httpx.get(once, timeout=5).status_code == 404  # the CDN link expired
    assert [httpx.get(lasting, timeout=5).status_code for _ in range(3)] == [200] * 3
    assert httpx.get(zalo.url + "/photo/none.jpg", timeout=5).status_code == 404
    assert len(zalo.photo_fetches) == 6
    image = zalo.send_image(zalo.user(AN, "An"), once, caption="vneid 2", queue=False)
    assert image["message"]["photo_url"] == once


# ----- what the live platform was measured doing ------------------------------------------


def test_replay_mode_hands_each_update_back_on_the_next_polls_in_turn(zalo: FakeZalo) -> None:
    zalo.replay(polls=2)
    an = zalo.user(AN, "An")
    a, b = zalo.send_text(an, "A"), zalo.send_text(an, "B")
    texts = [get_updates(zalo).json()["result"]["message"]["text"] for _ in range(6)]
    assert texts == ["A", "B", "A", "B", "A", "B"]
    ids = {a["message"]["message_id"], b["message"]["message_id"]}
    assert zalo.replaying == 0
    started = time.monotonic()
    assert error(get_updates(zalo, "1"))[0] == 408  # all handed back: the queue waits again
    assert time.monotonic() - started >= 0.9
    c = zalo.send_text(an, "C")
    assert get_updates(zalo).json()["result"] == c  # a new update comes before any copy
    assert get_updates(zalo).json()["result"] == c
    assert c["message"]["message_id"] not in ids


def test_empty_polls_answer_408_at_once_with_http_200_or_http_408(zalo: FakeZalo) -> None:
    for http_status in (200, 408):
        zalo.answer_empty_at_once(http_status)
        started = time.monotonic()
        answer = get_updates(zalo, "10")
        assert time.monotonic() - started < 1
        assert answer.status_code == http_status
        assert answer.json() == {"ok": False, "description": "Request timeout", "error_code": 408}
    update = zalo.send_text(zalo.user(AN, "An"), "có tin")
    assert get_updates(zalo, "10").json()["result"] == update  # what is queued still comes
    zalo.answer_empty_at_once(None)
    started = time.monotonic()
    assert error(get_updates(zalo, "1"))[0] == 408
    assert time.monotonic() - started >= 0.9  # long polls again
    zalo.timeout_next_get_updates(http_status=408)
    assert get_updates(zalo, "10").status_code == 408


def test_call_times_say_when_each_call_came(zalo: FakeZalo) -> None:
    before = time.monotonic()
    api(zalo, "getMe")
    time.sleep(0.2)
    api(zalo, "getMe")
    first, second = zalo.call_times("getMe")
    assert before <= first < second <= time.monotonic()
    assert second - first >= 0.2
    assert zalo.call_times("getUpdates") == []


def test_set_webhook_records_whether_the_address_on_this_machine_was_listening(
    zalo: FakeZalo,
) -> None:
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        port = listening.getsockname()[1]
        up = f"http://127.0.0.1:{port}/zalo/webhook"
        assert api(zalo, "setWebhook", {"url": up, "secret_token": "bi-mat-123"}).status_code == 200
    zalo.fail_next("setWebhook", 400)  # refused or not, the probe is recorded
    error(api(zalo, "setWebhook", {"url": up, "secret_token": "bi-mat-123"}))
    elsewhere = "https://bot.example.vn/zalo/webhook"
    api(zalo, "setWebhook", {"url": elsewhere, "secret_token": "bi-mat-123"})
    assert zalo.webhook_probes == [(up, True), (up, False), (elsewhere, None)]
