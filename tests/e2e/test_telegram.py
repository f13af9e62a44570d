"""The real bot on python-telegram-bot, against a fake Bot API server over real HTTP.

Each test runs on SQLite and on PostgreSQL (the `config` fixture's database).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import select

from bot.app import App, build_app
from bot.config import Config, PrivacyConfig
from bot.photos import photo_path, purge_old_photos
from handlers import texts
from storage.locks import LeaderLock
from storage.models import GroupChat, Role
from tests.conftest import Clock, Roster, identities
from tests.e2e.running import TOKEN, RunningBot, telegram_config, wait_listening
from tests.fakes.telegram_api import FakeTelegram
from tests.helpers import service_totals, stored_logs

BUTTON_WAIT = 10


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN, bot_username="gotungnha_test_bot") as fake:
        yield fake


@pytest.fixture
def tg_config(config: Config, tg: FakeTelegram) -> Config:
    return telegram_config(config, tg)


@pytest.fixture
def tg_app(tg_config: Config, clock: Clock) -> Iterator[App]:
    app = build_app(tg_config, clock=clock)
    yield app
    app.db.dispose()


@pytest.fixture
def running(tg_app: App) -> Iterator[RunningBot]:
    with RunningBot(tg_app) as bot:
        yield bot


def buttons(message: dict) -> list[tuple[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


def last(tg: FakeTelegram, chat_id: int, count: int) -> dict:
    """The newest message of a chat once the bot has sent `count` messages there."""
    return tg.wait_sent(chat_id, count)[-1]


def ticks_ended(app: App) -> float:
    """How many scheduler ticks the running bot has ended (led, followed or failed), as its
    metrics count them: a tick has sent all it was to send when it ends."""
    registry = app.metrics.registry
    return sum(
        registry.get_sample_value("gotungnha_scheduler_ticks_total", {"result": result}) or 0
        for result in ("led", "followed", "failed")
    )


def wait_for_tick(app: App, ended: float, timeout: float = 10) -> None:
    """Wait until the bot has ended another tick than the `ended` it had ended before."""
    deadline = time.monotonic() + timeout
    while ticks_ended(app) <= ended:
        assert time.monotonic() < deadline, f"no scheduler tick ended in {timeout} s"
        time.sleep(0.05)  # the counters cannot tell us


def joined(tg: FakeTelegram, roster: Roster, user: dict, name: str, **kwargs: object) -> int:
    """Join `user` through the deep link; returns how many messages the bot sent them."""
    code = roster.add(name, **kwargs)  # type: ignore[arg-type]
    tg.send_text(user, f"/start {code}")
    question = last(tg, user["id"], 1)
    tg.press(user, question, "consent:yes")
    tg.wait_for(lambda: tg.sent(user["id"])[0]["edited"], BUTTON_WAIT)
    return len(tg.sent(user["id"]))


def test_the_vietnamese_command_menu_is_registered_at_start(tg: FakeTelegram, running):
    tg.wait_calls("setMyCommands", 2)
    commands = {c["command"]: c["description"] for c in tg.commands()}
    assert commands["ghi"] == "Ghi lượt hỗ trợ từng bước"
    assert commands["thongke"] == "Kết quả của tổ"
    assert "lienket" not in commands and "tiendo" not in commands  # members' commands only
    in_groups = [c["command"] for c in tg.commands({"type": "all_group_chats"})]
    assert in_groups == ["ghi", "thongke", "chiendich", "lienket", "danop", "trogiup"]


def test_leaders_and_officers_get_their_commands_in_their_private_chat_after_joining(
    tg: FakeTelegram, tg_app: App, running
):
    roster = Roster(tg_app)
    minh, ha, lan = tg.user(6001, "Minh"), tg.user(6002, "Hà"), tg.user(6003, "Lan")
    joined(tg, roster, minh, "Phạm Văn Minh", role=Role.LEADER)
    joined(tg, roster, ha, "Trần Thu Hà", role=Role.OFFICER)
    joined(tg, roster, lan, "Nguyễn Thị Lan")

    def menu(user: dict) -> list[str]:
        return [c["command"] for c in tg.commands({"type": "chat", "chat_id": user["id"]})]

    tg.wait_for(lambda: menu(ha) != [])
    assert "lienket" in menu(minh) and "danop" in menu(minh) and "tiendo" not in menu(minh)
    assert "tiendo" in menu(ha) and "hanchot" in menu(ha)
    assert menu(lan) == []  # a member keeps the menu everybody sees
    before = len(tg.sent(6001))
    tg.send_text(minh, "/xoadulieucuatoi")
    message = last(tg, 6001, before + 1)
    tg.press(minh, message, buttons(message)[0][1])
    tg.wait_for(lambda: menu(minh) == [])  # gone with the data: back to everybody's menu


def test_lienket_says_to_just_mention_the_bot_when_it_reads_every_group_message(
    tg_config: Config, clock: Clock
):
    with FakeTelegram(token=TOKEN, bot_username="gotungnha_test_bot", privacy=False) as open_tg:
        settings = replace(
            tg_config,
            telegram=replace(
                tg_config.telegram, base_url=open_tg.base_url, base_file_url=open_tg.base_file_url
            ),
        )
        app = build_app(settings, clock=clock)
        try:
            with RunningBot(app):
                minh, lan = open_tg.user(6001, "Minh"), open_tg.user(6002, "Lan")
                joined(open_tg, Roster(app), minh, "Phạm Văn Minh", role=Role.LEADER)
                joined(open_tg, Roster(app), lan, "Nguyễn Thị Lan")
                group = open_tg.group(-1001, "Tổ CNSCĐ TDP 1")
                open_tg.send_text(minh, "/lienket", chat=group)
                linked = last(open_tg, -1001, 1)["text"]
                assert "nhắc @gotungnha_test_bot ở đầu tin" in linked
                assert "reply" not in linked
                open_tg.send_text(lan, "@gotungnha_test_bot vneid 2", chat=group)
                assert last(open_tg, -1001, 2)["text"] == "✅ Nguyễn Thị Lan: Cài đặt VNeID: 2"
        finally:
            app.db.dispose()


def test_joining_by_deep_link_asks_consent_with_buttons_then_links(
    tg: FakeTelegram, tg_app: App, roster: Roster, running
):
    code = Roster(tg_app).add("Lê Thị Hạnh")
    hanh = tg.user(5001, "Hạnh")
    tg.send_text(hanh, f"/start {code}")
    question = last(tg, 5001, 1)
    assert "Bạn có đồng ý không?" in question["text"]
    assert buttons(question) == [("Đồng ý", "consent:yes"), ("Không đồng ý", "consent:no")]
    assert identities(tg_app) == []
    tg.press(hanh, question, "consent:yes")
    tg.wait_for(lambda: tg.sent(5001)[0]["edited"], BUTTON_WAIT)
    edited = tg.sent(5001)[0]
    assert edited["text"].startswith("Chào mừng Lê Thị Hạnh")
    assert buttons(edited) == []  # no stale buttons
    assert [(i.platform, i.user_id) for i in identities(tg_app)] == [("telegram", "5001")]


def test_joining_by_sharing_ones_own_phone_number(tg: FakeTelegram, tg_app: App, running):
    Roster(tg_app).add("Lê Thị Hạnh", phone="0912345678")
    hanh = tg.user(5001, "Hạnh")
    tg.send_text(hanh, "xin chào")
    greeting = last(tg, 5001, 1)
    keyboard = greeting["reply_markup"]["keyboard"]
    assert keyboard[0][0]["request_contact"] is True
    assert keyboard[0][0]["text"] == "📱 Chia sẻ số điện thoại"
    tg.share_contact(hanh, "84912345678", contact_user_id=9999)  # someone else's card
    assert "chính mình" in last(tg, 5001, 2)["text"]
    tg.share_contact(hanh, "+84 912 345 678")
    question = last(tg, 5001, 3)
    tg.press(hanh, question, "consent:yes")
    tg.wait_for(lambda: tg.sent(5001)[2]["edited"], BUTTON_WAIT)
    assert tg.sent(5001)[2]["text"].startswith("Chào mừng Lê Thị Hạnh")
    assert [i.user_id for i in identities(tg_app)] == ["5001"]


def test_a_quick_entry_is_saved_and_the_undo_button_undoes_it(
    tg: FakeTelegram, tg_app: App, running
):
    lan = tg.user(5002, "Lan")
    sent = joined(tg, Roster(tg_app), lan, "Nguyễn Thị Lan")
    tg.send_text(lan, "hom qua vneid 3 sskdt 2 @ ngõ 5")
    answer = last(tg, 5002, sent + 1)
    assert "Đã ghi lượt hỗ trợ" in answer["text"] and "ngõ 5" in answer["text"]
    [(label, value)] = buttons(answer)
    assert label == "Hoàn tác"
    assert service_totals(tg_app) == {"vneid": 3, "sskdt": 2}
    tg.press(lan, answer, value)
    tg.wait_for(lambda: tg.sent(5002)[sent]["edited"], BUTTON_WAIT)
    undone = tg.sent(5002)[sent]
    assert undone["text"].startswith("↩️ Đã hoàn tác")
    assert buttons(undone) == []
    assert service_totals(tg_app) == {}


def test_guided_entry_with_buttons(tg: FakeTelegram, tg_app: App, running):
    lan = tg.user(5002, "Lan")
    n = joined(tg, Roster(tg_app), lan, "Nguyễn Thị Lan")
    tg.send_text(lan, "/ghi")
    services = last(tg, 5002, n + 1)
    assert ("Sổ sức khỏe điện tử", "ghi:svc:sskdt") in buttons(services)
    steps = ["ghi:svc:sskdt", "ghi:count:3", "ghi:done", "ghi:day:1"] + ["ghi:skip"] * 3
    for value in steps:
        current = tg.sent(5002)[-1]
        tg.press(lan, current, value)  # each answer replaces the question it came from
        tg.wait_for(lambda c=current: tg.sent(5002)[-1] != c, BUTTON_WAIT)
    message = tg.sent(5002)[-1]
    assert message["message_id"] == services["message_id"]
    assert "Bạn kiểm tra lại" in message["text"] and "Sổ sức khỏe điện tử: 3" in message["text"]
    assert "(hôm qua)" in message["text"]
    tg.press(lan, message, "ghi:save")
    tg.wait_for(lambda: "Đã ghi" in tg.sent(5002)[-1]["text"], BUTTON_WAIT)
    assert service_totals(tg_app) == {"sskdt": 3}
    [log] = stored_logs(tg_app)
    assert log.day == date(2026, 11, 22)  # the test clock's yesterday


def test_a_group_is_linked_and_members_log_there_with_short_quoted_answers(
    tg: FakeTelegram, tg_app: App, running
):
    roster = Roster(tg_app)
    minh, lan, tu = tg.user(6001, "Minh"), tg.user(6002, "Lan"), tg.user(6003, "Tư")
    joined(tg, roster, minh, "Phạm Văn Minh", role=Role.LEADER)
    joined(tg, roster, lan, "Nguyễn Thị Lan")
    joined(tg, roster, tu, "Lê Văn Tư")
    group = tg.group(-1001, "Tổ CNSCĐ TDP 1")
    tg.send_text(minh, "/lienket@gotungnha_test_bot", chat=group)
    linked = last(tg, -1001, 1)["text"]
    assert "Đã liên kết nhóm này với Tổ CNSCĐ TDP 1" in linked
    assert "/ghi vneid 3" in linked and "trả lời (reply)" in linked  # privacy mode is on
    tg.send_text(lan, "hôm nay trời mưa", chat=group)  # not for the bot: never reaches it
    tg.send_text(lan, "@gotungnha_test_bot vneid 5", chat=group)  # privacy mode: neither
    tg.send_text(lan, "/ghi vneid 2", chat=group)
    answer = last(tg, -1001, 2)
    assert answer["text"] == "✅ Nguyễn Thị Lan: Cài đặt VNeID: 2"
    assert answer["reply_to_message_id"] is not None
    tg.press(tu, answer, buttons(answer)[0][1])  # someone else's Undo
    tg.wait_calls("answerCallbackQuery", 4)
    assert tg.calls_of("answerCallbackQuery")[-1].get("text") == "Nút này dành cho người khác."
    tg.send_text(tu, "sskdt 1", chat=group, reply_to=answer)  # a reply to the bot
    assert last(tg, -1001, 3)["text"] == "✅ Lê Văn Tư: Sổ sức khỏe điện tử: 1"
    assert service_totals(tg_app) == {"vneid": 2, "sskdt": 1}
    with tg_app.uow() as uow:
        [linked] = uow.session.exec(select(GroupChat)).all()
    assert (linked.platform, linked.chat_id, linked.title) == (
        "telegram",
        "-1001",
        "Tổ CNSCĐ TDP 1",
    )


def test_a_photo_with_a_caption_is_a_log_with_photo_evidence(
    tg: FakeTelegram, tg_app: App, running
):
    lan = tg.user(5002, "Lan")
    n = joined(tg, Roster(tg_app), lan, "Nguyễn Thị Lan")
    update = tg.send_photo(lan, caption="vneid 2 @ nhà văn hoá")
    assert "Có ảnh minh chứng" in last(tg, 5002, n + 1)["text"]
    [log] = stored_logs(tg_app)
    assert log.photo_file_id == update["message"]["photo"][-1]["file_id"]


def test_a_redelivered_update_is_stored_once(tg: FakeTelegram, tg_app: App, running):
    lan = tg.user(5002, "Lan")
    n = joined(tg, Roster(tg_app), lan, "Nguyễn Thị Lan")
    update = tg.send_text(lan, "vneid 4")
    first = last(tg, 5002, n + 1)
    assert tg.redeliver(update, ignore_offset=True)
    again = last(tg, 5002, n + 2)  # the member gets the same answer, never a second log
    assert again["text"] == f"{texts.ALREADY_HANDLED}\n\n{first['text']}"
    assert len(stored_logs(tg_app)) == 1
    assert service_totals(tg_app) == {"vneid": 4}


def test_members_writing_at_once_are_each_answered_in_the_order_they_wrote(
    tg: FakeTelegram, tg_app: App, running
):
    roster = Roster(tg_app)
    people = [tg.user(6100 + n, f"Người {n}") for n in range(8)]
    before = [joined(tg, roster, person, f"Thành viên {n}") for n, person in enumerate(people)]
    for text in ("vneid 1", "sskdt 2", "vneid 3", "/cuatoi"):
        for person in people:  # everyone's messages interleaved, as a busy evening brings them
            tg.send_text(person, text)
    for person, n in zip(people, before, strict=True):
        answers = [m["text"] for m in tg.wait_sent(person["id"], n + 4)[n:]]
        assert "Cài đặt VNeID: 1" in answers[0], answers
        assert "Sổ sức khỏe điện tử: 2" in answers[1], answers
        assert "Cài đặt VNeID: 3" in answers[2], answers
        assert "Cài đặt VNeID: 4" in answers[3], answers  # /cuatoi saw all three before it
    assert service_totals(tg_app) == {"vneid": 4 * len(people), "sskdt": 2 * len(people)}


def test_a_429_is_waited_out_and_the_reply_still_arrives(tg: FakeTelegram, tg_app: App, running):
    lan = tg.user(5002, "Lan")
    n = joined(tg, Roster(tg_app), lan, "Nguyễn Thị Lan")
    calls_before = len(tg.calls_of("sendMessage"))
    tg.fail_next("sendMessage", status=429, retry_after=1)
    tg.send_text(lan, "vneid 1")
    assert "Đã ghi" in last(tg, 5002, n + 1)["text"]
    assert len(tg.calls_of("sendMessage")) - calls_before >= 2


def test_a_gateway_error_on_a_send_is_not_repeated_and_on_a_poll_is_waited_out(
    tg: FakeTelegram, tg_app: App, running
):
    lan = tg.user(5002, "Lan")
    n = joined(tg, Roster(tg_app), lan, "Nguyễn Thị Lan")
    calls = len(tg.calls_of("sendMessage"))
    tg.fail_next("sendMessage", status=502)  # Telegram may have delivered it: never twice
    tg.send_text(lan, "vneid 1")
    tg.wait_calls("sendMessage", calls + 1)
    tg.fail_next("getUpdates", status=502, times=2)  # polling goes on after the proxy's page
    tg.send_text(lan, "vneid 2")
    assert "Đã ghi" in last(tg, 5002, n + 1)["text"]
    assert len(tg.calls_of("sendMessage")) == calls + 2
    assert service_totals(tg_app) == {"vneid": 3}


def test_webhook_mode_sets_the_webhook_and_refuses_a_wrong_secret(
    tg: FakeTelegram, config: Config, clock: Clock
):
    webhook_config = telegram_config(
        config,
        tg,
        mode="webhook",
        webhook_url="https://bot.example.vn",
        webhook_secret="s3cret-Of-the-ward",
    )
    app = build_app(webhook_config, clock=clock)
    try:
        with RunningBot(app):
            [hook] = tg.wait_calls("setWebhook")
            assert hook["url"] == "https://bot.example.vn/telegram/webhook"
            assert hook["secret_token"] == "s3cret-Of-the-ward"
            port = webhook_config.server.port
            url = f"http://127.0.0.1:{port}/telegram/webhook"
            wait_listening(port)
            stranger = tg.user(7001, "Ai đó")
            update = tg.send_text(stranger, "xin chào", queue=False)
            assert tg.post_webhook(url, update, secret="wrong-secret") == 403
            assert tg.post_webhook(url, update, secret="") == 403
            assert tg.sent(7001) == []
            assert tg.post_webhook(url, update) == 200
            assert "/thamgia" in last(tg, 7001, 1)["text"]
            assert tg.post_webhook(url, update) == 200  # Telegram retrying: answered again,
            tg.wait_sent(7001, 2)
    finally:
        app.db.dispose()


def test_two_webhook_workers_on_one_database_store_a_retried_update_once(
    tg: FakeTelegram, config: Config, clock: Clock
):
    apps = []
    for _ in range(2):
        worker = telegram_config(
            config,
            tg,
            mode="webhook",
            webhook_url="https://bot.example.vn",
            webhook_secret="s3cret-Of-the-ward",
        )
        apps.append((worker, build_app(worker, clock=clock)))
    try:
        with RunningBot(apps[0][1]), RunningBot(apps[1][1]):
            urls = []
            for worker, _app in apps:
                wait_listening(worker.server.port)
                urls.append(f"http://127.0.0.1:{worker.server.port}/telegram/webhook")
            roster = Roster(apps[0][1])
            code = roster.add("Nguyễn Thị Lan")
            lan = tg.user(5002, "Lan")
            assert tg.post_webhook(urls[0], tg.send_text(lan, f"/start {code}", queue=False)) == 200
            question = last(tg, 5002, 1)
            press = tg.press(lan, question, "consent:yes", queue=False)
            assert tg.post_webhook(urls[1], press) == 200
            tg.wait_for(lambda: tg.sent(5002)[0]["edited"], BUTTON_WAIT)
            update = tg.send_text(lan, "vneid 2", queue=False)
            # Telegram retries a slow delivery; a load balancer sends it to the other worker
            assert tg.post_webhook(urls[0], update) == 200
            assert tg.post_webhook(urls[1], update) == 200
            tg.wait_sent(5002, 3)
        assert len(stored_logs(apps[0][1])) == 1
        assert service_totals(apps[1][1]) == {"vneid": 2}
    finally:
        for _worker, app in apps:
            app.db.dispose()


def test_gotungnha_run_polls_answers_and_stops_on_sigterm_without_logging_the_token(
    tg: FakeTelegram, db_url: str
):
    env = {
        **os.environ,
        "GOTUNGNHA_DATABASE_URL": db_url,
        "GOTUNGNHA_TELEGRAM_TOKEN": TOKEN,
        "GOTUNGNHA_TELEGRAM_BASE_URL": tg.base_url,
        "GOTUNGNHA_TELEGRAM_BASE_FILE_URL": tg.base_file_url,
        "GOTUNGNHA_LOG_LEVEL": "DEBUG",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        tg.wait_calls("getUpdates", timeout=30)
        tg.send_text(tg.user(7001, "Ai đó"), "chào")
        assert "/thamgia" in last(tg, 7001, 1)["text"]
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "route=stranger_greeting" in err or "message platform=telegram" in err
    assert TOKEN not in err and TOKEN.split(":")[1] not in err


def test_photo_files_are_kept_only_when_turned_on_and_purged_after_their_days(
    tg: FakeTelegram, tg_config: Config, clock: Clock, tmp_path
):
    folder = tmp_path / "photos"
    keeping = replace(tg_config, privacy=PrivacyConfig(keep_photos=True, photo_dir=str(folder)))
    app = build_app(keeping, clock=clock)
    try:
        with RunningBot(app):
            lan = tg.user(5002, "Lan")
            n = joined(tg, Roster(app), lan, "Nguyễn Thị Lan")
            update = tg.send_photo(lan, caption="vneid 1", data=b"\xff\xd8 a real photo")
            last(tg, 5002, n + 1)
            file_id = update["message"]["photo"][-1]["file_id"]
            deadline = time.monotonic() + BUTTON_WAIT  # the download is not an API call
            while not photo_path(folder, file_id).exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert photo_path(folder, file_id).read_bytes() == b"\xff\xd8 a real photo"
        old = time.time() - 91 * 86400
        os.utime(photo_path(folder, file_id), (old, old))
        assert purge_old_photos(folder, days=90) == 1
        assert list(folder.iterdir()) == []
    finally:
        app.db.dispose()


def test_photo_files_are_not_kept_by_default(
    tg: FakeTelegram, tg_app: App, tg_config: Config, running
):
    lan = tg.user(5002, "Lan")
    n = joined(tg, Roster(tg_app), lan, "Nguyễn Thị Lan")
    tg.send_photo(lan, caption="vneid 1")
    last(tg, 5002, n + 1)
    assert tg.calls_of("getFile") == []


def test_gotungnha_run_with_a_token_telegram_refuses_says_so_plainly(tg: FakeTelegram, db_url):
    env = {
        **os.environ,
        "GOTUNGNHA_DATABASE_URL": db_url,
        "GOTUNGNHA_TELEGRAM_TOKEN": "999:not-the-fakes-token",
        "GOTUNGNHA_TELEGRAM_BASE_URL": tg.base_url,
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"], env=env, text=True, capture_output=True, timeout=60
    )
    assert result.returncode == 1
    assert "Telegram không nhận token này" in result.stderr
    assert "not-the-fakes-token" not in result.stderr


def test_the_running_bot_reminds_a_telegram_leader_once_at_eight(
    tg: FakeTelegram, tg_app: App, clock: Clock
):
    with RunningBot(tg_app):
        minh = tg.user(6001, "Minh")
        n = joined(tg, Roster(tg_app), minh, "Phạm Văn Minh", role=Role.LEADER)
    clock.set_local(2026, 6, 7, 8, 0)
    for _restart in range(2):  # a restart at 08:00 must not remind again
        ticks = ticks_ended(tg_app)
        with RunningBot(tg_app):
            reminder = last(tg, 6001, n + 1)
            wait_for_tick(tg_app, ticks)  # the tick at start has sent what it would
    assert reminder["text"].startswith("⏰ Nhắc hạn Báo cáo quý: hạn cuối 14/06/2026")
    assert len(tg.sent(6001)) == n + 1


def test_the_monday_tally_reaches_the_team_group_with_its_chart(
    tg: FakeTelegram, tg_app: App, clock: Clock
):
    with RunningBot(tg_app):
        minh = tg.user(6001, "Minh")
        joined(tg, Roster(tg_app), minh, "Phạm Văn Minh", role=Role.LEADER)
        group = tg.group(-1001, "Tổ CNSCĐ TDP 1")
        tg.send_text(minh, "/lienket", chat=group)
        last(tg, -1001, 1)
        tg.send_text(minh, "/ghi vneid 3 sskdt 2", chat=group)
        last(tg, -1001, 2)
    clock.set_local(2026, 11, 30, 8, 0)  # the next Monday
    with RunningBot(tg_app):
        tg.wait_calls("sendPhoto")
        tally = [m for m in tg.sent(-1001) if m["method"] == "sendMessage"][-1]
    assert tally["text"].startswith("📊 Tổ CNSCĐ TDP 1, tuần 23/11/2026–29/11/2026:")
    assert "• Cài đặt VNeID: 3" in tally["text"]
    [photo] = [m for m in tg.sent(-1001) if m["method"] == "sendPhoto"]
    assert photo["file"].data.startswith(b"\x89PNG")


def _schedule_tick(app: App, tg: FakeTelegram, now: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GOTUNGNHA_DATABASE_URL": app.config.database.url,
        "GOTUNGNHA_TELEGRAM_TOKEN": tg.token,
        "GOTUNGNHA_TELEGRAM_BASE_URL": tg.base_url,
        "GOTUNGNHA_TELEGRAM_BASE_FILE_URL": tg.base_file_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "schedule", "tick", "--now", now],
        env=env,
        text=True,
        capture_output=True,
        timeout=120,
    )


def test_schedule_tick_waits_out_a_429_and_reminds_once(tg: FakeTelegram, tg_app: App):
    with RunningBot(tg_app):
        minh = tg.user(6001, "Minh")
        n = joined(tg, Roster(tg_app), minh, "Phạm Văn Minh", role=Role.LEADER)
    tg.fail_next("sendMessage", 429, retry_after=1)
    ticked = _schedule_tick(tg_app, tg, "2026-06-07T08:00:00+07:00")
    assert ticked.returncode == 0, ticked.stderr
    assert json.loads(ticked.stdout)["sent"] == 1
    assert _schedule_tick(tg_app, tg, "2026-06-07T08:05:00+07:00").returncode == 0
    reminders = tg.sent(6001)[n:]
    assert [m["text"][:20] for m in reminders] == ["⏰ Nhắc hạn Báo cáo q"]
    assert tg.token not in ticked.stderr


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # the lock is PostgreSQL's
def test_schedule_tick_refuses_while_a_running_bot_leads_the_schedule(
    tg: FakeTelegram, tg_app: App
):
    lock = LeaderLock(tg_app.db)
    assert lock.try_acquire()
    try:
        ticked = _schedule_tick(tg_app, tg, "2026-06-07T08:00:00+07:00")
    finally:
        lock.release()
    assert ticked.returncode == 1
    assert "đang gửi tin theo lịch" in ticked.stderr
    assert tg.calls_of("sendMessage") == []


def test_a_bot_made_group_admin_hears_mentions_and_lienket_says_so(
    tg: FakeTelegram, tg_app: App, running
):
    roster = Roster(tg_app)
    minh, lan = tg.user(6001, "Minh"), tg.user(6002, "Lan")
    joined(tg, roster, minh, "Phạm Văn Minh", role=Role.LEADER)
    joined(tg, roster, lan, "Nguyễn Thị Lan")
    group = tg.group(-1001, "Tổ CNSCĐ TDP 1")
    tg.make_admin(group)  # the leader followed docs/van-hanh.md: privacy mode no longer applies
    tg.send_text(minh, "/lienket", chat=group)
    assert "nhắc @gotungnha_test_bot ở đầu tin" in last(tg, -1001, 1)["text"]
    tg.send_text(lan, "@gotungnha_test_bot vneid 2", chat=group)
    assert last(tg, -1001, 2)["text"] == "✅ Nguyễn Thị Lan: Cài đặt VNeID: 2"
    tg.send_text(lan, "/trogiup", chat=group)
    assert "nhắc @gotungnha_test_bot ở đầu tin" in last(tg, -1001, 3)["text"]
