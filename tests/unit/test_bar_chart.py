"""The weekly tally's bar chart (reports/charts.py `bar_chart`) as a team sees it in its
group on a cheap phone, read back from the PNG pixel by pixel.

The oracles are the pixels and the vendored DejaVu fonts drawn here on their own: a bar's
length is its run of blue pixels, a word is read by drawing candidate texts with the font
and keeping the one whose ink matches. Nothing is measured with the chart code itself.
"""

from __future__ import annotations

import unicodedata
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from reports.charts import bar_chart

FONTS = Path(__file__).resolve().parents[2] / "reports" / "fonts"
REGULAR = FONTS / "DejaVuSans.ttf"
BOLD = FONTS / "DejaVuSans-Bold.ttf"
BLUE = (0x1F, 0x77, 0xB4)
WIDTH = 770  # px, as the matplotlib chart was (7 in at 110 dpi)
TITLE = "Tổ CNSCĐ TDP 1, tuần 30/11–06/12"
SIX = {
    "VNeID": 12, "Sổ sức khỏe điện tử": 7, "Dịch vụ công": 5, "Định danh mức 2": 3,
    "Smart HP": 2, "Khác": 0,
}  # fmt: skip
LONG_TITLE = "Tổ công nghệ số cộng đồng Tổ dân phố số 27 phường Nhị Chiểu, tuần 30/11–06/12"
LONG_LABEL = (
    "Hướng dẫn cài đặt và kích hoạt tài khoản định danh điện tử mức 2 trên ứng dụng VNeID "
    "cho người cao tuổi"
)
THOUSANDS = {"VNeID": 12873, "Sổ sức khỏe điện tử": 4021, "Dịch vụ công": 1234, "Khác": 15}


class Picture:
    """A chart read back: where its blue and its ink (dark grey text) are."""

    def __init__(self, path: Path):
        with Image.open(path) as opened:
            self.format = opened.format
            self.rgb = opened.convert("RGB")
        self.width, self.height = self.rgb.size
        r, g, b = self.rgb.split()
        self.blue = _multiply(
            r.point(lambda v: 255 if v == BLUE[0] else 0),
            g.point(lambda v: 255 if v == BLUE[1] else 0),
            b.point(lambda v: 255 if v == BLUE[2] else 0),
        )
        grey = ImageChops.difference(r, b).point(lambda v: 255 if v == 0 else 0)
        self.ink = _multiply(r.point(lambda v: 255 if v < 153 else 0), grey)  # half-dark

    def bars(self) -> list[tuple[int, int, int]]:
        """Each bar, top to bottom: (first row, last row, blue pixels along its middle row)."""
        found = []
        for top, bottom in _runs([_count(self.blue.crop((0, y, self.width, y + 1))) for y in
                                  range(self.height)], gap=0):  # fmt: skip
            middle = (top + bottom) // 2
            found.append((top, bottom, _count(self.blue.crop((0, middle, self.width, middle + 1)))))
        return found

    def bar_left(self) -> int:
        box = self.blue.getbbox()
        assert box, "no bar at all"
        return box[0]

    def title_lines(self) -> list[Image.Image]:
        """The ink of each line above the bars' area, top to bottom."""
        above = self.bars()[0][0] - 20
        return self._lines((0, 0, self.width, above))

    def label_lines(self) -> list[Image.Image]:
        """The ink of each text line left of the bars, top to bottom."""
        above = self.bars()[0][0] - 20
        return self._lines((0, above, self.bar_left() - 2, self.height))

    def right_of_bar(self, bar: tuple[int, int, int]) -> Image.Image:
        """The ink beside a bar's end: its count."""
        top, bottom, length = bar
        end = self.bar_left() + length
        return _ink_of(self.ink.crop((end, top - 4, self.width, bottom + 5)))

    def _lines(self, box: tuple[int, int, int, int]) -> list[Image.Image]:
        region = self.ink.crop(box)
        profile = [_count(region.crop((0, y, region.width, y + 1))) for y in range(region.height)]
        return [_ink_of(region.crop((0, top, region.width, bottom + 1))) for top, bottom in
                _runs(profile, gap=1)]  # fmt: skip


def _multiply(*images: Image.Image) -> Image.Image:
    out = images[0]
    for image in images[1:]:
        out = ImageChops.multiply(out, image)
    return out


def _count(mask: Image.Image) -> int:
    return mask.histogram()[255]


def _ink_of(mask: Image.Image) -> Image.Image:
    box = mask.getbbox()
    assert box, "no ink where text should be"
    return mask.crop(box)


def _runs(profile: list[int], gap: int) -> list[tuple[int, int]]:
    """(first, last) index of each run of non-zero values, runs apart by `gap` or fewer
    zeros joined; a thin run (a line's marks, apart from its letters) joins the next."""
    runs: list[list[int]] = []
    for i, value in enumerate(profile):
        if not value:
            continue
        if runs and i - runs[-1][1] <= gap + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    joined: list[list[int]] = []
    for run in runs:
        if joined and joined[-1][1] - joined[-1][0] < 4 and run[0] - joined[-1][1] <= 4:
            joined[-1][1] = run[1]
        else:
            joined.append(run)
    return [(first, last) for first, last in joined]


@lru_cache(maxsize=64)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


def _drawn(text: str, path: Path, size: int) -> Image.Image:
    """`text`'s ink as the font draws it alone, half-dark pixels and up, cropped."""
    font = _font(path, size)
    left, top, right, bottom = font.getbbox(text)
    image = Image.new("L", (int(right - left) + 8, int(bottom - top) + 8), 0)
    ImageDraw.Draw(image).text((4 - left, 4 - top), text, fill=255, font=font)
    return _ink_of(image.point(lambda v: 255 if v >= 128 else 0))


def _likeness(a: Image.Image, b: Image.Image) -> float:
    """How much two inks overlap (shared / either), best over shifts of a pixel."""
    if abs(a.width - b.width) > 3 or abs(a.height - b.height) > 3:
        return 0.0
    size = (max(a.width, b.width) + 2, max(a.height, b.height) + 2)
    first = Image.new("L", size, 0)
    first.paste(a, (1, 1))
    best = 0.0
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            second = Image.new("L", size, 0)
            second.paste(b, (1 + dx, 1 + dy))
            shared = _count(ImageChops.multiply(first, second))
            either = _count(ImageChops.lighter(first, second))
            best = max(best, shared / either)
    return best


def reading(ink: Image.Image, path: Path, candidates: list[str]) -> tuple[str, float]:
    """Which candidate text, at any size from 9 to 22 px, is drawn here, and how alike."""
    best = ("", 0.0)
    for text in candidates:
        for size in range(9, 23):
            left, _, right, _ = _font(path, size).getbbox(text)
            if abs(right - left - ink.width) > 5:
                continue
            score = _likeness(ink, _drawn(text, path, size))
            if score > best[1]:
                best = (text, score)
    return best


def read_words(lines: list[Image.Image], path: Path, text: str) -> str:
    """The words of `text` read from these lines in order, as far as they match."""
    words, read = text.split(), []
    for ink in lines:
        if not words:
            break
        candidates = [" ".join(words[:n]) for n in range(1, len(words) + 1)]
        line, score = reading(ink, path, candidates)
        if score < 0.75:
            break
        read.append(line)
        words = words[len(line.split()) :]
    return " ".join(read)


def chart(tmp_path: Path, values: dict[str, int], title: str = TITLE, name: str = "c") -> Picture:
    return Picture(bar_chart(title, values, tmp_path / "charts" / f"{name}.png"))


def assert_proportional(lengths: list[int], counts: list[int]) -> None:
    """Bar lengths follow the counts, within 2 px, against the longest."""
    longest, most = lengths[0], counts[0]
    assert all(abs(length - longest * count / most) <= 2 for length, count in
               zip(lengths, counts, strict=True)), (lengths, counts)  # fmt: skip


def test_bars_are_as_long_as_their_counts_biggest_on_top(tmp_path: Path):
    values = {"Khác": 3, "VNeID": 40, "Smart HP": 11, "Sổ sức khỏe điện tử": 27, "Dịch vụ công": 19}
    picture = chart(tmp_path, values)
    lengths = [length for _, _, length in picture.bars()]
    counts = sorted(values.values(), reverse=True)
    assert len(lengths) == len(counts)
    assert lengths == sorted(lengths, reverse=True)
    assert_proportional(lengths, counts)
    assert lengths[0] > WIDTH * 0.45  # the biggest uses the room there is


def test_a_count_of_0_has_no_bar_but_shows_its_0(tmp_path: Path):
    picture = chart(tmp_path, SIX)
    bars = picture.bars()
    assert len(bars) == 5  # six services, one with no bar
    assert_proportional([length for _, _, length in bars], [12, 7, 5, 3, 2])
    labels = picture.label_lines()
    assert len(labels) == 6
    # the last line of labels is "Khác", its "0" beside the bars' start, no blue on its row
    khac = labels[-1]
    assert reading(khac, REGULAR, list(SIX))[0] == "Khác"
    last_bar_bottom = bars[-1][1]
    below = picture.ink.crop((picture.bar_left(), last_bar_bottom + 8, WIDTH, picture.height))
    assert reading(_ink_of(below), REGULAR, ["0", "O", "8"])[0] == "0"
    assert picture.blue.crop((0, last_bar_bottom + 1, WIDTH, picture.height)).getbbox() is None


def test_each_bar_has_its_own_label_at_its_left_and_its_count_at_its_end(tmp_path: Path):
    picture = chart(tmp_path, SIX)
    labels = [reading(ink, REGULAR, list(SIX)) for ink in picture.label_lines()]
    assert [text for text, _ in labels] == list(SIX)  # already biggest first
    assert min(score for _, score in labels) > 0.8
    numbers = [str(count) for count in SIX.values()]
    read = [reading(picture.right_of_bar(bar), REGULAR, numbers)[0] for bar in picture.bars()]
    assert read == numbers[:5]


def test_counts_are_written_with_a_dot_for_thousands(tmp_path: Path):
    picture = chart(tmp_path, THOUSANDS)
    ways = ["12.873", "12,873", "12873", "12 873"]
    text, score = reading(picture.right_of_bar(picture.bars()[0]), REGULAR, ways)
    assert (text, score > 0.8) == ("12.873", True)
    text, _ = reading(picture.right_of_bar(picture.bars()[2]), REGULAR, ["1.234", "1,234", "1234"])
    assert text == "1.234"


def test_vietnamese_text_given_with_combining_marks_is_drawn_as_its_letters(tmp_path: Path):
    """Text that arrives decomposed (a letter, then its marks: what some keyboards and
    spreadsheets send) is drawn with each mark on its letter, as the composed text is."""
    labels = ["Sổ sức khỏe điện tử", "Định danh mức 2"]
    decomposed = {unicodedata.normalize("NFD", label): 9 - n for n, label in enumerate(labels)}
    assert all(len(d) > len(label) for d, label in zip(decomposed, labels, strict=True))
    picture = chart(tmp_path, decomposed, title=unicodedata.normalize("NFD", TITLE))
    for ink, label in zip(picture.label_lines(), labels, strict=True):
        text, score = reading(ink, REGULAR, [label, unicodedata.normalize("NFD", label)])
        assert (text, score > 0.8) == (label, True)
    (title,) = picture.title_lines()
    text, score = reading(title, BOLD, [TITLE, unicodedata.normalize("NFD", TITLE)])
    assert (text, score > 0.8) == (TITLE, True)


def test_the_picture_is_a_small_png_770_wide_growing_with_the_bars(tmp_path: Path):
    heights = []
    for n in (1, 3, 6, 12):
        values = {f"Dịch vụ {i}": 20 - i for i in range(n)}
        path = bar_chart(TITLE, values, tmp_path / "deep" / "er" / f"{n}.png")
        assert path == tmp_path / "deep" / "er" / f"{n}.png"
        picture = Picture(path)
        assert (picture.format, picture.width) == ("PNG", WIDTH)
        heights.append(picture.height)
        assert path.stat().st_size < 12_000  # the matplotlib one was ~13-22 KB
    assert heights == sorted(heights) and len(set(heights)) == 4
    assert 40 <= (heights[3] - heights[2]) / 6 <= 60  # a bar's row, as on the old chart


@pytest.mark.parametrize(
    ("title", "values"),
    [
        (TITLE, SIX),
        (TITLE, {"VNeID": 4}),
        (LONG_TITLE, THOUSANDS),
        (LONG_TITLE.upper(), {LONG_LABEL: 1_234_567, "Khác": 2}),
    ],
    ids=["six", "one", "long-title", "long-label"],
)
def test_everything_drawn_is_inside_the_picture_with_a_margin(
    tmp_path: Path, title: str, values: dict[str, int]
):
    picture = chart(tmp_path, values, title)
    grey = picture.rgb.convert("L")
    width, height = grey.size
    for box in [(0, 0, width, 6), (0, height - 6, width, height), (0, 0, 6, height),
                (width - 6, 0, width, height)]:  # fmt: skip
        assert grey.crop(box).getextrema() == (255, 255), f"ink near the edge {box}"


def test_a_long_title_is_there_whole_and_the_bars_keep_their_room(tmp_path: Path):
    picture = chart(tmp_path, THOUSANDS, LONG_TITLE)
    assert read_words(picture.title_lines(), BOLD, LONG_TITLE) == LONG_TITLE
    lengths = [length for _, _, length in picture.bars()]
    assert lengths[0] > WIDTH * 0.45
    assert_proportional(lengths, sorted(THOUSANDS.values(), reverse=True))


def test_a_long_label_is_there_whole_and_the_bars_keep_their_room(tmp_path: Path):
    picture = chart(tmp_path, {LONG_LABEL: 30, "VNeID": 12, "Khác": 3})
    assert read_words(picture.label_lines(), REGULAR, LONG_LABEL) == LONG_LABEL
    lengths = [length for _, _, length in picture.bars()]
    assert lengths[0] > WIDTH * 0.4
    assert_proportional(lengths, [30, 12, 3])


def has_glyph(font: ImageFont.FreeTypeFont, char: str) -> bool:
    """The font draws `char` as itself, not as its box for a missing letter."""
    missing = font.getmask("\ue000")  # a private-use code point: no font draws it
    drawn = font.getmask(char)
    return (drawn.size, bytes(drawn)) != (missing.size, bytes(missing))


def vietnamese_letters() -> list[str]:
    """Every letter of Vietnamese, both cases: 12 vowels with each of 6 tones, and đ."""
    tones = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
    letters = [
        unicodedata.normalize("NFC", vowel + tone) for vowel in "aăâeêioôơuưy" for tone in tones
    ]
    letters = [*letters, "đ"]
    assert all(len(letter) == 1 for letter in letters)  # each one precomposed code point
    return sorted({*letters, *(letter.upper() for letter in letters)})


@pytest.mark.parametrize("path", [REGULAR, BOLD], ids=["regular", "bold"])
def test_the_vendored_fonts_have_every_vietnamese_letter(path: Path):
    font = _font(path, 15)
    assert not has_glyph(font, "字")  # the check tells a missing letter: DejaVu has no Han
    letters = vietnamese_letters()
    assert len(letters) == 2 * (12 * 6 + 1)
    text = "".join([*letters, *TITLE, *LONG_TITLE, *"".join(SIX), "–0123456789.,/"])
    assert [char for char in set(text) - {" "} if not has_glyph(font, char)] == []


def test_the_fonts_licence_is_there_beside_them():
    licence = (FONTS / "LICENSE").read_text(encoding="utf-8")
    for words in ["Bitstream Vera", "DejaVu changes are in public domain", "Arev"]:
        assert words in licence


def test_charts_drawn_at_once_in_threads_each_show_their_own_counts(tmp_path: Path):
    cases = {
        f"Tổ {n}, tuần 30/11–06/12": {"VNeID": 10 + 7 * n, "Dịch vụ công": 3 + n, "Khác": 1 + n % 4}
        for n in range(16)
    }

    def draw(item: tuple[str, dict[str, int]]) -> tuple[dict[str, int], Path]:
        title, values = item
        return values, bar_chart(title, values, tmp_path / f"{hash(title)}.png")

    with ThreadPoolExecutor(max_workers=16) as pool:
        drawn = list(pool.map(draw, cases.items()))
    assert len({path for _, path in drawn}) == 16
    for title, (values, path) in zip(cases, drawn, strict=True):
        picture = Picture(path)
        lengths = [length for _, _, length in picture.bars()]
        assert_proportional(lengths, sorted(values.values(), reverse=True))
        (line,) = picture.title_lines()  # its own title, nothing of another drawn over it
        assert reading(line, BOLD, list(cases)) == (title, 1.0)
