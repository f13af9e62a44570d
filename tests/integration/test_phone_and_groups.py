"""Joining by sharing one's phone number, and team group chats, through the engine."""

from __future__ import annotations

import itertools

from sqlmodel import select

from bot.app import App
from handlers.messages import Incoming, Reply
from storage.models import GroupChat, Role
from tests.conftest import Roster, identities
from tests.helpers import service_totals

_keys = itertools.count()


def send(app: App, user: str, *, chat: str | None = None, **fields: object) -> list[Reply]:
    """One message from `user` (in a private chat unless `chat` is a group)."""
    incoming = Incoming(
        "console",
        chat or user,
        user,
        message_key=f"test:{next(_keys)}",
        is_group=chat is not None,
        **fields,  # type: ignore[arg-type]
    )
    return app.engine.handle(incoming)


def test_sharing_a_phone_the_roster_holds_asks_consent_then_links(app: App, roster: Roster):
    roster.add("Lê Thị Hạnh", phone="0912 345 678")
    [question] = send(app, "777", contact_phone="+84912345678", contact_is_own=True)
    assert "Bạn có đồng ý không?" in question.text
    assert identities(app) == []
    [welcome] = send(app, "777", choice="consent:yes")
    assert "Chào mừng Lê Thị Hạnh" in welcome.text
    assert [(i.platform, i.user_id) for i in identities(app)] == [("console", "777")]


def test_someone_elses_contact_card_links_nothing(app: App, roster: Roster):
    roster.add("Lê Thị Hạnh", phone="0912345678")
    [answer] = send(app, "777", contact_phone="0912345678", contact_is_own=False)
    assert "chính mình" in answer.text and answer.ask_phone
    assert "/thamgia" in send(app, "777", text="1")[0].text  # nothing was asked: still a stranger
    assert identities(app) == []


def test_a_phone_not_on_the_roster_is_told_how_to_join(app: App, roster: Roster):
    roster.add("Lê Thị Hạnh", phone="0912345678")
    [answer] = send(app, "777", contact_phone="0987654321", contact_is_own=True)
    assert "chưa có trong danh sách" in answer.text
    assert identities(app) == []


def test_a_stranger_is_offered_the_share_my_phone_button_in_private_only(app: App):
    [private] = send(app, "777", text="xin chào")
    assert private.ask_phone and "/thamgia" in private.text
    [group] = send(app, "777", chat="-100", text="/ghi")
    assert not group.ask_phone and "Nhắn riêng" in group.text


def test_a_leader_links_the_team_group_with_lienket(app: App, roster: Roster):
    leader = roster.joined("Phạm Văn Minh", role=Role.LEADER, user="minh")
    assert "trong nhóm" in leader.say("/lienket")  # not in a private chat
    [answer] = send(app, "minh", chat="-100", text="/lienket", chat_title="Tổ 1 CNSCĐ")
    assert "Đã liên kết nhóm này với Tổ CNSCĐ TDP 1" in answer.text
    [again] = send(app, "minh", chat="-100", text="/lienket")
    assert "đã liên kết" in again.text
    with app.uow() as uow:
        [group] = uow.session.exec(select(GroupChat)).all()
    assert (group.chat_id, group.title, group.team_id is not None) == ("-100", "Tổ 1 CNSCĐ", True)


def test_a_member_may_not_link_a_group(app: App, roster: Roster):
    roster.joined("Nguyễn Thị Lan", user="lan")
    [answer] = send(app, "lan", chat="-100", text="/lienket")
    assert "tổ trưởng" in answer.text
    with app.uow() as uow:
        assert uow.session.exec(select(GroupChat)).all() == []


def test_an_officer_links_the_ward_group_and_a_leader_cannot_take_it(app: App, roster: Roster):
    roster.joined("Trần Văn Hùng", role=Role.OFFICER, team="Tổ CNSCĐ phường", user="hung")
    roster.joined("Phạm Văn Minh", role=Role.LEADER, user="minh")
    assert "Phường Nhị Chiểu" in send(app, "hung", chat="-200", text="/lienket")[0].text
    assert "tổ khác" in send(app, "minh", chat="-200", text="/lienket")[0].text
    with app.uow() as uow:
        [group] = uow.session.exec(select(GroupChat)).all()
    assert group.team_id is None


def test_a_quick_entry_in_a_group_is_logged_for_the_sender_with_a_short_answer(
    app: App, roster: Roster
):
    roster.joined("Nguyễn Thị Lan", user="lan")
    [answer] = send(app, "lan", chat="-100", text="vneid 3 sskdt 2")
    assert answer.text == "✅ Nguyễn Thị Lan: Cài đặt VNeID: 3; Sổ sức khỏe điện tử: 2"
    assert [c.label for c in answer.choices] == ["Hoàn tác"]
    assert service_totals(app) == {"vneid": 3, "sskdt": 2}


def test_a_join_code_typed_in_a_group_is_not_used(app: App, roster: Roster):
    code = roster.add("Lê Thị Hạnh")
    [answer] = send(app, "777", chat="-100", text=f"/thamgia {code}")
    assert "nhắn riêng" in answer.text
    assert "Bạn có đồng ý" in send(app, "777", text=f"/thamgia {code}")[0].text
