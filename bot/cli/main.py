"""`gotungnha`: the command line (chat, demo, parse, roster, wards, database, run)."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

import bot.cli.backup
import bot.cli.campaigns  # campaign add/list/end/remove
import bot.cli.reports
import bot.cli.units  # unit add/list, export models
import bot.cli.voice
import bot.cli.wards  # ward add/list, export --city
import bot.cli.web
import bot.cli.zalo  # noqa: F401  (zalo set-webhook/info/usage)
from bot.cli.base import (
    ConfigOption,
    _app,
    _config,
    _day,
    _fail,
    _guard,
    _team,
    _today,
    cli,
    db_cli,
    deadline_cli,
    out,
    roster_cli,
    schedule_cli,
    show_reading,
    target_cli,
)
from handlers import texts
from schedules.rules import Repeat, Rule  # Repeat and Audience are choices: both load no database
from storage.kinds import Audience, Role

if TYPE_CHECKING:
    from schedules.jobs import TickSummary

REPEAT_WORDS = {"once": "một lần", "yearly": "hằng năm", "quarterly": "hằng quý"}


@db_cli.command("upgrade")
def db_upgrade(config: ConfigOption = None) -> None:
    """Nâng cấp cơ sở dữ liệu lên phiên bản mới nhất (tạo tệp SQLite nếu chưa có)."""
    from storage.db import make_engine
    from storage.migrate import current_revision, upgrade

    cfg = _config(config)

    def work() -> None:
        db = make_engine(cfg.database.url)
        before = current_revision(db)
        upgrade(db)
        now = current_revision(db)
        if before is None:
            out.print(f"Đã tạo cơ sở dữ liệu mới (phiên bản {now}).")
        elif before != now:
            out.print(f"Đã nâng cấp cơ sở dữ liệu từ phiên bản {before} lên {now}.")
        else:
            out.print(f"Cơ sở dữ liệu đã ở phiên bản mới nhất ({now}).")

    _guard(cfg, work)


@db_cli.command("status")
def db_status(config: ConfigOption = None) -> None:
    """Xem phiên bản cơ sở dữ liệu và có cần nâng cấp không."""
    from storage.db import make_engine, sqlite_file
    from storage.migrate import current_revision, head_revision

    cfg = _config(config)
    file = sqlite_file(cfg.database.url)
    if file is not None and not file.is_file():  # only reading: create nothing
        _fail(f"Chưa có cơ sở dữ liệu {file}. Tạo bằng: gotungnha db upgrade")

    def work() -> None:
        db = make_engine(cfg.database.url, create_folder=False)
        now, head = current_revision(db), head_revision(db)
        state = "mới nhất" if now == head else "cần nâng cấp: gotungnha db upgrade"
        out.print(f"Phiên bản: {now or 'trống'} / {head} ({state})")

    _guard(cfg, work)


@cli.command()
def parse(
    text: Annotated[str, typer.Argument(help='Tin nhắn ghi nhanh, ví dụ "vneid 3 sskdt 2".')],
    today: Annotated[
        str | None, typer.Option(help="Ngày hôm nay, dd/mm/yyyy hoặc YYYY-MM-DD.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="In một đối tượng JSON.")] = False,
    config: ConfigOption = None,
) -> None:
    """Xem bot hiểu một tin ghi nhanh thế nào (không lưu gì)."""
    from handlers.catalogue import Catalogue
    from handlers.parsing.quick_entry import parse_quick_entry

    cfg = _config(config)
    day = _today(cfg, today)
    result = parse_quick_entry(text, today=day, catalogue=Catalogue(cfg.services))
    if as_json:
        sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
        return
    show_reading(result, Catalogue(cfg.services))


@cli.command()
def chat(
    user: Annotated[str, typer.Option(help="Mã người dùng trong cửa sổ này.")] = "demo",
    name: Annotated[str | None, typer.Option(help="Tên hiển thị.")] = None,
    config: ConfigOption = None,
) -> None:
    """Trò chuyện với bot ngay trong cửa sổ dòng lệnh, trên cơ sở dữ liệu đã cấu hình."""
    from bot.channels.console import ConsoleChat, is_leaving

    cfg = _config(config)
    logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))
    app = _app(cfg)
    console_chat = ConsoleChat(app.engine, user_id=user, display_name=name)
    if not sys.stdin.isatty():
        for answer in console_chat.script(sys.stdin):
            sys.stdout.write(answer + "\n\n")
            sys.stdout.flush()
        return
    out.print(
        f"[bold]Gõ Từng Nhà[/] — trò chuyện thử với tư cách “{escape(user)}”. "
        "Gõ /trogiup để xem hướng dẫn; Ctrl+D hoặc “thoát” để ra.\n"
    )
    while True:
        try:
            line = out.input("[bold cyan]Bạn:[/] ")
        except (EOFError, KeyboardInterrupt):
            out.print()
            return
        if is_leaving(line):
            return
        if line.strip():
            out.print(f"[bold green]Bot:[/] {escape(console_chat.say(line))}\n")


@cli.command()
def demo(
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Bỏ qua nếu đã có dữ liệu.")] = False,
    city: Annotated[
        bool,
        typer.Option(
            "--city",
            help="Nạp cả thành phố thử nghiệm: thêm ba phường, xã, một cán bộ thành phố, "
            "một hạn nộp và một chiến dịch của thành phố.",
        ),
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Nạp phường thử nghiệm (hoặc thành phố, với --city) vào cơ sở dữ liệu trống và in mã
    mời."""
    from handlers.demo import DemoResult, NotEmpty, load_demo
    from handlers.demo_city import CITY, CITY_OFFICER, DemoCity, load_demo_city

    cfg = _config(config)
    app = _app(cfg)

    def work() -> DemoCity | DemoResult:
        with app.uow() as uow:
            now, zone, days = app.clock(), cfg.zone, cfg.bot.invite_days
            result: DemoCity | DemoResult
            if city:
                name = cfg.city.name or CITY
                result = load_demo_city(uow, city=name, now=now, zone=zone, invite_days=days)
            else:
                result = load_demo(uow, now=now, zone=zone, invite_days=days)
            uow.commit()
            return result

    try:
        result = work()
    except NotEmpty as exc:
        if if_empty:
            return
        _fail(str(exc))
    if isinstance(result, DemoCity):
        out.print(
            f"Đã nạp {escape(result.city)}: {result.wards} phường, xã, {result.logs} lượt hỗ "
            "trợ trong 30 ngày qua."
        )
        out.print(
            f"Thử với tư cách cán bộ thành phố: gotungnha chat --user {CITY_OFFICER[1]} "
            f"(trang web: gotungnha web --user {CITY_OFFICER[1]})."
        )
        ward = result.demo
    else:
        ward = result
        out.print(f"Đã nạp {ward.ward}: {ward.logs} lượt hỗ trợ trong 30 ngày qua.")
    out.print(
        f"Thử với tư cách thành viên của {ward.ward}: gotungnha chat --user demo (tổ trưởng: "
        "totruong, cán bộ phường: canbo)."
    )
    out.print("Người chưa tham gia — thử: gotungnha chat --user moi, rồi gõ /thamgia MÃ")
    for invite in ward.invites:
        out.print(f"  {invite.code}  {escape(invite.name)} ({escape(invite.team)})")


@roster_cli.command("add-member")
def roster_add_member(
    team: Annotated[str, typer.Option(help="Tên tổ (tạo mới nếu chưa có).")],
    name: Annotated[str, typer.Option(help="Họ và tên.")],
    phone: Annotated[str | None, typer.Option(help="Số điện thoại của thành viên.")] = None,
    role: Annotated[
        str,
        typer.Option(help="member (thành viên), leader (tổ trưởng) hoặc officer (cán bộ phường)."),
    ] = Role.MEMBER.value,
    ward: Annotated[str | None, typer.Option(help="Tên phường (cần khi có nhiều phường).")] = None,
    config: ConfigOption = None,
) -> None:
    """Thêm một người vào danh sách của tổ và in mã mời của họ."""
    from handlers.admin import ROSTER_ROLES, add_member

    if role == Role.UNIT:
        _fail(texts.UNIT_VIA_UNIT_ADD)
    if role not in ROSTER_ROLES:
        _fail(f"--role cần là member, leader hoặc officer, không phải “{role}”.")
    cfg = _config(config)
    app = _app(cfg)

    def work() -> str:
        with app.uow() as uow:
            member, invite = add_member(
                uow,
                team=team,
                name=name,
                phone=phone,
                role=Role(role),
                ward=ward,
                now=app.clock(),
                invite_days=cfg.bot.invite_days,
            )
            uow.commit()
            return f"Đã thêm {member.name}. Mã mời: {invite.code} (dùng một lần)."

    out.print(escape(_guard(cfg, work)))


@cli.command()
def run(config: ConfigOption = None) -> None:
    """Chạy các kênh chat đã cấu hình (Telegram, Zalo: polling hoặc webhook)."""
    import asyncio

    from telegram.error import InvalidToken, NetworkError

    from bot.channels.zalo_api import ZaloError
    from bot.runner import NoChannel, serve

    cfg = _config(config, serving=True)
    app = _app(cfg)
    try:
        asyncio.run(serve(app))
    except NoChannel:
        _fail(
            "Chưa cấu hình kênh chat nào: đặt [telegram] token hoặc [zalo] token trong "
            "config.toml (hoặc biến GOTUNGNHA_TELEGRAM_TOKEN, GOTUNGNHA_ZALO_TOKEN). "
            "Thử bot ngay trên máy này: gotungnha chat."
        )
    except InvalidToken:
        _fail("Telegram không nhận token này. Kiểm tra lại token lấy từ @BotFather.")
    except ZaloError as exc:
        _fail(f"Zalo trả lời lỗi khi khởi động ({exc.error_code}): {exc.description}")
    except NetworkError as exc:
        _fail(f"Không kết nối được máy chủ Telegram ({cfg.telegram.base_url}): {exc.message}")


@schedule_cli.command("preview")
def schedule_preview(
    start: Annotated[str, typer.Option("--from", help="Từ ngày, dd/mm/yyyy hoặc YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Đến ngày, dd/mm/yyyy hoặc YYYY-MM-DD.")],
    as_json: Annotated[bool, typer.Option("--json", help="In danh sách JSON.")] = False,
    config: ConfigOption = None,
) -> None:
    """Liệt kê lời nhắc, tổng kết tuần đã lên lịch từ --from đến --to (không gửi gì)."""
    from schedules.planner import plan
    from schedules.snapshot import ward_views

    cfg = _config(config)
    app = _app(cfg)
    first, last = _day(start, "--from"), _day(end, "--to")
    with app.uow() as uow:
        sends = plan(ward_views(uow.session, zone=cfg.zone), start=first, end=last, zone=cfg.zone)
    if as_json:
        sys.stdout.write(json.dumps([s.as_dict() for s in sends], ensure_ascii=False) + "\n")
        return
    if not sends:
        out.print("Không có tin nào theo lịch trong khoảng này.")
    for send in sends:
        day = f"{send.last_day:%d/%m/%Y}" if send.last_day else ""
        what = texts.PREVIEW_KINDS[send.kind].format(
            deadline=send.deadline, day=day, person=send.person
        )
        out.print(f"{send.at:%d/%m/%Y %H:%M}  {escape(what)} → {escape(send.chat.label)}")


@schedule_cli.command("tick")
def schedule_tick(
    now: Annotated[
        str | None, typer.Option(help="Thời điểm, ISO 8601 (mặc định: bây giờ).")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Gửi mọi tin đến hạn lúc --now, đúng như bot đang chạy (mỗi tin một lần)."""
    import asyncio

    from bot.channels.sender import ChannelSender
    from bot.channels.telegram import sending_bot
    from bot.channels.zalo_api import ZaloClient
    from bot.runner import bot_plans, file_links
    from schedules.jobs import tick
    from storage.locks import LeaderLock

    cfg = _config(config)
    app = _app(cfg)
    try:
        at = datetime.fromisoformat(now) if now else app.clock()
    except ValueError:
        _fail(f"--now cần dạng ISO 8601, ví dụ 2026-06-07T08:00:00+07:00, không phải “{now}”.")
    if at.tzinfo is None:
        at = at.replace(tzinfo=cfg.zone)

    lock = LeaderLock(app.db)
    if not lock.try_acquire():
        _fail("Một tiến trình gotungnha run khác đang gửi tin theo lịch; không chạy thêm lần nữa.")

    async def work() -> TickSummary:
        async with contextlib.AsyncExitStack() as stack:
            bot = None
            if cfg.telegram.token:
                bot = await stack.enter_async_context(sending_bot(cfg.telegram))
            zalo = {
                each.name: await stack.enter_async_context(
                    ZaloClient(
                        each.token, base_url=each.base_url, sends_per_second=each.sends_per_second
                    )
                )
                for each in cfg.zalo.all_bots
            }
            sender = ChannelSender(
                telegram=bot,
                zalo=zalo,
                links=file_links(cfg),
                console=sys.stderr,
                zone=cfg.zone,
            )
            return await tick(
                app.uow,
                sender,
                now=at,
                zone=cfg.zone,
                exports_dir=Path(cfg.bot.exports_dir),
                bots=bot_plans(cfg),
                lease=lock.lease,
            )

    try:
        summary = asyncio.run(work())
    finally:
        lock.release()
    counts = {k: v for k, v in dataclasses.asdict(summary).items() if k != "sends"}
    sys.stdout.write(json.dumps(counts) + "\n")


@deadline_cli.command("add")
def deadline_add(
    name: Annotated[str, typer.Option(help='Tên, ví dụ "Đăng ký mô hình".')],
    before: Annotated[
        str, typer.Option(help="“Trước ngày” như trong văn bản, dd/mm/yyyy (hoặc YYYY-MM-DD).")
    ],
    lead: Annotated[str, typer.Option(help="Nhắc trước bao nhiêu ngày.")] = "7,3,1,0",
    repeat: Annotated[
        Repeat,
        typer.Option(help="once (một lần), yearly (hằng năm) hoặc quarterly (hằng quý)."),
    ] = Repeat.ONCE,
    ward: Annotated[str | None, typer.Option(help="Tên phường (khi có nhiều phường).")] = None,
    audience: Annotated[
        Audience,
        typer.Option(
            "--for",
            help="teams (các tổ: nhắc tổ trưởng, /danop) hoặc units (đơn vị đăng ký mô hình).",
        ),
    ] = Audience.TEAMS,
    config: ConfigOption = None,
) -> None:
    """Thêm một hạn báo cáo: hạn cuối là ngày trước --before."""
    from handlers.admin import find_or_create_ward
    from storage import deadlines
    from storage.models import NAME_MAX
    from storage.personal import one_line

    cfg = _config(config)
    app = _app(cfg)
    day = _day(before, "--before")
    try:
        leads = sorted({int(n) for n in lead.split(",") if n.strip()}, reverse=True)
    except ValueError:
        _fail("--lead cần các số cách nhau bởi dấu phẩy, ví dụ 7,3,1,0.")
    if any(n < 0 for n in leads):
        _fail("--lead không nhận số âm.")
    name = one_line(name)  # as it is stored: a citizen's number typed in it is left out
    if not name or len(name) > NAME_MAX:
        _fail(f"--name cần từ 1 đến {NAME_MAX} ký tự.")

    def work() -> str:
        with app.uow() as uow:
            ward_row = find_or_create_ward(uow.session, ward, now=app.clock())
            assert ward_row.id is not None
            deadlines.add_deadline(
                uow.session,
                ward_id=ward_row.id,
                name=name,
                repeat=repeat,
                before=day,
                lead_days=leads,
                now=app.clock(),
                audience=audience,
            )
            uow.commit()
        last = day - timedelta(days=1)
        return (
            f"Đã thêm hạn “{name}”: hạn cuối {last:%d/%m/%Y} (trước ngày {day:%d/%m/%Y}), "
            f"nhắc trước {lead} ngày."
        )

    out.print(escape(_guard(cfg, work)))


@deadline_cli.command("list")
def deadline_list(config: ConfigOption = None) -> None:
    """Liệt kê các hạn báo cáo của mọi phường và hạn cuối sắp tới."""
    from storage import deadlines

    cfg = _config(config)
    app = _app(cfg)
    today = app.clock().astimezone(cfg.zone).date()
    with app.uow() as uow:
        for deadline in deadlines.active_deadlines(uow.session):
            due = Rule.of(deadline).period_of(today)
            nxt = f"hạn cuối tới: {due[1]:%d/%m/%Y}" if due else "đã qua"
            repeat = REPEAT_WORDS.get(deadline.repeat, deadline.repeat)
            out.print(
                f"{escape(deadline.name)} ({repeat}) — {nxt}, "
                f"nhắc trước {', '.join(map(str, deadline.lead_days))} ngày"
            )


@target_cli.command("set")
def target_set(
    team: Annotated[str, typer.Option(help="Tên tổ.")],
    service: Annotated[str, typer.Option(help="Mã dịch vụ, ví dụ vneid.")],
    count: Annotated[int, typer.Option(help="Chỉ tiêu (số người).")],
    period: Annotated[
        str, typer.Option(help="month (tháng), quarter (quý) hoặc year (năm).")
    ] = "quarter",
    ward: Annotated[str | None, typer.Option(help="Tên phường (khi có nhiều phường).")] = None,
    config: ConfigOption = None,
) -> None:
    """Đặt chỉ tiêu của một tổ cho một dịch vụ; tổng kết tuần cho thấy tiến độ."""
    from handlers.admin import find_or_create_ward
    from handlers.catalogue import Catalogue
    from storage.targets import PERIODS, set_target

    cfg = _config(config)
    app = _app(cfg)
    if period not in PERIODS or count < 1:
        _fail("--period cần là month, quarter hoặc year, và --count từ 1 trở lên.")
    if Catalogue(cfg.services).get(service) is None:
        _fail(f"Không có dịch vụ mã “{service}”.")

    def work() -> str:
        with app.uow() as uow:
            ward_row = find_or_create_ward(uow.session, ward, now=app.clock())
            found = _team(uow.session, ward_row, team)
            assert found.id is not None
            set_target(uow.session, team_id=found.id, service=service, period=period, count=count)
            uow.commit()
            named = found.name
        words = texts.PERIOD_NAMES[period]
        return f"Đã đặt chỉ tiêu {words} cho {named}: {service} {count}."

    out.print(escape(_guard(cfg, work)))


def main() -> None:
    """Entry point of the `gotungnha` console script."""
    cli()
