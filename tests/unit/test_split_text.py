"""Long texts cut into messages a platform accepts (bot/channels/text.py `split_text`).

Telegram refuses a message over 4,096 UTF-16 code units ("message is too long"), where a
Vietnamese letter takes one unit and an emoji beyond U+FFFF two; a reply cut at 4,096
characters with emoji in it was refused, and the reply was lost.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.channels.text import split_text, utf16_units

TELEGRAM = 4096

# Vietnamese words, emoji beyond U+FFFF (two UTF-16 units each), and emoji sequences
WORDS = [
    "Cài", "đặt", "VNeID", "cho", "bà", "Nguyễn", "Thị", "Lành", "tổ", "dân", "phố", "số",
    "hướng", "dẫn", "định", "danh", "mức", "2", "ứng", "dụng", "Sổ", "sức", "khỏe", "điện",
    "tử", "xong", "✅", "📱", "👵🏻", "🎉", "👨‍👩‍👧", "🇻🇳", "1️⃣", "ệ",
]  # fmt: skip
vietnamese_lines = st.lists(st.sampled_from(WORDS), min_size=0, max_size=40).map(" ".join)
vietnamese_text = st.lists(vietnamese_lines, min_size=1, max_size=60).map("\n".join)
any_text = st.text(
    alphabet=st.sampled_from([*"aăâeêoơư ệ\n\t", "😀", "🇻", "\u200d", "\ufe0f", "\u0323"]),
    max_size=400,
)
MEASURES: list[tuple[str, Callable[[str], int]]] = [("len", len), ("utf16", utf16_units)]


def placed(text: str, pieces: list[str]) -> list[tuple[int, int]]:
    """Where each piece is in `text`, checking that joined they give the text back but for
    whitespace left out between them (the line breaks or spaces cut at, blank pieces)."""
    spans, pos = [], 0
    for piece in pieces:
        at = pos
        while not text.startswith(piece, at):
            assert text[at].isspace(), f"{text[pos : at + 1]!r} left out before {piece!r}"
            at += 1
        spans.append((at, at + len(piece)))
        pos = at + len(piece)
    assert not text[pos:].strip(), f"{text[pos:]!r} lost at the end"
    return spans


@settings(max_examples=300, deadline=None)
@given(text=vietnamese_text, limit=st.integers(min_value=20, max_value=300))
@example(text="\n" * 21, limit=20)  # blank lines past the limit: nothing to send, not ""
def test_every_piece_fits_in_utf16_units_and_together_they_are_the_whole_text(
    text: str, limit: int
):
    pieces = split_text(text, limit, measure=utf16_units)
    assert all(utf16_units(piece) <= limit for piece in pieces), [utf16_units(p) for p in pieces]
    placed(text, pieces)
    assert all(piece.strip() for piece in pieces) or pieces == [text]


@settings(max_examples=300, deadline=None)
@given(text=any_text, limit=st.integers(min_value=2, max_value=40), which=st.sampled_from(MEASURES))
def test_any_text_is_kept_whole_within_the_limit(
    text: str, limit: int, which: tuple[str, Callable[[str], int]]
):
    _name, measure = which
    pieces = split_text(text, limit, measure=measure)
    assert all(measure(piece) <= limit for piece in pieces)
    placed(text, pieces)


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(vietnamese_lines.filter(str.strip), min_size=1, max_size=60),
    limit=st.integers(min_value=200, max_value=400),
)
def test_lines_that_fit_are_never_cut_and_pieces_are_filled_line_by_line(
    lines: list[str], limit: int
):
    lines = [line for line in lines if utf16_units(line) <= limit]
    text = "\n".join(lines)
    pieces = split_text(text, limit, measure=utf16_units)
    spans = placed(text, pieces)
    for start, end in spans:  # whole lines only
        assert start == 0 or text[start - 1] == "\n"
        assert end == len(text) or text[end] == "\n"
    for piece, following in itertools.pairwise(pieces):
        first_line = following.split("\n", 1)[0]
        assert utf16_units(f"{piece}\n{first_line}") > limit, "cut before a line that fitted"
    assert "\n".join(pieces) == text


@settings(max_examples=200, deadline=None)
@given(text=vietnamese_text, limit=st.integers(min_value=20, max_value=300))
def test_a_cut_falls_on_a_line_break_whenever_one_is_in_reach(text: str, limit: int):
    pieces = split_text(text, limit, measure=utf16_units)
    spans = placed(text, pieces)
    for (start, end), (following, _) in itertools.pairwise(spans):
        if "\n" in text[end:following]:
            continue  # cut at a line break
        # the longest start of the rest that fits, and the character after it (dropped
        # when it is the cut): no line break after the piece's first character
        reach = start
        while reach < len(text) and utf16_units(text[start : reach + 1]) <= limit:
            reach += 1
        assert "\n" not in text[start + 1 : reach + 1], (text[start : reach + 1], pieces)


def test_an_emoji_counts_two_units_so_a_telegram_piece_holds_half_as_many():
    text = "👍" * 3000  # 3,000 characters, 6,000 UTF-16 units: too long as one message
    pieces = split_text(text, TELEGRAM, measure=utf16_units)
    assert [len(piece) for piece in pieces] == [2048, 952]
    assert [utf16_units(piece) for piece in pieces] == [4096, 1904]
    assert split_text(text, TELEGRAM) == [text]  # counted in characters it would fit


def test_a_long_vietnamese_reply_with_emoji_is_cut_at_line_ends_within_telegrams_limit():
    lines = [
        f"  – {n:03d}/11: ghi chú “Cài VNeID cho cụ bà tổ 3 👵📱✅ xong” 🎉" for n in range(138)
    ]
    text = "📋 Dữ liệu của bạn\n" + "\n".join(lines)
    assert len(text) < 2 * TELEGRAM < utf16_units(text)  # two messages' worth of characters
    assert len(split_text(text, TELEGRAM)) == 2
    pieces = split_text(text, TELEGRAM, measure=utf16_units)
    assert len(pieces) == 3
    assert all(utf16_units(piece) <= TELEGRAM for piece in pieces)
    assert "\n".join(pieces) == text
    assert pieces[0].startswith("📋 Dữ liệu của bạn\n") and pieces[-1].endswith("🎉")


def test_a_line_longer_than_the_limit_is_cut_at_a_space():
    text = "một hai ba bốn năm sáu bảy tám"
    assert split_text(text, 12) == ["một hai ba", "bốn năm sáu", "bảy tám"]


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        # a Vietnamese letter written as e and two marks stays one letter
        (unicodedata.normalize("NFD", "nghệệệ"), 5, ["ngh", "ệ", "ệ", "ệ"]),
        ("ab👨‍👩‍👧cd", 6, ["ab", "👨‍👩‍👧c", "d"]),  # a family is one emoji: never cut
        ("xy👍🏻👍🏻", 3, ["xy", "👍🏻", "👍🏻"]),  # a skin tone belongs to its emoji
        ("1️⃣2️⃣", 3, ["1️⃣", "2️⃣"]),  # a keycap sequence too
    ],
)
def test_a_hard_cut_never_splits_a_letter_from_its_marks_or_an_emoji_sequence(
    text: str, limit: int, expected: list[str]
):
    expected = [unicodedata.normalize("NFD", piece) for piece in expected]
    assert split_text(text, limit) == expected


def test_blank_stretches_make_no_empty_messages_and_short_texts_stay_as_they_are():
    assert split_text("", 10) == [""]
    assert split_text("xin chào", 10) == ["xin chào"]
    assert split_text("đầu" + "\n" * 30 + "cuối", 10) == ["đầu", "cuối"]
