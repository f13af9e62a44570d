"""The member guide shows what the bot really does: its consent sample is what a newcomer is
shown (with `[backup] keep_days` as configured by default), and it does not tell Zalo users
that voice messages go unheard."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import App
from bot.channels.console import ConsoleChat
from bot.config import Config
from tests.conftest import Roster

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "huong-dan-thanh-vien.md"


def between(text: str, first: str, last: str) -> str:
    """The text from `first` up to and including `last`."""
    start = text.index(first)
    return text[start : text.index(last, start) + len(last)]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the text, not the database
def test_the_member_guides_consent_sample_is_what_a_newcomer_is_shown(app: App, roster: Roster):
    assert app.config.backup.keep_days == Config().backup.keep_days  # as configured by default
    code = roster.add("Đỗ Thị Hoa")
    shown = ConsoleChat(app.engine, user_id="moi").say(f"/thamgia {code}")
    guide = GUIDE.read_text(encoding="utf-8")
    sample = between(guide, "Bot: Trước khi tham gia", "(Trả lời 1 hoặc 2)")
    assert sample == "Bot: " + shown


def test_the_member_guide_says_zalo_voice_messages_are_heard():
    zalo = between(GUIDE.read_text(encoding="utf-8"), "Trên Zalo: tìm bot", "\n\n")
    guide = " ".join(zalo.split())
    assert "Tin nhắn thoại gửi được" in guide and "chưa nghe được" not in guide
