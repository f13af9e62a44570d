"""Names typed at the command line keep no citizen's number, as an operator runs the
commands (a real process), on SQLite and PostgreSQL; read back with plain SQL."""

from __future__ import annotations

import re

from sqlalchemy import create_engine, text

from tests.e2e.running import gotungnha

CCCD, PHONE = "001203004567", "0912345678"


def _stored(db_url: str) -> str:
    """Every name and note the commands could have written, as one text."""
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = [
            *conn.execute(text("SELECT name || ' ' || coalesce(note, '') FROM member")).scalars(),
            *conn.execute(text("SELECT name FROM team")).scalars(),
            *conn.execute(text("SELECT name FROM residential_group")).scalars(),
            *conn.execute(text("SELECT name FROM deadline")).scalars(),
            *conn.execute(text("SELECT name FROM unit")).scalars(),
        ]
    engine.dispose()
    return "\n".join(rows)


def test_names_typed_at_the_command_line_keep_no_citizens_number(db_url: str):
    ward = ["--ward", "Phường Nhị Chiểu"]
    runs = [
        ["roster", "add-member", "--team", f"Tổ 9 liên hệ {PHONE}", "--name", "Trần Văn Bình"],
        ["unit", "add", "--name", "Trường THCS Chu Văn An", "--rep", f"Thầy Nam {CCCD}"],
        ["deadline", "add", "--name", f"Báo cáo gọi {PHONE}", "--before", "15/12/2026"],
    ]
    runs = [[*args, *ward] for args in runs]
    for args in runs:
        done = gotungnha(args, db_url)
        assert done.returncode == 0, done.stderr
        assert PHONE not in done.stdout and CCCD not in done.stdout, done.stdout
    stored = _stored(db_url)
    digits = re.sub(r"[^0-9]", "", stored)
    assert PHONE not in digits and CCCD not in digits, stored
    assert "Thầy Nam" in stored and "Báo cáo gọi" in stored and "Tổ 9 liên hệ" in stored
