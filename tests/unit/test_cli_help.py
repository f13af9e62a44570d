"""Every command's --help reads: a bracket in a help text is rich markup and can break it."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import bot.cli  # noqa: F401  (registers every command)
from bot.cli_base import cli


def _paths(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):  # a group of commands
            found += _paths(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


COMMANDS = _paths(typer.main.get_group(cli))


def test_the_zalo_commands_are_all_there():
    assert {("zalo", name) for name in ("set-webhook", "delete-webhook", "info", "usage")} <= set(
        COMMANDS
    )


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "gotungnha")
def test_help_is_shown_without_an_error(path: tuple[str, ...]):
    shown = CliRunner().invoke(cli, [*path, "--help"])
    assert shown.exit_code == 0, shown.output
    assert "Usage" in shown.output
