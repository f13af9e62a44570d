"""`gotungnha campaign add|list|end|remove` on SQLite and PostgreSQL, run in this process as
the console script runs it. What was stored is read back with plain SQL; the progress the
list prints is checked against the test's own sums (tests/campaign_world.py). The command
runs on the real clock: the campaigns that must be going on today span 2020–2099."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import text

from bot.app import App
from tests.campaign_world import DECEMBER, WARD_A, WARD_B, counted, seed
from tests.conftest import ZONE, Roster
from tests.e2e.running import gotungnha

SERVICES = ("sskdt", "vneid")
ADD = ["campaign", "add", "--services", "sskdt,vneid", "--target", "20"]
DEC = ["--from", "01/12/2026", "--to", "31/12/2026"]
KNOWN = "vneid, muc2, sskdt, smarthp, bc114, dvc, ttkdtm, cks, vssid, zalo, khac"


@pytest.fixture
def world(app: App, roster: Roster) -> App:
    seed(app, roster)
    return app


def stored(app: App) -> list[tuple[Any, ...]]:
    """Every campaign as the table holds it."""
    query = text(
        "SELECT c.id, c.name, c.services, c.first_day, c.last_day, c.target, c.per, w.name, "
        "c.created_by FROM campaign c LEFT JOIN ward w ON w.id = c.ward_id ORDER BY c.id"
    )
    with app.db.connect() as connection:
        rows = connection.execute(query).all()
    return [
        (
            i,
            name,
            services if isinstance(services, list) else json.loads(services),
            str(first),
            str(last),
            target,
            per,
            ward,
            by,
        )
        for i, name, services, first, last, target, per, ward, by in rows
    ]


def test_add_stores_a_campaign_for_every_ward_and_list_shows_each_wards_progress(
    world: App, db_url: str
):
    added = gotungnha([*ADD, "--name", "Tháng cao điểm Sổ sức khỏe điện tử", *DEC], db_url)
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith(
        "Đã thêm chiến dịch số 1 “Tháng cao điểm Sổ sức khỏe điện tử”: sskdt, vneid, "
        "01/12/2026–31/12/2026, 20 lượt mỗi phường, cho mọi phường, xã (hiện có 2)."
    )
    assert stored(world) == [
        (
            1,
            "Tháng cao điểm Sổ sức khỏe điện tử",
            ["sskdt", "vneid"],
            "2026-12-01",
            "2026-12-31",
            20,
            "ward",
            None,
            "cli",
        )
    ]
    listed = gotungnha(["campaign", "list"], db_url)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("Số 1: Tháng cao điểm Sổ sức khỏe điện tử (")
    assert lines[1] == "  01/12/2026–31/12/2026, sskdt, vneid, 20 lượt mỗi phường, mọi phường, xã"
    a, b = (counted(SERVICES, *DECEMBER, ward=w) for w in (WARD_A, WARD_B))
    assert lines[2:] == [f"  {WARD_A}: {a}/20", f"  {WARD_B}: {b}/20"]
    only = gotungnha(["campaign", "list", "--ward", WARD_B], db_url)
    assert only.stdout.splitlines()[2:] == [f"  {WARD_B}: {b}/20"]


def test_a_wards_own_campaign_per_team(world: App, db_url: str):
    added = gotungnha(
        [*ADD[:-1], "8", "--name", "Ngày hội", *DEC, "--per", "team", "--ward", WARD_A], db_url
    )
    assert added.returncode == 0, added.stderr
    assert "8 lượt mỗi tổ, cho Phường An Biên." in added.stdout
    assert stored(world)[0][6:8] == ("team", WARD_A)
    lines = gotungnha(["campaign", "list"], db_url).stdout.splitlines()
    a = counted(SERVICES, *DECEMBER, ward=WARD_A)
    assert lines[1].endswith("8 lượt mỗi tổ, Phường An Biên")
    assert lines[2:] == [f"  {WARD_A}: {a}/16 (1/2 tổ đạt)"]  # TDP 1: 9, TDP 2: 7


def test_a_citizens_number_typed_in_the_name_is_not_kept(world: App, db_url: str):
    added = gotungnha([*ADD, "--name", "Ngày hội gọi 0912 345 678", *DEC], db_url)
    assert added.returncode == 0, added.stderr
    assert "0912" not in stored(world)[0][1] and "0912" not in added.stdout


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ["--services", "abc,vneid", "--target", "20", *DEC],
            f"Lỗi: Không có dịch vụ mã “abc”. Các mã: {KNOWN}.",
        ),
        (
            ["--services", "sskdt", "--target", "20", "--from", "31/12/2026", "--to", "01/12/2026"],
            "Lỗi: --to phải từ --from trở đi (ngày kết thúc không trước ngày bắt đầu).",
        ),
        (["--services", "sskdt", "--target", "0", *DEC], "Lỗi: --target cần từ 1 trở lên."),
        (
            ["--services", "sskdt", "--target", "5", "--from", "32/12/2026", "--to", "31/12/2026"],
            "Lỗi: --from cần dạng dd/mm/yyyy hoặc YYYY-MM-DD, không phải “32/12/2026”.",
        ),
        (
            ["--services", "sskdt", "--target", "5", *DEC, "--ward", "Phường Không Có"],
            "Lỗi: Không có phường “Phường Không Có”.",
        ),
        (
            ["--services", " , ", "--target", "5", *DEC],
            f"Lỗi: --services cần ít nhất một mã dịch vụ. Các mã: {KNOWN}.",
        ),
    ],
    ids=["unknown service", "dates reversed", "target 0", "bad date", "unknown ward", "none"],
)
def test_a_wrong_campaign_is_one_clear_line_and_nothing_is_stored(
    world: App, db_url: str, args: list[str], error: str
):
    result = gotungnha(["campaign", "add", "--name", "Sai", *args], db_url)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [error]
    assert stored(world) == []


def test_per_takes_ward_or_team_only(world: App, db_url: str):
    result = gotungnha([*ADD, "--name", "Sai", *DEC, "--per", "city"], db_url)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert "ward" in result.stderr and "team" in result.stderr
    assert stored(world) == []


def test_end_makes_today_the_last_day_of_a_running_campaign(world: App, db_url: str):
    dates = ["--from", "01/01/2020", "--to", "31/12/2099"]
    gotungnha([*ADD, "--name", "Dài hạn", *dates], db_url)
    ended = gotungnha(["campaign", "end", "1"], db_url)
    assert ended.returncode == 0, ended.stderr
    today = stored(world)[0][4]
    shown = date.fromisoformat(today).strftime("%d/%m/%Y")
    assert ended.stdout.strip() == (
        f"Đã kết thúc chiến dịch số 1 “Dài hạn”: ngày cuối là hôm nay, {shown} "
        "(thay cho 31/12/2099)."
    )
    assert abs((date.fromisoformat(today) - datetime.now(ZONE).date()).days) <= 1
    again = gotungnha(["campaign", "end", "1"], db_url)
    assert again.returncode == 1
    assert again.stderr.strip() == f"Lỗi: Chiến dịch số 1 đã có ngày cuối là hôm nay, {shown}."
    assert "Số 1: Dài hạn (hôm nay là ngày cuối)" in gotungnha(["campaign", "list"], db_url).stdout


def test_a_campaign_over_cannot_be_ended_again(world: App, db_url: str):
    gotungnha([*ADD, "--name", "Tháng 12", "--from", "01/12/2020", "--to", "31/12/2020"], db_url)
    ended = gotungnha(["campaign", "end", "1"], db_url)
    assert ended.returncode == 1
    assert ended.stderr.strip() == "Lỗi: Chiến dịch số 1 đã kết thúc ngày 31/12/2020."
    assert "Số 1: Tháng 12 (đã kết thúc)" in gotungnha(["campaign", "list"], db_url).stdout


def test_a_campaign_not_begun_is_removed_rather_than_ended(world: App, db_url: str):
    gotungnha([*ADD, "--name", "Gõ nhầm", "--from", "01/01/2099", "--to", "31/01/2099"], db_url)
    ended = gotungnha(["campaign", "end", "1"], db_url)
    assert ended.returncode == 1
    assert ended.stderr.strip() == (
        "Lỗi: Chiến dịch số 1 chưa bắt đầu (từ 01/01/2099). Nhập sai thì xoá: "
        "gotungnha campaign remove 1, rồi thêm lại."
    )
    assert "(sắp diễn ra)" in gotungnha(["campaign", "list"], db_url).stdout
    removed = gotungnha(["campaign", "remove", "1"], db_url)
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.strip() == "Đã xoá chiến dịch số 1 “Gõ nhầm”."
    assert stored(world) == []
    listed = gotungnha(["campaign", "list"], db_url)
    assert listed.stdout.strip().startswith("Chưa có chiến dịch nào.")
    with world.db.connect() as connection:
        actions = connection.execute(
            text("SELECT action FROM audit_entry WHERE action LIKE 'campaign%' ORDER BY id")
        ).scalars()
        assert list(actions) == ["campaign_add", "campaign_remove"]


@pytest.mark.parametrize("command", ["end", "remove"])
def test_an_unknown_number_says_where_to_look(world: App, db_url: str, command: str):
    result = gotungnha(["campaign", command, "7"], db_url)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Lỗi: Không có chiến dịch số 7. Xem các chiến dịch: gotungnha campaign list"
    )
