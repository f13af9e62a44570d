"""`gotungnha campaign add|list|end|remove`: campaigns of the city (every ward) or of one ward.

A campaign counts some services from its first to its last day against a target for each
ward or each team (storage/campaigns.py). One typed wrong is removed and added again; one
that stops early is ended (today becomes its last day, its results stay).
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from bot.cli.base import ConfigOption, _app, _config, _day, _fail, _guard, _ward, cli, out
from bot.cli.vi import Cli
from storage.kinds import TargetPer

if TYPE_CHECKING:
    from sqlmodel import Session

    from handlers.catalogue import Catalogue
    from storage.models import Campaign

campaign_cli = Cli(help="Chiến dịch của thành phố hay của một phường.", no_args_is_help=True)
cli.add_typer(campaign_cli, name="campaign")
TARGETS = {TargetPer.WARD: "{n} lượt mỗi phường", TargetPer.TEAM: "{n} lượt mỗi tổ"}
EVERY_WARD = "mọi phường, xã"
IdArgument = Annotated[
    int, typer.Argument(help="Số của chiến dịch (xem: gotungnha campaign list).")
]


@campaign_cli.command("add")
def campaign_add(
    name: Annotated[str, typer.Option(help='Tên, ví dụ "Tháng cao điểm Sổ sức khỏe điện tử".')],
    services: Annotated[
        str, typer.Option(help="Mã các dịch vụ được tính, cách nhau bởi dấu phẩy: sskdt,vneid.")
    ],
    start: Annotated[str, typer.Option("--from", help="Ngày bắt đầu, dd/mm/yyyy.")],
    end: Annotated[str, typer.Option("--to", help="Ngày kết thúc (tính cả ngày này), dd/mm/yyyy.")],
    target: Annotated[int, typer.Option(help="Chỉ tiêu: số lượt của các dịch vụ đó.")],
    per: Annotated[
        TargetPer, typer.Option(help="ward (chỉ tiêu cho mỗi phường) hoặc team (cho mỗi tổ).")
    ] = TargetPer.WARD,
    ward: Annotated[
        str | None, typer.Option(help="Chỉ một phường; bỏ trống: mọi phường, xã.")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Thêm một chiến dịch: cán bộ phường nhận tin phát động và tin giữa chiến dịch, các tổ
    thấy tiến độ trong tổng kết tuần."""
    from handlers.catalogue import Catalogue
    from storage import audit, campaigns, queries
    from storage.models import NAME_MAX
    from storage.personal import one_line

    cfg = _config(config)
    first, last = _day(start, "--from"), _day(end, "--to")
    if last < first:
        _fail("--to phải từ --from trở đi (ngày kết thúc không trước ngày bắt đầu).")
    if target < 1:
        _fail("--target cần từ 1 trở lên.")
    name = one_line(name)  # as it is stored: a citizen's number typed in it is left out
    if not name or len(name) > NAME_MAX:
        _fail(f"--name cần từ 1 đến {NAME_MAX} ký tự.")
    codes = _codes(services, Catalogue(cfg.services))
    app = _app(cfg)

    def work() -> tuple[int, str, int]:
        with app.uow() as uow:
            session = uow.session
            found = _ward(session, ward, now=app.clock()) if ward else None
            wards = [found] if found else queries.wards(session)
            if not wards:
                _fail("Chưa có phường nào. Thêm phường hoặc nhập danh sách trước.")
            campaign = campaigns.add_campaign(
                session,
                name=name,
                services=codes,
                first_day=first,
                last_day=last,
                target=target,
                per=per,
                ward_id=found.id if found else None,
                now=app.clock(),
            )
            assert campaign.id is not None
            detail = {"campaign_id": campaign.id, "ward_id": campaign.ward_id}
            audit.record(session, action="campaign_add", now=app.clock(), detail=detail)
            uow.commit()
            return campaign.id, found.name if found else EVERY_WARD, len(wards)

    number, where, count = _guard(cfg, work)
    today = app.clock().astimezone(cfg.zone).date()
    when = "ở lượt gửi tới" if first <= today else f"lúc 08:00 ngày {first:%d/%m/%Y}"
    out.print(
        escape(
            f"Đã thêm chiến dịch số {number} “{name}”: {', '.join(codes)}, "
            f"{first:%d/%m/%Y}–{last:%d/%m/%Y}, {TARGETS[per].format(n=target)}, "
            f"cho {where}{f' (hiện có {count})' if not ward else ''}. "
            f"Cán bộ phường nhận tin phát động {when}."
        )
    )


@campaign_cli.command("list")
def campaign_list(
    ward: Annotated[str | None, typer.Option(help="Chỉ tiến độ của một phường.")] = None,
    config: ConfigOption = None,
) -> None:
    """Các chiến dịch và tiến độ của từng phường đến hôm nay: “Phường X: 120/200”."""
    from storage import campaigns, queries

    cfg = _config(config)
    app = _app(cfg)
    today = app.clock().astimezone(cfg.zone).date()

    def work() -> list[str]:
        with app.uow(read_only=True) as uow:
            session = uow.session
            only = _ward(session, ward, now=app.clock()) if ward else None
            names = {w.id: w.name for w in queries.wards(session)}
            lines = []
            for campaign in campaigns.all_campaigns(session):
                if only is not None and not campaigns.covers(campaign, only.id or 0):
                    continue
                lines += _described(campaign, names, today)
                wanted = [only.id] if only is not None and only.id is not None else None
                found = campaigns.progress(session, campaign, ward_ids=wanted)
                order = sorted(found.wards.values(), key=lambda w: names[w.ward_id].casefold())
                for each in order:
                    done = f"  {names[each.ward_id]}: {each.count}/{each.target}"
                    if each.team_target is not None:
                        done += f" ({each.teams_reached}/{len(each.targeted)} tổ đạt)"
                    lines.append(done)
            return lines

    lines = _guard(cfg, work)
    if not lines:
        out.print("Chưa có chiến dịch nào. Thêm bằng: gotungnha campaign add --name … --services …")
    for line in lines:
        out.print(escape(line))


@campaign_cli.command("end")
def campaign_end(campaign_id: IdArgument, config: ConfigOption = None) -> None:
    """Kết thúc sớm một chiến dịch đang diễn ra: hôm nay là ngày cuối, kết quả vẫn giữ."""
    from storage import audit, campaigns

    cfg = _config(config)
    app = _app(cfg)
    today = app.clock().astimezone(cfg.zone).date()

    def work() -> tuple[str, date]:
        with app.uow() as uow:
            campaign = _campaign(uow.session, campaign_id)
            if campaign.last_day == today:
                _fail(f"Chiến dịch số {campaign_id} đã có ngày cuối là hôm nay, {today:%d/%m/%Y}.")
            if campaign.last_day < today:
                _fail(f"Chiến dịch số {campaign_id} đã kết thúc ngày {campaign.last_day:%d/%m/%Y}.")
            if campaign.first_day > today:
                _fail(
                    f"Chiến dịch số {campaign_id} chưa bắt đầu (từ {campaign.first_day:%d/%m/%Y}). "
                    f"Nhập sai thì xoá: gotungnha campaign remove {campaign_id}, rồi thêm lại."
                )
            planned = campaign.last_day
            campaigns.end_on(uow.session, campaign, today)
            detail = {"campaign_id": campaign_id, "last_day": today.isoformat()}
            audit.record(uow.session, action="campaign_end", now=app.clock(), detail=detail)
            uow.commit()
            return campaign.name, planned

    name, planned = _guard(cfg, work)
    out.print(
        escape(
            f"Đã kết thúc chiến dịch số {campaign_id} “{name}”: ngày cuối là hôm nay, "
            f"{today:%d/%m/%Y} (thay cho {planned:%d/%m/%Y})."
        )
    )


@campaign_cli.command("remove")
def campaign_remove(campaign_id: IdArgument, config: ConfigOption = None) -> None:
    """Xoá một chiến dịch nhập sai (số liệu của các lượt ghi không đổi)."""
    from storage import audit, campaigns

    cfg = _config(config)
    app = _app(cfg)

    def work() -> str:
        with app.uow() as uow:
            campaign = _campaign(uow.session, campaign_id)
            name = campaign.name
            campaigns.remove(uow.session, campaign)
            detail = {"campaign_id": campaign_id}
            audit.record(uow.session, action="campaign_remove", now=app.clock(), detail=detail)
            uow.commit()
            return name

    name = _guard(cfg, work)
    out.print(escape(f"Đã xoá chiến dịch số {campaign_id} “{name}”."))


def _codes(typed: str, catalogue: Catalogue) -> list[str]:
    """The service codes typed (any case, commas or spaces between), each once; fails naming
    the codes there are when one is unknown or retired."""
    known = [s.code for s in catalogue.active]
    codes = list(dict.fromkeys(c for c in re.split(r"[\s,;]+", typed.strip().lower()) if c))
    if not codes:
        _fail(f"--services cần ít nhất một mã dịch vụ. Các mã: {', '.join(known)}.")
    unknown = [c for c in codes if c not in known]
    if unknown:
        listed = ", ".join(f"“{c}”" for c in unknown)
        _fail(f"Không có dịch vụ mã {listed}. Các mã: {', '.join(known)}.")
    return codes


def _campaign(session: Session, campaign_id: int) -> Campaign:
    """The campaign of that number, or one clear line."""
    from storage import campaigns

    found = campaigns.get(session, campaign_id)
    if found is None:
        _fail(f"Không có chiến dịch số {campaign_id}. Xem các chiến dịch: gotungnha campaign list")
        raise AssertionError("unreachable")
    return found


def _described(campaign: Campaign, names: dict[int | None, str], today: date) -> list[str]:
    """A campaign's first line (number, name, how it stands) and its second (days, services,
    target, where)."""
    if today < campaign.first_day:
        state = "sắp diễn ra"
    elif today > campaign.last_day:
        state = "đã kết thúc"
    elif today == campaign.last_day:
        state = "hôm nay là ngày cuối"
    else:
        state = "đang diễn ra"
    where = names.get(campaign.ward_id, "") if campaign.ward_id else EVERY_WARD
    target = TARGETS[TargetPer(campaign.per)].format(n=campaign.target)
    return [
        f"Số {campaign.id}: {campaign.name} ({state})",
        f"  {campaign.first_day:%d/%m/%Y}–{campaign.last_day:%d/%m/%Y}, "
        f"{', '.join(campaign.services)}, {target}, {where}",
    ]
