"""`gotungnha backup` and `gotungnha restore`: the ward's data, copied and brought back."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from bot.cli.base import ConfigOption, _config, _fail, _guard, cli, err, out

if TYPE_CHECKING:
    from storage.backup import Restored


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
    from sqlmodel import Session, select

    from bot.app import system_clock
    from schedules.backups import backup_label
    from storage.backup import POSTGRES_SUFFIX, SQLITE_SUFFIX, BackupError, back_up
    from storage.db import make_engine, sqlite_file
    from storage.models import Ward

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
        # the kind stays in the name, for the operator (restore reads it from the content)
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
        bool,
        typer.Option(
            "--force",
            help="Ghi đè cả khi cơ sở dữ liệu đích đã có dữ liệu (hoặc là tệp SQLite bị hỏng).",
        ),
    ] = False,
    erasures_from: Annotated[
        str | None,
        typer.Option(
            "--erasures-from",
            envvar="GOTUNGNHA_ERASURES_FROM",
            help=(
                "Địa chỉ cơ sở dữ liệu cũ (khi khôi phục vào một cơ sở dữ liệu mới): các lần "
                "xoá dữ liệu ghi ở đó sau bản sao lưu được làm lại."
            ),
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Khôi phục một bản sao lưu vào cơ sở dữ liệu đang cấu hình (phải trống, trừ khi --force);
    các lần xoá dữ liệu sau bản sao lưu được làm lại."""
    from storage.backup import BackupError, restore
    from storage.db import BadDatabaseUrl, make_engine, sqlite_file
    from storage.migrate import current_revision, head_revision

    cfg = _config(config)
    try:
        old = sqlite_file(erasures_from) if erasures_from else None
    except BadDatabaseUrl:
        _fail("--erasures-from không phải địa chỉ cơ sở dữ liệu SQLite hay PostgreSQL.")
    if old is not None and not old.is_file():
        _fail(f"Không thấy cơ sở dữ liệu cũ {old}.")

    def work() -> Restored:
        # a SQLite file is made only once the backup is known good (restore removes it if
        # the restore fails)
        db = make_engine(cfg.database.url, create_folder=False)
        sources = [make_engine(erasures_from, create_folder=False)] if erasures_from else []
        try:
            done = restore(db, file, secret=cfg.privacy_key, force=force, erasures_from=sources)
        finally:
            for source in sources:
                source.dispose()
        now, head = current_revision(db), head_revision(db)
        if now == head:
            state = "mới nhất"
        elif cfg.database.auto_upgrade:
            state = "cũ hơn: bot tự nâng cấp khi chạy, hoặc chạy ngay gotungnha db upgrade"
        else:
            state = "cần nâng cấp: gotungnha db upgrade"
        out.print(f"Đã khôi phục {escape(str(file))}. Phiên bản: {now} / {head} ({state}).")
        if done.upgraded:
            out.print("Đã nâng cấp cơ sở dữ liệu lên phiên bản mới nhất để làm lại các lần xoá.")
        out.print(f"Làm lại {done.erasures_redone} lần xoá dữ liệu (sau bản sao lưu).")
        for url in done.unread_logs:
            err.print(
                f"[yellow]Cảnh báo:[/] không đọc được nhật ký xoá dữ liệu của {escape(url)}: "
                "các lần xoá sau bản sao lưu ghi ở đó chưa được làm lại."
            )
        return done

    try:
        done = _guard(cfg, work)
    except BackupError as exc:
        _fail(str(exc))
    for table, n in done.tables.items():
        out.print(f"  {table}: {n}")
