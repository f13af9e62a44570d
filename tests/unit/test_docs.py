"""The documents cannot drift from the code: every `gotungnha …` line they show exists with
its options, every example in the member guide's tables parses to what its row says, every
chat command they name exists for the role they name, and every link between them resolves.

Reads README.md and docs/*.md; walks the typer app and the engine's routes in-process.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer

import bot.cli.main  # noqa: F401  (registers every command)
from bot.cli.base import cli
from handlers.catalogue import DEFAULT_CATALOGUE
from handlers.context import RANK
from handlers.features import ROUTER
from handlers.parsing.quick_entry import parse_quick_entry
from handlers.router import Route
from schedules.commands import router as deadline_router
from storage.models import Role

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MEMBER_GUIDE = ROOT / "docs" / "huong-dan-thanh-vien.md"
MANAGER_GUIDE = ROOT / "docs" / "huong-dan-quan-ly.md"
COMMANDS: dict[str, Route] = {**ROUTER.commands, **deadline_router.commands}

_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_INLINE = re.compile(r"`([^`\n]+(?:\n[^`\n]+)*)`")


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --- where code is shown ---------------------------------------------------------------


def blocks(text: str) -> list[str]:
    """The lines of every fenced code block, a line ending in `\\` joined to the next."""
    lines: list[str] = []
    for fence in _FENCE.finditer(text):
        body = fence.group(0).split("\n")[1:-1]
        lines += "\n".join(body).replace("\\\n", " ").split("\n")
    return lines


def spans(text: str) -> list[str]:
    """Every inline code span outside code blocks, on one line, a table's `\\|` as `|`."""
    prose = _FENCE.sub("", text)
    return [" ".join(m.group(1).replace("\\|", "|").split()) for m in _INLINE.finditer(prose)]


def shown_code(text: str) -> list[str]:
    return blocks(text) + spans(text)


# --- (a) command lines -----------------------------------------------------------------

_PROGRAM = re.compile(r"(?<![\w/@.-])(?:[\w./-]*/bin/)?gotungnha(?:-admin)?(?=\s|$)")
_STARTS_A_COMMAND = {"sudo", "|", ";", "&&", "$", "("}
_ENDS = re.compile(r"\s(?:\||;|&&|#)\s|\s#")


def command_lines(snippet: str) -> Iterator[list[str]]:
    """The words after each `gotungnha` typed as a command (not `createdb gotungnha`)."""
    for found in _PROGRAM.finditer(snippet):
        before = snippet[: found.start()].split()
        if before and not (
            before[-1] in _STARTS_A_COMMAND or re.fullmatch(r"[A-Z_][A-Z0-9_]*=\S*", before[-1])
        ):
            continue
        rest = _ENDS.split(snippet[found.end() :], maxsplit=1)[0]
        try:
            words = shlex.split(rest)
        except ValueError:  # an apostrophe in prose
            words = rest.split()
        yield [w.strip("[]").rstrip(",.:)") for w in words if w.strip("[]")]


def _option(command: Any, word: str) -> Any | None:
    name = word.split("=", 1)[0]
    for param in command.params:
        if name in (*param.opts, *param.secondary_opts):
            return param
    return None


def check_command(words: list[str]) -> str | None:
    """What is wrong with `gotungnha <words>`, or None."""
    command: Any = typer.main.get_group(cli)
    path = ["gotungnha"]
    positionals = 0
    i = 0
    while i < len(words):
        word = words[i]
        if word in {"…", "..."}:  # an elision, where options or values were left out
            i += 1
            continue
        if word.startswith("--"):
            if word == "--help":
                i += 1
                continue
            param = _option(command, word)
            if param is None:
                return f"{' '.join(path)} has no option {word}"
            if not param.is_flag and "=" not in word:
                i += 1  # its value
        elif word.startswith("-") and len(word) > 1 and not word[1].isdigit():
            if _option(command, word) is None:
                return f"{' '.join(path)} has no option {word}"
        elif hasattr(command, "commands") and word in command.commands and positionals == 0:
            command = command.commands[word]
            path.append(word)
        elif hasattr(command, "commands") and not command.invoke_without_command:
            return f"{' '.join(path)} has no command {word}"
        else:
            positionals += 1
            takes = [p for p in command.params if p.param_type_name == "argument"]
            if not takes:
                return f"{' '.join(path)} takes no argument, but {word!r} is shown"
        i += 1
    return None


def documented_command_lines() -> list[tuple[str, list[str]]]:
    shown = []
    for doc in DOCS:
        for snippet in shown_code(doc.read_text(encoding="utf-8")):
            shown += [(_name(doc), words) for words in command_lines(snippet)]
    return shown


def test_every_command_line_shown_exists_with_the_options_shown() -> None:
    shown = documented_command_lines()
    assert len(shown) > 60, "the guides show the command line: were they found?"
    wrong = [
        f"{doc}: gotungnha {' '.join(words)} — {problem}"
        for doc, words in shown
        if (problem := check_command(words))
    ]
    assert wrong == []


def test_the_command_check_catches_what_does_not_exist() -> None:
    assert check_command(["roster", "add-member", "--team", "T", "--name", "N"]) is None
    assert check_command(["--config", "x.toml", "db", "status"]) is None
    assert check_command(["export", "models", "--out", "m.xlsx"]) is None
    assert "no option --colour" in str(check_command(["invites", "--colour", "red"]))
    assert "no command fly" in str(check_command(["db", "fly"]))
    assert "no command fly" in str(check_command(["fly"]))
    assert "takes no argument" in str(check_command(["run", "now"]))
    assert [*command_lines("sudo -u postgres createdb gotungnha --owner gotungnha")] == []
    assert [*command_lines("printf 'vneid 3\\n' | gotungnha chat --user demo")] == [
        ["chat", "--user", "demo"]
    ]


# --- (b) the member guide's examples ---------------------------------------------------

TODAY = date(2026, 11, 23)  # the guide's "hôm nay": Monday 23/11/2026
_NAMES = {spec.name: spec.code for spec in DEFAULT_CATALOGUE.active}
_DAYS = {
    "hôm nay": TODAY,
    "hôm qua": TODAY - timedelta(days=1),
    "hôm kia": TODAY - timedelta(days=2),
    "thứ Hai gần nhất": TODAY - timedelta(days=TODAY.weekday()),
}


def cells(row: str) -> list[str]:
    parts = re.split(r"(?<!\\)\|", row.strip())
    return [p.strip().replace("\\|", "|") for p in parts[1:-1]]


def tables(text: str) -> Iterator[list[list[str]]]:
    """Each table as its rows of cells, the header first, the --- row left out."""
    rows: list[list[str]] = []
    for line in [*_FENCE.sub("", text).split("\n"), ""]:
        if line.startswith("|"):
            if not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", line.strip()):
                rows.append(cells(line))
        elif rows:
            yield rows
            rows = []


def expected(said: str) -> dict[str, Any]:
    """What a row's "Bot ghi" cell says, in `ParseResult.as_dict()`'s shape."""
    want: dict[str, Any] = {
        "items": {},
        "people": None,
        "households": None,
        "date": TODAY.isoformat(),
        "location": None,
        "note": None,
    }
    for part in (p.strip() for p in said.split(";")):
        if part in _DAYS:
            want["date"] = _DAYS[part].isoformat()
        elif m := re.fullmatch(r"ngày (\d\d)/(\d\d)/(\d{4})", part):
            want["date"] = date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        elif m := re.fullmatch(r"(\d+) hộ", part):
            want["households"] = int(m[1])
        elif m := re.fullmatch(r"(\d+) người", part):
            want["people"] = int(m[1])
        elif part.startswith("địa điểm: "):
            want["location"] = part.removeprefix("địa điểm: ")
        elif part.startswith("ghi chú: "):
            want["note"] = part.removeprefix("ghi chú: ")
        else:
            name, _, count = part.rpartition(" ")
            assert name in _NAMES, f"{part!r}: not a service of the default catalogue"
            want["items"][_NAMES[name]] = int(count)
    return want


def examples() -> list[Any]:
    rows = []
    for table in tables(MEMBER_GUIDE.read_text(encoding="utf-8")):
        if table[0][:2] != ["Bạn gõ", "Bot ghi"]:
            continue
        for row in table[1:]:
            for message in re.findall(r"`([^`]+)`", row[0]):
                rows.append(pytest.param(message, row[1], id=message))
    return rows


EXAMPLES = examples()


def test_the_member_guide_has_its_examples_tables() -> None:
    assert len(EXAMPLES) > 40


@pytest.mark.parametrize(("message", "said"), EXAMPLES)
def test_each_example_in_the_member_guide_is_read_as_its_row_says(message: str, said: str) -> None:
    result = parse_quick_entry(message, today=TODAY).as_dict()
    problems = [p["kind"] for p in result.pop("problems")]
    assert problems == [], "the table shows messages saved at once, with nothing to ask"
    assert result == expected(said)


# --- (c) chat commands and roles -------------------------------------------------------

_ROLE_WORDS = {
    "tổ trưởng": Role.LEADER,
    "tổ phó": Role.LEADER,
    "cán bộ phường": Role.OFFICER,
    "người đại diện": Role.UNIT,
}
_CHAT_COMMAND = re.compile(r"(?<![\w/.:<>@-])/([a-z]+)\b(?![/.])")


def allowed(route: Route, role: Role) -> bool:
    """May someone of `role` use this command (the engine's own rule)?"""
    if route.role is None:
        return True
    if route.only:
        return role == route.role
    return RANK[role] >= RANK[route.role]


def roles_named(text: str) -> set[Role]:
    low = text.lower()
    return {role for word, role in _ROLE_WORDS.items() if word in low}


@dataclass(frozen=True)
class Mention:
    command: str
    context: str  # the paragraph or table row it is named in
    who: str  # a table's "Ai dùng" cell, when there is one


def mentions(text: str) -> Iterator[Mention]:
    for table in tables(text):
        who_column = table[0].index("Ai dùng") if "Ai dùng" in table[0] else None
        for row in table[1:]:
            who = row[who_column] if who_column is not None else ""
            line = " | ".join(row)
            for snippet in re.findall(r"`([^`]+)`", line):
                for name in _CHAT_COMMAND.findall(snippet):
                    yield Mention(name, line, who)
    for fence in _FENCE.finditer(text):
        for name in _CHAT_COMMAND.findall(fence.group(0)):
            yield Mention(name, "", "")
    prose = "\n".join(line for line in _FENCE.sub("", text).split("\n") if not line.startswith("|"))
    for paragraph in prose.split("\n\n"):
        for snippet in re.findall(r"`([^`]+)`", paragraph):
            for name in _CHAT_COMMAND.findall(snippet):
                yield Mention(name, paragraph, "")


def check_mention(mention: Mention, audience: set[Role]) -> str | None:
    route = COMMANDS.get(mention.command)
    if route is None:
        return f"/{mention.command} is no chat command"
    if mention.who:  # the table says who: each of them may
        who = roles_named(mention.who)
        if not who:
            return f"/{mention.command}: no role in {mention.who!r}"
        refused = sorted(str(role) for role in who if not allowed(route, role))
        return f"/{mention.command} is not for {refused}" if refused else None
    roles = roles_named(mention.context) | audience
    if not any(allowed(route, role) for role in roles):
        return f"/{mention.command} is for {route.role}, not {sorted(map(str, roles))}"
    return None


GUIDES = {
    MEMBER_GUIDE: {Role.MEMBER},
    MANAGER_GUIDE: {Role.LEADER, Role.OFFICER},
    ROOT / "README.md": set(Role),
}


@pytest.mark.parametrize("guide", GUIDES, ids=_name)
def test_every_chat_command_named_exists_for_the_role_named(guide: Path) -> None:
    found = [*mentions(guide.read_text(encoding="utf-8"))]
    assert len(found) > 3
    wrong = [problem for m in found if (problem := check_mention(m, GUIDES[guide]))]
    assert wrong == []


def test_the_role_check_catches_a_command_for_someone_else() -> None:
    leaders_only = Mention("tiendo", "", "tổ trưởng")
    assert "not for ['leader']" in str(check_mention(leaders_only, set()))
    assert check_mention(Mention("xuat", "gõ `/xuat`", ""), {Role.MEMBER}) is not None
    assert check_mention(Mention("xuat", "tổ trưởng gõ `/xuat`", ""), {Role.MEMBER}) is None
    assert "no chat command" in str(check_mention(Mention("bay", "", ""), {Role.MEMBER}))


# --- (d) links -------------------------------------------------------------------------

_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation out, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for line in _FENCE.sub("", path.read_text(encoding="utf-8")).split("\n"):
        if m := re.match(r"#{1,6} (.*)", line):
            base = slug(m[1])
            n = seen.get(base, 0)
            seen[base] = n + 1
            found.add(base if n == 0 else f"{base}-{n}")
    return found


def check_link(doc: Path, target: str) -> str | None:
    file, _, anchor = target.partition("#")
    path = (doc.parent / file).resolve() if file else doc
    if not path.exists():
        return f"{target}: no such file"
    if anchor and (path.suffix != ".md" or anchor not in anchors(path)):
        return f"{target}: no heading #{anchor} in {path.name}"
    return None


def test_every_link_between_the_documents_resolves() -> None:
    checked, wrong = 0, []
    for doc in DOCS:
        for target in _LINK.findall(_FENCE.sub("", doc.read_text(encoding="utf-8"))):
            if re.match(r"[a-z]+:", target):
                continue  # https://, mailto:
            checked += 1
            if problem := check_link(doc, target):
                wrong.append(f"{_name(doc)}: {problem}")
    assert checked > 20
    assert wrong == []


def test_the_link_check_catches_a_missing_file_or_heading() -> None:
    readme = ROOT / "README.md"
    assert check_link(readme, "docs/van-hanh.md#11-cấu-hình") is None
    assert "no such file" in str(check_link(readme, "docs/khong-co.md"))
    assert "no heading" in str(check_link(readme, "docs/van-hanh.md#khong-co"))
