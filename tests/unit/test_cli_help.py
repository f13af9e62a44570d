"""Every command's --help reads, in Vietnamese, its texts as written (a bracket in a help text
is rich markup unless escaped); a command line click cannot read is one Vietnamese line."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import bot.cli.main  # noqa: F401  (registers every command)
from bot.cli.base import cli


def _paths(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):  # a group of commands
            found += _paths(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


def _command(path: tuple[str, ...]) -> Any:
    command: Any = typer.main.get_group(cli)
    for name in path:
        command = command.commands[name]
    return command


def _help(path: tuple[str, ...]) -> str:
    shown = CliRunner().invoke(cli, [*path, "--help"], prog_name="gotungnha")
    assert shown.exit_code == 0, shown.output
    return shown.stdout


COMMANDS = _paths(typer.main.get_group(cli))
IDS = {"ids": lambda p: " ".join(p) or "gotungnha"}
# words of English prose that have no business in a Vietnamese help page (the commands'
# own names, such as `list`, `add` and `usage`, are not prose)
ENGLISH = re.compile(
    r"(?<![\w-])(the|and|with|show|this|message|exit|options|commands|arguments|print|"
    r"into|from|which|whether|each|every|write|apply|start|serve)(?![\w-])",
    re.IGNORECASE,
)


def test_the_zalo_commands_are_all_there():
    assert {("zalo", name) for name in ("set-webhook", "delete-webhook", "info", "usage")} <= set(
        COMMANDS
    )


@pytest.mark.parametrize("path", COMMANDS, **IDS)
def test_help_is_shown_without_an_error(path: tuple[str, ...]):
    assert "Cách dùng: gotungnha" in _help(path)


@pytest.mark.parametrize("path", COMMANDS, **IDS)
def test_help_speaks_vietnamese(path: tuple[str, ...]):
    shown = _help(path)
    assert ENGLISH.findall(shown) == [], shown
    assert "Xem hướng dẫn này rồi thoát." in shown


@pytest.mark.parametrize("path", COMMANDS, **IDS)
def test_a_bracket_in_a_help_text_is_shown_as_written(path: tuple[str, ...]):
    command = _command(path)
    written = " ".join(
        str(getattr(owner, "help", "") or "") for owner in (command, *command.params)
    )
    shown = _help(path)
    for bracket in re.findall(r"\\?(\[[^\]\s]*\])", written):
        assert bracket in shown, (bracket, shown)


def test_the_web_help_names_the_server_settings():
    shown = " ".join(_help(("web",)).split())
    assert "(mặc định [server] host)" in shown and "(mặc định [server] port)" in shown


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["nope"], "Không có lệnh “nope”. Xem: gotungnha --help"),
        (["expor", "--out", "x.xlsx"], "Không có lệnh “expor”. Có phải ý bạn là export?"),
        (["roster", "import", __file__], "Thiếu tuỳ chọn --ward."),
        (["roster", "import", "khong-co.xlsx", "--ward", "P"], "Không có tệp “khong-co.xlsx”"),
        (["invites", "--wardd", "P"], "Không có tuỳ chọn --wardd. Có phải ý bạn là --ward?"),
        (["invites", "--ward"], "--ward cần một giá trị."),
        (["parse"], "Thiếu TEXT."),
        (["parse", "vneid", "3"], "Thừa “3” trên dòng lệnh."),
        (
            ["target", "set", "--team", "T", "--service", "vneid", "--count", "ba"],
            "--count cần là một số nguyên, không phải “ba”.",
        ),
        (
            ["deadline", "add", "--name", "X", "--before", "20/04/2027", "--repeat", "weekly"],
            "--repeat cần là once, yearly hoặc quarterly, không phải “weekly”.",
        ),
    ],
)
def test_a_command_line_that_cannot_be_read_is_one_vietnamese_line(args: list[str], said: str):
    result = CliRunner().invoke(cli, args, prog_name="gotungnha")
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("Lỗi: ") and said in line
    assert not re.search(r"Usage|Error|Missing|Invalid|No such|Try", result.stderr)
