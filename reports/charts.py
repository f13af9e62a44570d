"""Bar charts as PNG pictures, drawn with Pillow in a few milliseconds (no screen needed).

The weekly tally sends one chart per team group, 2,687 of them on a city's Monday morning
through one process, so a chart must cost far less than the 33 ms a Telegram send slot
lasts. Text is drawn with the DejaVu Sans fonts vendored in `reports/fonts/` (every
Vietnamese letter; licence beside them), normalized to NFC first: Pillow's basic layout
places precomposed letters ("ể") right, and combining marks would land beside them.

Usage:
    bar_chart("Tổ CNSCĐ TDP 1, tuần 30/11–06/12", {"VNeID": 12, "Khác": 3}, path)
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR = FONTS / "DejaVuSans.ttf"
BOLD = FONTS / "DejaVuSans-Bold.ttf"

WIDTH = 770  # px; the matplotlib chart was 7 in at 110 dpi
MARGIN = 18  # px around everything
ROW = 46  # px from one bar to the next
BAR = 30  # px, a bar's thickness
GAP = 10  # px between a label and its bar
TITLE_GAP = 16  # px under the title
TITLE_SIZES = (19, 17, 15, 13)  # bold; the first that fits the title in two lines
LABEL_SIZES = (15, 14, 13, 12, 11)  # regular; the first that fits a label in two lines
MAX_LINES = 2
LABEL_SHARE = 0.42  # at most this much of the width for the labels: the bars need room

# the picture has 16 colours, a 4-bit PNG: white and 13 shades from it to the text's dark
# grey (letters stay smooth), the axis's light grey and the bars' blue
SHADES = 13
INK = (0x33, 0x33, 0x33)
AXIS = SHADES + 1
BLUE = SHADES + 2
MIN_BAR = 2  # px, the shortest bar of a count above 0
NUMBER_GAP = 6  # px between a bar's end and its count


@dataclass(frozen=True)
class _Text:
    """Lines of one text in one font, each line's width measured."""

    font: FreeTypeFont
    lines: tuple[str, ...]

    @property
    def width(self) -> float:
        return max(self.font.getlength(line) for line in self.lines)

    @property
    def line_height(self) -> int:
        ascent, descent = self.font.getmetrics()
        return ascent + descent + 4  # room for capitals' stacked marks ("Ể") above

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)


@lru_cache(maxsize=32)
def _font(path: Path, size: int) -> FreeTypeFont:
    """The font at `size` px, loaded once per process (read only afterwards: threads share it)."""
    from PIL import ImageFont

    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


def vietnamese_number(n: int) -> str:
    """1234567 -> "1.234.567", as Vietnamese write it."""
    return f"{n:,}".replace(",", ".")


def _wrap(text: str, font: FreeTypeFont, width: float) -> list[str]:
    """`text` in lines no wider than `width`, cut between words (inside a word only when the
    word alone is wider)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:  # a word wider than the space: cut where it must
            if line and font.getlength(line + char) > width:
                lines.append(line)
                line = ""
            line += char
    if line or not lines:
        lines.append(line)
    return lines


def _fit(text: str, path: Path, sizes: tuple[int, ...], width: float) -> _Text:
    """`text` in the biggest of `sizes` where it fits `width` in MAX_LINES lines; at the
    smallest size, in as many lines as it takes (never cut off)."""
    for size in sizes:
        font = _font(path, size)
        fitted = _Text(font, tuple(_wrap(text, font, width)))
        if len(fitted.lines) <= MAX_LINES:
            break
    return fitted


def _palette() -> list[int]:
    """Index 0 white, 1..SHADES white blending into the ink, AXIS light grey, BLUE blue."""
    colours: list[tuple[int, ...]] = []
    for i in range(SHADES + 1):
        share = i / SHADES
        colours.append(tuple(round(255 + (c - 255) * share) for c in INK))
    colours.append((0xCC, 0xCC, 0xCC))
    colours.append((0x1F, 0x77, 0xB4))
    return [c for colour in colours for c in colour]


def bar_chart(title: str, values: dict[str, int], path: Path) -> Path:
    """A horizontal bar chart of `values` (label -> count), biggest on top, saved as PNG."""
    # Pillow is loaded by the first chart, not by importing this (the command line's --help
    # does not need it). Nothing drawn is shared between calls: threads draw at once
    from PIL import Image, ImageDraw

    path.parent.mkdir(parents=True, exist_ok=True)
    ordered = sorted(values.items(), key=lambda item: -item[1])  # ties keep their order
    labels = [unicodedata.normalize("NFC", label) for label, _ in ordered]
    counts = [max(count, 0) for _, count in ordered]
    numbers = [vietnamese_number(count) for count in counts]

    inner = WIDTH - 2 * MARGIN
    heading = _fit(unicodedata.normalize("NFC", title), BOLD, TITLE_SIZES, inner)
    # each label as big as it fits: one long name does not make the others small
    names = [_fit(label, REGULAR, LABEL_SIZES, inner * LABEL_SHARE) for label in labels]
    number_font = _font(REGULAR, LABEL_SIZES[0])
    number_width = max((number_font.getlength(n) for n in numbers), default=0)

    label_width = max((name.width for name in names), default=0)
    bar_left = MARGIN + round(label_width) + GAP
    bar_room = WIDTH - MARGIN - round(number_width) - NUMBER_GAP - bar_left
    largest = max(counts, default=0)
    # to scale, but a count above 0 never vanishes next to a big one
    lengths = [max(round(bar_room * count / largest), MIN_BAR) if count else 0 for count in counts]
    row = max([ROW, *(name.height + 8 for name in names)])
    # capitals with two marks ("TỔ") rise above the font's ascent, where a line is placed
    rise = max(0, -int(heading.font.getbbox(heading.lines[0], anchor="ma")[1]))
    top = MARGIN + rise + heading.height + TITLE_GAP
    height = top + row * max(len(ordered), 1) + MARGIN

    image = Image.new("L", (WIDTH, height), 0)  # how much ink each pixel has, 0..255
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(heading.lines):
        at = (WIDTH // 2, MARGIN + rise + n * heading.line_height)
        draw.text(at, line, fill=255, font=heading.font, anchor="ma")
    for i, (name, length, number) in enumerate(zip(names, lengths, numbers, strict=True)):
        middle = top + row * i + row // 2
        for n, line in enumerate(name.lines):
            at = (bar_left - GAP, middle - name.height // 2 + n * name.line_height)
            draw.text(at, line, fill=255, font=name.font, anchor="ra")
        at = (bar_left + length + NUMBER_GAP, middle)
        draw.text(at, number, fill=255, font=number_font, anchor="lm")
    # ink 0..255 -> palette 0..SHADES, then the axis and the bars on top in their own colours
    image = image.point([round(v * SHADES / 255) for v in range(256)])
    draw = ImageDraw.Draw(image)
    draw.line([(bar_left - 1, top), (bar_left - 1, height - MARGIN)], fill=AXIS)
    for i, length in enumerate(lengths):
        if length:
            upper = top + row * i + (row - BAR) // 2
            draw.rectangle([bar_left, upper, bar_left + length - 1, upper + BAR - 1], fill=BLUE)
    image.putpalette(_palette())
    image.save(path, format="PNG", bits=4)
    return path
