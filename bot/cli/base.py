"""What every `gotungnha` command shares: the command groups, consoles and error handling.

Importing the command line loads typer, rich and light modules of ours: each command
imports what it uses when it runs (the database, Excel, the chat platforms, the speech
engine), so `gotungnha --help` and `gotungnha parse` start fast (bench/cli_startup.py). A
type named in a command's parameters is read when the command is registered: keep those
light.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import tomllib
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from bot.app import configure_logging
from bot.cli.vi import Cli
from bot.config import DEFAULT_PATH, ENV_PREFIX, Config, ConfigError, load_config
from handlers.parsing.dates import parse_full_date
from handlers.parsing.normalize import fold

if TYPE_CHECKING:
    from sqlmodel import Session

    from bot.app import App
    from handlers.catalogue import Catalogue
    from handlers.parsing.quick_entry import ParseResult
    from storage.models import Team, Ward

cli = Cli(
    help="Gõ Từng Nhà: trợ lý ghi kết quả Tổ công nghệ số cộng đồng.",
    no_args_is_help=True,
    add_completion=False,
)
db_cli = Cli(help="Cơ sở dữ liệu: nâng cấp, xem phiên bản.", no_args_is_help=True)
roster_cli = Cli(help="Danh sách thành viên.", no_args_is_help=True)
zalo_cli = Cli(help="Các bot Zalo: webhook, mức dùng.", no_args_is_help=True)
schedule_cli = Cli(help="Lịch nhắc hạn báo cáo và tổng kết tuần.", no_args_is_help=True)
deadline_cli = Cli(help="Hạn báo cáo của phường.", no_args_is_help=True)
target_cli = Cli(help="Chỉ tiêu của các tổ.", no_args_is_help=True)
cli.add_typer(target_cli, name="target")
cli.add_typer(schedule_cli, name="schedule")
cli.add_typer(deadline_cli, name="deadline")
cli.add_typer(db_cli, name="db")
cli.add_typer(roster_cli, name="roster")
cli.add_typer(zalo_cli, name="zalo")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="Tệp cấu hình (mặc định ./config.toml).")
]
_typed_first: dict[str, Path | None] = {"config": None}  # `gotungnha --config F <command>`
T = TypeVar("T")
OS_ERRORS = {
    errno.ENOENT: "không có thư mục chứa nó",
    errno.EACCES: "không có quyền",
    errno.EPERM: "không có quyền",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
}


@cli.callback()
def _before_any_command(config: ConfigOption = None) -> None:
    """Gõ Từng Nhà: trợ lý ghi kết quả Tổ công nghệ số cộng đồng."""
    # `--config` typed before the command name counts for it, unless the command has its own
    _typed_first["config"] = config


def _fail(message: str) -> None:
    err.print(f"[red]Lỗi:[/] {escape(message)}")
    raise typer.Exit(1)


def _config(path: Path | None, *, serving: bool = False) -> Config:
    """The configuration, or one clear line; the log shows warnings only, unless the command
    is `serving` (its log is the record of its work) or `[log] level` asks for more."""
    path = path if path is not None else _typed_first["config"]
    try:
        config = load_config(path)
    except ConfigError as exc:
        _fail(str(exc))
    tokens = (config.telegram.token, config.zalo.token, *(b.token for b in config.zalo.bots))
    level = config.log.level.upper()
    if not serving and not _log_level_set(path):
        level = logging.getLevelName(max(logging.WARNING, logging.getLevelName(level)))
    configure_logging(level, secrets=tokens)
    return config


def _log_level_set(path: Path | None) -> bool:
    """Whether `[log] level` is set in the file or the environment (not left at its default)."""
    if f"{ENV_PREFIX}LOG_LEVEL" in os.environ:
        return True
    path = path or (DEFAULT_PATH if DEFAULT_PATH.is_file() else None)
    if path is None:
        return False
    raw = tomllib.loads(path.read_text(encoding="utf-8"))  # load_config has read it already
    return "level" in raw.get("log", {})


def _guard(config: Config, work: Callable[[], T]) -> T:
    """Turn the errors an admin can cause into one clear line."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    from bot.app import DatabaseNotReady
    from handlers.errors import NotEmpty, RosterError

    try:
        return work()
    except (DatabaseNotReady, RosterError, NotEmpty) as exc:
        _fail(str(exc))
    except OperationalError as exc:
        url = make_url(config.database.url).render_as_string(hide_password=True)
        _fail(f"Không mở được cơ sở dữ liệu {url}: {exc.orig or exc}")
    except OSError as exc:  # a folder that cannot be made, a file that cannot be written
        why = OS_ERRORS.get(exc.errno or 0, exc.strerror or str(exc))
        _fail(f"Không tạo hoặc ghi được {exc.filename or 'tệp'}: {why}.")
    raise AssertionError("unreachable")


def _app(config: Config) -> App:
    from bot.app import build_app

    return _guard(config, lambda: build_app(config))


def _day(text: str, option: str) -> date:
    """The day a date option names: dd/mm/yyyy, as in the ward's papers, or YYYY-MM-DD."""
    day = parse_full_date(text)
    if day is None:
        _fail(f"{option} cần dạng dd/mm/yyyy hoặc YYYY-MM-DD, không phải “{text}”.")
        raise AssertionError("unreachable")
    return day


def _today(cfg: Config, today: str | None) -> date:
    """The day `--today` names, or today in the configured time zone."""
    return _day(today, "--today") if today else datetime.now(cfg.zone).date()


def _team(session: Session, ward: Ward, name: str) -> Team:
    """The ward's team named by --team: typed loosely ("tdp 1" is "Tổ CNSCĐ TDP 1") as long
    as one team fits; otherwise fails, naming the teams to choose from."""
    from storage import queries

    assert ward.id is not None
    teams = queries.teams_of_ward(session, ward.id)
    wanted = _words(name)
    named = [(team, _words(team.name)) for team in teams]
    for fits in (
        lambda words: words == wanted,
        lambda words: words[len(words) - len(wanted) :] == wanted,
        lambda words: any(
            words[i : i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1)
        ),
    ):
        found = [team for team, words in named if wanted and fits(words)]
        if len(found) == 1:
            return found[0]
        if found:
            listed = "; ".join(team.name for team in found)
            _fail(f"“{name}” khớp với {len(found)} tổ: {listed}. Gõ rõ tên một tổ.")
    listed = "; ".join(team.name for team in teams) or "chưa có tổ nào"
    _fail(f"Không có tổ “{name}” trong {ward.name}. Các tổ: {listed}.")
    raise AssertionError("unreachable")


def _words(text: str) -> list[str]:
    """A name's words, folded: lowercase, without diacritics."""
    return re.findall(r"[a-z0-9]+", fold(text))


def _ward(session: Session, name: str | None, *, now: datetime) -> Ward:
    """The ward named by --ward (an unknown name fails), or the only ward."""
    from handlers.admin import find_or_create_ward
    from storage import queries

    if name:
        found = queries.ward_by_name(session, name)
        if found is None:
            _fail(f"Không có phường “{name}”.")
            raise AssertionError("unreachable")
        return found
    return find_or_create_ward(session, None, now=now)


def show_reading(result: ParseResult, catalogue: Catalogue) -> None:
    """What the parser read in a message: the day, each service, and what it asks about."""
    out.print(f"Ngày: {result.date:%d/%m/%Y}")
    for code, count in result.items.items():
        out.print(f"• {catalogue.name(code)} ({code}): {count}")
    for label, value in (
        ("Số hộ", result.households),
        ("Số người", result.people),
        ("Địa điểm", result.location),
        ("Ghi chú", result.note),
    ):
        if value is not None:
            out.print(f"{label}: {escape(str(value))}")
    for problem in result.problems:
        out.print(f"[yellow]! {escape(problem.message)}[/]")
    for n, other in enumerate(result.alternatives, start=2):
        items = ", ".join(f"{code} {count}" for code, count in other.items.items())
        place = f" @ {escape(other.location)}" if other.location else ""
        out.print(f"[yellow]  Cách {n}: {items}{place}[/]")
