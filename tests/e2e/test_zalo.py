"""The real bot on our Zalo client, against a fake Zalo Bot API server over real HTTP.

The same journeys as on Telegram, with numbered options instead of buttons; each test runs
on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import func
from sqlmodel import select

from bot.app import App, build_app
from bot.config import Config
from handlers import texts
from handlers.catalogue import DEFAULT_SERVICES, ServiceSpec
from storage.models import BotUsage, Role
from tests.conftest import Clock, Roster, identities
from tests.e2e.running import RunningBot, wait_listening, zalo_config
from tests.fakes.zalo_api import FakeZalo
from tests.helpers import service_totals, stored_logs


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    with FakeZalo() as fake:
        yield fake


@pytest.fixture
def zalo_app(config: Config, zalo: FakeZalo, clock: Clock) -> Iterator[App]:
    app = build_app(zalo_config(config, zalo, mode="polling"), clock=clock)
    yield app
    app.db.dispose()


@pytest.fixture
def running(zalo_app: App) -> Iterator[RunningBot]:
    with RunningBot(zalo_app) as bot:
        yield bot


def counted_for_quota(app: App) -> int:
    """Every message the Zalo bot has counted for its quota so far (all months, not the
    messages it received)."""
    stmt = select(func.coalesce(func.sum(BotUsage.count), 0)).where(
        BotUsage.platform == "zalo", BotUsage.kind != "received"
    )
    with app.uow(read_only=True) as unit:
        return int(unit.session.exec(stmt).one())


def whole_answer(
    zalo: FakeZalo, app: App, chat: str, before: int, *, timeout: float = 10
) -> list[dict]:
    """What the Zalo bot sent to `chat` after its first `before` messages, once the answer is
    complete (one bot, its database counting only what this fake received).

    An answer may take several messages, and the bot counts them for the month's quota once
    the last one has gone (bot/channels/zalo.py `handle`; a scheduled send when marked). So once
    something new reached the chat and every message the fake received is counted, no answer
    is still going out.
    """
    zalo.wait_sent(chat, before + 1, timeout)
    deadline = time.monotonic() + timeout
    while counted_for_quota(app) < zalo.sent_count:  # the database first: it lags the fake
        if time.monotonic() > deadline:
            counted = counted_for_quota(app)
            raise AssertionError(f"{zalo.sent_count} messages sent, {counted} counted")
        time.sleep(0.02)  # polls the database: it has no way to tell us
    return zalo.sent(chat)[before:]


class Person:
    """Someone writing to the bot on Zalo, reading what it sends back.

    Without `app` only an answer's first message is waited for: give it for answers that may
    come in pieces.
    """

    def __init__(self, zalo: FakeZalo, user_id: str, name: str, app: App | None = None) -> None:
        self.zalo, self.id, self.app = zalo, user_id, app
        self.user = zalo.user(user_id, name)

    def say(self, text: str, group: dict | None = None) -> str:
        """Send a message and return the bot's answer (every piece it sent)."""
        chat = group["id"] if group else self.id
        before = len(self.zalo.sent(chat))
        self.zalo.send_text(self.user, text, group)
        if self.app is None:
            answer = self.zalo.wait_sent(chat, before + 1)[before:]
        else:
            answer = whole_answer(self.zalo, self.app, chat, before)
        return "\n".join(m["text"] or "" for m in answer)


def join(zalo: FakeZalo, app: App, user_id: str, name: str, **kwargs: object) -> Person:
    code = Roster(app).add(name, **kwargs)  # type: ignore[arg-type]
    person = Person(zalo, user_id, name, app)
    assert "Trả lời 1 hoặc 2" in person.say(f"thamgia {code}")
    assert "Chào mừng" in person.say("1")
    return person


def test_a_newcomer_joins_logs_undoes_and_sees_totals(zalo: FakeZalo, zalo_app: App, running):
    code = Roster(zalo_app).add("Nguyễn Thị Lan")
    lan = Person(zalo, "u-lan", "Lan", zalo_app)
    assert "/thamgia" in lan.say("xin chào")
    question = lan.say(f"/thamgia {code}")
    assert "  1. Đồng ý\n  2. Không đồng ý\n(Trả lời 1 hoặc 2)" in question
    assert identities(zalo_app) == []
    assert "Chào mừng Nguyễn Thị Lan" in lan.say("1")
    assert [(i.platform, i.user_id) for i in identities(zalo_app)] == [("zalo", "u-lan")]
    saved = lan.say("hom qua vneid 3 sskdt 2 @ ngõ 5")
    assert "Đã ghi lượt hỗ trợ" in saved and "1. Hoàn tác" in saved
    assert service_totals(zalo_app) == {"vneid": 3, "sskdt": 2}
    assert "Đã hoàn tác" in lan.say("/huy")
    assert service_totals(zalo_app) == {}
    lan.say("vneid 2")
    mine = lan.say("/cuatoi")
    assert "Lượt hỗ trợ của Nguyễn Thị Lan" in mine and "Cài đặt VNeID: 2" in mine
    assert "Tổ CNSCĐ TDP 1" in lan.say("/thongke")


def test_guided_entry_with_numbered_options(zalo: FakeZalo, zalo_app: App, running):
    lan = join(zalo, zalo_app, "u-lan", "Nguyễn Thị Lan")
    services = lan.say("/ghi")
    assert "  3. Sổ sức khỏe điện tử" in services and "(Trả lời số từ 1 đến 11)" in services
    assert "Sổ sức khỏe điện tử: bao nhiêu người?" in lan.say("3")
    assert "Bạn có hỗ trợ thêm dịch vụ khác không?" in lan.say("12")
    days = lan.say("2")
    assert "  3. Ngày khác" in days and "(Trả lời 1, 2 hoặc 3)" in days
    assert "Bạn gõ ngày" in lan.say("3")
    assert "bao nhiêu hộ" in lan.say("20/11")
    assert "Ở đâu?" in lan.say("4")  # a typed number here is 4 households
    assert "ảnh" in lan.say("bỏ qua")
    confirm = lan.say("bỏ qua")
    assert "Sổ sức khỏe điện tử: 12" in confirm and "Số hộ đã đến: 4" in confirm
    assert "Ngày 20/11/2026" in confirm
    assert "Đã ghi" in lan.say("1")
    assert service_totals(zalo_app) == {"sskdt": 12}


def test_a_group_is_linked_when_the_bot_is_mentioned(zalo: FakeZalo, zalo_app: App, running):
    minh = join(zalo, zalo_app, "u-minh", "Phạm Văn Minh", role=Role.LEADER)
    lan = join(zalo, zalo_app, "u-lan", "Nguyễn Thị Lan")
    group = zalo.group("g-1", "Tổ CNSCĐ TDP 1")
    # getMe does not say the name members pick after "@"; the first command teaches it
    linked = minh.say(zalo.mention("/lienket"), group)
    assert "Đã liên kết nhóm này với Tổ CNSCĐ TDP 1" in linked
    assert "gõ @, chọn tên mình" in linked  # how members reach the bot in a Zalo group
    answer = lan.say(zalo.mention("vneid 2"), group)
    assert answer.startswith("✅ Nguyễn Thị Lan: Cài đặt VNeID: 2")
    assert service_totals(zalo_app) == {"vneid": 2}


def test_a_message_delivered_twice_is_logged_once_and_answered_once(
    zalo: FakeZalo, zalo_app: App, running
):
    lan = join(zalo, zalo_app, "u-lan", "Nguyễn Thị Lan")
    before = len(zalo.sent("u-lan"))
    update = zalo.send_text(lan.user, "vneid 4")
    zalo.wait_sent("u-lan", before + 1)
    zalo.redeliver(update)  # Zalo hands it back: no answer, no quota spent
    assert "Cài đặt VNeID: 4" in lan.say("/cuatoi")  # answered after the copy
    answers = [m["text"] for m in zalo.sent("u-lan")[before:]]
    assert len(answers) == 2 and not answers[1].startswith(texts.ALREADY_HANDLED), answers
    assert len(stored_logs(zalo_app)) == 1
    assert service_totals(zalo_app) == {"vneid": 4}


def test_timeouts_rate_limits_and_errors_are_waited_out(zalo: FakeZalo, zalo_app: App, running):
    lan = join(zalo, zalo_app, "u-lan", "Nguyễn Thị Lan")
    zalo.timeout_next_get_updates(times=2)
    zalo.fail_next("sendMessage", status=403)  # Zalo's own server error: tried again
    assert "Đã ghi" in lan.say("vneid 1")
    zalo.rate_limit_next("sendMessage")  # the proxy's HTML 429: too fast, not the quota
    assert "Đã ghi" in lan.say("smarthp 1")
    zalo.fail_next("sendMessage", status=500, times=2)  # Zalo's ok:false: nothing was sent
    assert "Đã ghi" in lan.say("sskdt 1")
    zalo.lose_answers("sendMessage", "502")  # delivered, then the proxy's page: not repeated
    assert lan.say("cks 1").count("Đã ghi") == 1
    zalo.fail_next("getUpdates", status=502)  # the proxy's page on a poll: polled again
    assert "Đã ghi" in lan.say("vssid 1")
    zalo.fail_next("getUpdates", status=500)
    assert "Đã ghi" in lan.say("bc114 1")
    assert service_totals(zalo_app) == {
        "vneid": 1,
        "smarthp": 1,
        "sskdt": 1,
        "cks": 1,
        "vssid": 1,
        "bc114": 1,
    }


def test_a_long_answer_is_split_at_line_ends_under_2000_characters(
    zalo: FakeZalo, config: Config, clock: Clock
):
    many = tuple(
        ServiceSpec(f"dv{n:02}", f"Dịch vụ thử nghiệm số {n:02} của phường", (f"dv{n:02}",))
        for n in range(1, 41)
    )
    app = build_app(
        replace(zalo_config(config, zalo, mode="polling"), services=DEFAULT_SERVICES + many),
        clock=clock,
    )
    try:
        with RunningBot(app):
            lan = join(zalo, app, "u-lan", "Nguyễn Thị Lan")
            before = len(zalo.sent("u-lan"))
            lan.say("/trogiup")
            pieces = [m["text"] for m in zalo.sent("u-lan")[before:]]
    finally:
        app.db.dispose()
    assert len(pieces) >= 2 and all(len(p) <= 2000 for p in pieces)
    lines = "\n".join(pieces).splitlines()
    for n in range(1, 41):  # every line arrives whole
        assert f"• Dịch vụ thử nghiệm số {n:02} của phường: dv{n:02}" in lines


def test_an_image_with_a_quick_entry_caption_is_a_log_with_photo_evidence(
    zalo: FakeZalo, zalo_app: App, running
):
    lan = join(zalo, zalo_app, "u-lan", "Nguyễn Thị Lan")
    before = len(zalo.sent("u-lan"))
    zalo.send_image(lan.user, "https://photo.zdn.vn/abc.jpg", caption="vneid 2")
    assert "Có ảnh minh chứng" in zalo.wait_sent("u-lan", before + 1)[-1]["text"]
    [log] = stored_logs(zalo_app)
    assert log.photo_file_id == "https://photo.zdn.vn/abc.jpg"


def test_webhook_mode_sets_the_webhook_and_refuses_a_wrong_secret(
    zalo: FakeZalo, config: Config, clock: Clock
):
    hooked = zalo_config(
        config, zalo, webhook_url="https://bot.example.vn", webhook_secret="zalo-secret-of-the-ward"
    )
    app = build_app(hooked, clock=clock)
    try:
        with RunningBot(app):
            zalo.wait_calls("setWebhook")
            assert zalo.webhook["url"] == "https://bot.example.vn/zalo/webhook"
            wait_listening(hooked.server.port)
            url = f"http://127.0.0.1:{hooked.server.port}/zalo/webhook"
            code = Roster(app).add("Nguyễn Thị Lan")
            lan = zalo.user("u-lan", "Lan")
            update = zalo.send_text(lan, f"thamgia {code}", queue=False)
            assert zalo.post_webhook(url, update, secret="wrong-secret") == 403
            assert zalo.post_webhook(url, update, secret="") == 403
            assert zalo.sent("u-lan") == []
            assert zalo.post_webhook(url, update) == 200
            assert "Trả lời 1 hoặc 2" in zalo.wait_sent("u-lan", 1)[0]["text"]
            assert zalo.post_webhook(url, zalo.send_text(lan, "1", queue=False)) == 200
            assert "Chào mừng" in zalo.wait_sent("u-lan", 2)[1]["text"]
            entry = zalo.send_text(lan, "vneid 3", queue=False)
            assert zalo.post_webhook(url, entry) == 200
            assert zalo.post_webhook(url, entry) == 200  # delivered twice: answered once
            assert zalo.post_webhook(url, zalo.send_text(lan, "/cuatoi", queue=False)) == 200
            answers = [m["text"] for m in zalo.wait_sent("u-lan", 4)]
            assert "Đã ghi" in answers[2] and "Lượt hỗ trợ của" in answers[3], answers
            assert not any(texts.ALREADY_HANDLED in answer for answer in answers)
        assert len(stored_logs(app)) == 1
    finally:
        app.db.dispose()


def test_the_zalo_webhook_commands_register_show_and_remove_it(zalo: FakeZalo, tmp_path):
    env = {
        **os.environ,
        "GOTUNGNHA_DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        "GOTUNGNHA_ZALO_TOKEN": zalo.token,
        "GOTUNGNHA_ZALO_BASE_URL": zalo.base_url,
        "GOTUNGNHA_ZALO_WEBHOOK_SECRET": "zalo-secret-of-the-ward",
    }

    def gotungnha(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "zalo", *args],
            env=env,
            text=True,
            capture_output=True,
            timeout=60,
        )

    assert gotungnha("set-webhook", "https://bot.example.vn/").returncode == 0
    assert zalo.webhook["url"] == "https://bot.example.vn/zalo/webhook"
    assert zalo.webhook["secret_token"] == "zalo-secret-of-the-ward"
    shown = gotungnha("info")
    assert zalo.bot["account_name"] in shown.stdout
    assert "display_name" in shown.stdout  # getMe has no name: the config should say it
    assert "https://bot.example.vn/zalo/webhook" in shown.stdout
    assert gotungnha("delete-webhook").returncode == 0
    assert "chưa đặt" in gotungnha("info").stdout
    zalo.fail_next("getMe", status=401, description="Unauthorized")
    refused = gotungnha("info")
    assert refused.returncode == 1 and "401" in refused.stderr and zalo.token not in refused.stderr


def test_members_writing_at_once_through_the_webhook_are_each_answered_in_order(
    zalo: FakeZalo, config: Config, clock: Clock
):
    hooked = zalo_config(
        config, zalo, webhook_url="https://bot.example.vn", webhook_secret="zalo-secret-of-the-ward"
    )
    app = build_app(hooked, clock=clock)
    try:
        with RunningBot(app):
            wait_listening(hooked.server.port)
            url = f"http://127.0.0.1:{hooked.server.port}/zalo/webhook"
            people = [zalo.user(f"u-{n}", f"Người {n}") for n in range(8)]
            for n, person in enumerate(people):
                code = Roster(app).add(f"Thành viên {n}")
                assert (
                    zalo.post_webhook(url, zalo.send_text(person, f"thamgia {code}", queue=False))
                    == 200
                )
                zalo.wait_sent(person["id"], 1)
                assert zalo.post_webhook(url, zalo.send_text(person, "1", queue=False)) == 200
                assert "Chào mừng" in zalo.wait_sent(person["id"], 2)[1]["text"]
            for text in ("vneid 1", "sskdt 2", "vneid 3", "/cuatoi"):
                for person in people:
                    assert zalo.post_webhook(url, zalo.send_text(person, text, queue=False)) == 200
            for person in people:
                answers = [m["text"] for m in zalo.wait_sent(person["id"], 6)[2:]]
                assert "Cài đặt VNeID: 1" in answers[0], answers
                assert "Sổ sức khỏe điện tử: 2" in answers[1], answers
                assert "Cài đặt VNeID: 3" in answers[2], answers
                assert "Cài đặt VNeID: 4" in answers[3], answers  # /cuatoi came after all three
        assert service_totals(app) == {"vneid": 4 * len(people), "sskdt": 2 * len(people)}
    finally:
        app.db.dispose()
