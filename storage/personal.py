"""Tidying what people type, and blanking out citizens' phone and ID numbers (pure, no I/O).

Usage:
    clean, found = scrub(tidy("gọi 0912-345-678"))   # -> "gọi             ", [09******78]

Every free text we keep or echo goes through `scrub(tidy(...))` first: the engine does it
for each message, the roster import for each cell. It lives here, at the database's door,
so that every layer above can use the one scrubber.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple


class _Digits(dict[int, str]):
    """Code point -> itself, or the ASCII digit of another script's digit or of a digit
    sign (٣, ３, ➒, ⁹ -> 3, 3, 9, 9)."""

    def __missing__(self, point: int) -> str:
        ch = chr(point)
        value = unicodedata.digit(ch, None) if not ch.isascii() else None
        digit = ch if value is None else str(value)
        if point < 0x10000:
            self[point] = digit
        return digit


_DIGITS = _Digits()
# a digit that is not 0-9: of another script (Nd), or a sign with a digit's value (➒, ①, ²)
_OTHER_DIGIT = re.compile(
    "(?![0-9])\\d|["
    + "".join(
        re.escape(chr(p))
        for p in range(0x80, 0x10000)
        if unicodedata.digit(chr(p), None) is not None and not chr(p).isdecimal()
    )
    + "]"
)


def ascii_digits(text: str) -> str:
    """Digits of any script as 0-9, so "vneid ３" counts 3 like "vneid 3"."""
    if text.isascii() or not _OTHER_DIGIT.search(text):
        return text  # nothing to change: skip the slower translate
    return text.translate(_DIGITS)


# --- tidy ------------------------------------------------------------------------------


# letters nobody sees: the Hangul fillers (a space to the eye, a letter to Unicode)
_BLANK_LETTERS = frozenset({0x115F, 0x1160, 0x3164, 0xFFA0})


class _Tidied(dict[int, str | None]):
    """Code point -> what is kept of it: format and control characters go, every kind of
    space becomes a plain space, line ends stay."""

    def __missing__(self, point: int) -> str | None:
        ch = chr(point)
        kind = unicodedata.category(ch)
        kept: str | None = ch
        if ch == "\n":
            kept = ch
        elif ch in "\t\r\v\f" or kind in ("Zs", "Zl", "Zp") or point in _BLANK_LETTERS:
            kept = " " if ch not in "\r" else ""
        elif kind in ("Cc", "Cf"):  # NUL, zero-width space, joiners, direction marks
            kept = None
        if point < 0x10000:
            self[point] = kept
        return kept


_TIDIED = _Tidied()
_UNTIDY_ASCII = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def tidy(text: str) -> str:
    """What people typed, the way we read it: NFKC (full-width digits as 0-9), no format
    or control characters (PostgreSQL refuses NUL), every Unicode space as a space."""
    if text.isascii():
        if not _UNTIDY_ASCII.search(text):
            return text  # most messages
        return text.replace("\r\n", "\n").translate(_TIDIED)
    text = unicodedata.normalize("NFKC", text.replace("\r\n", "\n")).translate(_TIDIED)
    return ascii_digits(text)


# --- personal numbers ------------------------------------------------------------------

_FEWEST_DIGITS, _MOST_DIGITS = 9, 12  # the shortest phone number, the CCCD
# what may stand between the digits of a number: anything that is not a letter, whatever
# it is (spaces, line breaks, any punctuation or symbol, combining and invisible marks)
_SEPARATOR = r"[\W_]+"
_RUN = re.compile(rf"(?:\+(?=84))?(?<![0-9])[0-9]+(?:{_SEPARATOR}[0-9]+)*(?![0-9])")
_GROUP = re.compile(r"\+?[0-9]+")
# nine digits with no letter between them: where a personal number may be at all
_MAYBE = re.compile(r"[0-9](?:[\W_]*[0-9]){8}")
_DATE_SEPARATORS = "/-"  # as the quick-entry parser reads a date: 20/11, 20-11


@dataclass(frozen=True)
class Scrubbed:
    start: int
    end: int
    masked: str


def mask(digits: str) -> str:
    """Show only the first two and the last two digits: 0912345678 -> 09******78."""
    return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]


@dataclass(frozen=True)
class _Group:
    start: int
    end: int
    digits: str
    plus: bool  # "+84"

    @property
    def size(self) -> int:
        return len(self.digits)


def scrub(text: str) -> tuple[str, list[Scrubbed]]:
    """Blank out phone and ID numbers: 9 to 12 digits with anything but letters between
    them, or said in words ("không chín một hai…", "ba trăm bốn mươi lăm"); in a longer
    run, every number in it. Counts ("vneid 3 sskdt 2") and dates (12/5, 12/05/2026) stay."""
    found: list[Scrubbed] = []
    if _MAYBE.search(text):  # most messages hold only short counts: nothing to look at
        for run in _RUN.finditer(text):
            groups = [_group(run.start(), g) for g in _GROUP.finditer(run.group())]
            if sum(g.size for g in groups) < _FEWEST_DIGITS:
                continue  # "vneid 3", "12/05/2026": too few digits to be anyone's number
            for part in _without_dates(groups, text):
                found.extend(_numbers_in(part, text=text))
    if _may_say_a_number(text):
        said = [s for s in _said_numbers(text) if not any(_overlap(s, f) for f in found)]
        found = sorted((*found, *said), key=lambda s: s.start)
    if not found:
        return text, found
    chars = list(text)
    for s in found:
        chars[s.start : s.end] = " " * (s.end - s.start)
    return "".join(chars), found


def _overlap(a: Scrubbed, b: Scrubbed) -> bool:
    return a.start < b.end and b.start < a.end


def _group(offset: int, match: re.Match[str]) -> _Group:
    plus = match.group().startswith("+")
    start = offset + match.start() + plus
    return _Group(start, offset + match.end(), match.group().lstrip("+"), plus)


def _without_dates(groups: list[_Group], text: str) -> list[list[_Group]]:
    """The run cut where a date stands on its own ("12/5 0912 345 678"): a date inside a run
    of the same separators ("09/12/345/678") is part of a number, not a date, and so is a
    short one that makes a number starting with 0 with the few digits around it
    ("09/12/34 5678", "0987 6/5 4321"; but "114 10 23/11" is a count and a day)."""
    parts: list[list[_Group]] = [[]]
    i = 0
    while i < len(groups):
        size = _date_at(groups, i, text)
        if not size:
            parts[-1].append(groups[i])
            i += 1
        elif _number_through(groups, i, size, parts[-1]):
            # one group: no piece of it may be taken for a count next to the number
            date = groups[i : i + size]
            digits = "".join(g.digits for g in date)
            parts[-1].append(_Group(date[0].start, date[-1].end, digits, plus=False))
            i += size
        else:
            parts.append([])
            i += size
    return [p for p in parts if p]


def _past_counts(groups: list[_Group]) -> list[_Group]:
    """The groups without the counts before a number ("2 0912…")."""
    lo = 0
    while lo + 1 < len(groups) and _count_before(groups, lo):
        lo += 1
    return groups[lo:]


def _count_before(groups: list[_Group], at: int) -> bool:
    """Whether the group at `at` is a count before the number the next group starts: a
    short group that does not start with 0 (a count never does; a number does), before one
    that does ("vneid 3 0912 345 678")."""
    count, number = groups[at], groups[at + 1]
    return (
        count.size <= 3
        and not count.plus
        and not count.digits.startswith("0")
        and (number.digits.startswith("0") or number.plus)
    )


def _number_through(groups: list[_Group], i: int, size: int, before: list[_Group]) -> bool:
    """Whether a date without a four-digit year, the groups `before` it (in its part of the
    run) and the groups after it make a number that neither side makes alone, starting with
    0 or 84 as phone and CCCD numbers do, past the counts before it: "09/12/34 5678",
    "2 09/1 2345678" and "0987 6/5 4321" are numbers; "12/5 0912 345 678" and
    "0912 345 678 12/5" a date and a number; "114 10 23/11" and "20/11 114 10" a count
    and a day."""
    if size == 3 and groups[i + 2].size == 4 and 2000 <= int(groups[i + 2].digits) <= 2099:
        return False  # 20/11/2026: always a day
    number = _past_counts([*before, *groups[i:]])
    digits = "".join(g.digits for g in number)  # "+8 49…": 84 with its plus let go
    if not digits.startswith(("0", "84")) and not number[0].plus:
        return False
    ahead = sum(g.size for g in number if g.start < groups[i].start)
    date = sum(g.size for g in groups[i : i + size])
    after = sum(g.size for g in groups[i + size :])
    return ahead < _FEWEST_DIGITS and after < _FEWEST_DIGITS <= ahead + date + after


def _date_at(groups: list[_Group], i: int, text: str) -> int:
    """How many groups from i make a date bordered by other separators (0: none)."""
    first = groups[i]
    if i + 1 >= len(groups) or first.size > 2 or first.plus:
        return 0
    sep = text[first.end : groups[i + 1].start]
    if len(sep) != 1 or sep not in _DATE_SEPARATORS:
        return 0
    second = groups[i + 1]
    if second.size > 2 or not (1 <= int(first.digits) <= 31 and 1 <= int(second.digits) <= 12):
        return 0
    size = 2
    if i + 2 < len(groups) and text[second.end : groups[i + 2].start] == sep:
        if groups[i + 2].size not in (2, 4):
            return 0
        size = 3
    before = text[groups[i - 1].end : first.start] if i > 0 else " "
    after = (
        text[groups[i + size - 1].end : groups[i + size].start] if i + size < len(groups) else " "
    )
    if sep in before or sep in after:
        return 0  # "0912/12/05/67": the slashes go on, so it is one number
    return size


def _numbers_in(
    groups: list[_Group], *, count_after: bool = True, text: str | None = None
) -> list[Scrubbed]:
    """The personal numbers among the digit groups of one run with no date in it; a count
    at either end stays a count (at the end only if `count_after` may be one and, in the
    typed `text`, a space or a comma sets it apart: "0912 345 678, 12 người", but
    "001091105/2:34" is one number)."""
    lo, hi = 0, len(groups)
    total = sum(g.size for g in groups)
    if total < _FEWEST_DIGITS:
        return []
    while hi - lo > 1 and _count_before(groups, lo) and total - groups[lo].size >= _FEWEST_DIGITS:
        total -= groups[lo].size
        lo += 1
    # "0912 345 678 12 người": a count of one or two digits after it stays
    while (
        count_after
        and hi - lo > 1
        and groups[hi - 1].size <= 2
        and total - groups[hi - 1].size >= _FEWEST_DIGITS
        and (text is None or _set_apart(text[groups[hi - 2].end : groups[hi - 1].start]))
    ):
        total -= groups[hi - 1].size
        hi -= 1
    kept = groups[lo:hi]
    if total <= _MOST_DIGITS or (kept[0].plus and total <= _MOST_DIGITS + 2):
        return [_scrubbed(kept)]
    return [_scrubbed(part) for part in _numbers_side_by_side(kept)]


def _set_apart(separator: str) -> bool:
    """Whether what stands between two groups of digits parts a count from a number."""
    return any(c.isspace() or c in ",;" for c in separator)


def _numbers_side_by_side(groups: list[_Group]) -> list[list[_Group]]:
    """A run longer than one number: cut it into numbers of 9 to 12 digits each, preferring
    cuts where a number starts with 0 (phones and CCCD do); all of it if it cannot be cut."""
    n = len(groups)
    # best[end]: (how many numbers start with 0, where they start) for groups[:end]
    best: dict[int, tuple[int, list[int]]] = {0: (0, [])}
    for end in range(1, n + 1):
        digits = 0
        for start in range(end - 1, -1, -1):
            digits += groups[start].size
            if digits > _MOST_DIGITS:
                break
            if digits < _FEWEST_DIGITS or start not in best:
                continue
            score, starts = best[start]
            score += groups[start].digits.startswith("0") or groups[start].plus
            if end not in best or score > best[end][0]:
                best[end] = (score, [*starts, start])
    if n not in best:
        return [groups]
    cuts = [*best[n][1], n]
    return [groups[a:b] for a, b in itertools.pairwise(cuts)]


def _scrubbed(groups: list[_Group]) -> Scrubbed:
    digits = "".join(g.digits for g in groups)
    start = groups[0].start - (1 if groups[0].plus else 0)
    return Scrubbed(start, groups[-1].end, mask(digits))


# --- numbers said in words ------------------------------------------------------------

# a digit as it is read out: "không chín một hai…" (with or without diacritics)
_SPOKEN_DIGIT = {
    **dict.fromkeys(("không", "khong", "linh", "lẻ", "le"), "0"),
    **dict.fromkeys(("một", "mốt", "mot"), "1"),
    "hai": "2",
    "ba": "3",
    **dict.fromkeys(("bốn", "bon", "tư", "tu"), "4"),
    **dict.fromkeys(("năm", "nam", "lăm", "nhăm", "lam", "nham"), "5"),
    **dict.fromkeys(("sáu", "sau"), "6"),
    **dict.fromkeys(("bảy", "bay", "bẩy"), "7"),
    **dict.fromkeys(("tám", "tam"), "8"),
    **dict.fromkeys(("chín", "chin"), "9"),
}
_TEN = frozenset({"mười", "muoi"})  # 10 ("muoi" after a digit is mươi)
_TENS = frozenset({"mươi", "muoi"})  # "hai mươi": 20
_HUNDRED = frozenset({"trăm", "tram"})
_ZERO_TENS = frozenset({"linh", "lẻ", "le"})  # "ba trăm linh năm": 305
_NOT_UNITS = frozenset({"không", "khong", *_ZERO_TENS})  # never the 5 of "hai mươi lăm"
# what people say between the groups of a number they read out
_FILLERS = frozenset({"à", "ờ", "ừ", "ơ", "ạ", "ừm", "ờm", "hừm", "a", "o", "u", "um", "e"})
_COUNTED = frozenset({"người", "nguoi", "ng", "hộ", "ho", "lượt", "luot"})  # "mười người"
_NUMBER_WORDS = frozenset({*_SPOKEN_DIGIT, *_TEN, *_TENS, *_HUNDRED})
_WORD = re.compile(r"[^\W\d_]+")
# nine digits said take six words at least ("chín trăm…" three times), and eleven
# characters with digits beside them ("ba 12345678"): short messages are not looked at
_FEWEST_WORDS, _SHORTEST_SAID = 6, 11


class _Word(NamedTuple):
    start: int
    end: int
    word: str  # in lower case
    pause: bool  # something other than a space before it: a comma, a dash, "à"


def _may_say_a_number(text: str) -> bool:
    """Enough number words, with the digits beside them, for nine digits at least."""
    if len(text) < _SHORTEST_SAID:
        return False
    words = sum(map(_NUMBER_WORDS.__contains__, _WORD.findall(text.lower())))
    if words >= _FEWEST_WORDS:
        return True
    # a word says a digit or two ("chín trăm": 900): with the digits typed beside them
    return words > 0 and len(_ANY_DIGIT.findall(text)) + words * 3 // 2 >= _FEWEST_DIGITS


def _said_numbers(text: str) -> list[Scrubbed]:
    """Phone and ID numbers said in words, read out digit by digit or in groups, fillers
    between ("không chín một hai, ba trăm bốn mươi lăm, à, sáu bảy tám"): the rules for
    digits, on the digits the words stand for. Counts said in words stay words."""
    found: list[Scrubbed] = []
    for run in _runs(text):
        groups = _said_groups(run)
        if sum(g.size for g in groups) >= _FEWEST_DIGITS:
            # "…bảy không mười một" ends a CCCD; "…sáu bảy tám, mười hai người" a count
            unit = _WORD.match(text, len(text) - len(text[run[-1].end :].lstrip()))
            count_after = unit is not None and unit.group().lower() in _COUNTED
            found.extend(_numbers_in(groups, count_after=count_after))
    return found


_DIGIT_GROUP = re.compile(r"[0-9]+")
_ANY_DIGIT = re.compile(r"[0-9]")


def _runs(text: str) -> list[list[_Word]]:
    """The number words in runs: a filler or what is not a letter goes on a run (it makes
    a pause), and so do digits said between words ("không chín 12 345…"), unless they
    look like a date; any other word ends it. A run holds a number word at least (digits
    alone are for `scrub`)."""
    runs: list[list[_Word]] = [[]]
    end, pause = 0, False
    for match in (*_WORD.finditer(text), None):
        start = match.start() if match else len(text)
        word, gap, at = match.group().lower() if match else "", text[end:start], end
        end = match.end() if match else end
        if any(c.isdigit() for c in gap):
            if any(c in _DATE_SEPARATORS for c in gap):
                runs.append([])  # "hai mươi ba 12/11": a count, then a day
            else:
                runs[-1].extend(
                    _Word(at + d.start(), at + d.end(), d.group(), True)
                    for d in _DIGIT_GROUP.finditer(gap)
                )
        if word in _NUMBER_WORDS:
            pause = pause or bool(gap.strip(" "))
            runs[-1].append(_Word(start, end, word, pause and bool(runs[-1])))
            pause = False
        elif word in _FILLERS:
            pause = True
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if any(w.word in _NUMBER_WORDS for w in run)]


def _said_groups(run: list[_Word]) -> list[_Group]:
    """The groups of digits a run of number words says: "ba trăm bốn mươi lăm" is 345,
    "mười hai" 12; digits read one by one make one group up to a pause, except a count
    said just before a number that starts with "không" ("ba không chín một…": 3, 091…)."""
    groups: list[_Group] = []
    one_by_one = False
    i = 0
    while i < len(run):
        digits, size = _said_number(run, i)
        start, end, pause = run[i].start, run[i + size - 1].end, run[i].pause
        i += size
        if not digits:
            one_by_one = False
            continue
        last = groups[-1] if groups else None
        if (
            size == 1
            and one_by_one
            and not pause
            and last is not None
            and not (last.size == 1 and last.digits != "0" and digits == "0")
        ):
            groups[-1] = _Group(last.start, end, last.digits + digits, plus=False)
        else:
            groups.append(_Group(start, end, digits, plus=False))
        one_by_one = size == 1
    return groups


def _said_number(run: list[_Word], i: int) -> tuple[str, int]:
    """The digits the words from i say, and how many words say them."""

    def word(k: int) -> str:
        return run[k].word if k < len(run) else ""

    first = word(i)
    if first in _SPOKEN_DIGIT and word(i + 1) in _HUNDRED:
        hundreds = _SPOKEN_DIGIT[first]
        if word(i + 2) in _ZERO_TENS and _is_unit(run, i + 3):
            return hundreds + "0" + _SPOKEN_DIGIT[word(i + 3)], 4
        tens, size = _said_tens(run, i + 2)
        return (hundreds + tens, 2 + size) if size else (hundreds + "00", 2)
    tens, size = _said_tens(run, i)
    if size:
        return tens, size
    if first.isdigit():
        return first, 1
    return _SPOKEN_DIGIT.get(first, ""), 1  # a lone "trăm" or "mươi" says no digit


def _said_tens(run: list[_Word], i: int) -> tuple[str, int]:
    """ "mười", "mười hai", "hai mươi", "hai mươi mốt" from i, or nothing."""
    first = run[i].word if i < len(run) else ""
    second = run[i + 1].word if i + 1 < len(run) and not run[i + 1].pause else ""
    if first in _SPOKEN_DIGIT and second in _TENS and _SPOKEN_DIGIT[first] not in "01":
        if _is_unit(run, i + 2):
            return _SPOKEN_DIGIT[first] + _SPOKEN_DIGIT[run[i + 2].word], 3
        return _SPOKEN_DIGIT[first] + "0", 2
    if first in _TEN:
        return ("1" + _SPOKEN_DIGIT[second], 2) if _is_unit(run, i + 1) else ("10", 1)
    return "", 0


def _is_unit(run: list[_Word], i: int) -> bool:
    """The word at i ends the number before it ("hai mươi mốt"), rather than starting the
    next ("hai mươi, ba trăm…")."""
    if i >= len(run) or run[i].pause or run[i].word not in _SPOKEN_DIGIT:
        return False
    if run[i].word in _NOT_UNITS:
        return False
    after = run[i + 1].word if i + 1 < len(run) and not run[i + 1].pause else ""
    starts_tens = after in _TENS and _SPOKEN_DIGIT[run[i].word] not in "01"  # not "một muoi"
    return after not in _HUNDRED and not starts_tens


def scrub_spoken(text: str) -> tuple[str, list[Scrubbed]]:
    """What a voice message said, as it may be kept: `scrub(tidy(...))` as for typed text
    (digits said in words are a number too), spaces squeezed."""
    clean, found = scrub(tidy(text))
    return " ".join(clean.split()), found


def one_line(text: str) -> str:
    """A name or a short note to keep: tidied, personal numbers out, spaces squeezed."""
    return " ".join(scrub(tidy(text))[0].split())


# --- chat accounts, as a keyed hash ------------------------------------------------------


def keyed(secret: bytes, value: str) -> str:
    """A keyed hash (HMAC-SHA256, hex) standing for a chat id or a message key: the same for
    the same value, useless to anyone without the deployment's key."""
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()


def message_ref(secret: bytes, message_key: str, chat_id: str) -> str:
    """How a handled message is stored: the platform's key and the chat, as a keyed hash
    (the same message id in another chat is another message)."""
    return keyed(secret, f"message {message_key} {chat_id}")


def sender_ref(secret: bytes, platform: str, user_id: str) -> str:
    """How a processed message names its sender, so erasing a member finds their answers."""
    return keyed(secret, f"sender {platform}:{user_id}")


def monthly_sender_ref(secret: bytes, bot: tuple[str, str], month: str, user_id: str) -> str:
    """How a bot's senders of a month are counted: a keyed hash of the account with the bot
    and the month, so a row matches no other month's, no other table's, and names no one."""
    return keyed(secret, f"monthly sender {bot[0]}:{bot[1]}:{month}:{user_id}")
