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


def plain_lower(text: str) -> str:
    """Lower case without diacritics, Đ as D ("Phường Lê Chân" -> "phuong le chan"): the
    step every comparison of typed names starts with (also the roster file's headers)."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in plain if unicodedata.category(ch) != "Mn").lower()


def folded_name(text: str) -> str:
    """A name folded as it is compared: lower case, no diacritics (Đ as D), each run of
    spaces or punctuation as one "-" ("Phường  Lê Chân" -> "phuong-le-chan")."""
    return re.sub(r"[^a-z0-9]+", "-", plain_lower(text)).strip("-")


def same_name(one: str, other: str) -> bool:
    """Whether two names are one, typed in any case, with or without diacritics or spaces."""
    return folded_name(one) == folded_name(other)
