"""What each person sees (/cuatoi, /thongke, /trogiup) and their own data (SPEC §4, §8)."""

from __future__ import annotations

from sqlmodel import select

from bot.app import App
from bot.channels.console import ConsoleChat
from storage.erasure import ERASED_NAME
from storage.models import (
    AuditEntry,
    ChatIdentity,
    InviteCode,
    Member,
    ProcessedMessage,
    Role,
    SupportLog,
)
from tests.conftest import Roster, identities
from tests.helpers import service_totals

WEEK = "Tuần này (từ 23/11/2026):"
MONTH = "Tháng 11/2026:"


def _blocks(answer: str) -> tuple[str, str, str]:
    """The answer cut into: before the week, the week block, the month block."""
    head, rest = answer.split(WEEK, 1)
    week, month = rest.split(MONTH, 1)
    return head, week, month


def _member_row(app: App, name_or_id: str | int) -> Member:
    with app.uow() as uow:
        if isinstance(name_or_id, int):
            return uow.session.get_one(Member, name_or_id)
        return uow.session.exec(select(Member).where(Member.name == name_or_id)).one()


# --- /cuatoi -------------------------------------------------------------------------------


def test_cuatoi_shows_my_recent_logs_and_my_week_and_month(app: App, member: ConsoleChat):
    member.say("hôm qua vneid 2 @ ngõ 5")  # Sunday 22/11: last week, this month
    member.say("vneid 3 sskdt 1")
    answer = member.say("/cuatoi")
    head, week, month = _blocks(answer)
    assert "Nguyễn Thị Lan" in head
    assert "• 23/11/2026: Cài đặt VNeID: 3; Sổ sức khỏe điện tử: 1" in head
    assert "• 22/11/2026: Cài đặt VNeID: 2 (ngõ 5)" in head
    assert "• Số lượt hỗ trợ: 1" in week
    assert "• Cài đặt VNeID: 3" in week
    assert "• Số lượt hỗ trợ: 2" in month
    assert "• Cài đặt VNeID: 5" in month
    assert "• Sổ sức khỏe điện tử: 1" in month


def test_cuatoi_counts_only_my_logs_not_a_teammates(app: App, member: ConsoleChat, roster: Roster):
    teammate = roster.joined("Trần Văn Bình")
    member.say("vneid 3")
    teammate.say("sskdt 7")
    teammate.say("vneid 9")
    answer = member.say("/cuatoi")
    assert "Sổ sức khỏe" not in answer
    assert "VNeID: 9" not in answer and "VNeID: 12" not in answer
    _head, week, month = _blocks(answer)
    assert "• Số lượt hỗ trợ: 1" in week and "• Cài đặt VNeID: 3" in week
    assert "• Số lượt hỗ trợ: 1" in month


def test_cuatoi_leaves_out_an_undone_log(app: App, member: ConsoleChat):
    member.say("vneid 3")
    member.say("sskdt 2")
    member.say("/huy")
    answer = member.say("/cuatoi")
    assert "Sổ sức khỏe" not in answer
    assert "• Cài đặt VNeID: 3" in answer


def test_cuatoi_before_any_log_says_how_to_start(member: ConsoleChat):
    assert "Bạn chưa ghi lượt nào" in member.say("/cuatoi")


# --- /thongke --------------------------------------------------------------------------------


def test_thongke_shows_the_teams_week_and_month(app: App, member: ConsoleChat, roster: Roster):
    teammate = roster.joined("Trần Văn Bình")
    member.say("hôm qua vneid 2")
    member.say("vneid 3 4 hộ")
    teammate.say("sskdt 5")
    answer = member.say("/thongke")
    head, week, month = _blocks(answer)
    assert "Tổ CNSCĐ TDP 1" in head
    assert "• Số lượt hỗ trợ: 2" in week
    assert "• Cài đặt VNeID: 3" in week and "• Sổ sức khỏe điện tử: 5" in week
    assert "• Số hộ đã đến: 4" in week
    assert "• Thành viên đã ghi: 2/2" in week
    assert "• Số lượt hỗ trợ: 3" in month
    assert "• Cài đặt VNeID: 5" in month


def test_a_leader_sees_who_has_not_logged_this_week(app: App, roster: Roster):
    leader = roster.joined("Trần Văn Minh", role=Role.LEADER)
    busy = roster.joined("Nguyễn Thị Lan")
    roster.joined("Phạm Văn Hùng")
    roster.add("Lê Thị Hoa")  # on the roster, not joined: not expected to log in chat
    busy.say("vneid 3")
    busy.say("/thongke")
    answer = leader.say("/thongke")
    [idle] = [line for line in answer.splitlines() if line.startswith("Chưa ghi tuần này")]
    assert "Phạm Văn Hùng" in idle and "Trần Văn Minh" in idle
    assert "Nguyễn Thị Lan" not in idle
    assert "Lê Thị Hoa" not in idle


def test_a_member_does_not_see_who_has_not_logged(member: ConsoleChat, roster: Roster):
    roster.joined("Phạm Văn Hùng")
    member.say("vneid 3")
    answer = member.say("/thongke")
    assert "Chưa ghi tuần này" not in answer
    assert "Phạm Văn Hùng" not in answer


def test_a_member_of_another_team_does_not_see_this_teams_figures(
    member: ConsoleChat, roster: Roster
):
    member.say("vneid 3 sskdt 2")
    other = roster.joined("Đỗ Văn Nam", team="Tổ CNSCĐ TDP 2", role=Role.LEADER)
    answer = other.say("/thongke")
    assert "Tổ CNSCĐ TDP 2" in answer
    assert "Tổ CNSCĐ TDP 1" not in answer
    assert "VNeID" not in answer and "Sổ sức khỏe" not in answer
    assert "Nguyễn Thị Lan" not in answer
    assert answer.count("Chưa có lượt nào") == 2


def test_an_officer_sees_the_wards_teams_ranked(app: App, roster: Roster):
    officer = roster.joined("Vũ Thị Thu", team="Ban chỉ đạo phường", role=Role.OFFICER)
    one = roster.joined("Nguyễn Thị Lan", team="Tổ CNSCĐ TDP 1")
    two = roster.joined("Trần Văn Bình", team="Tổ CNSCĐ TDP 2")
    far = roster.joined("Lý Văn Tâm", team="Tổ CNSCĐ Thôn 9", ward="Xã Khác")
    one.say("vneid 3")
    two.say("sskdt 2")
    two.say("vneid 1")
    far.say("vneid 50")
    answer = officer.say("/thongke")
    assert "Phường Nhị Chiểu" in answer
    _head, week, _month = _blocks(answer)
    assert "• Số lượt hỗ trợ: 3" in week
    assert "• Cài đặt VNeID: 4" in week
    lines = answer.splitlines()
    ranking = lines[lines.index("Các tổ tuần này (số lượt):") + 1 :]
    assert ranking[:2] == ["1. Tổ CNSCĐ TDP 2: 2", "2. Tổ CNSCĐ TDP 1: 1"]
    assert "Thôn 9" not in answer and "50" not in answer


# --- /dulieucuatoi, /xoadulieucuatoi -------------------------------------------------------------


def test_dulieucuatoi_lists_name_phone_team_role_and_linked_account(app: App, roster: Roster):
    chat = roster.joined("Nguyễn Thị Lan", phone="0912 345 678", team="Tổ CNSCĐ TDP 4")
    chat.say("vneid 3")
    answer = chat.say("/dulieucuatoi")
    assert "• Họ tên: Nguyễn Thị Lan" in answer
    assert "• Số điện thoại: 0912345678" in answer
    assert "• Vai trò: thành viên" in answer
    assert "• Tổ: Tổ CNSCĐ TDP 4 (Phường Nhị Chiểu)" in answer
    assert "• Tài khoản chat: máy tính (thử nghiệm) (từ 23/11/2026)" in answer
    assert "• Đồng ý tham gia ngày: 23/11/2026" in answer
    assert "• Số lượt hỗ trợ đã ghi: 1" in answer


def test_xoadulieucuatoi_asks_before_erasing(app: App, member: ConsoleChat):
    answer = member.say("/xoadulieucuatoi")
    assert "  1. Xoá dữ liệu của tôi" in answer and "  2. Giữ nguyên" in answer
    assert len(identities(app)) == 1


def test_erasing_makes_me_a_stranger_and_keeps_my_logs_in_the_team_totals(app: App, roster: Roster):
    leader = roster.joined("Trần Văn Minh", role=Role.LEADER)
    chat = roster.joined("Nguyễn Thị Lan", phone="0912345678", user="lan")
    chat.say("vneid 3")
    chat.say("sskdt 2")
    member_id = _member_row(app, "Nguyễn Thị Lan").id
    assert member_id is not None

    chat.say("/xoadulieucuatoi")
    answer = chat.say("1")
    assert "Đã xoá dữ liệu của bạn" in answer

    assert "lan" not in [i.user_id for i in identities(app)]
    row = _member_row(app, member_id)
    assert row.name == ERASED_NAME and row.phone is None and row.erased_at is not None
    with app.uow() as uow:
        assert (
            uow.session.exec(select(InviteCode).where(InviteCode.member_id == member_id)).all()
            == []
        )
        assert (
            uow.session.exec(select(ChatIdentity).where(ChatIdentity.member_id == member_id)).all()
            == []
        )
        actions = [e.action for e in uow.session.exec(select(AuditEntry))]
        assert actions.count("erase_member") == 1

    assert "chưa tham gia" in chat.say("/cuatoi")
    assert "/thamgia" in chat.say("vneid 1")
    assert service_totals(app) == {"vneid": 3, "sskdt": 2}

    team = leader.say("/thongke")
    _head, week, _month = _blocks(team)
    assert "• Số lượt hỗ trợ: 2" in week
    assert "• Cài đặt VNeID: 3" in week and "• Sổ sức khỏe điện tử: 2" in week
    assert "Nguyễn Thị Lan" not in team and ERASED_NAME not in team


def test_after_an_erasure_the_team_never_shows_more_active_members_than_members(
    app: App, roster: Roster
):
    leader = roster.joined("Trần Văn Minh", role=Role.LEADER)
    chat = roster.joined("Nguyễn Thị Lan")
    chat.say("vneid 3")
    leader.say("vneid 1")
    chat.say("/xoadulieucuatoi")
    chat.say("1")
    answer = leader.say("/thongke")
    [active] = {line for line in answer.splitlines() if "Thành viên đã ghi" in line}
    done, joined = active.rsplit(" ", 1)[1].split("/")
    assert int(done) <= int(joined), active


def test_an_erased_member_cannot_join_again_with_the_old_code(app: App, roster: Roster):
    code = roster.add("Nguyễn Thị Lan")
    chat = ConsoleChat(app.engine, user_id="lan")
    chat.say(f"/thamgia {code}")
    chat.say("1")
    chat.say("/xoadulieucuatoi")
    chat.say("1")
    assert "Mã mời này không đúng" in chat.say(f"/thamgia {code}")
    assert identities(app) == []


def test_answering_2_to_the_erase_question_keeps_everything(app: App, member: ConsoleChat):
    member.say("vneid 3")
    member.say("/xoadulieucuatoi")
    assert "Đã giữ nguyên, không xoá gì" in member.say("2")
    assert len(identities(app)) == 1
    assert "• Họ tên: Nguyễn Thị Lan" in member.say("/dulieucuatoi")
    assert "• Cài đặt VNeID: 3" in member.say("/cuatoi")


def test_typing_something_else_at_the_erase_question_keeps_everything(
    app: App, member: ConsoleChat
):
    member.say("/xoadulieucuatoi")
    assert "không xoá gì" in member.say("thôi")
    assert len(identities(app)) == 1
    member.say("1")
    assert len(identities(app)) == 1


# --- /trogiup --------------------------------------------------------------------------------


def test_trogiup_shows_examples_services_and_commands(member: ConsoleChat):
    answer = member.say("/trogiup")
    assert "• vneid 3 sskdt 2" in answer
    assert "• hôm qua 4 hộ vneid 6 smart hp 2" in answer
    assert "• Cài đặt VNeID: vneid" in answer
    for command in ("/ghi", "/huy", "/sua", "/cuatoi", "/thongke", "/dulieucuatoi"):
        assert command in answer
    assert "Tổ trưởng:" not in answer


def test_trogiup_for_a_leader_adds_the_leaders_line(roster: Roster):
    leader = roster.joined("Trần Văn Minh", role=Role.LEADER)
    help_text = leader.say("/trogiup")
    assert "Lệnh của tổ trưởng:" in help_text
    assert "/thongke – kết quả của tổ và ai chưa ghi tuần này" in help_text


def test_trogiup_for_a_stranger_explains_how_to_join(app: App):
    answer = ConsoleChat(app.engine, user_id="stranger").say("/trogiup")
    assert "/thamgia" in answer
    assert "/cuatoi" not in answer


def test_erasing_leaves_no_earlier_answer_or_chat_key_behind(app: App, roster: Roster):
    chat = roster.joined("Nguyễn Thị Lan", user="lan")
    chat.say("vneid 3")
    assert "Nguyễn Thị Lan" in chat.say("/dulieucuatoi")
    chat.say("/xoadulieucuatoi")
    chat.say("1")
    with app.uow() as uow:
        answers = [m.replies for m in uow.session.exec(select(ProcessedMessage))]
        keys = [log.message_key for log in uow.session.exec(select(SupportLog))]
    assert "Nguyễn Thị Lan" not in str(answers)
    assert len(answers) == 1  # only the erasure's own answer, which names nobody
    assert keys == [None]
    assert service_totals(app) == {"vneid": 3}
