"""A failure as the log tells it: where it happened and what kind, never what it was about.

An exception's message may quote what it was given: `int("…")` repeats the string, a
PostgreSQL error quotes the row it refused ("Failing row contains (…)"), so a member's
note, a name or the words of a voice message would land in the log. A failure is logged
by the frames and the types of its chain only, with the codes that carry no data (the
SQLSTATE, SQLite's error name, the errno).

Usage:
    except Exception as exc:
        log.error("message failed platform=%s\\n%s", platform, failure_trace(exc))
"""

from __future__ import annotations

import errno
import traceback

CAUSE = "The above exception was the direct cause of the following exception:"
CONTEXT = "During handling of the above exception, another exception occurred:"


def failure_trace(exc: BaseException) -> str:
    """The traceback Python would print for `exc`, each exception's message left out."""
    blocks: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    link = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        blocks.append(_block(current) + (f"\n\n{link}\n" if link else ""))
        if current.__cause__ is not None:
            current, link = current.__cause__, CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, CONTEXT
        else:
            current = None
    return "\n".join(reversed(blocks)).rstrip("\n")


def _block(exc: BaseException) -> str:
    frames = traceback.format_list(traceback.extract_tb(exc.__traceback__))
    lines = ["Traceback (most recent call last):", *(f.rstrip("\n") for f in frames)]
    return "\n".join([*lines, _kind(exc)])


def _kind(exc: BaseException) -> str:
    """The exception's type and its data-free codes, e.g. `…CheckViolation sqlstate=23514`."""
    kind = type(exc)
    name = kind.__qualname__
    if kind.__module__ != "builtins":
        name = f"{kind.__module__}.{name}"
    codes = [
        f"{attr}={value}"
        for attr in ("sqlstate", "sqlite_errorname")
        if isinstance(value := getattr(exc, attr, None), str)
    ]
    if isinstance(exc, OSError) and isinstance(exc.errno, int) and exc.errno in errno.errorcode:
        codes.append(f"errno={errno.errorcode[exc.errno]}")
    return " ".join([name, *codes, "(message left out)"])
