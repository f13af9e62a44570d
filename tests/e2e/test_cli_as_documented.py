"""What docs/van-hanh.md says of the command line, tried as a real process: `--config` typed
before the command, dates typed dd/mm/yyyy or YYYY-MM-DD, what `db upgrade` says it did,
"thoát" ending a piped chat, and `/metrics` and the Vietnamese 404 page under
`gotungnha web`."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from alembic import command
from alembic.script import ScriptDirectory
from prometheus_client.parser import text_string_to_metric_families

from storage.db import make_engine
from storage.migrate import alembic_config
from storage.models import Role
from tests.conftest import Roster
from tests.e2e.running import GOTUNGNHA, free_port, gotungnha


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command configured by its files alone: no GOTUNGNHA_* variable, no ./config.toml."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOTUNGNHA_")}
    return subprocess.run(
        [*GOTUNGNHA, *args],
        capture_output=True,
        text=True,
        env={**env, "PYTHONIOENCODING": "utf-8"},
        cwd=cwd,
        timeout=120,
    )


def config_file(path: Path, database: Path) -> Path:
    path.write_text(f'[database]\nurl = "sqlite:///{database}"\n', encoding="utf-8")
    return path


def test_config_typed_before_the_command_is_the_commands_config(tmp_path: Path):
    first = config_file(tmp_path / "mot.toml", tmp_path / "mot.db")
    second = config_file(tmp_path / "hai.toml", tmp_path / "hai.db")
    created = run(["--config", str(first), "db", "upgrade"], tmp_path)
    assert created.returncode == 0, created.stderr
    assert (tmp_path / "mot.db").is_file() and not (tmp_path / "hai.db").exists()
    status = run(["--config", str(first), "db", "status"], tmp_path)
    assert status.returncode == 0 and "(mới nhất)" in status.stdout, status.stderr
    # typed in both places, the command's own wins
    own = run(["--config", str(first), "db", "status", "--config", str(second)], tmp_path)
    assert own.returncode == 1
    assert f"Chưa có cơ sở dữ liệu {tmp_path}/hai.db" in own.stderr
    missing = run(["--config", str(tmp_path / "khong.toml"), "invites"], tmp_path)
    assert missing.returncode == 1
    assert missing.stderr.startswith("Lỗi: Không tìm thấy tệp cấu hình")


def revisions(url: str) -> tuple[str, str]:
    """The code's newest migration and the one before it."""
    script = ScriptDirectory.from_config(alembic_config(make_engine(url)))
    head = script.get_current_head()
    assert head is not None
    previous = script.get_revision(head).down_revision
    assert isinstance(previous, str)
    return head, previous


def test_db_upgrade_says_it_created_upgraded_or_found_the_database_up_to_date(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/moi/gotungnha.db"
    head, previous = revisions(url)
    created = gotungnha(["db", "upgrade"], url, cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip() == f"Đã tạo cơ sở dữ liệu mới (phiên bản {head})."
    again = gotungnha(["db", "upgrade"], url, cwd=tmp_path)
    assert again.stdout.strip() == f"Cơ sở dữ liệu đã ở phiên bản mới nhất ({head})."
    older = f"sqlite:///{tmp_path}/cu.db"
    engine = make_engine(older)
    command.upgrade(alembic_config(engine), previous)  # a database one release behind
    engine.dispose()
    upgraded = gotungnha(["db", "upgrade"], older, cwd=tmp_path)
    assert upgraded.stdout.strip() == (
        f"Đã nâng cấp cơ sở dữ liệu từ phiên bản {previous} lên {head}."
    )


@pytest.mark.parametrize("today", ["23/11/2026", "2026-11-23"])
def test_parse_reads_today_dd_mm_yyyy_or_iso(tmp_path: Path, today: str):
    parsed = gotungnha(
        ["parse", "hom qua vneid 1", "--today", today, "--json"], f"sqlite:///{tmp_path}/x.db"
    )
    assert parsed.returncode == 0, parsed.stderr
    assert json.loads(parsed.stdout)["date"] == "2026-11-22"


def test_schedule_preview_reads_dates_dd_mm_yyyy_or_iso(db_url: str, roster: Roster):
    roster.joined("Lê Thị Hạnh", role=Role.LEADER)  # reminded of the directive's deadlines
    previews = [
        gotungnha(["schedule", "preview", "--from", start, "--to", end, "--json"], db_url)
        for start, end in (("01/12/2026", "31/12/2026"), ("2026-12-01", "2026-12-31"))
    ]
    assert all(p.returncode == 0 for p in previews), [p.stderr for p in previews]
    assert json.loads(previews[0].stdout) == json.loads(previews[1].stdout) != []
    wrong = gotungnha(["schedule", "preview", "--from", "1/12", "--to", "31/12/2026"], db_url)
    assert wrong.returncode == 1
    assert "--from cần dạng dd/mm/yyyy hoặc YYYY-MM-DD, không phải “1/12”." in wrong.stderr


def test_thoat_ends_a_piped_chat_and_what_follows_is_not_sent(db_url: str, roster: Roster):
    roster.joined("Nguyễn Thị Lan", user="demo")  # the terminal's default account
    chat = gotungnha(["chat", "--user", "demo"], db_url, stdin="chào\nThoát\nvneid 1\n")
    assert chat.returncode == 0, chat.stderr
    assert chat.stdout.startswith("Chào ")
    assert "Đã ghi" not in chat.stdout and "chưa hiểu" not in chat.stdout
    mine = gotungnha(["chat", "--user", "demo"], db_url, stdin="vneid 1\nthoat\n/cuatoi\n")
    assert "Đã ghi" in mine.stdout and "Lượt hỗ trợ của" not in mine.stdout


@contextlib.contextmanager
def web(db_url: str, cwd: Path, **env: str) -> Iterator[str]:
    """`gotungnha web` as its own process on a free port; yields its address."""
    port = free_port()
    process = subprocess.Popen(
        [*GOTUNGNHA, "web", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "GOTUNGNHA_DATABASE_URL": db_url, "PYTHONIOENCODING": "utf-8", **env},
        cwd=cwd,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.2)
        assert process.poll() is None, process.communicate()
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.communicate(timeout=60)


@pytest.mark.slow
def test_gotungnha_web_serves_metrics_when_they_are_on(db_url: str, tmp_path: Path):
    with web(db_url, tmp_path, GOTUNGNHA_SERVER_METRICS="true") as url:
        answer = httpx.get(url + "/metrics", timeout=30)
        unknown = httpx.get(url + "/web/to/1/khong", timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    families = {family.name for family in text_string_to_metric_families(answer.text)}
    assert {"gotungnha_messages", "gotungnha_outbox_waiting"} <= families
    assert unknown.status_code == 404 and "Không có trang này" in unknown.text
    with web(db_url, tmp_path) as url:  # [server] metrics = false (the default): not served
        assert httpx.get(url + "/metrics", timeout=30).status_code == 404
