"""`gotungnha export`, `roster template` and `roster import`: the officer's Excel work."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from typer._click import exceptions as errors  # typer 0.29 carries its own click

from bot.cli.base import (
    ConfigOption,
    _app,
    _config,
    _day,
    _fail,
    _guard,
    _team,
    _ward,
    cli,
    err,
    out,
    roster_cli,
)
from bot.cli.vi import Cli

if TYPE_CHECKING:
    from rich.progress import Progress

    from reports.handouts import InviteLine
    from reports.scope import Scope

OutOption = Annotated[Path, typer.Option("--out", help="Tệp .xlsx sẽ ghi ra.")]


export_cli = Cli(
    help="Ghi tệp Excel báo cáo của phường (--from, --to, --out), hoặc bảng đăng ký mô hình "
    "(export models)."
)
cli.add_typer(export_cli, name="export")


@export_cli.callback(invoke_without_command=True)
def export(
    context: typer.Context,
    start: Annotated[
        str | None, typer.Option("--from", help="Từ ngày, dd/mm/yyyy hoặc YYYY-MM-DD.")
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", help="Đến ngày, dd/mm/yyyy hoặc YYYY-MM-DD (tính cả ngày này)."),
    ] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="Tệp .xlsx sẽ ghi ra.")] = None,
    ward: Annotated[str | None, typer.Option(help="Tên phường (cần khi có nhiều phường).")] = None,
    team: Annotated[str | None, typer.Option(help="Chỉ một tổ CNSCĐ.")] = None,
    city: Annotated[
        bool,
        typer.Option("--city", help="Tệp của cả thành phố: mỗi phường một dòng, chỉ có số liệu."),
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Ghi tệp Excel báo cáo: Tổng hợp, Theo tổ, Theo tuần, Chi tiết, Thành viên.

    `gotungnha export models` ghi bảng đăng ký mô hình; --city ghi tệp của cả thành phố."""
    if context.invoked_subcommand is not None:
        return
    from reports.export import record_export
    from reports.scope import team_scope, ward_scope
    from reports.workbook import write_workbook
    from storage import queries

    if start is None or end is None or out_file is None:
        _fail("Cần --from, --to và --out (hoặc `gotungnha export models`).")
        raise AssertionError("unreachable")
    first, last = _day(start, "--from"), _day(end, "--to")
    if last < first:
        _fail("--to phải từ --from trở đi.")
    if city and (ward is not None or team is not None):
        _fail("--city là tệp của cả thành phố, không dùng cùng --ward hay --team.")
    cfg = _config(config)
    if city:
        from bot.cli.wards import export_city

        export_city(cfg, first=first, last=last, out_file=out_file)
        return
    app = _app(cfg)
    if out_file.suffix.lower() != ".xlsx":
        _fail(f"Tệp ra cần đuôi .xlsx: {out_file}")

    def work() -> tuple[int, Scope]:
        now = app.clock()
        with app.uow(read_only=True) as uow:  # members keep logging while it is written
            session = uow.session
            if ward is None and not queries.wards(session):
                _fail("Chưa có phường nào trong cơ sở dữ liệu.")
            ward_row = _ward(session, ward, now=now)
            assert ward_row.id is not None
            scope = ward_scope(session, ward_row, start=first, end=last)
            if team:
                found = _team(session, ward_row, team)
                assert found.id is not None
                scope = team_scope(session, found.id, start=first, end=last)
            with _bar() as bar:
                task = bar.add_task("Đang ghi Chi tiết", total=None)
                written = write_workbook(
                    session,
                    scope,
                    out_file,
                    made_at=now.astimezone(cfg.zone),
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
        with app.uow() as uow:
            record_export(uow.session, scope, written, now=now, via="cli")
            uow.commit()
        return written.logs, scope

    logs, scope = _guard(cfg, work)
    who = scope.team_name or scope.ward_name
    period = f"{first:%d/%m/%Y}–{last:%d/%m/%Y}"
    out.print(f"Đã ghi {escape(str(out_file))}: {escape(who)}, {period}, {logs:,} lượt hỗ trợ.")


def _bar() -> Progress:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )


@cli.command()
def invites(
    ward: Annotated[str | None, typer.Option(help="Chỉ một phường.")] = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Ghi ra tệp .xlsx để in và phát.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="In danh sách JSON.")] = False,
    zalo_bot: Annotated[
        str | None,
        typer.Option(
            "--zalo-bot",
            help="Cho những người chưa tham gia (của --team, hoặc cả phường) nhắn bot Zalo này "
            "(tên của nó trong mục zalo.bots).",
        ),
    ] = None,
    team: Annotated[str | None, typer.Option(help="Chỉ một tổ CNSCĐ (với --zalo-bot).")] = None,
    config: ConfigOption = None,
) -> None:
    """Liệt kê người chưa tham gia, với mã mời và bot Zalo mỗi người cần nhắn.

    --zalo-bot chia các tổ cho các bot Zalo của phường."""
    from handlers.admin import assign_zalo_bot, invite_lines, pending_invites
    from reports.handouts import write_invites
    from storage import audit

    cfg = _config(config)
    app = _app(cfg)
    bots = {bot.name: bot for bot in cfg.zalo.all_bots}
    if zalo_bot is not None and zalo_bot not in bots:
        known = ", ".join(name or "(mục [zalo])" for name in bots) or "chưa có bot nào"
        _fail(f"Không có bot Zalo “{zalo_bot}” trong cấu hình. Các bot: {known}.")
    if team is not None and zalo_bot is None:
        _fail("--team dùng cùng --zalo-bot.")
    assigned = 0

    def work() -> tuple[str, list[InviteLine]]:
        nonlocal assigned
        with app.uow() as uow:
            ward_row = _ward(uow.session, ward, now=app.clock())
            assert ward_row.id is not None
            if zalo_bot is not None:
                teams = None
                if team is not None:
                    teams = [_team(uow.session, ward_row, team).id]
                assigned = assign_zalo_bot(
                    uow,
                    zalo_bot,
                    ward_id=ward_row.id,
                    team_ids=teams,  # type: ignore[arg-type]
                )
            found = pending_invites(
                uow, now=app.clock(), invite_days=cfg.bot.invite_days, ward_id=ward_row.id
            )
            uow.commit()
        labels: dict[str | None, str] = {name: bot.label for name, bot in bots.items()}
        return ward_row.name, invite_lines(found, zone=cfg.zone, zalo_bots=labels)

    ward_name, lines = _guard(cfg, work)
    if out_file is not None:  # names, roles and codes leave the database: on the record

        def record() -> None:
            with app.uow() as uow:
                detail = {"via": "cli", "ward": ward_name, "people": len(lines)}
                audit.record(
                    uow.session,
                    action="export_invites",
                    now=app.clock(),
                    detail=detail | {"file": out_file.name},
                )
                uow.commit()

        _guard(cfg, record)
    if zalo_bot is not None:
        out.print(f"Đã chuyển {assigned} người chưa tham gia sang {escape(bots[zalo_bot].label)}.")
    if out_file is not None:
        username = cfg.telegram.username.lstrip("@") or None
        write_invites(out_file, ward_name, lines, bot_username=username)
        out.print(f"Đã ghi {len(lines)} mã tham gia vào {escape(str(out_file))}.")
        if username is None:
            out.print("(Đặt telegram.username trong cấu hình để có đường dẫn t.me.)")
        return
    rows = [
        {
            "name": line.name,
            "team": line.team,
            "role": line.role,
            "code": line.code,
            "expires": line.expires_at.strftime("%d/%m/%Y"),
            "zalo_bot": line.zalo_bot or None,
        }
        for line in lines
    ]
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        return
    if not lines:
        out.print("Không còn ai chưa tham gia.")
    for line in lines:
        zalo = f", Zalo: nhắn {escape(line.zalo_bot)}" if line.zalo_bot else ""
        out.print(
            f"{line.code}  {escape(line.name)} ({escape(line.team)}, {line.role_name.lower()}) "
            f"— hết hạn {line.expires_at:%d/%m/%Y}{zalo}"
        )


CityFlag = Annotated[
    bool, typer.Option("--city", help="Danh sách của cả thành phố: có cột Phường (xem mẫu --city).")
]
CityTemplate = Annotated[
    bool, typer.Option("--city", help="Mẫu của cả thành phố: thêm cột Phường ở cả hai trang.")
]


@roster_cli.command("template")
def roster_template(out_file: OutOption, city: CityTemplate = False) -> None:
    """Ghi tệp mẫu danh sách để điền (trang Tổ dân phố và Thành viên)."""
    from reports.handouts import write_template

    write_template(out_file, city=city)
    out.print(f"Đã ghi mẫu danh sách: {escape(str(out_file))}")


@roster_cli.command("import")
def roster_import(
    context: typer.Context,
    file: Annotated[Path, typer.Argument(help="Tệp .xlsx theo mẫu.", exists=True, dir_okay=False)],
    ward: Annotated[
        str | None, typer.Option(help="Tên phường (tạo mới nếu chưa có); cần --ward hoặc --city.")
    ] = None,
    city: CityFlag = False,
    config: ConfigOption = None,
) -> None:
    """Nhập tổ dân phố, tổ CNSCĐ và thành viên từ tệp Excel danh sách của phường.

    --city: một tệp cho mọi phường của thành phố (tạo phường mới nếu chưa có)."""
    from reports.roster import import_roster
    from reports.roster_file import RosterFileError

    if city and ward is not None:
        _fail("--city là danh sách của cả thành phố, không dùng cùng --ward.")
    if ward is None and not city:
        param: Any = next(p for p in context.command.params if p.name == "ward")
        raise errors.MissingParameter(ctx=context, param=param)
    cfg = _config(config)
    if city:
        from bot.cli.wards import import_city

        import_city(cfg, file)
        return
    assert ward is not None
    app = _app(cfg)

    def work() -> str:
        now = app.clock()
        with app.uow() as uow:
            named = [bot.name for bot in cfg.zalo.bots]
            done = import_roster(
                uow.session,
                file,
                ward_name=ward,
                now=now,
                invite_days=cfg.bot.invite_days,
                zalo_bots=named if named else None,
            )
            if done.changed:
                uow.commit()
        lines = [
            f"{done.ward}: {done.groups_added} tổ dân phố mới, {done.teams_added} tổ CNSCĐ mới;",
            f"thành viên: {done.added} mới, {done.updated} cập nhật, {done.unchanged} không đổi.",
        ]
        if not done.changed:
            lines.append("Danh sách đã khớp với cơ sở dữ liệu: không có gì thay đổi.")
        if done.invites:
            lines.append("Mã tham gia: gotungnha invites --out ma-tham-gia.xlsx")
        return "\n".join(lines)

    try:
        message = _guard(cfg, work)
    except RosterFileError as exc:
        err.print(f"[red]Không nhập được danh sách[/] ({len(exc.problems)} lỗi; chưa lưu gì):")
        err.print(escape(str(exc)))
        raise typer.Exit(1) from None
    out.print(escape(message))
