"""Text helpers every channel shares."""

from __future__ import annotations

from handlers.messages import Reply


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


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at line ends where possible."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # one very long line: cut it hard
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            candidate = line
        current = candidate
    if current or not pieces:
        pieces.append(current)
    return pieces
