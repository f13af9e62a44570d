"""`gotungnha backup` then `gotungnha restore` as an operator runs them, on SQLite and
PostgreSQL: the file named with the ward and time, restored into an empty database with
its version and rows shown; an occupied database refused in one Vietnamese line; the
erasures made after the backup done again, into a new database or over the old one.

A bad file (cut short, damaged, not a backup, from a newer version) is refused for what it
is, in Vietnamese, before the database is looked at, and leaves no file and no change behind;
an older backup replaces a newer database whole; a damaged SQLite database is replaced only
with --force."""

from __future__ import annotations

import gzip
import random
import wave
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, make_url, text
from sqlmodel import Session, select

from bot.app import App
from storage.backup import back_up
from storage.db import make_engine
from storage.migrate import alembic_config, current_revision, head_revision
from storage.models import Member, SupportLog
from tests.conftest import Roster
from tests.e2e.test_cli_roster import gotungnha


def test_backup_then_restore_into_an_empty_database(
    db_url: str, second_db_url: str, tmp_path: Path
):
    assert gotungnha(["demo"], db_url, tmp_path).returncode == 0
    made = gotungnha(["backup"], db_url, tmp_path)
    assert made.returncode == 0, made.stderr
    assert "Đã sao lưu vào data/backups/gotungnha-phuong-nhi-chieu-thu-nghiem-" in made.stdout
    [backup] = (tmp_path / "data" / "backups").iterdir()

    restored = gotungnha(["restore", str(backup)], second_db_url, tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert "(mới nhất)" in restored.stdout
    shown = dict(
        line.strip().split(": ") for line in restored.stdout.splitlines() if line.startswith("  ")
    )
    assert int(shown["support_log"]) > 0 and int(shown["member"]) > 0

    named = gotungnha(["backup", "--out", "ban-sao/thu-sau"], db_url, tmp_path)
    assert named.returncode == 0, named.stderr
    [kept] = (tmp_path / "ban-sao").iterdir()
    assert kept.name in ("thu-sau.db.gz", "thu-sau.dump") and kept.name in named.stdout

    again = gotungnha(["restore", str(backup)], second_db_url, tmp_path)
    assert again.returncode == 1
    assert "đã có dữ liệu" in again.stderr and "--force" in again.stderr
    assert "Traceback" not in again.stderr


def test_restore_does_again_the_erasures_made_after_the_backup(
    app: App, roster: Roster, db_url: str, second_db_url: str, tmp_path: Path
):
    lan = roster.joined("Nguyễn Thị Lan", user="lan", phone="0912345678")
    roster.joined("Phạm Văn Hùng", user="hung", phone="0987654321")
    lan.say("vneid 3 @ ngõ 5 gc: bà Tư nhờ")
    made = gotungnha(["backup"], db_url, tmp_path)
    assert made.returncode == 0, made.stderr
    [backup] = (tmp_path / "data" / "backups").iterdir()
    lan.say("/xoadulieucuatoi")
    assert "Đã xoá dữ liệu" in lan.say("1")

    # into a new database, with the old one's erasure log
    restored = gotungnha(
        ["restore", str(backup), "--erasures-from", db_url], second_db_url, tmp_path
    )
    assert restored.returncode == 0, restored.stderr
    assert "Làm lại 1 lần xoá dữ liệu (sau bản sao lưu)." in restored.stdout
    shown = dict(
        line.strip().split(": ") for line in restored.stdout.splitlines() if line.startswith("  ")
    )
    assert shown["erasure_log"] == "1"
    new = make_engine(second_db_url)
    with Session(new) as session:
        people = {(m.name, m.phone, m.note) for m in session.exec(select(Member))}
        places = {log.place for log in session.exec(select(SupportLog))}
    new.dispose()
    assert ("Phạm Văn Hùng", "0987654321", None) in people
    assert all("Lan" not in name and phone != "0912345678" for name, phone, _ in people)
    assert places == {None}

    # over the same database: its log is read first, written back after
    again = gotungnha(["restore", str(backup), "--force"], db_url, tmp_path)
    assert again.returncode == 0, again.stderr
    assert "Làm lại 1 lần xoá dữ liệu" in again.stdout
    with app.uow() as uow:
        names = {m.name for m in uow.session.exec(select(Member))}
    assert "Nguyễn Thị Lan" not in names and "Phạm Văn Hùng" in names


def bad_backup(case: str, db: Engine, folder: Path) -> Path:
    """A file an operator might hand to restore in a hurry, most made from a good backup."""
    folder.mkdir()
    good = back_up(db, folder / "tot", label="phuong-nhi-chieu", now=NOW)
    data, sqlite = good.read_bytes(), good.name.endswith(".db.gz")
    path = folder / good.name
    if case == "cut short":  # a copy that stopped early (PostgreSQL: only the end missing)
        path.write_bytes(data[: len(data) // 2] if sqlite else data[:-100])
    elif case == "damaged inside":  # SQLite: the whole gzip of a truncated database
        path.write_bytes(gzip.compress(gzip.decompress(data)[:40_000]) if sqlite else data[:30_000])
    elif case == "random bytes":
        path = folder / "gotungnha-ban-sao.db.gz"
        path.write_bytes(b"\x00" + random.Random(28).randbytes(4095))
    elif case == "a voice message":
        path = folder / "a.wav"
        with wave.open(str(path), "wb") as sound:
            sound.setnchannels(1)
            sound.setsampwidth(2)
            sound.setframerate(8000)
            sound.writeframes(b"\x00\x00" * 800)
    else:  # "from a newer version": taken while the schema version was past the code's
        head = head_revision(db)
        with db.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": NEWER})
        try:
            path = back_up(db, folder / "moi-hon", label="phuong-nhi-chieu", now=NOW)
        finally:
            with db.begin() as connection:
                connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
    return path


NEWER = "9999"
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
REASONS = {
    "cut short": "không trọn vẹn",
    "damaged inside": "bị hỏng",
    "random bytes": "không phải bản sao lưu của Gõ Từng Nhà (nội dung của nó không phải dạng",
    "a voice message": "không phải bản sao lưu của Gõ Từng Nhà (đó là tệp âm thanh WAV)",
    "from a newer version": f"ở phiên bản {NEWER}, mới hơn chương trình này",
}
NEXT_STEP = {
    "cut short": "Chép lại tệp từ nơi lưu, hoặc dùng một bản sao lưu khác.",
    "damaged inside": "một bản sao lưu khác.",
    "random bytes": "Chọn tệp .db.gz hoặc .dump do gotungnha backup tạo ra.",
    "a voice message": "Chọn tệp .db.gz hoặc .dump do gotungnha backup tạo ra.",
    "from a newer version": "Cập nhật Gõ Từng Nhà lên bản mới rồi khôi phục lại.",
}


def state_of(url: str) -> tuple[str | None, dict[str, list[str]]]:
    """A database's version and every row of each of its tables, read with plain SELECTs
    (not with storage.backup's own counts)."""
    db = make_engine(url, create_folder=False)
    try:
        if url.startswith("sqlite") and not Path(make_url(url).database or "").exists():
            return None, {}
        with db.connect() as connection:
            rows = {
                table: sorted(map(repr, connection.execute(text(f'SELECT * FROM "{table}"'))))
                for table in inspect(db).get_table_names()
            }
        return current_revision(db), rows
    finally:
        db.dispose()


def files_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@pytest.mark.parametrize("case", list(REASONS))
def test_a_bad_backup_is_refused_for_what_it_is_before_the_database_is_looked_at(
    case: str, app: App, roster: Roster, db_url: str, second_db_url: str, tmp_path: Path
):
    roster.joined("Nguyễn Thị Lan").say("vneid 3 @ ngõ 5")
    bad = bad_backup(case, app.db, tmp_path / "bad")
    scratch = tmp_path / "tmp"  # the restore's own temporary files go here
    scratch.mkdir()

    for target in (db_url, second_db_url):  # one holding the demo ward, one empty
        before, files = state_of(target), files_under(tmp_path)
        refused = gotungnha(["restore", str(bad)], target, tmp_path, TMPDIR=str(scratch))
        assert refused.returncode == 1, refused.stdout
        message = " ".join(refused.stderr.split())
        assert message.startswith("Lỗi: "), message
        assert REASONS[case] in message and NEXT_STEP[case] in message, message
        assert str(bad) in message, message
        assert "đã có dữ liệu" not in message and "Traceback" not in message
        assert files_under(tmp_path) == files, "a restore that failed left files behind"
        assert state_of(target) == before
    assert state_of(second_db_url) == (None, {})


def test_an_older_backup_restores_over_a_newer_database_and_is_upgraded_when_the_bot_starts(
    db_url: str, second_db_url: str, tmp_path: Path
):
    old = make_engine(second_db_url)
    command.upgrade(alembic_config(old), "0010")
    backup = back_up(old, tmp_path, label="phuong-nhi-chieu", now=NOW)
    old.dispose()

    # over the database as the code has it: no table of a newer schema may stay beside it
    restored = gotungnha(["restore", str(backup), "--force"], db_url, tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert "Phiên bản: 0010 / " in restored.stdout
    assert "(cũ hơn: bot tự nâng cấp khi chạy, hoặc chạy ngay gotungnha db upgrade)" in (
        restored.stdout
    )
    assert "erasure_log" not in restored.stdout  # a table of 0012
    upgraded = gotungnha(["db", "upgrade"], db_url, tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    db = make_engine(db_url)
    assert current_revision(db) == head_revision(db)
    db.dispose()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_damaged_sqlite_database_is_refused_then_replaced_with_force(
    app: App, roster: Roster, db_url: str, tmp_path: Path
):
    roster.joined("Nguyễn Thị Lan").say("vneid 3")
    backup = back_up(app.db, tmp_path / "ban-sao", label="phuong-nhi-chieu", now=NOW)
    app.db.dispose()
    file = Path(make_url(db_url).database or "")
    for extra in ("-wal", "-shm"):
        Path(f"{file}{extra}").unlink(missing_ok=True)
    damaged = b"\x00" + random.Random(28).randbytes(8191)
    file.write_bytes(damaged)
    files = files_under(tmp_path)

    refused = gotungnha(["restore", str(backup)], db_url, tmp_path)
    assert refused.returncode == 1
    assert "Cơ sở dữ liệu đích bị hỏng, không đọc được. Thêm --force" in refused.stderr
    assert file.read_bytes() == damaged and files_under(tmp_path) == files

    replaced = gotungnha(["restore", str(backup), "--force"], db_url, tmp_path)
    assert replaced.returncode == 0, replaced.stderr
    assert "  support_log: 1" in replaced.stdout
    assert "không đọc được nhật ký xoá dữ liệu" in replaced.stderr  # said, not hidden
    assert files_under(tmp_path) == files  # the new file took the old one's place
    assert len(state_of(db_url)[1]["member"]) == 1
