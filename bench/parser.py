"""Parser speed on one core and its accuracy on the project's table of real messages.

Usage: .venv/bin/python -m bench.parser [--seconds 3]

Speed: the table's messages parsed over and over for a few seconds (messages per second,
target ≥ 20,000/s). Baseline in the same run: `str.split` + a dict lookup per word, the
least any parser must do, so the ratio says how much of the time is real reading.
Earlier parser: the same messages parsed by the parser as it was at `--against` (default
the commit before the reading contract), unpacked from git into a temporary folder; each
parser runs in its own process, in turns, and the best of each is kept, so the ratio
compares like with like on a noisy machine.
Accuracy: the share of table rows whose services, counts, people, households and day come
out as the table expects, over both tables: the quick-entry table and the table of everyday
and spoken forms (number words, days of the week, level 2 as people say it, near misses).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from bench.common import report
from handlers.catalogue import DEFAULT_CATALOGUE
from handlers.parsing.quick_entry import parse_quick_entry
from tests.unit.test_everyday_forms_table import ROWS as EVERYDAY_ROWS
from tests.unit.test_quick_entry_table import ROWS as QUICK_ROWS
from tests.unit.test_quick_entry_table import _field_matches

FIELDS = ("items", "people", "households", "date", "location", "note")
EARLIER = "048a318"  # the parser before the reading contract (never wrong in silence)
ROOT = Path(__file__).resolve().parent.parent
_RATE = """
import json, sys, time
from datetime import date
from handlers.parsing.quick_entry import parse_quick_entry
messages, seconds = json.load(open(sys.argv[1])), float(sys.argv[2])
today, done, start = date(2026, 11, 23), 0, time.perf_counter()
while time.perf_counter() - start < seconds:
    for message in messages:
        parse_quick_entry(message, today=today)
    done += len(messages)
print(done / (time.perf_counter() - start))
"""
ROWS = [*QUICK_ROWS, *EVERYDAY_ROWS]


def accuracy(rows: Sequence[Any] = ROWS) -> tuple[int, int]:
    """(rows read right, rows) over a table."""
    right = 0
    for row in rows:
        message, today, expected, _problems = row.values
        got = parse_quick_entry(message, today=today).as_dict()
        right += all(_field_matches(expected[f], got[f]) for f in FIELDS)
    return right, len(rows)


def rate(work, messages: list[str], seconds: float) -> float:  # type: ignore[no-untyped-def]
    """Messages handled per second, over about `seconds`."""
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for message in messages:
            work(message)
        done += len(messages)
    return done / (time.perf_counter() - start)


def _rate_in(tree: Path, messages_file: Path, seconds: float) -> float:
    """Messages a second parsed by the parser in `tree`, in a process of its own."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, "-c", _RATE, str(messages_file), str(seconds)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip())


def _unpack(rev: str, into: Path) -> bool:
    """The project's code at `rev`, from git; False when git or the commit is not there."""
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", rev, "handlers", "storage"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    except (OSError, subprocess.CalledProcessError):
        return False
    return True


def against_earlier(messages: list[str], seconds: float, rev: str) -> dict[str, Any]:
    """This parser and the one at `rev` on the same messages, in turns, best of three each."""
    with tempfile.TemporaryDirectory() as tmp:
        earlier = Path(tmp) / "earlier"
        earlier.mkdir()
        if not _unpack(rev, earlier):
            return {"earlier": rev, "earlier_per_second": None}
        messages_file = Path(tmp) / "messages.json"
        messages_file.write_text(json.dumps(messages, ensure_ascii=False), encoding="utf-8")
        now_rates, earlier_rates = [], []
        for _ in range(3):
            now_rates.append(_rate_in(ROOT, messages_file, seconds))
            earlier_rates.append(_rate_in(earlier, messages_file, seconds))
    now, before = max(now_rates), max(earlier_rates)
    return {
        "earlier": rev,
        "now_per_second_own_process": round(now),
        "earlier_per_second": round(before),
        "ratio_to_earlier": round(now / before, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--against", default=EARLIER, help="the earlier parser's git commit")
    args = parser.parse_args()
    messages = [row.values[0] for row in ROWS]
    today = date(2026, 11, 23)
    words = {alias for spec in DEFAULT_CATALOGUE.services for alias in spec.aliases}

    def bare(message: str) -> int:
        return sum(1 for word in message.lower().split() if word in words)

    parsed = rate(lambda m: parse_quick_entry(m, today=today), messages, args.seconds)
    baseline = rate(bare, messages, args.seconds)
    earlier = against_earlier(messages, args.seconds, args.against)
    right, rows = accuracy()
    quick_right, quick_rows = accuracy(QUICK_ROWS)
    everyday_right, everyday_rows = accuracy(EVERYDAY_ROWS)
    report(
        "parser",
        {
            "messages_per_second": round(parsed),
            "baseline_split_lookup_per_second": round(baseline),
            "ratio_to_baseline": round(parsed / baseline, 4),
            "target_per_second": 20000,
            "meets_target": parsed >= 20000,
            **earlier,
            "table_rows": rows,
            "table_rows_right": right,
            "accuracy": round(right / rows, 4),
            "quick_entry_rows_right": f"{quick_right}/{quick_rows}",
            "everyday_forms_rows_right": f"{everyday_right}/{everyday_rows}",
        },
    )


if __name__ == "__main__":
    main()
