"""`gotungnha voice FILE`: hear a recording as the bot would, and show what it would log."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from bot.cli.base import ConfigOption, _config, _fail, _today, cli, out, show_reading


@cli.command("voice")
def voice_command(
    file: Annotated[
        Path, typer.Argument(help="Tệp ghi âm: .ogg (Telegram), .aac (Zalo), .mp3, .wav…")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="In một đối tượng JSON.")] = False,
    today: Annotated[
        str | None, typer.Option(help="Ngày hôm nay, dd/mm/yyyy hoặc YYYY-MM-DD.")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Nghe thử một tệp ghi âm như bot nghe tin thoại, và xem bot sẽ ghi gì (không lưu gì)."""
    from bot.voice.desk import VoiceDesk
    from bot.voice.engines import VoiceUnavailable, load_engine
    from handlers import texts
    from handlers.catalogue import Catalogue
    from handlers.parsing.quick_entry import parse_quick_entry
    from storage.personal import scrub_spoken

    cfg = _config(config)
    day = _today(cfg, today)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        _fail(f"Không có tệp {file}.")
    except OSError as exc:
        _fail(f"Không đọc được tệp {file} ({type(exc).__name__}).")
    try:
        engine = load_engine(cfg.voice.engine)
    except VoiceUnavailable as exc:
        _fail(str(exc))
    desk = VoiceDesk(engine, max_seconds=cfg.voice.max_seconds)
    started = time.perf_counter()
    heard = desk.hear_now(data)
    took = time.perf_counter() - started
    desk.close()
    words, found = scrub_spoken(heard.text)  # what the bot would keep, as it would keep it
    catalogue = Catalogue(cfg.services)
    reading = parse_quick_entry(words, today=day, catalogue=catalogue) if words else None
    if as_json:
        answer = {
            "file": str(file),
            "engine": engine.name,
            "seconds": round(heard.seconds, 2),
            "took_seconds": round(took, 2),
            "problem": heard.problem,
            "heard": words,
            "scrubbed": [s.masked for s in found],
            "reading": reading.as_dict() if reading else None,
        }
        sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
    elif heard.problem:
        message = texts.VOICE_PROBLEM.get(heard.problem, texts.VOICE_PROBLEM["failed"])
        out.print(escape(message.format(seconds=heard.limit)))
    elif not words:
        out.print(escape(texts.VOICE_NOT_HEARD))
    else:
        length, spent = (f"{x:.1f}".replace(".", ",") for x in (heard.seconds, took))
        out.print(f"Nghe được ({length} giây, mất {spent} giây): «{escape(words)}»")
        for scrubbed in found:
            out.print(f"[yellow]! {escape(texts.PROBLEM_SCRUBBED.format(scrubbed.masked))}[/]")
        assert reading is not None
        show_reading(reading, catalogue)
    if heard.problem:
        raise typer.Exit(1)
