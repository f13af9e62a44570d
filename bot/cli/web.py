"""`gotungnha web`: the dashboard on its own (to try it with the demo ward, or to serve it
when the chat channels run elsewhere)."""

from __future__ import annotations

import dataclasses
import functools
from typing import Annotated

import typer
from rich.markup import escape

from bot.cli.base import ConfigOption, _app, _config, cli, out


@cli.command()
def web(
    user: Annotated[
        str | None,
        typer.Option(help="Người dùng thử trong cửa sổ chat (như canbo, totruong): in link vào."),
    ] = None,
    host: Annotated[str | None, typer.Option(help="Địa chỉ nghe (mặc định [server] host).")] = None,
    port: Annotated[int | None, typer.Option(help="Cổng (mặc định [server] port).")] = None,
    config: ConfigOption = None,
) -> None:
    """Mở trang theo dõi trên web; với --user, in link đăng nhập một lần của người đó."""
    import asyncio

    from bot.channels.console import ConsoleChat
    from bot.runner import file_links, serve_web, web_dashboard
    from bot.web.server import create_web_app
    from storage.migrate import not_ready

    cfg = _config(config)
    server = dataclasses.replace(
        cfg.server, host=host or cfg.server.host, port=port or cfg.server.port, dashboard=True
    )
    if not server.public_url:  # tried on this computer: links point here
        server = dataclasses.replace(server, public_url=f"http://{server.host}:{server.port}")
    cfg = dataclasses.replace(cfg, server=server)
    app = _app(cfg)
    out.print(f"Trang theo dõi: {escape(cfg.dashboard_url)}/web (Ctrl+C để dừng)")
    if user:
        out.print(escape(ConsoleChat(app.engine, user_id=user).say("/web")))
    web_app = create_web_app(
        links=file_links(cfg),
        dashboard=web_dashboard(app),
        not_ready=functools.partial(not_ready, app.db),
        metrics=app.metrics.exposition if cfg.server.metrics else None,  # as `run` serves it
    )
    asyncio.run(serve_web(cfg, web_app))
