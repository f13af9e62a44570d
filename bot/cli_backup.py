"""`gotungnha backup` and `gotungnha restore`: the ward's data, copied and brought back."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from sqlmodel import Session, select

from bot.app import system_clock
from bot.cli_base import ConfigOption, _config, _fail, _guard, cli, out
from schedules.backups import backup_label
from storage.backup import POSTGRES_SUFFIX, SQLITE_SUFFIX, BackupError, back_up, restore
from storage.db import make_engine, sqlite_file
from storage.migrate import current_revision, head_revision
from storage.models import Ward


@cli.command("backup")
def backup_command(
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help=(
                "Tệp sao lưu (thêm đuôi .db.gz hoặc .dump nếu thiếu; mặc định: thư mục "
                "[backup] dir, tên có phường và giờ)."
            ),
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Sao lưu cơ sở dữ liệu (được cả khi bot đang chạy)."""
    cfg = _config(config)
    file = sqlite_file(cfg.database.url)
    if file is not None and not file.is_file():
        _fail(f"Chưa có cơ sở dữ liệu {file} để sao lưu.")

    def work() -> Path:
        db = make_engine(cfg.database.url, create_folder=False)
        with Session(db) as session:
            wards = [w.name for w in session.exec(select(Ward))]
        now = system_clock().astimezone(cfg.zone)
        made = back_up(db, Path(cfg.backup.dir), label=backup_label(wards), now=now)
        if out_file is None:
            return made
        # the kind stays in the name: restore reads a backup by it
        suffix = SQLITE_SUFFIX if made.name.endswith(SQLITE_SUFFIX) else POSTGRES_SUFFIX
        target = out_file if out_file.name.endswith(suffix) else Path(f"{out_file}{suffix}")
        target.parent.mkdir(parents=True, exist_ok=True)
        return Path(shutil.move(made, target))

    try:
        path = _guard(cfg, work)
    except BackupError as exc:
        _fail(str(exc))
    size = path.stat().st_size
    out.print(f"Đã sao lưu vào {escape(str(path))} ({size / 1024:.0f} kB).")


@cli.command("restore")
def restore_command(
    file: Annotated[Path, typer.Argument(help="Tệp do gotungnha backup tạo ra.")],
    force: Annotated[
        bool, typer.Option("--force", help="Ghi đè cả khi cơ sở dữ liệu đích đã có dữ liệu.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Khôi phục một bản sao lưu vào cơ sở dữ liệu đang cấu hình (phải trống, trừ khi --force)."""
    cfg = _config(config)

    def work() -> dict[str, int]:
        db = make_engine(cfg.database.url)
        counts = restore(db, file, force=force)
        now, head = current_revision(db), head_revision(db)
        state = "mới nhất" if now == head else "cần nâng cấp: gotungnha db upgrade"
        out.print(f"Đã khôi phục {escape(str(file))}. Phiên bản: {now} / {head} ({state}).")
        return counts

    try:
        counts = _guard(cfg, work)
    except BackupError as exc:
        _fail(str(exc))
    for table, n in counts.items():
        out.print(f"  {table}: {n}")
