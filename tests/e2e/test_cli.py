"""The `gotungnha` command, run as a real process on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.running import GOTUNGNHA, gotungnha


def test_parse_prints_the_json_contract(tmp_path: Path):
    result = gotungnha(
        ["parse", "hom qua vneid 3 sskdt 2 @ ngõ 5 xyz", "--today", "2026-11-23", "--json"],
        f"sqlite:///{tmp_path}/unused.db",
        process=True,  # the contract other tools read: a real process's stdout
    )
    assert result.returncode == 0, result.stderr
    parsed = json.loads(result.stdout)
    assert set(parsed) == {"items", "people", "households", "date", "location", "note", "problems"}
    assert parsed["items"] == {"vneid": 3, "sskdt": 2}
    assert parsed["date"] == "2026-11-22"
    assert parsed["location"] == "ngõ 5 xyz"
    assert parsed["problems"] == []


def test_parse_exits_zero_and_explains_problems_in_vietnamese(tmp_path: Path):
    result = gotungnha(
        ["parse", "vneid 3 abc", "--today", "2026-11-23", "--json"],
        f"sqlite:///{tmp_path}/unused.db",
    )
    assert result.returncode == 0
    problems = json.loads(result.stdout)["problems"]
    assert [(p["kind"], p["text"]) for p in problems] == [("unknown_word", "3 abc")]
    assert "chưa hiểu" in problems[0]["message"]


def test_parse_does_not_touch_the_database(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/never.db"
    as_json = gotungnha(["parse", "vneid", "--today", "2026-11-23", "--json"], url)
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout)["items"] == {"vneid": 1}
    shown = gotungnha(["parse", "hom qua vneid 3", "--today", "2026-11-23"], url)
    assert shown.returncode == 0, shown.stderr
    assert "Ngày: 22/11/2026" in shown.stdout and "Cài đặt VNeID (vneid): 3" in shown.stdout
    assert not (tmp_path / "never.db").exists()


def test_a_newcomer_joins_logs_undoes_and_sees_totals_in_a_scripted_chat(db_url: str):
    demo = gotungnha(["demo"], db_url)
    assert demo.returncode == 0, demo.stderr
    invites = json.loads(gotungnha(["invites", "--json"], db_url).stdout)
    code = invites[0]["code"]
    script = f"/thamgia {code}\n1\nhom qua vneid 3 sskdt 2 @ ngõ 5\n1\n/cuatoi\n"
    result = gotungnha(["chat", "--user", "newcomer"], db_url, stdin=script)
    assert result.returncode == 0, result.stderr
    answers = result.stdout
    assert "Đồng ý" in answers and "Chào mừng" in answers
    assert "Đã ghi lượt hỗ trợ" in answers and "Đã hoàn tác" in answers
    assert "Bạn chưa ghi lượt nào" in answers.split("Đã hoàn tác")[1]


def test_roster_add_member_prints_a_code_that_invites_lists(db_url: str):
    added = gotungnha(
        [
            "roster",
            "add-member",
            "--ward",
            "Phường Nhị Chiểu",
            "--team",
            "Tổ CNSCĐ TDP 7",
            "--name",
            "Lê Thị Hạnh",
            "--phone",
            "0912 345 678",
            "--role",
            "leader",
        ],
        db_url,
    )
    assert added.returncode == 0, added.stderr
    listed = json.loads(gotungnha(["invites", "--json"], db_url).stdout)
    assert listed == [
        {
            "name": "Lê Thị Hạnh",
            "team": "Tổ CNSCĐ TDP 7",
            "role": "leader",
            "code": listed[0]["code"],
            "expires": listed[0]["expires"],
            "zalo_bot": None,  # no Zalo bot configured
        }
    ]
    assert listed[0]["code"] in added.stdout


def test_roster_add_member_refuses_an_unknown_role(db_url: str):
    result = gotungnha(
        ["roster", "add-member", "--ward", "P", "--team", "T", "--name", "N", "--role", "boss"],
        db_url,
    )
    assert result.returncode == 1
    assert "--role cần là member, leader hoặc officer, không phải “boss”." in result.stderr


def test_the_demo_loads_only_into_an_empty_database(db_url: str):
    assert gotungnha(["demo"], db_url).returncode == 0
    again = gotungnha(["demo"], db_url)
    assert again.returncode == 1 and "trống" in again.stderr
    assert gotungnha(["demo", "--if-empty"], db_url).returncode == 0


def test_run_without_a_channel_says_how_to_try_the_bot(db_url: str):
    result = gotungnha(["run"], db_url, process=True)
    assert result.returncode == 1
    assert "gotungnha chat" in result.stderr


def test_db_upgrade_and_status(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/fresh.db"
    (tmp_path / "fresh.db").touch()  # an empty file: a database with no tables yet
    assert "cần nâng cấp" in gotungnha(["db", "status"], url).stdout
    assert gotungnha(["db", "upgrade"], url).returncode == 0
    assert "mới nhất" in gotungnha(["db", "status"], url).stdout


def test_db_status_creates_nothing_and_says_how_to_create_the_database(tmp_path: Path):
    url = f"sqlite:///{tmp_path}/moi/du-lieu/gotungnha.db"
    status = gotungnha(["db", "status"], url)
    assert status.returncode == 1
    assert status.stderr.strip() == (
        f"Lỗi: Chưa có cơ sở dữ liệu {tmp_path}/moi/du-lieu/gotungnha.db. "
        "Tạo bằng: gotungnha db upgrade"
    )
    assert not (tmp_path / "moi").exists()
    assert gotungnha(["db", "upgrade"], url).returncode == 0  # a command that writes creates it
    assert "mới nhất" in gotungnha(["db", "status"], url).stdout


BAD_URLS = {
    "khong-phai-url": "GOTUNGNHA_DATABASE_URL không phải địa chỉ cơ sở dữ liệu.",
    "mysql://gtn:mat-khau-bi-mat@127.0.0.1/gotungnha": "không dùng được “mysql”",
    "postgresql+psycopg2://gtn:mat-khau-bi-mat@127.0.0.1/gotungnha": "bỏ “+psycopg2” đi",
}


@pytest.mark.parametrize(
    "command", [["db", "status"], ["db", "upgrade"], ["invites"], ["parse", "vneid"]]
)
@pytest.mark.parametrize("url", list(BAD_URLS))
def test_a_bad_database_url_is_one_vietnamese_line(tmp_path: Path, url: str, command: list[str]):
    result = gotungnha(command, url, cwd=tmp_path)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Lỗi: ") and BAD_URLS[url] in line, line
    assert "sqlite:///data/gotungnha.db" in line  # an example of a URL that works
    assert "mat-khau-bi-mat" not in line
    assert list(tmp_path.iterdir()) == []


def test_a_database_folder_that_cannot_be_made_is_one_vietnamese_line(tmp_path: Path):
    result = gotungnha(["db", "upgrade"], "sqlite:////proc/gotungnha/du-lieu.db", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("Lỗi: Không tạo hoặc ghi được /proc/gotungnha")
    assert len(result.stderr.splitlines()) == 1


def test_a_bad_database_url_in_the_config_file_names_the_key(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text('[database]\nurl = "mysql://x/y"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOTUNGNHA_")}
    result = subprocess.run(
        [*GOTUNGNHA, "db", "status", "--config", str(config)],
        capture_output=True,
        text=True,
        env={**env, "PYTHONIOENCODING": "utf-8"},
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Lỗi: database.url: chỉ dùng được SQLite hoặc PostgreSQL")
    assert "Traceback" not in result.stderr


def test_info_log_lines_stay_out_of_a_commands_output_unless_the_config_asks(tmp_path: Path):
    quiet = gotungnha(["demo"], f"sqlite:///{tmp_path}/quiet.db")  # upgrades first: logged at INFO
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == ""
    env = {
        **os.environ,
        "GOTUNGNHA_DATABASE_URL": f"sqlite:///{tmp_path}/asked.db",
        "GOTUNGNHA_LOG_LEVEL": "INFO",
        "PYTHONIOENCODING": "utf-8",
    }
    asked = subprocess.run(
        [*GOTUNGNHA, "demo"], capture_output=True, text=True, env=env, timeout=120
    )
    assert asked.returncode == 0, asked.stderr
    assert " INFO bot.app database upgrade" in asked.stderr


@pytest.mark.slow
def test_the_web_dashboard_prints_its_link_without_log_lines(db_url: str, tmp_path: Path):
    assert gotungnha(["demo"], db_url).returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "GOTUNGNHA_DATABASE_URL": db_url, "PYTHONIOENCODING": "utf-8"}
    web = subprocess.Popen(
        [*GOTUNGNHA, "web", "--user", "canbo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and web.poll() is None:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.2)
    finally:
        web.terminate()
        stdout, stderr = web.communicate(timeout=60)
    assert f"Trang theo dõi: http://127.0.0.1:{port}/web" in stdout
    assert f"http://127.0.0.1:{port}/web/vao/" in stdout
    assert stderr == "", stderr


def test_roster_add_member_adds_no_unit_representative(db_url: str):
    add = ["roster", "add-member", "--ward", "Phường Nhị Chiểu", "--team", "Tổ CNSCĐ TDP 7"]
    assert gotungnha([*add, "--name", "Lê Thị Hạnh", "--role", "leader"], db_url).returncode == 0
    refused = gotungnha([*add, "--name", "Trần Văn Trường", "--role", "unit"], db_url)
    assert refused.returncode == 1
    assert refused.stderr.startswith("Lỗi: Người đại diện đơn vị không thêm vào tổ được")
    assert "gotungnha unit add" in refused.stderr
    listed = json.loads(gotungnha(["invites", "--json"], db_url).stdout)
    assert [person["name"] for person in listed] == ["Lê Thị Hạnh"]


def test_invites_and_deadlines_are_listed_in_vietnamese(db_url: str):
    assert gotungnha(["demo"], db_url).returncode == 0
    invites = gotungnha(["invites"], db_url).stdout
    assert ", thành viên) — hết hạn" in invites and ", tổ trưởng) — hết hạn" in invites
    assert not re.search(r"\b(member|leader|officer)\b", invites)
    deadlines = gotungnha(["deadline", "list"], db_url).stdout
    assert "Báo cáo quý (hằng quý) — hạn cuối tới:" in deadlines
    assert "Báo cáo năm (hằng năm) — hạn cuối tới:" in deadlines
    assert "quarterly" not in deadlines and "yearly" not in deadlines


def test_a_command_refuses_an_old_schema_when_auto_upgrade_is_off(tmp_path: Path):
    env_url = f"sqlite:///{tmp_path}/old.db"
    env = {
        **os.environ,
        "GOTUNGNHA_DATABASE_URL": env_url,
        "GOTUNGNHA_DATABASE_AUTO_UPGRADE": "false",
    }
    result = subprocess.run(
        [*GOTUNGNHA, "invites"], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 1
    assert "gotungnha db upgrade" in result.stderr


def _read_answer(process: subprocess.Popen[str]) -> str:
    """Read one answer of a scripted chat: up to its "(Trả lời …)" line."""
    assert process.stdout is not None
    lines = []
    while True:
        line = process.stdout.readline()
        if not line:
            raise AssertionError("chat ended early: " + "".join(lines))
        lines.append(line)
        if line.startswith("(Trả lời"):
            return "".join(lines)


@pytest.mark.slow
def test_killing_the_process_mid_conversation_and_restarting_resumes_the_step(db_url: str):
    assert gotungnha(["demo"], db_url).returncode == 0
    env = {**os.environ, "GOTUNGNHA_DATABASE_URL": db_url, "PYTHONIOENCODING": "utf-8"}
    first = subprocess.Popen(
        [*GOTUNGNHA, "chat", "--user", "demo"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert first.stdin is not None
    first.stdin.write("/ghi\n")
    first.stdin.flush()
    assert "dịch vụ nào" in _read_answer(first)
    first.kill()
    first.wait(timeout=30)
    second = gotungnha(["chat", "--user", "demo"], db_url, stdin="1\n4\n")
    assert "Cài đặt VNeID: bao nhiêu người" in second.stdout
    assert "• Cài đặt VNeID: 4" in second.stdout


def test_deadline_add_and_schedule_preview_json(db_url: str):
    assert gotungnha(["demo"], db_url).returncode == 0
    added = gotungnha(
        ["deadline", "add", "--name", "Đăng ký mô hình", "--before", "20/04/2027", "--lead", "3,0"],
        db_url,
    )
    assert added.returncode == 0 and "hạn cuối 19/04/2027" in added.stdout
    preview = gotungnha(
        ["schedule", "preview", "--from", "2027-04-01", "--to", "2027-04-30", "--json"], db_url
    )
    sends = json.loads(preview.stdout)
    model = [s for s in sends if s["deadline"] == "Đăng ký mô hình"]
    assert {s["at"] for s in model} == {"2027-04-16T08:00:00+07:00", "2027-04-19T08:00:00+07:00"}
    assert all(s["last_day"] == "2027-04-19" and s["kind"] == "deadline_reminder" for s in model)
    assert {"at", "kind", "deadline", "last_day", "target"} <= set(sends[0])
    assert "Đăng ký mô hình" in gotungnha(["deadline", "list"], db_url).stdout


def test_deadline_add_refuses_a_date_it_cannot_read(db_url: str):
    result = gotungnha(
        ["deadline", "add", "--name", "X", "--before", "20/04", "--ward", "P"], db_url
    )
    assert result.returncode == 1
    assert "--before cần dạng dd/mm/yyyy hoặc YYYY-MM-DD, không phải “20/04”." in result.stderr


def test_deadline_add_reads_an_iso_date_and_says_the_day_before_it(db_url: str):
    added = gotungnha(
        ["deadline", "add", "--name", "Mô hình", "--before", "2027-04-20", "--ward", "P"], db_url
    )
    assert added.returncode == 0, added.stderr
    assert "hạn cuối 19/04/2027 (trước ngày 20/04/2027)" in added.stdout


def test_target_set_accepts_a_known_team_and_service_only(db_url: str):
    assert gotungnha(["demo"], db_url).returncode == 0
    ok = gotungnha(
        [
            "target",
            "set",
            "--team",
            "Tổ CNSCĐ TDP 1",
            "--service",
            "vneid",
            "--count",
            "120",
            "--period",
            "quarter",
        ],
        db_url,
    )
    assert ok.returncode == 0 and "vneid 120" in ok.stdout
    unknown = gotungnha(
        ["target", "set", "--team", "Tổ CNSCĐ TDP 1", "--service", "xyz", "--count", "5"], db_url
    )
    assert unknown.returncode == 1 and "xyz" in unknown.stderr
    no_team = gotungnha(
        ["target", "set", "--team", "Tổ không có", "--service", "vneid", "--count", "5"], db_url
    )
    assert no_team.returncode == 1 and "Tổ không có" in no_team.stderr
