"""The command line in Vietnamese: typer's help headings, click's usage errors as one line,
and help texts shown as written (a `[server]` in them is not rich markup)."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from difflib import get_close_matches
from enum import Enum
from typing import Any, TypeVar

import typer
import typer.rich_utils
from rich.console import Console
from rich.markup import escape
from typer._click import exceptions as errors  # typer 0.29 carries its own click
from typer.core import TyperCommand, TyperGroup

F = TypeVar("F", bound=Callable[..., Any])
USAGE = "Cách dùng: "
HELP_OPTION = "Xem hướng dẫn này rồi thoát."
_stderr = Console(stderr=True, highlight=False, soft_wrap=True)

for _name, _text in {
    "ARGUMENTS_PANEL_TITLE": "Tham số",
    "OPTIONS_PANEL_TITLE": "Tuỳ chọn",
    "COMMANDS_PANEL_TITLE": "Lệnh",
    "ERRORS_PANEL_TITLE": "Lỗi",
    "ABORTED_TEXT": "Đã dừng.",
    "DEFAULT_STRING": "[mặc định: {}]",
    "REQUIRED_LONG_STRING": "[bắt buộc]",
    "DEPRECATED_STRING": "(không dùng nữa) ",
    "RICH_HELP": "Xem: [blue]{command_path} {help_option}[/]",
}.items():
    if hasattr(typer.rich_utils, _name):
        setattr(typer.rich_utils, _name, _text)


def _literal(command: Any) -> None:
    """Show every help text of a command as written: rich would read `[server]` as markup."""
    if getattr(command, "rich_markup_mode", None) != "rich":
        return
    for owner in (command, *command.params):
        for key in ("help", "short_help", "epilog"):
            text = getattr(owner, key, None)
            if isinstance(text, str):
                setattr(owner, key, escape(text))


def _metavars(kwargs: dict[str, Any]) -> dict[str, Any]:
    if kwargs.get("options_metavar", "[OPTIONS]") == "[OPTIONS]":
        kwargs["options_metavar"] = "[TUỲ CHỌN]"
    return kwargs


def _usage(command: Any, ctx: Any, formatter: Any) -> None:
    formatter.write_usage(ctx.command_path, " ".join(command.collect_usage_pieces(ctx)), USAGE)


class _Vietnamese:
    """Usage line and help option in Vietnamese, for a command and a group alike."""

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _usage(self, ctx, formatter)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION
        return option


class Command(_Vietnamese, TyperCommand):
    """A command whose help speaks Vietnamese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **_metavars(kwargs))
        _literal(self)


class Group(_Vietnamese, TyperGroup):
    """A group of commands whose help and usage errors speak Vietnamese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["subcommand_metavar"] = kwargs.get("subcommand_metavar") or "LỆNH [THAM SỐ]..."
        super().__init__(*args, **_metavars(kwargs))
        _literal(self)

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; a usage error is one Vietnamese line on stderr."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        typed = list(sys.argv[1:] if args is None else args)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except errors.NoArgsIsHelpError as exc:  # the help is already shown
            sys.exit(exc.exit_code)
        except errors.UsageError as exc:
            _stderr.print(f"[red]Lỗi:[/] {escape(usage_message(exc, typed))}")
            sys.exit(exc.exit_code)
        except errors.ClickException as exc:
            _stderr.print(f"[red]Lỗi:[/] {escape(exc.format_message())}")
            sys.exit(exc.exit_code)
        except typer.Abort:
            _stderr.print("Đã dừng.")
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


class Cli(typer.Typer):
    """A typer app whose commands and groups speak Vietnamese."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", Group)
        super().__init__(**kwargs)

    def command(self, name: str | None = None, **kwargs: Any) -> Callable[[F], F]:
        kwargs.setdefault("cls", Command)
        return super().command(name, **kwargs)


def usage_message(error: Any, typed: Sequence[str]) -> str:
    """What was wrong with the command line, in Vietnamese, and where to read more."""
    ctx = getattr(error, "ctx", None)
    see = f" Xem: {ctx.command_path} --help" if ctx is not None else ""
    message = str(getattr(error, "message", "") or "")
    if isinstance(error, errors.NoSuchOption):
        close = list(getattr(error, "possibilities", None) or ())
        guess = f" Có phải ý bạn là {_or(close)}?" if close else ""
        return f"Không có tuỳ chọn {error.option_name}.{guess}{see}"
    if isinstance(error, errors.MissingParameter):
        param = error.param
        choices = _choices(param)
        need = f" ({_or(choices)})" if choices else ""
        what = "tuỳ chọn " if getattr(param, "param_type_name", "") == "option" else ""
        return f"Thiếu {what}{_param_name(param)}{need}.{see}"
    if isinstance(error, errors.BadParameter):
        return _bad_value(error, typed) + see
    if isinstance(error, errors.BadOptionUsage):
        if "does not take" in message:
            return f"{error.option_name} không nhận giá trị.{see}"
        return f"{error.option_name} cần một giá trị.{see}"
    found = re.match(r"No such command '(.*?)'", message)
    if found is not None:
        commands = sorted(getattr(getattr(ctx, "command", None), "commands", {}) or ())
        close = get_close_matches(found[1], commands)
        guess = f" Có phải ý bạn là {_or(close)}?" if close else ""
        return f"Không có lệnh “{found[1]}”.{guess}{see}"
    found = re.match(r"Got unexpected extra argument(?:\(s\)|s)? \((.*)\)", message)
    if found is not None:
        return f"Thừa “{found[1]}” trên dòng lệnh.{see}"
    if message.startswith("Missing command"):
        return f"Thiếu tên lệnh.{see}"
    return f"Dòng lệnh chưa đúng ({message}).{see}"


def _bad_value(error: Any, typed: Sequence[str]) -> str:
    param = error.param
    name = _param_name(param)
    value = _value(param, typed, str(error.message))
    given = f", không phải “{value}”" if value is not None else ""
    choices = _choices(param)
    if choices:
        return f"{name} cần là {_or(choices)}{given}."
    kind = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if kind is int:
        return f"{name} cần là một số nguyên{given}."
    if kind is float:
        return f"{name} cần là một số{given}."
    if "does not exist" in str(error.message):
        return f"Không có tệp “{value}” ({name})."
    if "is a directory" in str(error.message):
        return f"“{value}” là một thư mục; {name} cần một tệp."
    return f"{name} không dùng được giá trị “{value}”." if value else f"{name} chưa đúng."


def _param_name(param: Any) -> str:
    if param is None:
        return "tham số"
    opts = [o for o in getattr(param, "opts", ()) if o.startswith("-")]
    if opts:
        return str(max(opts, key=len))
    return str(getattr(param, "name", "") or "tham số").upper()


def _value(param: Any, typed: Sequence[str], message: str) -> str | None:
    """What the person typed for this option (or, for an argument, what the error quotes)."""
    opts = [o for o in getattr(param, "opts", ()) if o.startswith("-")]
    for i, word in enumerate(typed):
        for opt in opts:
            if word == opt and i + 1 < len(typed):
                return typed[i + 1]
            if word.startswith(opt + "="):
                return word[len(opt) + 1 :]
    quoted = re.search(r"'([^']*)'", message)
    return quoted[1] if quoted else None


def _choices(param: Any) -> list[str]:
    descriptor = getattr(param, "type_descriptor", None)
    found = getattr(descriptor, "choices", None)
    if not getattr(descriptor, "is_choice", False) or found is None:
        found = getattr(getattr(param, "type", None), "choices", None)
    return [str(c.value if isinstance(c, Enum) else c) for c in found or ()]


def _or(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} hoặc {words[-1]}"
