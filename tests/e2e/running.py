"""Running the real bot (`bot.runner.serve`, as `gotungnha run` does) in a thread, and
the `gotungnha` command line as a process of its own."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.app import App, build_app
from bot.config import Config, ServerConfig, TelegramConfig, ZaloConfig
from bot.runner import serve
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import FakeZalo

TOKEN = "123456789:TEST-token-never-logged"
GOTUNGNHA = [sys.executable, "-m", "bot"]


def gotungnha(
    args: list[str],
    db_url: str,
    cwd: Path | None = None,
    *,
    stdin: str | None = None,
    inherit: bool = True,
    command: list[str] = GOTUNGNHA,
    **env: str,
) -> subprocess.CompletedProcess[str]:
    """The real command on `db_url`, its output as text; `env` adds variables, and
    `inherit=False` leaves out this process's GOTUNGNHA_* ones (configured by `env` only)."""
    kept = {k: v for k, v in os.environ.items() if inherit or not k.startswith("GOTUNGNHA_")}
    return subprocess.run(
        [*command, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**kept, "GOTUNGNHA_DATABASE_URL": db_url, "PYTHONIOENCODING": "utf-8", **env},
        cwd=cwd,
        timeout=120,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_listening(port: int) -> None:
    """Wait until the bot's web server accepts connections."""
    for _ in range(100):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError("the web server did not start")


def telegram_config(config: Config, tg: FakeTelegram, **telegram: str) -> Config:
    """The test config, talking to the fake Bot API server."""
    settings = TelegramConfig(
        token=tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url, **telegram
    )
    return replace(
        config, telegram=settings, server=ServerConfig(host="127.0.0.1", port=free_port())
    )


def zalo_config(config: Config, zalo: FakeZalo, **settings: str | float) -> Config:
    """The test config, talking to the fake Zalo Bot API server."""
    return replace(
        config,
        zalo=ZaloConfig(token=zalo.token, base_url=zalo.base_url, **settings),
        server=ServerConfig(host="127.0.0.1", port=free_port()),
    )


class RunningBot:
    """`gotungnha run`'s loop in a background thread, stopped like SIGTERM would;
    `options` go to `serve` (webhook_retry)."""

    def __init__(self, app: App, **options: Any) -> None:
        self.app = app
        self._options = options
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._started = threading.Event()
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RunningBot:
        self._thread.start()
        if not self._started.wait(15):
            raise AssertionError("the bot did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(20)
        assert not self._thread.is_alive(), "the bot did not stop"
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            self._started.set()
            await serve(self.app, stop=self._stop, **self._options)

        try:
            asyncio.run(main())
        except BaseException as exc:  # reported when the test leaves the `with`
            self.error = exc
            self._started.set()


def start_app(config: Config, clock: object) -> App:
    """A second worker's App on the same database."""
    return build_app(config, clock=clock)  # type: ignore[arg-type]
