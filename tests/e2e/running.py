"""Running the real bot (`bot.runner.serve`, as `gotungnha run` does) in a thread, and
the `gotungnha` command line as a process of its own."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import traceback
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
    process: bool = False,
    **env: str,
) -> subprocess.CompletedProcess[str]:
    """The real command on `db_url`, its output as text; `env` adds variables, and
    `inherit=False` leaves out this process's GOTUNGNHA_* ones (configured by `env` only).

    It runs in this process through the typer app, as the console script does, unless
    `process=True` or another `command` is given: starting Python for every command cost
    about 2 s a test. A few smoke tests keep a real process (start-up, exit codes, signals)."""
    variables = {"GOTUNGNHA_DATABASE_URL": db_url, "PYTHONIOENCODING": "utf-8", **env}
    if process or command is not GOTUNGNHA:
        kept = {k: v for k, v in os.environ.items() if inherit or not k.startswith("GOTUNGNHA_")}
        return subprocess.run(
            [*command, *args],
            input=stdin,
            capture_output=True,
            text=True,
            env={**kept, **variables},
            cwd=cwd,
            timeout=120,
        )
    return _in_process(args, variables, cwd, stdin=stdin, inherit=inherit)


def _in_process(
    args: list[str],
    variables: dict[str, str],
    cwd: Path | None,
    *,
    stdin: str | None,
    inherit: bool,
) -> subprocess.CompletedProcess[str]:
    """`gotungnha ARGS` run by typer's CliRunner: its exit code, stdout and stderr as a process
    would give them (an uncaught exception is a traceback on stderr and exit code 1). The
    logging set-up and the working folder the command changes are put back afterwards, and
    the databases it opened are closed, as a process's end would."""
    from typer.testing import CliRunner

    import bot.cli.main  # noqa: F401  (registers every command)
    from bot.cli.base import cli

    unset: dict[str, str | None] = {
        k: None for k in os.environ if k.startswith("GOTUNGNHA_") and not inherit
    }
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in logging.root.manager.loggerDict}
    here = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(
            cli, args, input=stdin, env={**unset, **variables}, prog_name="gotungnha"
        )
    finally:
        os.chdir(here)
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, old in levels.items():
            logging.getLogger(name).setLevel(old)
        gc.collect()  # engines the command built and dropped close their connections
    stderr = result.stderr
    code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = result.exc_info
        stderr += "".join(traceback.format_exception(*trace)) if trace else repr(result.exception)
        code = 1
    return subprocess.CompletedProcess(["gotungnha", *args], code, result.stdout, stderr)


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
