"""The command line starts without loading what its quick commands do not use: `--help` and
`parse` load no database, spreadsheet, chart, chat platform, web server or speech library
(each command imports those when it runs; bench/cli_startup.py measures the time). Each run
is a fresh process, as a person typing the command gets; nothing here is timed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage.db import BadDatabaseUrl, check_url, database_url

ROOT = Path(__file__).resolve().parents[2]
HEAVY = {
    "PIL",
    "numpy",
    "openpyxl",
    "xlsxwriter",
    "telegram",
    "starlette",
    "uvicorn",
    "httpx",
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "psycopg",
    "apscheduler",
    "av",
    "vietasr",
}
_RUN = """
import json, sys
modules, words = sys.argv[1], sys.argv[2:]
if words == ["import"]:
    import bot.cli.main
else:
    sys.argv = ["gotungnha", *words]
    from bot.cli.main import main
    try:
        main()
    except SystemExit as stop:
        if stop.code:
            raise
with open(modules, "w") as out:
    json.dump(sorted(sys.modules), out)
"""


def _run(tmp_path: Path, *words: str) -> tuple[str, set[str]]:
    """What `gotungnha WORDS` prints, and the libraries it loaded, in a fresh process in an
    empty folder (no config.toml; the defaults, as on a new machine)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOTUNGNHA_")}
    env["PYTHONPATH"] = str(ROOT)
    modules = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(modules), *words],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    loaded = {name.split(".")[0] for name in json.loads(modules.read_text())}
    return done.stdout, loaded & HEAVY


def test_importing_the_command_line_loads_no_heavy_library(tmp_path: Path):
    _printed, heavy = _run(tmp_path, "import")
    assert heavy == set()


@pytest.mark.parametrize("words", [["--help"], ["db", "--help"], ["export", "--help"]], ids=str)
def test_help_loads_no_heavy_library(tmp_path: Path, words: list[str]):
    printed, heavy = _run(tmp_path, *words)
    assert "Cách dùng: gotungnha" in printed
    assert heavy == set()


def test_parse_reads_with_the_default_catalogue_and_loads_no_heavy_library(tmp_path: Path):
    printed, heavy = _run(tmp_path, "parse", "vneid 3 sskdt 2", "--today", "07/12/2026")
    assert printed.splitlines() == [
        "Ngày: 07/12/2026",
        "• Cài đặt VNeID (vneid): 3",
        "• Sổ sức khỏe điện tử (sskdt): 2",
    ]
    assert heavy == set()  # the database URL is checked without SQLAlchemy (a SQLite file)


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///data/gotungnha.db",
        "sqlite+pysqlite:////var/lib/gotungnha/db.sqlite",
        "  sqlite:///data/gõ từng nhà.db  ",
        "sqlite:///",
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite:///data.db?mode=ro",
        "sqlite+aiosqlite:///data.db",
        "sqlite://host/data.db",
        "postgresql://u:p@db:5432/gotungnha",
        "postgres://db/gotungnha",
        "postgresql+asyncpg://db/gotungnha",
        "mysql:///gotungnha",
        "not a url",
        "",
    ],
)
def test_a_database_url_is_checked_as_sqlalchemy_reads_it(url: str):
    def refused(check) -> str | None:  # type: ignore[no-untyped-def]
        try:
            check(url)
        except BadDatabaseUrl as exc:
            return str(exc)
        return None

    assert refused(check_url) == refused(database_url)
