"""How fast the command line starts: `gotungnha --help`, `parse` and `db status`.

Usage: .venv/bin/python -m bench.cli_startup [--runs 7] [--against REV]

Each command runs `--runs` times in a process of its own (as a person types it: the
`gotungnha` console script of this virtualenv), in turns with the baselines so that the
machine's load falls on all of them alike, after one warm-up run each; the medians are
reported, hyperfine-style. `db status` reads a fresh SQLite database in a temporary folder
(made by `db upgrade` first), given by GOTUNGNHA_DATABASE_URL; no config.toml is read.

Baselines in the same run: `python -c pass` (the interpreter alone) and a bare typer app with
the same commands and groups as ours, each doing nothing (`--help` on it), the least a typer
command line can cost. `--against REV` also runs the project as it was at a git commit
(unpacked from git into a temporary folder, put first on PYTHONPATH), in the same turns.
Also reported: which heavy libraries each command imports (from `-X importtime`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

from bench.common import report

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "gotungnha"
HEAVY = (
    "PIL",
    "openpyxl",
    "xlsxwriter",
    "telegram",
    "starlette",
    "uvicorn",
    "httpx",
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "apscheduler",
    "av",
    "numpy",
    "onnxruntime",
    "pydantic",
)
COMMANDS = {
    "help": ["--help"],
    "parse": ["parse", "vneid 3 sskdt 2"],
    "db_status": ["db", "status"],
}
_SHAPE = """
import json, typer
from bot.cli.main import cli
def shape(group):
    return {name: shape(sub) if hasattr(sub, "commands") else None
            for name, sub in sorted(group.commands.items())}
print(json.dumps(shape(typer.main.get_command(cli))))
"""


def bare_app(shape: dict[str, Any]) -> str:
    """A typer app with the same commands and groups as `shape`, each doing nothing."""
    lines = ["import typer", "", "app = typer.Typer(add_completion=False)"]

    def add(parent: str, tree: dict[str, Any], prefix: str) -> None:
        for n, (name, sub) in enumerate(tree.items()):
            ident = f"{prefix}_{n}"
            if sub is None:
                lines.append(f"@{parent}.command({name!r})")
                lines.append(f"def {ident}() -> None:\n    '''Does nothing.'''")
            else:
                lines.append(f"{ident} = typer.Typer(no_args_is_help=True)")
                lines.append(f"{parent}.add_typer({ident}, name={name!r}, help='A group.')")
                add(ident, sub, ident)

    add("app", shape, "c")
    lines.append("app()")
    return "\n".join(lines) + "\n"


def seconds(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    """Wall seconds one run takes; it must succeed."""
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def heavy_imports(argv: list[str], env: dict[str, str], cwd: Path) -> list[str]:
    """The heavy libraries a run of a Python script imports, from `-X importtime`."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    found = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip().split(".")[0]
            if name in HEAVY:
                found.add(name)
    return sorted(found)


def _unpack(rev: str, into: Path) -> bool:
    """The project's code at `rev`, from git; False when git or the commit is not there."""
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    except (OSError, subprocess.CalledProcessError):
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--against", default=None, help="also run the code at this git commit")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOTUNGNHA_")}
        env["GOTUNGNHA_DATABASE_URL"] = f"sqlite:///{work / 'bench.db'}"
        env.pop("PYTHONPATH", None)
        trees: dict[str, dict[str, str]] = {"now": env}
        if args.against:
            earlier = work / "earlier"
            earlier.mkdir()
            if _unpack(args.against, earlier):
                trees["earlier"] = {**env, "PYTHONPATH": str(earlier)}
        script = [str(SCRIPT)]
        upgrade = [*script, "db", "upgrade"]
        subprocess.run(upgrade, env=env, cwd=work, check=True, stdout=subprocess.DEVNULL)
        shape = json.loads(
            subprocess.run(
                [sys.executable, "-c", _SHAPE], env=env, cwd=work, capture_output=True, check=True
            ).stdout
        )
        (work / "bare.py").write_text(bare_app(shape), encoding="utf-8")
        runs: dict[str, tuple[list[str], dict[str, str]]] = {
            "python_c_pass": ([sys.executable, "-c", "pass"], env),
            "bare_typer_help": ([sys.executable, str(work / "bare.py"), "--help"], env),
        }
        for tree, tree_env in trees.items():
            for name, words in COMMANDS.items():
                key = name if tree == "now" else f"{tree}_{name}"
                runs[key] = ([*script, *words], tree_env)
        times: dict[str, list[float]] = {key: [] for key in runs}
        for argv, run_env in runs.values():  # warm-up: files into the page cache
            seconds(argv, run_env, work)
        for _ in range(args.runs):
            for key, (argv, run_env) in runs.items():
                times[key].append(seconds(argv, run_env, work))
        heavy = {
            key: heavy_imports(argv, run_env, work)
            for key, (argv, run_env) in runs.items()
            if argv[0] == str(SCRIPT)
        }
    medians = {key: median(values) for key, values in times.items()}
    bare = medians["bare_typer_help"]
    result: dict[str, Any] = {
        "runs": args.runs,
        "commands": sum(1 for _ in _leaves(shape)),
        "median_seconds": {key: round(value, 3) for key, value in medians.items()},
        "min_seconds": {key: round(min(values), 3) for key, values in times.items()},
        "ratio_to_bare_typer_help": {
            key: round(value / bare, 2) for key, value in medians.items() if key in heavy
        },
        "heavy_imports": heavy,
        "target_help_and_parse_seconds": 0.5,
        "meets_target": medians["help"] < 0.5 and medians["parse"] < 0.5,
    }
    if args.against:
        result["earlier"] = args.against if "earlier" in trees else None
        for name in COMMANDS:
            if f"earlier_{name}" in medians:
                ratio = medians[f"earlier_{name}"] / medians[name]
                result.setdefault("speedup_over_earlier", {})[name] = round(ratio, 2)
    report("cli_startup", result)


def _leaves(tree: dict[str, Any]) -> Any:
    for name, sub in tree.items():
        if sub is None:
            yield name
        else:
            yield from _leaves(sub)


if __name__ == "__main__":
    main()
