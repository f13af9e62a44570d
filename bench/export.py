"""The report workbook from a million logs, against bare writers writing the same rows.

Usage: .venv/bin/python -m bench.export [--rows 1000000] [--quarter-rows 10000]

Each writer runs in its own process on the same SQLite database, so each one's peak memory
is its own. Baselines in the same run: the Chi tiết rows alone written with bare openpyxl
write-only (lxml installed) and with xlsxwriter constant_memory, and as csv. Targets: our
workbook ≤ 1.1× the faster Excel baseline's time, peak RSS ≤ 200 MB. Also: a 10,000-log
ward quarter through /xuat, end to end, under 2 s.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.common import report, timed

YEAR_START = date(2026, 1, 1)


def build_database(path: Path, rows: int, *, days: int = 330, seed: int = 1) -> str:
    """The demo ward plus `rows` logs spread over `days`, inserted in bulk."""
    from bot.app import build_app
    from bot.config import Config, DatabaseConfig
    from handlers.demo import load_demo

    url = f"sqlite:///{path}"
    app = build_app(replace(Config(), database=DatabaseConfig(url=url)))
    with app.uow() as uow:
        load_demo(
            uow, now=datetime(2026, 12, 31, 3, tzinfo=UTC), zone=app.config.zone, invite_days=30
        )
        uow.commit()
    app.db.dispose()
    import sqlite3

    rng = random.Random(seed)
    db = sqlite3.connect(path)
    members = db.execute("select id, team_id from member").fetchall()
    services = [r[0] for r in db.execute("select id from service where active")]
    start = db.execute("select coalesce(max(id), 0) from support_log").fetchone()[0] + 1
    created = "2026-12-31 00:00:00.000000"
    for first in range(start, start + rows, 50_000):
        logs, items = [], []
        for log_id in range(first, min(first + 50_000, start + rows)):
            member, team = rng.choice(members)
            day = (YEAR_START + timedelta(days=rng.randrange(days))).isoformat()
            logs.append(
                (
                    log_id,
                    member,
                    team,
                    day,
                    rng.randrange(1, 6),
                    rng.choice((None, 2)),
                    rng.choice((None, "ngõ 45 Trần Nguyên Hãn", "nhà văn hoá tổ 3")),
                    None,
                    created,
                )
            )
            for service in rng.sample(services, rng.choice((1, 1, 2, 3))):
                items.append((log_id, service, rng.randrange(1, 6)))
        db.executemany(
            "insert into support_log (id, member_id, team_id, day, people, households, place,"
            " note, created_at) values (?,?,?,?,?,?,?,?,?)",
            logs,
        )
        db.executemany(
            "insert into support_log_item (log_id, service_id, count) values (?,?,?)", items
        )
        db.commit()
    db.close()
    return url


def child(mode: str, url: str, out: str) -> None:
    """Write one way, then print seconds and this process's peak memory."""
    from bench import writers
    from bench.common import peak_rss_mb

    seconds, rows = timed(lambda: writers.WRITERS[mode](url, Path(out)))
    print(
        json.dumps(
            {"seconds": round(seconds, 2), "rows": rows, "peak_rss_mb": round(peak_rss_mb(), 1)}
        )
    )


def run_child(mode: str, url: str, folder: Path) -> dict[str, float]:
    out = folder / f"{mode}.{'csv' if mode == 'csv' else 'xlsx'}"
    done = subprocess.run(
        [sys.executable, "-m", "bench.export", "--child", mode, "--url", url, "--out", str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def quarter_from_chat(rows: int, folder: Path) -> dict[str, float]:
    """A ward quarter of `rows` logs through /xuat as the officer: seconds end to end."""
    from bot.app import build_app
    from bot.channels.console import ConsoleChat
    from bot.config import BotConfig, Config, DatabaseConfig

    path = folder / "quarter.db"
    url = build_database(path, rows, days=90)
    config = replace(
        Config(),
        database=DatabaseConfig(url=url),
        bot=replace(BotConfig(), exports_dir=str(folder / "exports")),
    )
    app = build_app(config, clock=lambda: datetime(2026, 3, 31, 3, tzinfo=UTC))
    chat = ConsoleChat(app.engine, user_id="canbo")
    seconds, answer = timed(lambda: chat.say("/xuat 01/01/2026-31/03/2026"))
    assert "Tệp" in answer, answer
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "target_seconds": 2.0,
        "meets_target": seconds < 2.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quarter-rows", type=int, default=10_000)
    parser.add_argument("--child")
    parser.add_argument("--url")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.url, args.out)
        return
    with tempfile.TemporaryDirectory(prefix="gotungnha-bench-") as tmp:
        folder = Path(tmp)
        url = build_database(folder / "year.db", args.rows)
        results = {
            mode: run_child(mode, url, folder) for mode in ("ours", "openpyxl", "xlsxwriter", "csv")
        }
        fastest = min(results["openpyxl"]["seconds"], results["xlsxwriter"]["seconds"])
        ours = results["ours"]
        quarter = quarter_from_chat(args.quarter_rows, folder)
    report(
        "export",
        {
            "rows": args.rows,
            "writers": results,
            "ratio_to_faster_baseline": round(ours["seconds"] / fastest, 3),
            "target_ratio": 1.1,
            "target_peak_rss_mb": 200,
            "meets_target": ours["seconds"] <= 1.1 * fastest and ours["peak_rss_mb"] <= 200,
            "quarter_from_chat": quarter,
        },
    )


if __name__ == "__main__":
    main()
