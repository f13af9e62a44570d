"""deploy/: the systemd unit and the Caddy example are what systemd and Caddy accept, and
they do what docs/van-hanh.md says (hardened service; HTTPS proxy hiding /metrics, its logs
keeping no webhook secret, login token or cookie)."""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from bot.app import build_app
from bot.config import Config, load_config
from bot.web.server import TELEGRAM_SECRET_HEADER, ZALO_SECRET_HEADER
from tests.conftest import Clock
from tests.e2e.running import RunningBot, free_port, wait_listening, zalo_config
from tests.fakes.zalo_api import FakeZalo

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "gotungnha@.service"
CADDYFILE = ROOT / "deploy" / "Caddyfile"
VENV = "/opt/gotungnha/venv"  # where docs/van-hanh.md installs the bot
# the gotungnha script beside the interpreter running the tests, wherever its venv is
GOTUNGNHA = Path(sys.executable).parent / "gotungnha"


def unit_settings() -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in UNIT.read_text().splitlines():
        if "=" in line and not line.startswith(("#", ";")):
            key, value = line.split("=", 1)
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def test_the_systemd_unit_verifies(tmp_path: Path):
    # verify checks that ExecStart's program exists: this checkout's venv stands in for
    # the installed one; everything else is the unit as shipped
    here = GOTUNGNHA.parent.parent
    unit = tmp_path / "gotungnha@1.service"
    unit.write_text(UNIT.read_text().replace(VENV, str(here)))
    done = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_the_unit_runs_hardened_as_its_own_user_writing_only_its_data_folder():
    settings = unit_settings()
    assert settings["User"] == ["gotungnha"] and settings["Group"] == ["gotungnha"]
    assert settings["ExecStart"] == [
        f"{VENV}/bin/gotungnha run --config /etc/gotungnha/config.toml"
    ]
    assert settings["ProtectSystem"] == ["strict"]
    assert settings["ReadWritePaths"] == ["/var/lib/gotungnha"]
    assert settings["StateDirectory"] == ["gotungnha"]
    assert settings["Restart"] == ["on-failure"]
    for flag in ("NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices"):
        assert settings[flag] == ["yes"], flag
    assert settings["CapabilityBoundingSet"] == [""]


def test_gotungnha_run_takes_the_config_file_the_unit_gives():
    done = subprocess.run(
        [str(GOTUNGNHA), "run", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "--config" in done.stdout


def test_the_caddyfile_is_valid():
    done = subprocess.run(
        ["caddy", "validate", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Valid configuration" in done.stdout + done.stderr


ZALO_SECRET = "zalo-hook-secret-never-logged-7Q"
TELEGRAM_SECRET = "telegram-hook-secret-never-logged-4K"
LOGIN_TOKEN = "login-token-never-logged-Zk93"
SESSION = "session-cookie-never-logged-Hb21"
KEPT_OUT = (ZALO_SECRET, TELEGRAM_SECRET, LOGIN_TOKEN, SESSION)


@contextmanager
def caddy(tmp_path: Path, proxy: int, upstreams: str) -> Iterator[None]:
    """Caddy running deploy/Caddyfile as it is, its placeholders set: plain HTTP on
    127.0.0.1 for the public name, its access log in tmp_path/access.log and its own log
    in tmp_path/caddy.log; umask 027, as docs/van-hanh.md gives caddy.service."""
    environment = {
        **os.environ,
        "PUBLIC_NAME": f"http://127.0.0.1:{proxy}",  # plain HTTP: no certificate here
        "UPSTREAMS": upstreams,
        "ACCESS_LOG": str(tmp_path / "access.log"),
        "CADDY_ADMIN": "off",
        "XDG_DATA_HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    with (tmp_path / "caddy.log").open("wb") as own_log:
        process = subprocess.Popen(
            ["caddy", "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
            stdout=subprocess.DEVNULL,
            stderr=own_log,
            cwd=tmp_path,
            env=environment,
            umask=0o027,
        )
        try:
            wait_listening(proxy)
            yield
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def caddy_in_front(config: Config, clock: Clock, tmp_path: Path) -> Iterator[tuple[int, int]]:
    """The bot (metrics on, Zalo by webhook, the dashboard on) behind Caddy running
    deploy/Caddyfile: (proxy, bot port)."""
    with FakeZalo() as zalo:
        zalo.user("u-lan", "Lan")  # who writes through the proxy (the bot answers her)
        settings = zalo_config(
            config,
            zalo,
            mode="webhook",
            webhook_url="https://bot.example.vn",
            webhook_secret=ZALO_SECRET,
        )
        bot_port = settings.server.port
        app = build_app(
            replace(settings, server=replace(settings.server, metrics=True)), clock=clock
        )
        proxy = free_port()
        with RunningBot(app):
            wait_listening(bot_port)
            with caddy(tmp_path, proxy, f"127.0.0.1:{bot_port}"):
                yield proxy, bot_port
        app.db.dispose()


def wait_ready(proxy: int) -> httpx.Response:
    """/readyz through the proxy, once its first health check found the worker ready."""
    deadline = time.monotonic() + 20
    while True:
        ready = httpx.get(f"http://127.0.0.1:{proxy}/readyz", timeout=5)
        if ready.status_code == 200 or time.monotonic() > deadline:
            return ready
        time.sleep(0.3)


def logged(path: Path, *, until: Callable[[list[dict[str, Any]]], bool]) -> list[dict[str, Any]]:
    """The JSON lines of a Caddy log once `until` holds of them (Caddy writes each line
    when the request is done, unbuffered, sometimes just after the client has its answer)."""
    deadline = time.monotonic() + 15
    while True:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
        if until(lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def test_the_proxy_serves_the_bot_but_never_its_metrics(caddy_in_front: tuple[int, int]):
    proxy, bot = caddy_in_front
    assert wait_ready(proxy).json() == {"ok": True}
    assert httpx.get(f"http://127.0.0.1:{proxy}/metrics", timeout=5).status_code == 404
    assert httpx.get(f"http://127.0.0.1:{bot}/metrics", timeout=5).status_code == 200


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the proxy's log, not the database
def test_the_access_log_keeps_no_webhook_secret_login_token_or_cookie_and_is_0640(
    caddy_in_front: tuple[int, int], tmp_path: Path
):
    proxy, _ = caddy_in_front
    base = f"http://127.0.0.1:{proxy}"
    assert wait_ready(proxy).status_code == 200
    update = {
        "event_name": "message.text.received",
        "message": {
            "message_id": "m-proxy-1",
            "text": "vneid 1",
            "chat": {"id": "u-lan", "chat_type": "PRIVATE"},
            "from": {"id": "u-lan", "display_name": "Lan", "is_bot": False},
        },
    }
    zalo = httpx.post(
        f"{base}/zalo/webhook", json=update, headers={ZALO_SECRET_HEADER: ZALO_SECRET}
    )
    assert zalo.status_code == 200  # the right secret: the bot took the update
    telegram = httpx.post(
        f"{base}/telegram/webhook",
        json={"update_id": 1},
        headers={TELEGRAM_SECRET_HEADER: TELEGRAM_SECRET},
    )
    assert telegram.status_code == 404  # no Telegram bot here: the header is sent all the same
    login = f"{base}/web/vao/{LOGIN_TOKEN}"
    assert httpx.get(login).status_code == 410  # not a live link: the token is the point
    assert httpx.post(login, headers={"Origin": base}).status_code == 410
    page = httpx.get(f"{base}/web", headers={"Referer": login, "Cookie": f"gtn_phien={SESSION}"})
    assert page.status_code == 401

    def done(lines: list[dict[str, Any]]) -> bool:
        return sum(str(line["request"]["uri"]) != "/readyz" for line in lines) >= 5

    access_log = tmp_path / "access.log"
    entries = logged(access_log, until=done)
    written = access_log.read_text(encoding="utf-8")
    assert [s for s in KEPT_OUT if s in written] == []
    seen = {(e["request"]["method"], e["request"]["uri"], e["status"]) for e in entries}
    assert {
        ("POST", "/zalo/webhook", 200),
        ("POST", "/telegram/webhook", 404),
        ("GET", "/web/vao/…", 410),
        ("POST", "/web/vao/…", 410),
        ("GET", "/web", 401),
    } <= seen
    [hook] = [e for e in entries if e["request"]["uri"] == "/zalo/webhook"]
    assert hook["request"]["headers"]["Content-Type"] == ["application/json"]  # others kept
    assert ZALO_SECRET_HEADER not in hook["request"]["headers"]
    [web] = [e for e in entries if e["request"]["uri"] == "/web"]
    assert web["request"]["headers"]["Referer"] == [f"{base}/web/vao/…"]
    assert "Cookie" not in web["request"]["headers"]
    assert stat.S_IMODE(access_log.stat().st_mode) == 0o640


def test_caddys_own_log_of_an_unreachable_worker_keeps_no_secret(tmp_path: Path):
    proxy = free_port()
    with caddy(tmp_path, proxy, f"127.0.0.1:{free_port()}"):  # nothing listens there
        base = f"http://127.0.0.1:{proxy}"
        hook = httpx.post(
            f"{base}/telegram/webhook",
            json={"update_id": 1},
            headers={TELEGRAM_SECRET_HEADER: TELEGRAM_SECRET, "Referer": f"{base}/web/vao/x"},
        )
        assert hook.status_code >= 500
        login = httpx.get(f"{base}/web/vao/{LOGIN_TOKEN}")
        assert login.status_code >= 500

        def both(lines: list[dict[str, Any]]) -> bool:
            errors = [
                line for line in lines if str(line.get("logger")).startswith("http.log.error")
            ]
            return len(errors) >= 2

        errors = logged(tmp_path / "caddy.log", until=both)
    # the error log names the request, headers and all: the proxy's journal on a server
    assert both(errors), errors
    written = (tmp_path / "caddy.log").read_text() + (tmp_path / "access.log").read_text()
    assert [s for s in KEPT_OUT if s in written] == []
    assert "/web/vao/…" in written and "/telegram/webhook" in written


def test_the_compose_file_runs_two_webhook_workers_on_postgresql_behind_caddy():
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "worker1", "worker2", "proxy"}
    one, two = services["worker1"], services["worker2"]
    assert one["environment"] == two["environment"] and one["image"] == two["image"]
    assert one["build"] == {"context": "..", "dockerfile": "deploy/Containerfile"}
    assert one["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["proxy"]["environment"]["UPSTREAMS"] == "worker1:8080 worker2:8080"
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]
    # the workers' environment, with .env's values, is a configuration the bot accepts
    filled = {
        key: re.sub(r"\$\{(\w+)[^}]*\}", lambda m: EXAMPLE.get(m.group(1), ""), str(value))
        for key, value in one["environment"].items()
    }
    config = load_config(None, filled)
    assert config.database.url.startswith("postgresql://gotungnha:")
    assert config.telegram.mode == "webhook" and config.zalo.uses_webhook
    assert config.server.metrics and config.public_url == "https://bot.example.vn"


EXAMPLE = {
    "POSTGRES_PASSWORD": "a-long-password",
    "PRIVACY_KEY": "k" * 32,
    "PUBLIC_NAME": "bot.example.vn",
    "TELEGRAM_TOKEN": "123456:ABCdefGhIJKlmnOPQrstUVwxyz012345678",
    "ZALO_TOKEN": "zalo-token",
}


PACKAGES = ("bot", "handlers", "storage", "schedules", "reports")


def install_for_another_user(folder: Path, user: str) -> Path:
    """What the service's user runs, where it can reach it: this checkout, and the Python
    its venv was made from, may live in a folder only their owner can enter (root's home,
    a `mktemp -d`), as an install in /opt/gotungnha never does. Folders are linked file by
    file (no copying of their megabytes), the code copied; returns the program to run."""
    python = venv_python = Path(sys.prefix) / "bin" / "python"
    if not _reaches(user, Path(sys.base_prefix) / "lib"):
        _link_tree(Path(sys.base_prefix), folder / "python")
        # its libpython too, which the binary looks for where it was built
        python = folder / "python" / "bin" / Path(sys.executable).name
    _link_tree(Path(sys.prefix), folder / "venv")
    for name in ("python", "python3", f"python3.{sys.version_info.minor}"):
        (folder / "venv" / "bin" / name).unlink(missing_ok=True)
        (folder / "venv" / "bin" / name).symlink_to(python.resolve())
    config = folder / "venv" / "pyvenv.cfg"
    settings = config.read_text()
    config.unlink()  # a link to the checkout's own file: written anew, not through it
    config.write_text(re.sub(r"(?m)^home = .*$", f"home = {python.resolve().parent}", settings))
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, folder / "src" / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    program = folder / "gotungnha"
    libraries = f'LD_LIBRARY_PATH="{python.parent.parent}/lib" ' if python != venv_python else ""
    run = f'PYTHONPATH="{folder}/src" exec "{folder}/venv/bin/python" -m bot "$@"'
    program.write_text(f"#!/bin/sh\n{libraries}{run}\n")
    program.chmod(0o755)
    shutil.copy(ROOT / "config.example.toml", folder / "config.toml")
    return program


def _reaches(user: str, path: Path) -> bool:
    uid = pwd.getpwnam(user)
    done = subprocess.run(
        [
            *("setpriv", f"--reuid={uid.pw_uid}", f"--regid={uid.pw_gid}", "--clear-groups"),
            *("test", "-r", str(path)),
        ],
        timeout=30,
    )
    return done.returncode == 0


def _link_tree(source: Path, target: Path) -> None:
    try:
        subprocess.run(["cp", "-al", str(source), str(target)], check=True, timeout=300)
    except subprocess.CalledProcessError:  # another file system: copy it
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, symlinks=True)


def test_the_admin_command_runs_gotungnha_as_the_service_user_with_its_environment():
    # "nobody" stands in for the service's user, created by the install (docs/van-hanh.md)
    folder = Path(tempfile.mkdtemp(prefix="gotungnha-admin-"))
    try:
        folder.chmod(0o755)
        program = install_for_another_user(folder, "nobody")
        env_file = folder / "env"
        env_file.write_text(f"GOTUNGNHA_DATABASE_URL=sqlite:///{folder}/data/gotungnha.db\n")
        done = subprocess.run(
            ["sh", str(ROOT / "deploy" / "gotungnha-admin"), "db", "upgrade"],
            capture_output=True,
            text=True,
            timeout=120,
            env={
                **os.environ,
                "GOTUNGNHA_ENV": str(env_file),
                "GOTUNGNHA_DATA": str(folder / "data"),
                "GOTUNGNHA_USER": "nobody",
                "GOTUNGNHA_BIN": str(program),
                "GOTUNGNHA_CONFIG": str(folder / "config.toml"),
            },
        )
        assert done.returncode == 0, done.stderr
        assert "Đã tạo cơ sở dữ liệu mới" in done.stdout and done.stderr == ""
        database = folder / "data" / "gotungnha.db"
        assert database.stat().st_uid == pwd.getpwnam("nobody").pw_uid
        assert database.stat().st_mode & 0o007 == 0, oct(database.stat().st_mode)  # umask 027
    finally:
        shutil.rmtree(folder, ignore_errors=True)
