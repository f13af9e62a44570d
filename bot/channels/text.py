"""Text helpers every channel shares."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from handlers.messages import Reply

_ZWJ = "\u200d"  # the zero-width joiner: it makes one emoji of several (a family)


def numbered_text(reply: Reply) -> str:
    """A reply's text with its choices as numbered options ("Trả lời 1, 2 hoặc 3")."""
    lines = [reply.text]
    if reply.choices and reply.numbered:
        lines += [f"  {n}. {c.label}" for n, c in enumerate(reply.choices, start=1)]
        lines.append(f"({answer_hint(len(reply.choices))})")
    elif reply.choices:
        lines.append("(Gõ: " + " / ".join(c.label.lower() for c in reply.choices) + ")")
    return "\n".join(lines)


def answer_hint(count: int) -> str:
    """ "Trả lời 1, 2 hoặc 3"; past four choices "Trả lời số từ 1 đến 11" """
    numbers = [str(n) for n in range(1, count + 1)]
    if count == 1:
        return "Trả lời 1"
    if count > 4:
        return f"Trả lời số từ 1 đến {count}"
    return f"Trả lời {', '.join(numbers[:-1])} hoặc {numbers[-1]}"


def utf16_units(text: str) -> int:
    """The length Telegram counts: UTF-16 code units (an emoji beyond U+FFFF takes two)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, *, measure: Callable[[str], int] = len) -> list[str]:
    """Pieces of at most `limit` units of `measure` (characters by default; `utf16_units`
    for Telegram), cut at the last line break in reach, else at the last space, else between
    two characters that do not join (never inside "ệ" written as e + two marks, nor inside an
    emoji sequence). The line break or space cut at is dropped, and so are blank lines and
    trailing spaces around it, so that no piece is blank."""
    pieces: list[str] = []
    rest = text
    while measure(rest) > limit:
        fits = _fitting(rest, limit, measure)
        cut, skip = _cut(rest, fits)
        # blank lines at a cut would only be trimmed by the platform: they go
        piece, rest = rest[:cut].rstrip(), rest[cut + skip :].lstrip("\n")
        if piece:
            pieces.append(piece)
    if rest.strip() or measure(text) <= limit:  # a short text stays as it is, even blank
        pieces.append(rest)
    return pieces  # none: a text of blank lines longer than the limit has nothing to send


def _fitting(text: str, limit: int, measure: Callable[[str], int]) -> int:
    """How many characters from the start fit in `limit` (at least one, to move on)."""
    low, high = 1, min(len(text), limit)  # a character takes one unit or more
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _cut(text: str, fits: int) -> tuple[int, int]:
    """Where to cut `text`, whose first `fits` characters fit, and how many characters the
    cut drops: a line break or a space (right after what fits, too), else none."""
    reach = text[: fits + 1]
    for separator in ("\n", " "):
        at = reach.rfind(separator)
        if at > 0:
            return at, 1
    at = fits
    while at > 1 and _joined(text, at):
        at -= 1
    return (at, 0) if not _joined(text, at) else (fits, 0)


def _joined(text: str, at: int) -> bool:
    """Whether cutting before `text[at]` would split what is read as one character."""
    before, after = text[at - 1], text[at]
    return (
        # a mark belongs to the letter before it (ệ may come as e, U+0323, U+0302), and so
        # does a variation selector or a keycap to the emoji before it
        unicodedata.category(after).startswith("M")
        or _ZWJ in (before, after)
        or "\U0001f3fb" <= after <= "\U0001f3ff"  # a skin tone on the emoji before
        or ("\U0001f1e6" <= before <= "\U0001f1ff" and "\U0001f1e6" <= after <= "\U0001f1ff")
    )
