"""How a typed name is matched to a stored one (pure, no I/O).

Usage:
    same_name("Phường Lê Chân", "PHUONG  le chan")   # -> True

An operator types a ward's name after `--ward` in any case, with or without diacritics, with
one space or two: every lookup of a ward by its name (`storage.queries.ward_by_name`) and the
check that refuses a second ward of one name (`handlers.admin.add_ward`) use this one rule.
It lives in storage so that each layer above can use it.
"""

from __future__ import annotations

import re
import unicodedata


def folded_name(text: str) -> str:
    """A name folded as it is compared: lower case, no diacritics (Đ as D), each run of
    spaces or punctuation as one "-" ("Phường  Lê Chân" -> "phuong-le-chan")."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if unicodedata.category(ch) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def same_name(one: str, other: str) -> bool:
    """Whether two names are one, typed in any case, with or without diacritics or spaces."""
    return folded_name(one) == folded_name(other)
