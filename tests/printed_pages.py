"""Our workbooks as the officer's printer gets them: LibreOffice prints them to PDF, and
each page is read back character by character.

A character's printed size is its font size times every scaling on the way to the page
(a sheet scaled to 38% prints its 11 pt text at 4.2 pt; a turned axis title is still its
font's size), so the smallest on a page is the smallest text the officer has to read.
LibreOffice draws a sheet's chart on each page of the sheet and clips it away where it
does not belong; pdfminer (under pdfplumber) ignores clipping, so the reader here keeps
each clipping rectangle and leaves out the characters it hides. Each page's footer names
its sheet at the left ("&A") beside "Trang 3/7": that is how a page is known to be a
sheet's.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.converter import PDFPageAggregator
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.utils import apply_matrix_pt

CARLITO = "Carlito"  # Calibri's metric twin: pages come out as Excel prints them
PAGE_NUMBER = re.compile(r"Trang (\d+)/(\d+)")
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 on the page, y from the bottom


def soffice() -> str:
    """The LibreOffice program (Debian's libreoffice-calc-nogui, installed by .ci/run)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    assert found, "LibreOffice is needed: apt-get install libreoffice-calc-nogui"
    fonts = subprocess.run(["fc-match", "Calibri"], capture_output=True, text=True).stdout
    assert CARLITO in fonts, (
        f"Calibri prints as {fonts.strip()!r}: apt-get install fonts-crosextra-carlito "
        "(Calibri's metric twin) so the pages come out as Excel prints them"
    )
    return found


def to_pdf(books: Sequence[Path], folder: Path) -> dict[Path, Path]:
    """Print the workbooks to PDF with LibreOffice in one run: {workbook: its PDF}."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder / "libreoffice-profile"  # its own: no clash with a running soffice
    command = [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless"]
    command += ["--convert-to", "pdf", "--outdir", str(folder), *map(str, books)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    pdfs = {book: folder / f"{book.stem}.pdf" for book in books}
    missing = [str(p) for p in pdfs.values() if not p.exists()]
    assert not missing, f"LibreOffice printed no {missing}: {done.stdout}{done.stderr}"
    return pdfs


@dataclass(frozen=True)
class Char:
    text: str
    x0: float
    top: float  # from the top of the page, as a reader goes
    x1: float
    bottom: float
    size: float  # points, as printed


@dataclass(frozen=True)
class Page:
    """One printed page: what is visible on it."""

    sheet: str  # the sheet's name, from the footer
    number: int  # "Trang 3/7": 3
    of: int  # and 7
    chars: list[Char]  # above the footer
    lines: list[str]  # its lines of text, top to bottom, the footer left out

    @property
    def smallest(self) -> float:
        """The size of the smallest text on the page, in points."""
        return min((c.size for c in self.chars), default=0.0)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def text_above(self, points: float) -> str:
        """The text in the top `points` of the page (where the repeated header prints)."""
        return "\n".join(_lines([c for c in self.chars if c.bottom <= points]))

    def overlaps(self) -> list[str]:
        """Characters printed over one another: a wrapped line spilling into the next
        row, or text running into the cell beside (each box trimmed: letters touch)."""
        return _overlaps(self.chars)

    def __repr__(self) -> str:
        return f"<{self.sheet} page {self.number}/{self.of}, smallest {self.smallest:.1f} pt>"


def read_pages(pdf: Path) -> list[Page]:
    """Every page of a printed workbook."""
    pages = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            chars = _visible_chars(document, page)
            footer = _footer_line(chars)
            assert footer, f"{pdf.name} page {page.page_number}: no 'Trang n/N' at its foot"
            number = PAGE_NUMBER.search(_text(footer))
            assert number is not None
            sheet = _text([c for c in footer if c.x1 < page.width / 3])
            body = [c for c in chars if c.top < min(f.top for f in footer) - 1]
            pages.append(
                Page(sheet, int(number.group(1)), int(number.group(2)), body, _lines(body))
            )
    return pages


def by_sheet(pages: Sequence[Page]) -> dict[str, list[Page]]:
    """The pages of each sheet, in order."""
    found: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        found[page.sheet].append(page)
    return dict(found)


def save_pictures(
    pdf: Path, pages: Sequence[Page], folder: Path, *, resolution: int = 110
) -> dict[str, Path]:
    """A PNG of the first page of each sheet, for a person to look at: {sheet: picture}."""
    folder.mkdir(parents=True, exist_ok=True)
    first: dict[str, int] = {}
    for index, page in enumerate(pages):
        first.setdefault(page.sheet, index)
    saved = {}
    with pdfplumber.open(pdf) as document:
        for sheet, index in first.items():
            path = folder / f"{pdf.stem}-{_slug(sheet)}.png"
            document.pages[index].to_image(resolution=resolution).save(path)
            saved[sheet] = path
    return saved


# --- reading characters, with their clipping --------------------------------------------------


class _ClippingInterpreter(PDFPageInterpreter):
    """pdfminer's interpreter, keeping the clipping rectangle (pdfminer ignores `W`)."""

    inherited: Box | None = None  # a form XObject starts inside its caller's clip

    def init_state(self, ctm: Any) -> None:
        super().init_state(ctm)
        self.clip = self.inherited

    def dup(self) -> PDFPageInterpreter:
        child = super().dup()
        assert isinstance(child, _ClippingInterpreter)
        child.inherited = self.clip
        return child

    def get_current_state(self) -> Any:
        return (*super().get_current_state(), self.clip)

    def set_current_state(self, state: Any) -> None:
        *rest, self.clip = state
        super().set_current_state(tuple(rest))  # type: ignore[arg-type]

    def do_W(self) -> None:
        points = [
            apply_matrix_pt(self.ctm, (float(seg[i]), float(seg[i + 1])))  # type: ignore[arg-type]
            for seg in self.curpath
            for i in range(1, len(seg) - 1, 2)
        ]
        if points:
            xs, ys = [x for x, _ in points], [y for _, y in points]
            box = (min(xs), min(ys), max(xs), max(ys))
            if self.clip is not None:
                box = (
                    max(box[0], self.clip[0]),
                    max(box[1], self.clip[1]),
                    min(box[2], self.clip[2]),
                    min(box[3], self.clip[3]),
                )
            self.clip = box

    do_W_a = do_W

    def do_TJ(self, seq: Any) -> None:
        assert isinstance(self.device, _CharReader)
        self.device.clip = self.clip
        super().do_TJ(seq)


class _CharReader(PDFPageAggregator):
    """Each character drawn, with its printed size, and whether its clip shows it."""

    clip: Box | None = None

    def __init__(self, *args: Any, height: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.height, self.found = height, []

    def render_char(self, matrix: Any, font: Any, fontsize: float, *args: Any) -> float:
        advance = super().render_char(matrix, font, fontsize, *args)
        item = self.cur_item._objs[-1]
        _a, _b, c, d, _e, _f = matrix  # the text's up direction: its size, turned or not
        middle = ((item.x0 + item.x1) / 2, (item.y0 + item.y1) / 2)
        clip = self.clip
        if item.get_text().strip() and (
            clip is None or (clip[0] <= middle[0] <= clip[2] and clip[1] <= middle[1] <= clip[3])
        ):
            self.found.append(
                Char(
                    item.get_text(),
                    item.x0,
                    self.height - item.y1,
                    item.x1,
                    self.height - item.y0,
                    fontsize * math.hypot(c, d),
                )
            )
        return float(advance)


def _visible_chars(document: Any, page: Any) -> list[Char]:
    device = _CharReader(document.rsrcmgr, height=page.height)
    _ClippingInterpreter(document.rsrcmgr, device).process_page(page.page_obj)
    return list(device.found)


def _footer_line(chars: Sequence[Char]) -> list[Char]:
    """The characters of the line with "Trang n/N", lowest on the page."""
    for line in sorted(_rows(chars), key=lambda row: -row[0].top):
        if PAGE_NUMBER.search(_text(line)):
            return line
    return []


def _rows(chars: Sequence[Char]) -> list[list[Char]]:
    """Characters in lines (close tops), each line left to right, top to bottom."""
    rows: list[list[Char]] = []
    for char in sorted(chars, key=lambda c: (c.top, c.x0)):
        if rows and abs(rows[-1][0].top - char.top) < char.size * 0.4:
            rows[-1].append(char)
        else:
            rows.append([char])
    return [sorted(row, key=lambda c: c.x0) for row in rows]


def _text(line: Sequence[Char]) -> str:
    """A line's text, a space where letters stand apart."""
    out, last = "", None
    for char in line:
        if last is not None and char.x0 - last.x1 > char.size * 0.15:
            out += " "
        out, last = out + char.text, char
    return unicodedata.normalize("NFC", out)


def _lines(chars: Sequence[Char]) -> list[str]:
    return [_text(row) for row in _rows(chars)]


def _overlaps(chars: Sequence[Char]) -> list[str]:
    boxes = []
    for c in chars:
        trim_x, trim_y = (c.x1 - c.x0) * 0.2, (c.bottom - c.top) * 0.2
        boxes.append((c.x0 + trim_x, c.top + trim_y, c.x1 - trim_x, c.bottom - trim_y))
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, (x0, top, x1, bottom) in enumerate(boxes):
        for gx in range(int(x0 // 20), int(x1 // 20) + 1):
            for gy in range(int(top // 20), int(bottom // 20) + 1):
                grid[(gx, gy)].append(index)
    found = set()
    for members in grid.values():
        for n, i in enumerate(members):
            for j in members[n + 1 :]:
                a, b = boxes[i], boxes[j]
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                    found.add((min(i, j), max(i, j)))
    return [
        f"{chars[i].text!r} over {chars[j].text!r} at ({chars[i].x0:.0f}, {chars[i].top:.0f})"
        for i, j in sorted(found)
    ]


def _slug(name: str) -> str:
    plain = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if unicodedata.category(ch) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
