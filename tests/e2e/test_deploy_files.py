"""deploy/: the systemd unit and the Caddy example are what systemd and Caddy accept, and
they do what docs/van-hanh.md says (hardened service; HTTPS proxy hiding /metrics)."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
import yaml

from bot.app import build_app
from bot.config import Config, load_config
from tests.conftest import Clock
from tests.e2e.running import RunningBot, free_port, wait_listening, zalo_config
from tests.fakes.zalo_api import FakeZalo

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "gotungnha@.service"
CADDYFILE = ROOT / "deploy" / "Caddyfile"
VENV = "/opt/gotungnha/venv"  # where docs/van-hanh.md installs the bot


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
    here = Path(shutil.which("gotungnha") or ROOT / ".venv" / "bin" / "gotungnha").parent.parent
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
        [str(ROOT / ".venv" / "bin" / "gotungnha"), "run", "--help"],
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


@pytest.fixture
def caddy_in_front(config: Config, clock: Clock, tmp_path: Path) -> Iterator[tuple[int, int]]:
    """The bot (with metrics) behind Caddy running deploy/Caddyfile as it is, its
    placeholders set: plain HTTP on 127.0.0.1 for the public name; (proxy, bot port)."""
    with FakeZalo() as zalo:
        settings = zalo_config(config, zalo, mode="polling")
        bot_port = settings.server.port
        app = build_app(
            replace(settings, server=replace(settings.server, metrics=True)), clock=clock
        )
        proxy = free_port()
        environment = {
            **os.environ,
            "PUBLIC_NAME": f"http://127.0.0.1:{proxy}",  # plain HTTP: no certificate here
            "UPSTREAMS": f"127.0.0.1:{bot_port}",
            "ACCESS_LOG": str(tmp_path / "access.log"),
            "CADDY_ADMIN": "off",
            "XDG_DATA_HOME": str(tmp_path),
            "XDG_CONFIG_HOME": str(tmp_path),
        }
        with RunningBot(app):
            wait_listening(bot_port)
            caddy = subprocess.Popen(
                ["caddy", "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=tmp_path,
                env=environment,
            )
            try:
                wait_listening(proxy)
                yield proxy, bot_port
            finally:
                caddy.terminate()
                caddy.wait(timeout=10)
        app.db.dispose()


def test_the_proxy_serves_the_bot_but_never_its_metrics(caddy_in_front: tuple[int, int]):
    proxy, bot = caddy_in_front
    deadline = time.monotonic() + 20  # the proxy's first health check
    while True:
        ready = httpx.get(f"http://127.0.0.1:{proxy}/readyz", timeout=5)
        if ready.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert ready.json() == {"ok": True}
    assert httpx.get(f"http://127.0.0.1:{proxy}/metrics", timeout=5).status_code == 404
    assert httpx.get(f"http://127.0.0.1:{bot}/metrics", timeout=5).status_code == 200


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


def test_the_admin_command_runs_gotungnha_as_the_service_user_with_its_environment():
    # "nobody" stands in for the service's user, created by the install (docs/van-hanh.md)
    folder = Path(tempfile.mkdtemp(prefix="gotungnha-admin-"))
    try:
        folder.chmod(0o755)
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
                "GOTUNGNHA_BIN": str(ROOT / ".venv" / "bin" / "gotungnha"),
                "GOTUNGNHA_CONFIG": str(ROOT / "config.example.toml"),
            },
        )
        assert done.returncode == 0, done.stderr
        assert "mới nhất" in done.stdout and done.stderr == ""
        database = folder / "data" / "gotungnha.db"
        assert database.stat().st_uid == pwd.getpwnam("nobody").pw_uid
        assert database.stat().st_mode & 0o007 == 0, oct(database.stat().st_mode)  # umask 027
    finally:
        shutil.rmtree(folder, ignore_errors=True)
