"""A tally is two messages, its text and then its chart; each is recorded in the outbox as
it is delivered, so a try that stopped between them, because the chart was refused or the
worker died, is followed by one that sends only the chart: the group never has the text
twice. The real scheduler and sender on both databases, against the fake Telegram over
HTTP; the worker's death is a failure raised right after the text's record is committed.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import App
from bot.channels.sender import ChannelSender
from bot.channels.telegram import sending_bot
from bot.config import TelegramConfig
from schedules.delivery import Progress
from schedules.jobs import STALE_CLAIM
from tests.conftest import Roster
from tests.fakes.telegram_api import FakeTelegram
from tests.integration.test_sends_that_may_have_arrived import (
    MONDAY_8AM,
    tally_row,
    team_group,
    ticks,
)

GROUP = -100700


class WorkerDied(BaseException):
    """What `kill -9` leaves: nothing more is written, the claim stays as it was."""


def telegram(tg: FakeTelegram, dies_after_text: bool = False) -> Any:
    """A sender on the bot the scheduler uses, opened per tick; `dies_after_text`: the
    worker dies once the text is delivered and recorded, before the chart leaves."""
    settings = TelegramConfig(token=tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url)

    class Sender:
        async def __aenter__(self) -> Any:
            self.bot = sending_bot(settings)
            await self.bot.initialize()
            inner = ChannelSender(telegram=self.bot)
            return Dying(inner) if dies_after_text else inner

        async def __aexit__(self, *exc: object) -> None:
            await self.bot.shutdown()

    return Sender


class Dying:
    def __init__(self, inner: ChannelSender) -> None:
        self.inner = inner

    async def send(self, *args: Any, delivered: Progress | None = None, **kwargs: Any) -> Any:
        async def then_die(parts: int) -> None:
            assert delivered is not None
            await delivered(parts)
            raise WorkerDied

        return await self.inner.send(*args, delivered=then_die, **kwargs)


def held(tg: FakeTelegram) -> list[str]:
    return [m["method"] for m in tg.sent(GROUP)]


def test_a_tally_whose_chart_was_refused_goes_again_with_its_chart_only(app: App, roster: Roster):
    team_group(app, roster, "telegram", str(GROUP))
    with FakeTelegram() as tg:
        tg.group(GROUP, "Tổ CNSCĐ TDP 1")
        tg.fail_next("sendPhoto", status=400, description="Bad Request: failed to get HTTP URL")
        first, second = ticks(app, telegram(tg), MONDAY_8AM, MONDAY_8AM.replace(minute=1))
        after_first = held(tg)[:1]
        texts = [m["text"] for m in tg.sent(GROUP) if m["method"] == "sendMessage"]
        shown = held(tg)
    assert (first.failed, second.sent) == (1, 1)
    assert after_first == ["sendMessage"]
    assert shown == ["sendMessage", "sendPhoto"]  # the text once, then the chart
    assert texts[0].startswith("📊 Tổ CNSCĐ TDP 1")
    assert tally_row(app, str(GROUP)) == ("sent", None)


def test_a_tally_whose_worker_died_after_its_text_goes_again_with_its_chart_only(
    app: App, roster: Roster
):
    team_group(app, roster, "telegram", str(GROUP))
    with FakeTelegram() as tg:
        tg.group(GROUP, "Tổ CNSCĐ TDP 1")
        with pytest.raises(WorkerDied):
            ticks(app, telegram(tg, dies_after_text=True), MONDAY_8AM)
        left = held(tg)
        status_left = tally_row(app, str(GROUP))[0]
        # a minute on, the claim is fresh: it may still be sending; once stale, it goes
        soon, stale = ticks(
            app, telegram(tg), MONDAY_8AM.replace(minute=1), MONDAY_8AM + STALE_CLAIM * 2
        )
        shown = held(tg)
    assert (left, status_left) == (["sendMessage"], "claimed")
    assert (soon.sent, stale.sent) == (0, 1)
    assert shown == ["sendMessage", "sendPhoto"]
    assert tally_row(app, str(GROUP)) == ("sent", None)
