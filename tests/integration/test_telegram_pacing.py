"""The bot the scheduler sends with keeps to Telegram's limits as Telegram counts them.

Monday's tallies go to every team group at once: a text and a chart each, eight chats at a
time. The fake Bot API keeps Telegram's limits strictly (`flood_limits`: 30 messages in
any second, 20 a minute in a group, each 429 a window in which everything is refused), and
counts for itself what it took and what it refused.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.channels.telegram import sending_bot
from bot.config import TelegramConfig
from tests.fakes.telegram_api import FakeTelegram
from tests.helpers import most_in_any

GROUPS = 45  # 90 messages: three seconds of Telegram's pace
AT_ONCE = 8  # chats sent to at once, as the scheduler does (schedules/jobs.py SENDERS)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(2000)


def test_a_burst_of_tallies_to_many_groups_is_never_refused_and_each_arrives_once(
    tmp_path: Path,
):
    picture = tmp_path / "tuan.png"
    picture.write_bytes(PNG)
    groups = [-(1000 + n) for n in range(GROUPS)]
    with FakeTelegram(flood_limits=True) as tg:
        for group in groups:
            tg.group(group, f"Tổ CNSCĐ TDP {-group - 999}")
        settings = TelegramConfig(
            token=tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url
        )

        async def send_all() -> None:
            waiting = list(groups)
            async with sending_bot(settings) as bot:

                async def sender() -> None:
                    while waiting:
                        group = waiting.pop()
                        await bot.send_message(group, f"📊 Tổ {-group}: tuần này 12 lượt")
                        await bot.send_photo(group, picture.read_bytes(), caption="Biểu đồ")

                await asyncio.gather(*(sender() for _ in range(AT_ONCE)))

        asyncio.run(send_all())
        refused = tg.flood_refusals
        taken = sorted(
            at
            for method in ("sendMessage", "sendPhoto")
            for at, status in tg.statuses(method)
            if status == 200
        )
        held = {group: [m["method"] for m in tg.sent(group)] for group in groups}
    assert refused == 0
    assert held == {group: ["sendMessage", "sendPhoto"] for group in groups}
    assert most_in_any(taken, 1) <= 30
