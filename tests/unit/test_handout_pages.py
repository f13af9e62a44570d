"""The workbooks the officer fills in or hands out read whole on screen and print well."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reports.handouts import InviteLine, write_invites, write_template
from tests.workbook_pages import narrow_columns, unprintable_sheets


def invites(tmp_path: Path) -> Path:
    """A ward's invite list: 120 people in 24 teams, some to write to a Zalo bot."""
    lines = [
        InviteLine(
            name=f"Nguyễn Thị Thu Hương {n}",
            team=f"Tổ CNSCĐ TDP {1 + n % 24}",
            role="leader" if n % 5 == 0 else "member",
            code=f"K7QX{n:04d}",
            expires_at=datetime(2026, 12, 23, 9, 30),
            deputy=n % 10 == 5,
            zalo_bot="Bot Tổ CNSCĐ Nhị Chiểu 2" if n % 2 else "",
        )
        for n in range(1, 121)
    ]
    return write_invites(
        tmp_path / "ma-moi.xlsx", "Phường Nhị Chiểu", lines, bot_username="gotungnha_nc_bot"
    )


def test_no_column_of_the_invite_list_is_too_narrow(tmp_path: Path):
    assert narrow_columns(invites(tmp_path)) == []


def test_the_invite_list_prints_landscape_one_page_wide_with_header_and_page_numbers(
    tmp_path: Path,
):
    assert unprintable_sheets(invites(tmp_path)) == []


def test_no_column_of_the_roster_template_is_too_narrow(tmp_path: Path):
    assert narrow_columns(write_template(tmp_path / "mau.xlsx")) == []


def test_the_roster_template_prints_landscape_one_page_wide_with_header_and_page_numbers(
    tmp_path: Path,
):
    assert unprintable_sheets(write_template(tmp_path / "mau.xlsx")) == []
