"""What every `gotungnha` command shares: the command groups, consoles and error handling."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from bot.app import App, DatabaseNotReady, build_app, configure_logging
from bot.config import Config, ConfigError, load_config
from handlers.admin import RosterError, find_or_create_ward
from handlers.demo import NotEmpty
from storage import queries
from storage.models import Ward

cli = typer.Typer(
    help="Gõ Từng Nhà: trợ lý ghi kết quả Tổ công nghệ số cộng đồng.",
    no_args_is_help=True,
    add_completion=False,
)
db_cli = typer.Typer(help="Cơ sở dữ liệu.", no_args_is_help=True)
roster_cli = typer.Typer(help="Danh sách thành viên.", no_args_is_help=True)
zalo_cli = typer.Typer(help="Các bot Zalo: webhook, mức dùng.", no_args_is_help=True)
schedule_cli = typer.Typer(help="Lịch nhắc hạn báo cáo và tổng kết tuần.", no_args_is_help=True)
deadline_cli = typer.Typer(help="Hạn báo cáo của phường.", no_args_is_help=True)
target_cli = typer.Typer(help="Chỉ tiêu của các tổ.", no_args_is_help=True)
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
T = TypeVar("T")


def _fail(message: str) -> None:
    err.print(f"[red]Lỗi:[/] {escape(message)}")
    raise typer.Exit(1)


def _config(path: Path | None) -> Config:
    try:
        config = load_config(path)
    except ConfigError as exc:
        _fail(str(exc))
    tokens = (config.telegram.token, config.zalo.token, *(b.token for b in config.zalo.bots))
    configure_logging(config.log.level, secrets=tokens)
    return config


def _guard(config: Config, work: Callable[[], T]) -> T:
    """Turn the errors an admin can cause into one clear line."""
    try:
        return work()
    except (DatabaseNotReady, RosterError, NotEmpty) as exc:
        _fail(str(exc))
    except OperationalError as exc:
        url = make_url(config.database.url).render_as_string(hide_password=True)
        _fail(f"Không mở được cơ sở dữ liệu {url}: {exc.orig or exc}")
    raise AssertionError("unreachable")


def _app(config: Config) -> App:
    return _guard(config, lambda: build_app(config))


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(f"{option} cần dạng YYYY-MM-DD, không phải “{text}”.")
    raise AssertionError("unreachable")


def _ward(session: Session, name: str | None, *, now: datetime) -> Ward:
    """The ward named by --ward (an unknown name fails), or the only ward."""
    if name:
        found = queries.ward_by_name(session, name)
        if found is None:
            _fail(f"Không có phường “{name}”.")
            raise AssertionError("unreachable")
        return found
    return find_or_create_ward(session, None, now=now)
