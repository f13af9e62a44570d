"""`--team` typed loosely at the command line: run as a real process on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.app import App
from tests.conftest import Clock, Roster
from tests.e2e.running import gotungnha

WARD = "Phường Nhị Chiểu"
TEAMS = ("Tổ CNSCĐ TDP 1", "Tổ CNSCĐ TDP 10", "Tổ CNSCĐ TDP 2")
EXPORT = ["export", "--from", "2026-11-01", "--to", "2026-11-30"]


@pytest.fixture
def teams(app: App, roster: Roster, clock: Clock) -> App:
    """Three teams, "TDP 1" beside "TDP 10"; one log each on 20/11/2026."""
    clock.set_local(2026, 11, 20, 9, 0)
    for n, team in enumerate(TEAMS, start=1):
        chat = roster.joined(f"Thành Viên Số {n}", team=team)
        assert "Đã ghi" in chat.say(f"vneid {n}")
    return app


def logged_teams(path: Path) -> list[object]:
    return [r[1] for r in load_workbook(path)["Chi tiết"].iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize(
    ("typed", "team"),
    [
        ("TDP 1", "Tổ CNSCĐ TDP 1"),
        ("tdp 10", "Tổ CNSCĐ TDP 10"),
        ("  tổ cnscđ   tdp 2 ", "Tổ CNSCĐ TDP 2"),
        ("TO CNSCD TDP 1", "Tổ CNSCĐ TDP 1"),
    ],
)
def test_export_finds_a_team_by_its_last_words_without_diacritics_or_case(
    teams: App, db_url: str, tmp_path: Path, typed: str, team: str
):
    out = tmp_path / "to.xlsx"
    result = gotungnha([*EXPORT, "--out", str(out), "--team", typed], db_url, tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"Đã ghi {out}: {team}, 01/11/2026–30/11/2026, 1 lượt hỗ trợ." in result.stdout
    assert logged_teams(out) == [team]


def test_a_name_that_fits_several_teams_lists_them_and_writes_nothing(
    teams: App, db_url: str, tmp_path: Path
):
    out = tmp_path / "to.xlsx"
    result = gotungnha([*EXPORT, "--out", str(out), "--team", "tdp"], db_url, tmp_path)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Lỗi: “tdp” khớp với 3 tổ: ") and line.endswith("Gõ rõ tên một tổ.")
    assert all(team in line for team in TEAMS)
    assert not out.exists()


def test_an_unknown_team_is_refused_with_the_names_to_choose_from(
    teams: App, db_url: str, tmp_path: Path
):
    out = tmp_path / "to.xlsx"
    result = gotungnha([*EXPORT, "--out", str(out), "--team", "TDP 3"], db_url, tmp_path)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Lỗi: Không có tổ “TDP 3” trong {WARD}. Các tổ: ")
    assert all(team in line for team in TEAMS)
    assert not out.exists()


def test_target_set_finds_the_team_the_same_way(teams: App, db_url: str, tmp_path: Path):
    args = ["target", "set", "--service", "vneid", "--count", "50", "--team", "tdp 10"]
    result = gotungnha(args, db_url, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Đã đặt chỉ tiêu quý cho Tổ CNSCĐ TDP 10: vneid 50."
