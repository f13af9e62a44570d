"""`gotungnha zalo …`: each Zalo bot's webhook, account and monthly usage."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.markup import escape

from bot.cli.base import ConfigOption, _app, _config, _fail, _guard, out, zalo_cli
from bot.config import Config, ZaloBotConfig
from handlers import texts

if TYPE_CHECKING:
    from bot.channels.zalo_api import ZaloClient

BotOption = Annotated[
    str | None,
    typer.Option("--bot", help="Tên một bot trong zalo.bots (mặc định: bot của mục zalo)."),
]


def _bot(config: Config, name: str | None) -> ZaloBotConfig:
    """The bot a command is for: named, or the only one, or the [zalo] table's."""
    bots = {bot.name: bot for bot in config.zalo.all_bots}
    if not bots:
        _fail("Chưa có bot Zalo nào: đặt [zalo] token hoặc thêm [[zalo.bots]] trong config.toml.")
    known = ", ".join(n or "(mục [zalo])" for n in bots)
    if name is None:
        if "" not in bots and len(bots) > 1:
            _fail(f"Có {len(bots)} bot Zalo: chọn một bằng --bot ({known}).")
        name = "" if "" in bots else next(iter(bots))
    if name not in bots:
        _fail(f"Không có bot Zalo “{name}”. Các bot: {known}.")
    return bots[name]


def _call(bot: ZaloBotConfig, call: Callable[[ZaloClient], Awaitable[Any]]) -> Any:
    """One Zalo API call for an admin command, errors as one clear line."""
    import asyncio

    from bot.channels.zalo_api import ZaloClient, ZaloError

    async def work() -> Any:
        async with ZaloClient(bot.token, base_url=bot.base_url) as client:
            return await call(client)

    try:
        return asyncio.run(work())
    except ZaloError as exc:
        _fail(f"Zalo trả lời lỗi ({exc.error_code}): {exc.description}")


@zalo_cli.command("set-webhook")
def zalo_set_webhook(
    url: Annotated[str, typer.Argument(help="Địa chỉ HTTPS công khai, ví dụ https://bot.vn")],
    bot: BotOption = None,
    config: ConfigOption = None,
) -> None:
    """Đặt webhook: Zalo gửi tin của bot tới URL/zalo/webhook (bot có tên: …/webhook/TÊN)."""
    from bot.runner import zalo_secret

    chosen = _bot(_config(config), bot)
    hook = url.rstrip("/") + chosen.webhook_path
    _call(chosen, lambda client: client.set_webhook(hook, zalo_secret(chosen)))
    out.print(f"Đã đặt webhook Zalo: {hook}")


@zalo_cli.command("delete-webhook")
def zalo_delete_webhook(bot: BotOption = None, config: ConfigOption = None) -> None:
    """Xoá webhook của bot (bot sẽ tự lấy tin bằng getUpdates)."""
    _call(_bot(_config(config), bot), lambda client: client.delete_webhook())
    out.print("Đã xoá webhook Zalo.")


@zalo_cli.command("info")
def zalo_info(bot: BotOption = None, config: ConfigOption = None) -> None:
    """Xem tài khoản Zalo của bot và webhook của nó."""
    chosen = _bot(_config(config), bot)

    async def both(client: ZaloClient) -> tuple[Any, Any]:
        return await client.get_me(), await client.get_webhook_info()

    me, hook = _call(chosen, both)
    name = chosen.display_name or me.get("display_name") or "(chưa đặt display_name)"
    out.print(
        f"Bot: {escape(str(name))} — {escape(str(me.get('account_name')))} (id {me.get('id')})"
    )
    out.print(f"Webhook: {escape(str((hook or {}).get('url') or 'chưa đặt'))}")


@zalo_cli.command("usage")
def zalo_usage(
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            help="Một tháng đã qua, ví dụ 11/2026 (mặc định: tháng này).",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="In JSON.")] = False,
    config: ConfigOption = None,
) -> None:
    """Mỗi bot Zalo trong tháng này (hoặc --month): số tin so với gói, số người dùng, tin
    đang chờ."""
    from bot.bot_report import zalo_months
    from storage.bot_usage import month_of

    cfg = _config(config)
    app = _app(cfg)
    now = app.clock()
    current = month_of(now, cfg.zone)
    asked = _month(month) if month is not None else None
    if asked is not None and asked > current:
        _fail(f"Tháng {month} chưa đến: xem tháng này hoặc một tháng đã qua.")

    def work() -> list[Any]:
        with app.uow(read_only=True) as unit:
            return zalo_months(unit.session, cfg, now=now, month=asked)

    months = _guard(cfg, work)
    if as_json:
        sys.stdout.write(json.dumps([m.as_dict() for m in months], ensure_ascii=False) + "\n")
        return
    if not months:
        out.print("Chưa có bot Zalo nào.")
    gone = asked is not None and asked != current
    for each in months:
        for line in usage_lines(each, cfg.zone, gone=gone):
            out.print(escape(line))


def _month(typed: str) -> str:
    """A month typed mm/yyyy (or yyyy-mm) as YYYY-MM; refused in Vietnamese otherwise."""
    found = re.fullmatch(r"\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*", typed)
    if found:
        month, year = int(found[1]), int(found[2])
    elif found := re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", typed):
        year, month = int(found[1]), int(found[2])
    else:
        _fail(f"Không hiểu tháng “{typed}”: gõ tháng/năm, ví dụ --month 11/2026.")
    if not 1 <= month <= 12 or year < 2000:
        _fail(f"Không có tháng “{typed}”: gõ tháng/năm, ví dụ --month 11/2026.")
    return f"{year:04d}-{month:02d}"


def usage_lines(month: Any, zone: ZoneInfo, *, gone: bool = False) -> list[str]:
    """A bot's month in a few lines of Vietnamese (`gone`: a month gone by)."""
    limit = f"/{month.limit} ({month.percent}%)" if month.limit else " (chưa đặt hạn mức)"
    users = f"/{month.max_users}" if month.max_users else ""
    lines = [
        f"{month.label}{f' [{month.name}]' if month.name else ''}, tháng {month.month[5:]}/"
        f"{month.month[:4]}: {month.sent}{limit} tin, {month.users}{users} người dùng",
    ]
    kinds = [
        f"{texts.USAGE_KINDS.get(kind, kind)} {count}" for kind, count in month.by_kind.items()
    ]
    if kinds:
        lines.append("  " + ", ".join(kinds))
    when = "tháng này" if not gone else f"tháng {month.month[5:]}/{month.month[:4]}"
    lines.append(texts.USAGE_PEOPLE.format(users=month.users, senders=month.senders, when=when))
    if gone:
        lines.append(texts.USAGE_MONTH_GONE)
    lines.append(texts.USAGE_COUNTED_IN if month.count_incoming else texts.USAGE_COUNTED_OUT)
    if month.max_users and month.senders > month.max_users:
        lines.append(texts.USAGE_SENDERS_OVER.format(senders=month.senders, most=month.max_users))
    if month.paused_since is not None:
        since = month.paused_since.astimezone(zone)
        lines.append(f"  ⚠️ Đang tạm dừng vì hết hạn mức, từ {since:%H:%M %d/%m/%Y}")
    if month.waiting:
        lines.append(f"  Tin đang chờ gửi: {month.waiting}")
    if month.skipped_for_quota:
        lines.append(f"  Tin bỏ qua để giữ hạn mức: {month.skipped_for_quota}")
    return lines
