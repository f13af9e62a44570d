"""Voice messages through the real bot, on fake Telegram and Zalo servers over real HTTP:
downloaded (getFile; Zalo's voice_url), heard on this machine, answered, confirmed.

Real speech (a Common Voice clip, CC0) goes through the real engine, re-encoded as each
platform sends voice. The Lưu / Sửa / Huỷ flow needs report words no licensed recording
says, so those tests use `FixedWordsStub`, a stub engine returning the words a member would
say, registered as engine "fixed-words-stub".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from bot.app import App, build_app
from bot.config import Config, VoiceConfig
from bot.voice import engines
from handlers import texts
from tests.conftest import Clock, Roster
from tests.e2e.running import TOKEN, RunningBot, telegram_config, zalo_config
from tests.e2e.test_telegram import buttons, joined, last
from tests.e2e.test_zalo import join, whole_answer
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import FakeZalo
from tests.helpers import service_totals, stored_logs
from tests.speech import clips, encode, samples_of, tone

SAID = "hôm nay cài vneid cho ba người sổ sức khỏe hai"
CLIP = clips()[2]  # "vẫn đang cảm thấy khó hiểu", heard exactly by the real engine
HEARD = "vẫn đang cảm thấy khó hiểu"


class FixedWordsStub:
    """A stub speech engine: whatever the sound, it "hears" `FixedWordsStub.words`."""

    name = "fixed-words-stub"
    words = SAID

    def transcribe(self, samples: Any) -> str:
        return self.words


@pytest.fixture
def stub_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(engines.ENGINES, FixedWordsStub.name, FixedWordsStub)


def with_voice(config: Config, engine: str = "viet-asr", max_seconds: int = 60) -> Config:
    return replace(config, voice=VoiceConfig(engine=engine, max_seconds=max_seconds))


def opus(data: bytes) -> bytes:
    return encode(samples_of(data, 48_000), rate=48_000, fmt="ogg")


def aac(data: bytes) -> bytes:
    return encode(samples_of(data, 16_000), rate=16_000, fmt="adts")


# --- Telegram -------------------------------------------------------------------------


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN, bot_username="gotungnha_test_bot") as fake:
        yield fake


def telegram_bot(config: Config, tg: FakeTelegram, clock: Clock) -> tuple[App, RunningBot]:
    app = build_app(telegram_config(config, tg), clock=clock)
    return app, RunningBot(app)


def telegram_answer(config: Config, tg: FakeTelegram, clock: Clock) -> tuple[App, str]:
    """A member joins, sends the real clip as a voice note; the bot's answer."""
    app, running = telegram_bot(config, tg, clock)
    with running:
        lan = tg.user(501, "Lan")
        sent = joined(tg, Roster(app), lan, "Nguyễn Thị Lan")
        tg.send_voice(lan, opus(CLIP.data), duration=3)
        answer = last(tg, lan["id"], sent + 1)["text"]
    app.db.dispose()
    return app, answer


def test_telegram_a_real_voice_note_is_heard_on_this_machine_and_answered(
    config: Config, tg: FakeTelegram, clock: Clock
):
    app, answer = telegram_answer(with_voice(config), tg, clock)
    assert answer.startswith(texts.VOICE_HEARD.format(HEARD))
    assert texts.VOICE_NOTHING_PLACED in answer
    assert tg.calls_of("getFile") and tg.calls_of("sendChatAction")  # fetched; "typing…"
    assert stored_logs(app) == []


def test_telegram_lưu_under_a_voice_answer_saves_the_log(
    config: Config, tg: FakeTelegram, clock: Clock, stub_engine: None
):
    app, running = telegram_bot(with_voice(config, FixedWordsStub.name), tg, clock)
    with running:
        lan = tg.user(502, "Lan")
        sent = joined(tg, Roster(app), lan, "Nguyễn Thị Lan")
        tg.send_voice(lan, opus(CLIP.data), duration=3)
        question = last(tg, lan["id"], sent + 1)
        assert [label for label, _ in buttons(question)] == ["Lưu", "Sửa", "Huỷ"]
        assert stored_logs(app) == []
        tg.press(lan, question, "entry:save")
        tg.wait_for(lambda: stored_logs(app), 10)
        tg.wait_for(lambda: texts.ENTRY_SAVED in tg.sent(lan["id"])[-1]["text"], 10)
    app.db.dispose()
    [log] = stored_logs(app)
    assert log.note == texts.VOICE_NOTE.format(SAID)
    assert service_totals(app) == {"vneid": 3, "sskdt": 2}


def test_telegram_a_voice_note_too_long_is_refused_before_it_is_downloaded(
    config: Config, tg: FakeTelegram, clock: Clock, stub_engine: None
):
    app, running = telegram_bot(with_voice(config, FixedWordsStub.name, 30), tg, clock)
    with running:
        lan = tg.user(503, "Lan")
        sent = joined(tg, Roster(app), lan, "Nguyễn Thị Lan")
        tg.send_voice(lan, opus(CLIP.data), duration=31)
        answer = last(tg, lan["id"], sent + 1)["text"]
        tg.send_voice(
            lan, encode(tone(3, rate=48_000, dbfs=-70), rate=48_000, fmt="ogg"), duration=3
        )
        quiet = last(tg, lan["id"], sent + 2)["text"]
    app.db.dispose()
    assert answer == texts.VOICE_PROBLEM["too_long"].format(seconds=30)
    assert quiet == texts.VOICE_PROBLEM["too_quiet"]
    assert len(tg.calls_of("getFile")) == 1  # only the quiet one was fetched
    assert stored_logs(app) == []


def test_telegram_without_voice_a_voice_note_gets_the_type_it_answer(
    config: Config, tg: FakeTelegram, clock: Clock
):
    _app, answer = telegram_answer(config, tg, clock)  # the tests' config: voice off
    assert answer == texts.VOICE_NOT_YET
    assert tg.calls_of("getFile") == []


def test_telegram_a_strangers_voice_note_is_neither_downloaded_nor_heard(
    config: Config, tg: FakeTelegram, clock: Clock, stub_engine: None
):
    app, running = telegram_bot(with_voice(config, FixedWordsStub.name), tg, clock)
    with running:
        stranger = tg.user(601, "Khách")
        tg.send_voice(stranger, opus(CLIP.data), duration=3)
        answer = last(tg, stranger["id"], 1)["text"]
    app.db.dispose()
    assert "/thamgia" in answer and texts.VOICE_HEARD.split("{")[0] not in answer
    assert tg.calls_of("getFile") == []


# --- Zalo -----------------------------------------------------------------------------


def zalo_bot(config: Config, zalo: FakeZalo, clock: Clock) -> tuple[App, RunningBot]:
    app = build_app(zalo_config(config, zalo, mode="polling"), clock=clock)
    return app, RunningBot(app)


def answer_to_voice(zalo: FakeZalo, app: App, user: dict[str, Any], audio: bytes) -> str:
    """Send a voice message; the bot's answer (every piece, once all went)."""
    before = len(zalo.sent(user["id"]))
    zalo.send_voice(user, audio=audio)
    answer = whole_answer(zalo, app, user["id"], before, timeout=30)
    return "\n".join(m["text"] or "" for m in answer)


def test_zalo_a_real_voice_message_is_fetched_from_its_url_and_heard(config: Config, clock: Clock):
    with FakeZalo() as zalo:
        app, running = zalo_bot(with_voice(config), zalo, clock)
        with running:
            lan = join(zalo, app, "u-lan", "Nguyễn Thị Lan")
            answer = answer_to_voice(zalo, app, lan.user, aac(CLIP.data))
        app.db.dispose()
    assert answer.startswith(texts.VOICE_HEARD.format(HEARD))
    assert texts.VOICE_NOTHING_PLACED in answer
    assert stored_logs(app) == []


def test_zalo_a_voice_entry_is_saved_by_answering_1_and_counted_once(
    config: Config, clock: Clock, stub_engine: None
):
    with FakeZalo() as zalo:
        app, running = zalo_bot(with_voice(config, FixedWordsStub.name), zalo, clock)
        with running:
            lan = join(zalo, app, "u-lan", "Nguyễn Thị Lan")
            before = len(zalo.sent("u-lan"))
            update = zalo.send_voice(lan.user, audio=aac(CLIP.data))
            question = whole_answer(zalo, app, "u-lan", before, timeout=30)[-1]["text"]
            assert "  1. Lưu\n  2. Sửa\n  3. Huỷ\n(Trả lời 1, 2 hoặc 3)" in question
            assert stored_logs(app) == []
            assert lan.say("1").startswith(texts.ENTRY_SAVED)
            before = len(zalo.sent("u-lan"))
            zalo.redeliver(update)  # Zalo delivers it twice: no answer, no quota spent
            mine = lan.say("/cuatoi")  # answered after the copy
            assert texts.MINE_TITLE.format(name="Nguyễn Thị Lan") in mine, mine
            assert texts.ALREADY_HANDLED not in mine and "Cài đặt VNeID: 3" in mine
            assert len(zalo.sent("u-lan")) == before + 1
        app.db.dispose()
    assert service_totals(app) == {"vneid": 3, "sskdt": 2}


def test_zalo_a_strangers_voice_message_is_neither_fetched_nor_heard(
    config: Config, clock: Clock, stub_engine: None
):
    with FakeZalo() as zalo:
        app, running = zalo_bot(with_voice(config, FixedWordsStub.name), zalo, clock)
        with running:
            stranger = zalo.user("u-khach", "Khách")
            answer = answer_to_voice(zalo, app, stranger, aac(CLIP.data))
        app.db.dispose()
    assert "/thamgia" in answer and texts.VOICE_HEARD.split("{")[0] not in answer
    assert zalo.voice_fetches == []
