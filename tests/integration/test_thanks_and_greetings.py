"""Thanks and greetings with the polite words people put around them ("cảm ơn nhé", "dạ em
chào ạ"), typed with or without diacritics, are answered kindly and save nothing: composed
from their parts, through the engine as a member would send them."""

from __future__ import annotations

import itertools
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import App
from bot.channels.console import ConsoleChat
from handlers import texts
from tests.conftest import Roster
from tests.helpers import stored_logs

THANKS = ["cảm ơn", "Cám ơn", "cảm ơn bạn", "thanks", "cảm ơn nhiều"]
GREETINGS = ["chào", "xin chào", "chào bạn", "alo", "vâng"]
BEFORE = ["", "dạ", "em", "dạ em", "ok"]
AFTER = ["", "nhé", "nha", "ạ", "nhiều", "rồi", "bạn", "em", "nhé ạ", "nhiều nhé", "bạn nha", "ạ!"]
NAME = "Nguyễn Thị Lan"


def plain(text: str) -> str:
    """Typed without diacritics, as on a phone without a Vietnamese keyboard."""
    no_marks = "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
    )
    return no_marks.replace("đ", "d").replace("Đ", "D")


def said(before: str, core: str, after: str) -> str:
    return " ".join(part for part in (before, core, after) if part)


def answered_as(answer: str) -> str:
    if answer == texts.THANKS_ANSWER.format(name=NAME):
        return "thanks"
    if answer == texts.SMALL_TALK_ANSWER.format(name=NAME):
        return "greeting"
    return answer


@pytest.fixture
def lan(roster: Roster) -> ConsoleChat:
    return roster.joined(NAME)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the reading, not the database
def test_every_thanks_and_greeting_with_polite_words_is_answered_and_saves_nothing(
    app: App, lan: ConsoleChat
):
    wrong = []
    for kind, cores in (("thanks", THANKS), ("greeting", GREETINGS)):
        for before, core, after in itertools.product(BEFORE, cores, AFTER):
            for typed in {said(before, core, after), plain(said(before, core, after))}:
                if answered_as(lan.say(typed)) != kind:
                    wrong.append(typed)
    assert wrong == []
    assert stored_logs(app) == []


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(["thanks", "greeting"]),
    data=st.data(),
    before=st.lists(st.sampled_from(["dạ", "em", "vâng", "thưa", "ok"]), max_size=2),
    after=st.lists(st.sampled_from(["nhé", "nha", "ạ", "nhiều", "rồi", "bạn", "em"]), max_size=3),
    end=st.sampled_from(["", "!", ".", " 🙏", "!!", " ạ."]),
    unmarked=st.booleans(),
    upper=st.booleans(),
)
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_any_composed_thanks_or_greeting_is_answered_as_such(
    app: App,
    lan: ConsoleChat,
    kind: str,
    data: st.DataObject,
    before: list[str],
    after: list[str],
    end: str,
    unmarked: bool,
    upper: bool,
):
    core = data.draw(st.sampled_from(THANKS if kind == "thanks" else GREETINGS))
    typed = said(" ".join(before), core, " ".join(after)) + end
    typed = plain(typed) if unmarked else typed
    typed = typed.capitalize() if upper else typed
    assert answered_as(lan.say(typed)) == kind, typed
    assert stored_logs(app) == []


@pytest.mark.parametrize("typed", ["cảm ơn nhé, vneid 2", "chào bạn, vneid 2"])
def test_thanks_beside_an_entry_do_not_stop_it_being_read(lan: ConsoleChat, typed: str):
    answer = lan.say(typed)
    assert "Đã ghi lượt hỗ trợ" in answer and "• Cài đặt VNeID: 2" in answer


def test_thanks_after_a_question_are_answered_and_save_nothing(app: App, lan: ConsoleChat):
    assert "Ý bạn là Cài đặt VNeID?" in lan.say("vnied 2")
    assert answered_as(lan.say("cảm ơn nhé")) == "thanks"
    assert stored_logs(app) == []
