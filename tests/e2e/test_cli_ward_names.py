"""A ward typed after `--ward` in any case, with or without diacritics or with two spaces is
the ward already there, for `roster import`, `roster add-member` and `export`, as it is for
`ward add`; a name that is another ward's makes a new ward on import. SQLite and PostgreSQL.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from storage.models import Member, Team, Ward
from storage.uow import UnitOfWork
from tests.e2e.running import gotungnha as run_command
from tests.roster_books import write_roster

gotungnha = functools.partial(run_command, inherit=False)  # configured by the environment only
WARD = "Phường Lê Chân"
OTHER = "Phường Hồng Bàng"
TYPED = ["phuong le chan", "PHƯỜNG  LÊ CHÂN"]


@pytest.fixture
def two_wards(db_url: str, tmp_path: Path) -> None:
    for name in (WARD, OTHER):
        added = gotungnha(["ward", "add", name], db_url, tmp_path)
        assert added.returncode == 0, added.stderr


def roster_file(tmp_path: Path) -> Path:
    return write_roster(
        tmp_path / "ds.xlsx",
        ["Tổ dân phố số 1"],
        [("Nguyễn Văn Ánh", "0911222333", "Tổ dân phố số 1", "Tổ trưởng", None)],
    )


def members_by_ward(db: Engine) -> dict[str, list[str]]:
    """ward name -> its members' names, for every ward."""
    with UnitOfWork(db) as uow:
        wards = {w.name: w.id for w in uow.session.exec(select(Ward).order_by(col(Ward.id)))}
        rows = uow.session.exec(select(Team.ward_id, Member.name).join(Member)).all()
    return {name: sorted(m for w, m in rows if w == ward_id) for name, ward_id in wards.items()}


@pytest.mark.parametrize("typed", TYPED)
def test_roster_import_puts_the_list_into_the_ward_typed_in_any_case_or_spacing(
    two_wards: None, db_url: str, db: Engine, tmp_path: Path, typed: str
):
    result = gotungnha(["roster", "import", str(roster_file(tmp_path)), "--ward", typed], db_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"{WARD}: 1 tổ dân phố mới, 1 tổ CNSCĐ mới;"
    assert members_by_ward(db) == {WARD: ["Nguyễn Văn Ánh"], OTHER: []}


def test_roster_import_of_a_name_no_ward_has_makes_a_new_ward(
    two_wards: None, db_url: str, db: Engine, tmp_path: Path
):
    result = gotungnha(
        ["roster", "import", str(roster_file(tmp_path)), "--ward", "Phường Lê Lợi"], db_url
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Phường Lê Lợi: 1 tổ dân phố mới")
    assert members_by_ward(db) == {WARD: [], OTHER: [], "Phường Lê Lợi": ["Nguyễn Văn Ánh"]}


@pytest.mark.parametrize("typed", TYPED)
def test_add_member_puts_the_person_into_the_ward_typed_in_any_case_or_spacing(
    two_wards: None, db_url: str, db: Engine, typed: str
):
    args = ["roster", "add-member", "--team", "Tổ dân phố số 1", "--name", "Trần Thị Bích"]
    result = gotungnha([*args, "--ward", typed], db_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Đã thêm Trần Thị Bích. Mã mời:")
    assert members_by_ward(db) == {WARD: ["Trần Thị Bích"], OTHER: []}


@pytest.mark.parametrize("typed", TYPED)
def test_export_writes_the_workbook_of_the_ward_typed_in_any_case_or_spacing(
    two_wards: None, db_url: str, db: Engine, tmp_path: Path, typed: str
):
    out = tmp_path / "le-chan.xlsx"
    args = ["export", "--from", "01/10/2026", "--to", "31/10/2026", "--out", str(out)]
    result = gotungnha([*args, "--ward", typed], db_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Đã ghi {out}: {WARD}, 01/10/2026–31/10/2026, 0 lượt hỗ trợ."
    assert out.exists()
    assert list(members_by_ward(db)) == [WARD, OTHER]
