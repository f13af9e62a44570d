"""`gotungnha backup` then `gotungnha restore` as an operator runs them, on SQLite and
PostgreSQL: the file named with the ward and time, restored into an empty database with
its version and rows shown; an occupied database refused in one Vietnamese line."""

from __future__ import annotations

from pathlib import Path

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
