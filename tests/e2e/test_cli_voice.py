"""`gotungnha voice FILE`: an operator hears a recording as the bot would, with the real
engine, and sees what it would log; nothing is stored."""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.config import Config, VoiceConfig
from bot.runner import voice_desk
from tests.e2e.running import GOTUNGNHA, gotungnha
from tests.speech import clips, encode, tone

# the voice extra made unimportable, as on a machine where it was not installed
WITHOUT_EXTRA = [
    sys.executable,
    "-c",
    "import sys; sys.modules['vietasr'] = None; sys.modules['av'] = None; "
    "from bot.cli.main import main; sys.argv[0] = 'gotungnha'; main()",
]


def run(args: list[str], tmp_path: Path, *, command: list[str] = GOTUNGNHA) -> Any:
    unused = f"sqlite:///{tmp_path}/unused.db"
    return gotungnha(args, unused, tmp_path, command=command, GOTUNGNHA_VOICE_ENABLED="true")


def test_a_recording_is_heard_and_its_reading_printed_as_json(tmp_path: Path):
    clip = clips()[2]
    file = tmp_path / "ghi-am.mp3"
    file.write_bytes(clip.data)
    result = run(["voice", str(file), "--json", "--today", "2026-11-23"], tmp_path)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["engine"] == "viet-asr" and answer["problem"] is None
    assert answer["heard"] == "vẫn đang cảm thấy khó hiểu"  # the reference sentence
    assert 3.0 < answer["seconds"] < 3.3
    assert answer["reading"]["items"] == {} and answer["reading"]["date"] == "2026-11-23"
    assert not (tmp_path / "unused.db").exists()  # nothing stored, not even a database


def test_the_words_and_the_reading_are_printed_in_vietnamese(tmp_path: Path):
    file = tmp_path / "ghi-am.mp3"
    file.write_bytes(clips()[2].data)
    result = run(["voice", str(file)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Nghe được (3,1 giây" in result.stdout
    assert "«vẫn đang cảm thấy khó hiểu»" in result.stdout
    assert "Mình chưa thấy dịch vụ nào" in result.stdout


def test_silence_and_what_is_not_audio_get_a_clear_answer_and_exit_1(tmp_path: Path):
    quiet = tmp_path / "im-lang.ogg"
    quiet.write_bytes(encode(tone(2, rate=48_000, dbfs=-70), rate=48_000, fmt="ogg"))
    result = run(["voice", str(quiet)], tmp_path)
    assert result.returncode == 1 and "Tin thoại nhỏ quá" in result.stdout
    junk = tmp_path / "hong.aac"
    junk.write_bytes(os.urandom(3000))
    result = run(["voice", str(junk), "--json"], tmp_path)
    assert result.returncode == 1 and json.loads(result.stdout)["problem"] == "unreadable"
    result = run(["voice", str(tmp_path / "khong-co.ogg")], tmp_path)
    assert result.returncode == 1 and "Không có tệp" in result.stderr


def test_without_the_voice_extra_it_says_what_to_install(tmp_path: Path):
    file = tmp_path / "ghi-am.mp3"
    file.write_bytes(clips()[2].data)
    result = run(["voice", str(file)], tmp_path, command=WITHOUT_EXTRA)
    assert result.returncode == 1
    assert "pip install 'gotungnha[voice]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_without_the_extra_the_bot_runs_and_asks_members_to_type(
    config: Config, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    monkeypatch.setitem(sys.modules, "vietasr", None)
    caplog.set_level(logging.WARNING)
    assert voice_desk(replace(config, voice=VoiceConfig(enabled=True))) is None
    assert "voice messages not heard" in caplog.text and "gotungnha[voice]" in caplog.text
