"""Never wrong in silence, in chat: each message a member sends is saved as meant or
asked about, on SQLite and PostgreSQL. The oracle is plain SQL over the stored rows.

Today is Monday 23/11/2026 (the clock fixture)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from bot.app import App
from bot.channels.console import ConsoleChat
from handlers import texts

YESTERDAY = date(2026, 11, 22)
TODAY = date(2026, 11, 23)


def saved(app: App) -> list[dict]:
    """Every live log as stored: its day, place, households, people and service counts."""
    with app.db.connect() as conn:
        logs = conn.execute(
            text(
                "SELECT id, day, place, households, people FROM support_log"
                " WHERE deleted_at IS NULL ORDER BY id"
            )
        ).all()
        counts = conn.execute(
            text(
                "SELECT i.log_id, s.code, i.count FROM support_log_item i"
                " JOIN service s ON s.id = i.service_id"
            )
        ).all()
    out = []
    for log_id, day, place, households, people in logs:
        items = {code: n for lid, code, n in counts if lid == log_id}
        day = day if isinstance(day, date) else date.fromisoformat(str(day))
        out.append(
            {"day": day, "place": place, "households": households, "people": people, **items}
        )
    return out


def one(**fields: object) -> list[dict]:
    """The one log expected: unset fields are empty."""
    return [{"day": TODAY, "place": None, "households": None, "people": None, **fields}]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        pytest.param(
            "vneid 3 sskdt 2 tại ngõ 5 hôm qua",
            one(vneid=3, sskdt=2, place="ngõ 5", day=YESTERDAY),
            id="a place ends before the day",
        ),
        pytest.param(
            "vneid 2 tại tổ 3 sskdt 1",
            one(vneid=2, sskdt=1, place="tổ 3"),
            id="a place ends before the next service",
        ),
        pytest.param(
            "vneid 3 @ ngõ 5 4 hộ",
            one(vneid=3, households=4, place="ngõ 5"),
            id="a place ends before the households",
        ),
        pytest.param("vneid md2 2", one(muc2=2), id="vneid md2 is level 2 alone"),
        pytest.param("vneid lv2 2", one(muc2=2), id="vneid lv2 is level 2 alone"),
        pytest.param("thanh toán qr 3", one(ttkdtm=3), id="two names of one service once"),
        pytest.param("thanh toán chuyển khoản 2", one(ttkdtm=2), id="thanh toán chuyển khoản"),
        pytest.param(
            "kích hoạt tài khoản định danh điện tử mức 2 cho 7 người",
            one(muc2=7),
            id="level 2 as a ward report writes it",
        ),
        pytest.param("cài ứng dụng VNeID cho 13 công dân", one(vneid=13), id="ứng dụng"),
        pytest.param(
            "tích hợp sổ sức khỏe điện tử trên VNeID cho 5 người",
            one(sskdt=5),
            id="the e-health book on VNeID is no VNeID install",
        ),
        pytest.param("hơn 50 hộ cài vneid 9", one(vneid=9, households=50), id="hơn 50 hộ"),
        pytest.param("thanh toán trực tuyến 3", one(ttkdtm=3), id="thanh toán trực tuyến"),
        pytest.param("Hải Phòng Smart 4", one(smarthp=4), id="Hải Phòng Smart"),
        pytest.param("TKĐDĐT 2, mức độ 2: 1", one(vneid=2, muc2=1), id="TKĐDĐT and mức độ 2"),
        pytest.param("tai app báo cháy 114", one(bc114=1), id="tai app is tải app"),
    ],
)
def test_a_message_the_rules_cover_is_saved_at_once_as_meant(
    app: App, member: ConsoleChat, message: str, expected: list[dict]
) -> None:
    assert member.say(message).startswith(texts.ENTRY_SAVED)
    assert saved(app) == expected


def test_chatter_is_saved_around_and_named_in_the_answer(app: App, member: ConsoleChat) -> None:
    answer = member.say("hôm nay nắng đẹp, vneid 3")
    assert answer.startswith(texts.ENTRY_SAVED)
    assert "Mình bỏ qua: «nắng đẹp»." in answer
    assert saved(app) == one(vneid=3)


CHOICES = "1. Cách 1", "2. Cách 2", "3. Bỏ, để tôi gõ lại"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        pytest.param("1", one(vneid=3, muc2=3), id="the likelier: 3 each"),
        pytest.param("2", one(vneid=1, muc2=3), id="the other: VNeID once"),
        pytest.param("Cách 2", one(vneid=1, muc2=3), id="typed as the button says"),
        pytest.param("3", [], id="neither: nothing saved"),
    ],
)
def test_two_plausible_readings_are_both_shown_and_the_chosen_one_saved(
    app: App, member: ConsoleChat, answer: str, expected: list[dict]
) -> None:
    asked = member.say("cài vneid và kích hoạt mức 2 cho 3 người")
    assert asked.startswith(texts.PROBLEM_AMBIGUOUS)
    first, second = asked.split("Cách 2:")[0], asked.split("Cách 2:")[1]
    assert "• Cài đặt VNeID: 3" in first and "• Kích hoạt định danh điện tử mức 2: 3" in first
    assert "• Cài đặt VNeID: 1" in second
    assert all(choice in asked for choice in CHOICES)
    assert saved(app) == []  # nothing before the member chooses
    member.say(answer)
    assert saved(app) == expected


def test_a_new_message_instead_of_a_choice_is_read_afresh(app: App, member: ConsoleChat) -> None:
    member.say("vneid 3 tại nhà khác")
    assert member.say("vneid 3 tại nhà bà Lan, khác 1").startswith(texts.ENTRY_SAVED)
    assert saved(app) == one(vneid=3, khac=1, place="nhà bà Lan")


def test_a_reading_chosen_twice_is_saved_once(app: App, member: ConsoleChat) -> None:
    member.say("sskdt vneid 3")
    assert member.say("1").startswith(texts.ENTRY_SAVED)
    assert not member.say("Cách 1").startswith(texts.ENTRY_SAVED)  # its choice has gone
    assert saved(app) == one(sskdt=3)


def test_a_number_left_out_is_never_saved_as_something_else(app: App, member: ConsoleChat) -> None:
    answer = member.say("vneid 3 2 sskdt")
    assert "Mình chưa hiểu “2”." in answer and texts.ENTRY_NUMBER_LEFT_OUT in answer
    assert texts.BUTTON_SAVE_UNDERSTOOD not in answer  # SSKĐT 1 was never meant
    assert member.say("1") == texts.NUMBER_WITHOUT_CHOICE.format("1")
    assert saved(app) == []
    assert member.say("vneid 3 sskdt 2").startswith(texts.ENTRY_SAVED)
    assert saved(app) == one(vneid=3, sskdt=2)


def test_save_what_i_understood_saves_exactly_what_it_showed(app: App, member: ConsoleChat) -> None:
    answer = member.say("vneid 3 sskdt 2, hộ @ ngõ 5")
    assert "Mình chưa hiểu “hộ”." in answer and texts.BUTTON_SAVE_UNDERSTOOD in answer
    assert "• Cài đặt VNeID: 3" in answer and "• Sổ sức khỏe điện tử: 2" in answer
    member.say("1")
    assert saved(app) == one(vneid=3, sskdt=2, place="ngõ 5")


def test_a_ward_officer_correcting_with_sua_is_asked_the_same_way(
    app: App, member: ConsoleChat
) -> None:
    member.say("vneid 2 @ ngõ 5")
    member.say("/sua")
    asked = member.say("cài vneid và kích hoạt mức 2 cho 4 người")
    assert asked.startswith(texts.PROBLEM_AMBIGUOUS)
    member.say("2")
    assert saved(app) == one(vneid=1, muc2=4, place="ngõ 5")
