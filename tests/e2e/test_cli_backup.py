"""`gotungnha backup` then `gotungnha restore` as an operator runs them, on SQLite and
PostgreSQL: the file named with the ward and time, restored into an empty database with
its version and rows shown; an occupied database refused in one Vietnamese line."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from tests.conftest import PG_SERVER
from tests.e2e.test_cli_roster import gotungnha


@pytest.fixture
def second_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'khoi-phuc' / 'gotungnha.db'}"
        return
    server = make_url(PG_SERVER)
    name = f"gotungnha_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_backup_then_restore_into_an_empty_database(db_url: str, second_url: str, tmp_path: Path):
    assert gotungnha(["demo"], db_url, tmp_path).returncode == 0
    made = gotungnha(["backup"], db_url, tmp_path)
    assert made.returncode == 0, made.stderr
    assert "Đã sao lưu vào data/backups/gotungnha-phuong-nhi-chieu-thu-nghiem-" in made.stdout
    [backup] = (tmp_path / "data" / "backups").iterdir()

    restored = gotungnha(["restore", str(backup)], second_url, tmp_path)
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

    again = gotungnha(["restore", str(backup)], second_url, tmp_path)
    assert again.returncode == 1
    assert "đã có dữ liệu" in again.stderr and "--force" in again.stderr
    assert "Traceback" not in again.stderr
