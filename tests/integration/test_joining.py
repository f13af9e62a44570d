"""A stranger joins with an invite code, after agreeing to the consent notice (SPEC §4, §8)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.app import App
from bot.channels.console import ConsoleChat
from storage.models import ChatIdentity, InviteCode, Member, Role
from tests.conftest import Clock, Roster, identities


def _stranger(app: App, user: str = "stranger") -> ConsoleChat:
    return ConsoleChat(app.engine, user_id=user, display_name="Bác Hùng")


def _linked_member(app: App, user: str) -> Member | None:
    with app.uow() as uow:
        identity = uow.session.exec(
            select(ChatIdentity).where(ChatIdentity.user_id == user)
        ).first()
        return None if identity is None else uow.session.get(Member, identity.member_id)


def test_a_stranger_who_says_hello_is_told_how_to_join(app: App):
    answer = _stranger(app).say("xin chào")
    assert "Xin chào" in answer
    assert "/thamgia" in answer


def test_a_stranger_sees_no_data_of_their_own_or_of_a_team(app: App, member: ConsoleChat):
    member.say("vneid 3 sskdt 2")
    stranger = _stranger(app)
    for command in ("/cuatoi", "/thongke", "/dulieucuatoi", "/sua", "/huy"):
        answer = stranger.say(command)
        assert "chưa tham gia" in answer, (command, answer)
        assert "VNeID" not in answer and "Nguyễn Thị Lan" not in answer


def test_a_stranger_who_types_a_quick_entry_saves_nothing(app: App):
    answer = _stranger(app).say("vneid 3")
    assert "/thamgia" in answer
    assert "Đã ghi" not in answer


def test_a_valid_code_shows_the_consent_notice_and_links_nothing_yet(app: App, roster: Roster):
    code = roster.add("Phạm Văn Hùng")
    answer = _stranger(app).say(f"/thamgia {code}")
    assert "Bạn có đồng ý không?" in answer
    assert "91/2025/QH15" in answer
    assert "  1. Đồng ý" in answer
    assert "  2. Không đồng ý" in answer
    assert identities(app) == []


def test_start_with_a_code_asks_for_consent_too(app: App, roster: Roster):
    code = roster.add("Phạm Văn Hùng")
    answer = _stranger(app).say(f"/start {code}")
    assert "  1. Đồng ý" in answer and "  2. Không đồng ý" in answer
    assert identities(app) == []


def test_agreeing_links_the_chat_and_welcomes_the_person_by_name_and_team(app: App, roster: Roster):
    code = roster.add("Phạm Văn Hùng", team="Tổ CNSCĐ TDP 7")
    chat = _stranger(app, "hung")
    chat.say(f"/thamgia {code}")
    answer = chat.say("1")
    assert "Chào mừng Phạm Văn Hùng đến với Tổ CNSCĐ TDP 7" in answer
    member = _linked_member(app, "hung")
    assert member is not None and member.name == "Phạm Văn Hùng"
    assert member.consent_at is not None
    assert "chưa tham gia" not in chat.say("/cuatoi")


def test_declining_links_nothing_and_says_nothing_was_kept(app: App, roster: Roster):
    code = roster.add("Phạm Văn Hùng")
    chat = _stranger(app)
    chat.say(f"/thamgia {code}")
    answer = chat.say("2")
    assert "chưa lưu gì" in answer
    assert identities(app) == []
    assert "chưa tham gia" in chat.say("/cuatoi")


def test_someone_who_declined_can_still_join_later_with_the_same_code(app: App, roster: Roster):
    code = roster.add("Phạm Văn Hùng")
    chat = _stranger(app)
    chat.say(f"/thamgia {code}")
    chat.say("Không đồng ý")
    chat.say(f"/thamgia {code}")
    assert "Chào mừng Phạm Văn Hùng" in chat.say("1")
    assert len(identities(app)) == 1


def test_typing_the_words_dong_y_agrees_like_choice_1(app: App, roster: Roster):
    code = roster.add("Phạm Văn Hùng")
    chat = _stranger(app, "hung")
    chat.say(f"/thamgia {code}")
    assert "Chào mừng Phạm Văn Hùng" in chat.say("đồng ý")
    assert _linked_member(app, "hung") is not None


def test_typing_dong_y_without_diacritics_agrees_too(app: App, roster: Roster):
    code = roster.add("Phạm Văn Hùng")
    chat = _stranger(app, "hung")
    chat.say(f"/thamgia {code}")
    assert "Chào mừng" in chat.say("Dong Y")
    assert _linked_member(app, "hung") is not None


def test_something_else_at_the_consent_question_asks_again_and_links_nothing(
    app: App, roster: Roster
):
    code = roster.add("Phạm Văn Hùng")
    chat = _stranger(app)
    chat.say(f"/thamgia {code}")
    answer = chat.say("vneid 3")
    assert "1 (Đồng ý) hoặc 2 (Không đồng ý)" in answer
    assert identities(app) == []
    assert "Chào mừng" in chat.say("1")


def test_a_code_works_once_only(app: App, roster: Roster):
    code = roster.add("Phạm Văn Hùng")
    first = _stranger(app, "first")
    first.say(f"/thamgia {code}")
    first.say("1")
    answer = _stranger(app, "second").say(f"/thamgia {code}")
    assert "Mã mời này không đúng, đã dùng hoặc đã hết hạn" in answer
    assert "Đồng ý" not in answer
    assert [i.user_id for i in identities(app)] == ["first"]


def test_two_people_at_the_consent_question_with_one_code_only_the_first_joins(
    app: App, roster: Roster
):
    code = roster.add("Phạm Văn Hùng")
    first, second = _stranger(app, "first"), _stranger(app, "second")
    first.say(f"/thamgia {code}")
    second.say(f"/thamgia {code}")
    assert "Chào mừng" in first.say("1")
    answer = second.say("1")
    assert "Chào mừng" not in answer
    assert "vừa có người dùng" in answer and "gửi mã mới" in answer
    assert "chưa tham gia" in second.say("/cuatoi")
    assert [i.user_id for i in identities(app)] == ["first"]


def test_an_expired_code_is_refused(app: App, roster: Roster, clock: Clock):
    code = roster.add("Phạm Văn Hùng")
    clock.now += timedelta(days=31)
    chat = _stranger(app)
    answer = chat.say(f"/thamgia {code}")
    assert "đã hết hạn" in answer
    assert "Đồng ý" not in answer
    chat.say("1")
    assert identities(app) == []


def test_a_code_still_works_on_its_last_day(app: App, roster: Roster, clock: Clock):
    code = roster.add("Phạm Văn Hùng")
    clock.now += timedelta(days=29, hours=23)
    chat = _stranger(app)
    chat.say(f"/thamgia {code}")
    assert "Chào mừng" in chat.say("1")


def test_a_code_typed_in_lower_case_with_spaces_works(app: App, roster: Roster):
    code = roster.add("Phạm Văn Hùng")
    typed = f"{code[:3].lower()} {code[3:].lower()}"
    chat = _stranger(app, "hung")
    answer = chat.say(f"/thamgia   {typed}")
    assert "  1. Đồng ý" in answer
    assert "Chào mừng Phạm Văn Hùng" in chat.say("1")
    with app.uow() as uow:
        invite = uow.session.get(InviteCode, code)
        assert invite is not None and invite.used_at is not None


def test_a_wrong_code_is_refused(app: App, roster: Roster):
    roster.add("Phạm Văn Hùng")
    answer = _stranger(app).say("/thamgia ZZZZZZ")
    assert "Mã mời này không đúng" in answer
    assert identities(app) == []


def test_thamgia_without_a_code_explains_how_to_join(app: App):
    answer = _stranger(app).say("/thamgia")
    assert "mã mời" in answer
    assert "Đồng ý" not in answer


def test_someone_already_joined_who_sends_thamgia_again_is_told_they_are_in(
    app: App, roster: Roster
):
    chat = roster.joined("Nguyễn Thị Lan", team="Tổ CNSCĐ TDP 3")
    other_code = roster.add("Phạm Văn Hùng")
    answer = chat.say(f"/thamgia {other_code}")
    assert "Bạn đã ở Tổ CNSCĐ TDP 3 rồi" in answer
    assert "Đồng ý" not in answer
    assert len(identities(app)) == 1
    with app.uow() as uow:
        invite = uow.session.get(InviteCode, other_code)
        assert invite is not None and invite.used_at is None


def test_a_leader_joins_with_the_leader_role(app: App, roster: Roster):
    code = roster.add("Trần Văn Minh", role=Role.LEADER)
    chat = _stranger(app, "minh")
    chat.say(f"/thamgia {code}")
    chat.say("1")
    member = _linked_member(app, "minh")
    assert member is not None and member.role == Role.LEADER
    assert "Vai trò: tổ trưởng" in chat.say("/dulieucuatoi")


def test_typing_co_answers_the_consent_question_like_dong_y(app: App, roster: Roster):
    code = roster.add("Trần Văn Cường")
    chat = ConsoleChat(app.engine, user_id="cuong")
    chat.say(f"/thamgia {code}")
    assert "Chào mừng Trần Văn Cường" in chat.say("Có ạ")
    assert "cuong" in [i.user_id for i in identities(app)]


def test_typing_khong_declines_and_links_nothing(app: App, roster: Roster):
    code = roster.add("Trần Văn Cường")
    chat = ConsoleChat(app.engine, user_id="cuong")
    chat.say(f"/thamgia {code}")
    assert "chưa lưu gì" in chat.say("không")
    assert identities(app) == []


def test_thamgia_without_the_slash_works_too(app: App, roster: Roster):
    code = roster.add("Trần Văn Cường")
    chat = ConsoleChat(app.engine, user_id="cuong")
    assert "Bạn có đồng ý không?" in chat.say(f"Thamgia {code.lower()}")
    assert "Chào mừng Trần Văn Cường" in chat.say("1")
