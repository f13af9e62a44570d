"""`gotungnha ward add|list`, `export --city` and `roster import --city`: one deployment for a
city's wards.

The city's workbook holds counts per ward and the wards' names only (reports.city_workbook).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from bot.cli.base import ConfigOption, _app, _config, _fail, _guard, cli, err, out
from bot.cli.vi import Cli
from bot.config import Config

ward_cli = Cli(help="Các phường, xã của thành phố.", no_args_is_help=True)
cli.add_typer(ward_cli, name="ward")
city_cli = Cli(
    help="Cán bộ thành phố: xem mọi phường (chỉ số liệu, không tên ai).", no_args_is_help=True
)
cli.add_typer(city_cli, name="city")


@ward_cli.command("add")
def ward_add(
    name: Annotated[str, typer.Argument(help='Tên phường, xã, ví dụ "Phường Lê Chân".')],
    config: ConfigOption = None,
) -> None:
    """Thêm một phường, xã (kèm hai hạn báo cáo theo văn bản); không thêm tên đã có."""
    from handlers.admin import add_ward

    cfg = _config(config)
    app = _app(cfg)

    def work() -> str:
        with app.uow() as uow:
            ward = add_ward(uow, name, now=app.clock())
            uow.commit()
            return ward.name

    added = _guard(cfg, work)
    named = escape(added)
    out.print(f'Đã thêm {named}. Nhập danh sách: gotungnha roster import TỆP.xlsx --ward "{named}"')


@ward_cli.command("list")
def ward_list(config: ConfigOption = None) -> None:
    """Các phường, xã: số Tổ CNSCĐ và số thành viên của mỗi nơi."""
    from reports.scope import name_key
    from storage.city import ward_rosters

    cfg = _config(config)
    app = _app(cfg)

    def work() -> list[tuple[str, int, int]]:
        with app.uow(read_only=True) as uow:
            found = sorted(ward_rosters(uow.session), key=lambda w: name_key(w.name))
            return [(w.name, w.teams, w.members) for w in found]

    rows = _guard(cfg, work)
    if not rows:
        out.print('Chưa có phường nào. Thêm bằng: gotungnha ward add "Tên phường"')
        return
    for ward, teams, members in rows:
        out.print(f"{escape(ward)}: {teams} tổ CNSCĐ, {members} thành viên")
    teams, members = sum(r[1] for r in rows), sum(r[2] for r in rows)
    city = f"{escape(cfg.city.name)}: " if cfg.city.name else ""
    out.print(f"{city}{len(rows)} phường, xã; {teams} tổ CNSCĐ; {members} thành viên.")


@city_cli.command("add-officer")
def city_add_officer(
    name: Annotated[str, typer.Option(help="Họ và tên cán bộ thành phố.")],
    phone: Annotated[str | None, typer.Option(help="Số điện thoại của cán bộ.")] = None,
    config: ConfigOption = None,
) -> None:
    """Thêm một cán bộ thành phố (Sở, Trung tâm) và in mã mời của họ; cần [city] name."""
    from handlers.admin import add_city_officer

    cfg = _config(config)
    app = _app(cfg)

    def work() -> str:
        with app.uow() as uow:
            member, invite = add_city_officer(
                uow,
                city=cfg.city.name,
                name=name,
                phone=phone,
                now=app.clock(),
                invite_days=cfg.bot.invite_days,
            )
            uow.commit()
            return (
                f"Đã thêm {member.name}, cán bộ {cfg.city.name}. "
                f"Mã mời: {invite.code} (dùng một lần)."
            )

    out.print(escape(_guard(cfg, work)))


def export_city(cfg: Config, *, first: date, last: date, out_file: Path) -> None:
    """`gotungnha export --city`: write the city's workbook, record it, say what it holds."""
    from reports.city_workbook import City, CityWritten, write_city_workbook
    from reports.export import record_city_export
    from schedules.city import reports_due
    from storage import queries

    if out_file.suffix.lower() != ".xlsx":
        _fail(f"Tệp ra cần đuôi .xlsx: {out_file}")
    app = _app(cfg)
    city = City(cfg.city.name, first, last)

    def work() -> CityWritten:
        now = app.clock()
        made_at = now.astimezone(cfg.zone)
        with app.uow(read_only=True) as uow:  # members keep logging while it is written
            session = uow.session
            if not queries.wards(session):
                _fail("Chưa có phường nào trong cơ sở dữ liệu.")
            due = reports_due(session, start=first, end=last, today=made_at.date(), zone=cfg.zone)
            written = write_city_workbook(session, city, out_file, made_at=made_at, due=due)
        with app.uow() as uow:
            record_city_export(uow.session, city, written, now=now, via="cli")
            uow.commit()
        return written

    written = _guard(cfg, work)
    period = f"{first:%d/%m/%Y}–{last:%d/%m/%Y}"
    out.print(
        f"Đã ghi {escape(str(out_file))}: {escape(city.label)}, {period}, "
        f"{written.wards} phường, {written.logs:,} lượt hỗ trợ."
    )


def import_city(cfg: Config, file: Path) -> None:
    """`gotungnha roster import --city`: every ward's roster from one file, all or nothing."""
    from reports.city_roster import import_city_roster
    from reports.roster import Imported
    from reports.roster_file import RosterFileError
    from storage.names import folded_name

    app = _app(cfg)

    def counts(done: Imported) -> str:
        return (
            f"{done.groups_added} tổ dân phố mới, {done.teams_added} tổ CNSCĐ mới; "
            f"thành viên: {done.added} mới, {done.updated} cập nhật, {done.unchanged} không đổi."
        )

    def work() -> list[str]:
        with app.uow() as uow:
            named = [bot.name for bot in cfg.zalo.bots]
            done = import_city_roster(
                uow.session,
                file,
                now=app.clock(),
                invite_days=cfg.bot.invite_days,
                zalo_bots=named if named else None,
                city_name=cfg.city.name,
            )
            if done.changed:
                uow.commit()
        lines = [
            f"{ward.ward}{' (mới)' if ward.ward in done.new_wards else ''}: {counts(ward)}"
            for ward in done.wards
        ]
        new = f" ({len(done.new_wards)} mới)" if done.new_wards else ""
        city = cfg.city.name or "Cả thành phố"
        lines.append(f"{city}: {len(done.wards)} phường, xã{new}; {counts(done.total())}")
        if not done.changed:
            lines.append("Danh sách đã khớp với cơ sở dữ liệu: không có gì thay đổi.")
        lines += [f"Đã bỏ qua trang “{sheet}” (không phải danh sách)." for sheet in done.skipped]
        invited = [ward.ward for ward in done.wards if ward.invites]
        if invited:
            lines.append("Mã tham gia, mỗi phường một tệp:")
            lines += [
                f'gotungnha invites --ward "{ward}" --out ma-tham-gia-{folded_name(ward)}.xlsx'
                for ward in invited
            ]
        return lines

    try:
        lines = _guard(cfg, work)
    except RosterFileError as exc:
        err.print(f"[red]Không nhập được danh sách[/] ({len(exc.problems)} lỗi; chưa lưu gì):")
        err.print(escape(str(exc)))
        raise typer.Exit(1) from None
    for line in lines:
        out.print(escape(line))
