"""Bot tokens never reach a log record, a log line, or an error message a person reads.

The tokens are configured the way a deployment does it (`bot.config.load_config` from the
environment) and logging is set up the way `gotungnha` does it (`configure_logging` with the
tokens as secrets, at DEBUG), with pytest's caplog handler added beside the project's own.
The flows: the running bot on both webhooks (wrong secrets, even the token itself as the
secret header; members joining and logging; sends failing and retried), the outbound sender
and the whole bot against an address where nothing listens, and `gotungnha run` itself.

A Telegram token is `<bot id>:<secret>`; the secret part alone must not show either.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from telegram import Bot
from telegram.error import NetworkError

from bot.app import build_app, configure_logging
from bot.channels.sender import ChannelSender
from bot.channels.zalo_api import ZaloClient, ZaloError
from bot.config import Config, TelegramConfig, ZaloConfig, load_config
from bot.runner import serve
from schedules.jobs import Outcome
from tests.conftest import Clock, Roster
from tests.e2e.running import RunningBot, free_port, wait_listening
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import FakeZalo

# secrets in logs do not depend on the database: SQLite only
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

TG_TOKEN = "987654321:AAH-never-log-this-telegram-token"
ZALO_TOKEN = "2718281828459045:ZaloNeverLogThisToken-x9"
SECRETS = (TG_TOKEN, TG_TOKEN.split(":")[1], ZALO_TOKEN, ZALO_TOKEN.split(":")[1])
PROJECT = ("bot", "handlers", "storage", "schedules", "reports")
QUIETED = ("alembic", "httpx", "httpcore", "apscheduler")


def found_in(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


@dataclass
class Logs:
    lines: io.StringIO  # what the project's handler wrote (its RedactingFormatter applied)
    caplog: pytest.LogCaptureFixture

    @property
    def records(self) -> list[logging.LogRecord]:
        """Everything caplog caught (the flows run while the `flows` fixture is set up)."""
        return self.caplog.get_records("setup") + self.caplog.get_records("call")

    def raw_leaks(self, *, project_only: bool) -> list[str]:
        """Records whose message, arguments or exception carry a token, unformatted."""
        assert len(self.records) > 20, "the flows logged (almost) nothing: nothing was checked"
        out = []
        for record in self.records:
            if project_only and record.name.split(".")[0] not in PROJECT:
                continue
            exception = ""
            if record.exc_info and record.exc_info[1] is not None:
                exception = "".join(traceback.format_exception(record.exc_info[1]))
            raw = " | ".join([str(record.msg), repr(record.args), record.getMessage(), exception])
            if found := found_in(raw):
                out.append(f"{record.name} {record.levelname} {record.msg!r} {found}")
        return out


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[Logs]:
    """Logging as `gotungnha` sets it up (DEBUG, tokens as secrets), caplog alongside."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in QUIETED}
    configure_logging("DEBUG", secrets=(TG_TOKEN, ZALO_TOKEN))
    [project] = root.handlers
    lines = io.StringIO()
    assert isinstance(project, logging.StreamHandler)
    project.setStream(lines)
    caplog.handler.setLevel(logging.DEBUG)
    root.addHandler(caplog.handler)
    try:
        yield Logs(lines, caplog)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, was in levels.items():
            logging.getLogger(name).setLevel(was)


def configured(config: Config, tmp_path: Path, **env: str) -> Config:
    """The configuration as a deployment loads it: a config file, tokens in the environment."""
    path = tmp_path / "config.toml"
    path.write_text("[log]\nlevel = 'DEBUG'\n", encoding="utf-8")
    loaded = load_config(
        path,
        env={
            "GOTUNGNHA_DATABASE_URL": config.database.url,
            "GOTUNGNHA_TELEGRAM_TOKEN": TG_TOKEN,
            "GOTUNGNHA_ZALO_TOKEN": ZALO_TOKEN,
            "GOTUNGNHA_BOT_EXPORTS_DIR": str(tmp_path / "exports"),
            "GOTUNGNHA_PRIVACY_PHOTO_DIR": str(tmp_path / "photos"),
            "GOTUNGNHA_SERVER_PORT": str(free_port()),
            **env,
        },
    )
    assert loaded.telegram.token == TG_TOKEN and loaded.zalo.token == ZALO_TOKEN
    return loaded


def nowhere() -> str:
    """The base URL of an API where nothing listens."""
    return f"http://127.0.0.1:{free_port()}/bot"


# --- the flows ------------------------------------------------------------------------------------


def run_on_both_webhooks(config: Config, tmp_path: Path, clock: Clock) -> list[str]:
    """The running bot on the Telegram and the Zalo webhook; returns what members were sent."""
    with (
        FakeTelegram(token=TG_TOKEN, bot_username="gotungnha_test_bot") as tg,
        FakeZalo(token=ZALO_TOKEN) as zalo,
    ):
        settings = configured(
            config,
            tmp_path,
            GOTUNGNHA_TELEGRAM_BASE_URL=tg.base_url,
            GOTUNGNHA_TELEGRAM_BASE_FILE_URL=tg.base_file_url,
            GOTUNGNHA_TELEGRAM_MODE="webhook",
            GOTUNGNHA_TELEGRAM_WEBHOOK_URL="https://bot.example.vn",
            GOTUNGNHA_ZALO_BASE_URL=zalo.base_url,
            GOTUNGNHA_ZALO_WEBHOOK_URL="https://bot.example.vn",
        )
        app = build_app(settings, clock=clock)
        try:
            with RunningBot(app):
                tg.wait_calls("setWebhook")
                zalo.wait_calls("setWebhook")
                wait_listening(settings.server.port)
                base = f"http://127.0.0.1:{settings.server.port}"
                tg_url, zalo_url = f"{base}/telegram/webhook", f"{base}/zalo/webhook"
                lan, binh = tg.user(5002, "Lan"), zalo.user("u-binh", "Bình")
                for wrong in ("wrong-secret", TG_TOKEN, ZALO_TOKEN):
                    assert (
                        tg.post_webhook(tg_url, tg.send_text(lan, "vneid 1", queue=False), wrong)
                        == 403
                    )
                    update = zalo.send_text(binh, "vneid 1", queue=False)
                    assert zalo.post_webhook(zalo_url, update, wrong) == 403
                roster = Roster(app)
                code = roster.add("Nguyễn Thị Lan")
                assert (
                    tg.post_webhook(tg_url, tg.send_text(lan, f"/start {code}", queue=False)) == 200
                )
                question = tg.wait_sent(5002, 1)[0]
                assert (
                    tg.post_webhook(tg_url, tg.press(lan, question, "consent:yes", queue=False))
                    == 200
                )
                tg.wait_for(lambda: tg.sent(5002)[0]["edited"])
                # a 502 after the request went: maybe delivered, so logged and not sent again
                tg.fail_next("sendMessage", status=502, times=1)
                tried = len(tg.calls_of("sendMessage"))
                assert tg.post_webhook(tg_url, tg.send_text(lan, "vneid 2", queue=False)) == 200
                tg.wait_for(lambda: len(tg.calls_of("sendMessage")) > tried)
                assert tg.post_webhook(tg_url, tg.send_text(lan, "/trogiup", queue=False)) == 200
                tg.wait_sent(5002, 2)  # answered in turn: the 502 is logged by now
                code = roster.add("Trần Văn Bình")
                assert (
                    zalo.post_webhook(
                        zalo_url, zalo.send_text(binh, f"thamgia {code}", queue=False)
                    )
                    == 200
                )
                zalo.wait_sent("u-binh", 1)
                assert zalo.post_webhook(zalo_url, zalo.send_text(binh, "1", queue=False)) == 200
                zalo.wait_sent("u-binh", 2)
                zalo.fail_next("sendMessage", 500, times=1)  # retried, logged
                assert (
                    zalo.post_webhook(zalo_url, zalo.send_text(binh, "sskdt 1", queue=False)) == 200
                )
                zalo.wait_sent("u-binh", 3)
                sent = [m["text"] or "" for m in tg.sent(5002) + zalo.sent("u-binh")]
        finally:
            app.db.dispose()
    assert any("Đã ghi" in s for s in sent), sent
    return sent


def fail_against_nowhere(config: Config, tmp_path: Path, clock: Clock) -> list[str]:
    """Sending and starting where no API answers; returns every error text an admin sees."""
    settings = configured(
        config,
        tmp_path,
        GOTUNGNHA_TELEGRAM_BASE_URL=nowhere(),
        GOTUNGNHA_TELEGRAM_BASE_FILE_URL=nowhere(),
        GOTUNGNHA_ZALO_BASE_URL=nowhere(),
        GOTUNGNHA_ZALO_MODE="polling",
    )
    shown = [repr(settings), str(settings)]

    async def send() -> None:
        telegram = Bot(settings.telegram.token, base_url=settings.telegram.base_url)
        async with ZaloClient(
            settings.zalo.token, base_url=settings.zalo.base_url, attempts=2
        ) as zalo:
            sender = ChannelSender(telegram=telegram, zalo={"": zalo})
            for platform in ("telegram", "zalo"):
                outcome, error, *_ = await sender.send(platform, "12345", "⏰ Nhắc hạn báo cáo quý")
                assert outcome is Outcome.FAILED, (platform, outcome)
                shown.append(str(error))

    async def start(only: Config, expected: type[Exception]) -> None:
        app = build_app(only, clock=clock)
        try:
            with pytest.raises(expected) as caught:
                await serve(app, stop=asyncio.Event())
            shown.extend([str(caught.value), repr(caught.value)])
            shown.append("".join(traceback.format_exception(caught.value)))
        finally:
            app.db.dispose()

    asyncio.run(send())
    asyncio.run(start(replace(settings, zalo=ZaloConfig()), NetworkError))
    asyncio.run(start(replace(settings, telegram=TelegramConfig()), ZaloError))
    return shown


@pytest.fixture
def flows(config: Config, tmp_path: Path, clock: Clock, logs: Logs) -> list[str]:
    """Every flow run, with the project's logging; returns what people were shown."""
    return [
        *run_on_both_webhooks(config, tmp_path, clock),
        *fail_against_nowhere(config, tmp_path, clock),
    ]


# --- the checks ---------------------------------------------------------------------------------


def test_tokens_never_appear_in_the_log_lines_the_project_writes(flows: list[str], logs: Logs):
    written = logs.lines.getvalue()
    assert "webhook refused" in written and "retry" in written  # the flows did log
    assert found_in(written) == [], [line for line in written.splitlines() if found_in(line)]


def test_tokens_never_appear_in_error_messages_or_chat_answers(flows: list[str]):
    assert any("ConnectError" in text for text in flows)  # the failures did happen
    assert [text for text in flows if found_in(text)] == []


def test_tokens_never_appear_in_a_raw_log_record_of_the_project(flows: list[str], logs: Logs):
    assert logs.raw_leaks(project_only=True) == []


def test_tokens_never_appear_in_any_raw_log_record_at_debug(flows: list[str], logs: Logs):
    """Another handler (a log shipper, Sentry, journald) gets records before any formatter."""
    leaks = logs.raw_leaks(project_only=False)
    assert leaks == [], (
        "log records carry a token in their message or arguments; only the formatter of the "
        "one handler configure_logging installs blanks it out (bot/app.py): " + "; ".join(leaks)
    )


# --- `gotungnha run` itself ----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("platform", ["telegram", "zalo"])
def test_gotungnha_run_against_an_unreachable_api_says_so_without_the_token(
    db_url: str, tmp_path: Path, platform: str
):
    env = {
        **os.environ,
        "GOTUNGNHA_DATABASE_URL": db_url,
        "GOTUNGNHA_LOG_LEVEL": "DEBUG",
        "GOTUNGNHA_PRIVACY_PHOTO_DIR": str(tmp_path / "photos"),
        "GOTUNGNHA_BOT_EXPORTS_DIR": str(tmp_path / "exports"),
    }
    if platform == "telegram":
        env |= {"GOTUNGNHA_TELEGRAM_TOKEN": TG_TOKEN, "GOTUNGNHA_TELEGRAM_BASE_URL": nowhere()}
        said = "Không kết nối được máy chủ Telegram"
    else:
        env |= {
            "GOTUNGNHA_ZALO_TOKEN": ZALO_TOKEN,
            "GOTUNGNHA_ZALO_BASE_URL": nowhere(),
            "GOTUNGNHA_ZALO_MODE": "polling",
        }
        said = "Zalo trả lời lỗi khi khởi động"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        cwd=tmp_path,
        text=True,
        capture_output=True,
        timeout=90,
    )
    assert result.returncode == 1, result.stderr
    assert said in result.stderr
    assert found_in(result.stdout + result.stderr) == [], result.stderr
