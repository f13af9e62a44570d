"""`gotungnha unit add|list` and `gotungnha export models`: units and their models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from bot.cli.base import ConfigOption, _app, _config, _fail, _guard, _ward, cli, out
from bot.cli.reports import export_cli
from bot.cli.vi import Cli

unit_cli = Cli(help="Đơn vị đăng ký mô hình (trường học, cơ quan…).", no_args_is_help=True)
cli.add_typer(unit_cli, name="unit")
WardOption = Annotated[str | None, typer.Option(help="Tên phường (cần khi có nhiều phường).")]


@unit_cli.command("add")
def unit_add(
    name: Annotated[str, typer.Option(help='Tên đơn vị, ví dụ "Trường THCS Chu Văn An".')],
    rep: Annotated[str, typer.Option(help="Họ và tên người đại diện.")],
    kind: Annotated[
        str,
        typer.Option(
            help="school (trường học), office (cơ quan), team (tổ, nhóm) hoặc other (khác)."
        ),
    ] = "school",
    phone: Annotated[str | None, typer.Option(help="Số điện thoại người đại diện.")] = None,
    ward: WardOption = None,
    config: ConfigOption = None,
) -> None:
    """Thêm một đơn vị và người đại diện; in mã mời của người đại diện."""
    from handlers.admin import add_unit

    cfg = _config(config)
    app = _app(cfg)

    def work() -> str:
        with app.uow() as uow:
            unit, member, invite = add_unit(
                uow,
                name=name,
                kind=kind,
                representative=rep,
                phone=phone,
                ward=ward,
                now=app.clock(),
                invite_days=cfg.bot.invite_days,
            )
            uow.commit()
            return (
                f"Đã thêm {unit.name}, người đại diện {member.name}. "
                f"Mã mời: {invite.code} (dùng một lần, gõ /thamgia {invite.code})."
            )

    out.print(escape(_guard(cfg, work)))


@unit_cli.command("list")
def unit_list(ward: WardOption = None, config: ConfigOption = None) -> None:
    """Các đơn vị của phường: người đại diện, đã tham gia chưa, số mô hình đã đăng ký."""
    from storage import units

    cfg = _config(config)
    app = _app(cfg)

    def work() -> list[str]:
        with app.uow(read_only=True) as uow:
            found = _ward(uow.session, ward, now=app.clock())
            assert found.id is not None
            return [
                f"{row.unit.name}: {row.representative.name if row.representative else '—'}, "
                f"{'đã tham gia' if row.joined else 'chưa tham gia'}, {row.models} mô hình"
                for row in units.units_of_ward(uow.session, found.id)
            ]

    lines = _guard(cfg, work)
    if not lines:
        out.print("Chưa có đơn vị nào. Thêm bằng: gotungnha unit add --name … --rep …")
    for line in lines:
        out.print(escape(line))


@export_cli.command("models")
def export_models(
    out_file: Annotated[Path, typer.Option("--out", help="Tệp .xlsx sẽ ghi ra.")],
    ward: WardOption = None,
    config: ConfigOption = None,
) -> None:
    """Ghi bảng đăng ký mô hình theo biểu của phường (mỗi mô hình một dòng có số thứ tự)."""
    from reports.models import write_models
    from storage import audit

    if out_file.suffix.lower() != ".xlsx":
        _fail(f"Tệp ra cần đuôi .xlsx: {out_file}")
    cfg = _config(config)
    app = _app(cfg)

    def work() -> tuple[str, int]:
        with app.uow() as uow:
            found = _ward(uow.session, ward, now=app.clock())
            count = write_models(uow.session, found, out_file)
            detail = {"via": "cli", "ward_id": found.id, "models": count, "file": out_file.name}
            audit.record(uow.session, action="export_models", now=app.clock(), detail=detail)
            uow.commit()
            return found.name, count

    ward_name, count = _guard(cfg, work)
    out.print(f"Đã ghi {escape(str(out_file))}: {escape(ward_name)}, {count} mô hình.")
