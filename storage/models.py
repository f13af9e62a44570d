"""The tables: wards, teams, members, the service catalogue and the support logs.

Schema changes go through Alembic (storage/migrations); never `create_all` in production.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.kinds import Audience as Audience  # where they are defined (light)
from storage.kinds import Role as Role
from storage.kinds import TargetPer as TargetPer
from storage.kinds import WardKind as WardKind
from storage.types import UTCDateTime, utcnow


def _when(*, nullable: bool = False, index: bool = False) -> Any:
    kwargs: dict[str, Any] = {"sa_type": UTCDateTime, "nullable": nullable, "index": index}
    if not nullable:
        kwargs["default_factory"] = utcnow
    else:
        kwargs["default"] = None
    return Field(**kwargs)


PLACE_MAX, NOTE_MAX, NAME_MAX = 500, 2000, 200  # column sizes a member's typing must fit
MODEL_FIELD_MAX = 1000  # each field of a model registration


class Ward(SQLModel, table=True):
    """A phường/xã; one deployment may serve several. The city's office is a row of its own
    (kind "city"), left out of every list of wards (storage.queries.wards)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    kind: str = Field(
        default=WardKind.WARD, max_length=10, sa_column_kwargs={"server_default": "ward"}
    )
    created_at: datetime = _when()


class ResidentialGroup(SQLModel, table=True):
    """A tổ dân phố / thôn: the denominator of "% of residential groups with a team"."""

    __tablename__ = "residential_group"
    __table_args__ = (UniqueConstraint("ward_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    ward_id: int = Field(foreign_key="ward.id", index=True)
    name: str = Field(max_length=200)


class Team(SQLModel, table=True):
    """A Tổ CNSCĐ: one per residential group, or one at ward level (no group)."""

    __table_args__ = (UniqueConstraint("ward_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    ward_id: int = Field(foreign_key="ward.id", index=True)
    residential_group_id: int | None = Field(default=None, foreign_key="residential_group.id")
    name: str = Field(max_length=200)


class Member(SQLModel, table=True):
    """A volunteer on the roster; joined once a chat identity is linked."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    name: str = Field(max_length=200)
    phone: str | None = Field(default=None, max_length=20, index=True)
    role: str = Field(default=Role.MEMBER, max_length=10)
    deputy: bool = False  # a tổ phó: acts as leader, shown as "Tổ phó"
    note: str | None = Field(default=None, max_length=500)  # the roster's "Ghi chú"
    nudges: bool = True
    zalo_bot: str | None = Field(default=None, max_length=40)  # the Zalo bot their invite names
    created_at: datetime = _when()
    consent_at: datetime | None = _when(nullable=True)
    erased_at: datetime | None = _when(nullable=True)  # /xoadulieucuatoi: name and phone gone


class ChatIdentity(SQLModel, table=True):
    """A member's account on one platform (Telegram, Zalo, the console)."""

    __tablename__ = "chat_identity"
    # Zalo issues user ids per bot: the same id in two bots is two people
    __table_args__ = (UniqueConstraint("platform", "bot", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    platform: str = Field(max_length=20)
    user_id: str = Field(max_length=64)
    bot: str = Field(default="", max_length=40)  # the bot it came through ("": the only one)
    display_name: str | None = Field(default=None, max_length=200)
    linked_at: datetime = _when()


class GroupChat(SQLModel, table=True):
    """A team's (or the ward's) group chat, linked with /lienket, for tallies and reminders."""

    __tablename__ = "group_chat"
    __table_args__ = (UniqueConstraint("platform", "bot", "chat_id"),)  # chat ids are per bot

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    chat_id: str = Field(max_length=64)
    bot: str = Field(default="", max_length=40)  # the bot it was linked through
    ward_id: int = Field(foreign_key="ward.id", index=True)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    title: str | None = Field(default=None, max_length=200)
    linked_by: int | None = Field(default=None, foreign_key="member.id")
    linked_at: datetime = _when()


class Service(SQLModel, table=True):
    """A service of the catalogue; retired ones stay for old data and exports."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=200)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True
    position: int = 0


class SupportLog(SQLModel, table=True):
    """One support session a member logged (lượt hỗ trợ); undo marks it deleted."""

    __tablename__ = "support_log"
    # deleted_at in the index: the tallies read a ward's live logs without visiting the rows
    __table_args__ = (Index("ix_support_log_team_day", "team_id", "day", "deleted_at"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    team_id: int = Field(foreign_key="team.id")
    day: date = Field(index=True)
    people: int | None = None
    households: int | None = None
    place: str | None = Field(default=None, max_length=PLACE_MAX)
    note: str | None = Field(default=None, max_length=NOTE_MAX)
    photo_file_id: str | None = Field(default=None, max_length=300)
    platform: str | None = Field(default=None, max_length=20)
    message_key: str | None = Field(default=None, max_length=200, unique=True)
    created_at: datetime = _when()
    updated_at: datetime | None = _when(nullable=True)
    deleted_at: datetime | None = _when(nullable=True)


class SupportLogItem(SQLModel, table=True):
    """How many people a log helped with one service."""

    __tablename__ = "support_log_item"

    log_id: int = Field(foreign_key="support_log.id", primary_key=True, ondelete="CASCADE")
    service_id: int = Field(foreign_key="service.id", primary_key=True, index=True)
    count: int


class InviteCode(SQLModel, table=True):
    """A one-use code that links a chat identity to a roster member."""

    __tablename__ = "invite_code"

    code: str = Field(primary_key=True, max_length=16)
    member_id: int = Field(foreign_key="member.id", index=True)
    created_at: datetime = _when()
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = _when(nullable=True)


class InviteAttempt(SQLModel, table=True):
    """A wrong invite code typed by a chat account (not the code itself): too many within an
    hour and the account waits. Kept a day."""

    __tablename__ = "invite_attempt"

    id: int | None = Field(default=None, primary_key=True)
    who: str = Field(max_length=90, index=True)  # storage.invites.attempt_ref
    at: datetime = Field(sa_type=UTCDateTime, index=True)


class ConversationState(SQLModel, table=True):
    """Where a person is in a conversation (a /ghi step, a pending confirmation)."""

    __tablename__ = "conversation_state"

    platform: str = Field(primary_key=True, max_length=20)
    chat_id: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(primary_key=True, max_length=64)
    bot: str = Field(default="", primary_key=True, max_length=40)  # ids are each bot's own
    step: str = Field(max_length=40)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = _when()


class ProcessedMessage(SQLModel, table=True):
    """An incoming message already handled, with its replies: a redelivery changes nothing."""

    __tablename__ = "processed_message"

    message_key: str = Field(primary_key=True, max_length=200)
    # "platform:user id" of the sender, so erasing a member also erases their answers
    sender: str | None = Field(default=None, max_length=90, index=True)
    replies: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    created_at: datetime = _when(index=True)


class AuditEntry(SQLModel, table=True):
    """Who exported, imported or erased what, and when."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _when(index=True)
    member_id: int | None = Field(default=None, foreign_key="member.id")
    action: str = Field(max_length=40)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ErasureRecord(SQLModel, table=True):
    """A member's erasure, kept so that a restore can do it again (storage/erasure.py): the
    member's id and keyed hashes of their chat accounts, never a name or a phone."""

    __tablename__ = "erasure_log"

    id: int | None = Field(default=None, primary_key=True)
    # random, the same in every copy of the log: tells a backup's erasures from later ones
    ref: str = Field(max_length=32, unique=True, index=True)
    # no foreign key: the log outlives a restore whose data predates the member
    member_id: int = Field(index=True)
    # storage.erasure.identity_ref of each chat account ("platform:user id") they had
    identities: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    erased_at: datetime = Field(sa_type=UTCDateTime)


class Deadline(SQLModel, table=True):
    """A reporting obligation of a ward: one date, yearly, or quarterly (schedules/rules.py)."""

    id: int | None = Field(default=None, primary_key=True)
    ward_id: int = Field(foreign_key="ward.id", index=True)
    name: str = Field(max_length=200)
    repeat: str = Field(max_length=10)  # once / yearly / quarterly
    before: date  # the day the directive names ("trước ngày …"); the last day is the day before
    lead_days: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True
    audience: str = Field(default=Audience.TEAMS, max_length=10)
    created_at: datetime = _when()


class DeadlineSubmission(SQLModel, table=True):
    """A team marked its report for one period of a deadline as submitted (/danop)."""

    __tablename__ = "deadline_submission"
    __table_args__ = (UniqueConstraint("deadline_id", "team_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    deadline_id: int = Field(foreign_key="deadline.id", index=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    period: str = Field(max_length=20)
    submitted_at: datetime = _when()
    submitted_by: int | None = Field(default=None, foreign_key="member.id")


class OutboxMessage(SQLModel, table=True):
    """A message the bot starts itself (a reminder, a tally), claimed once by its key."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300, unique=True)  # kind, target chat, period/occasion
    kind: str = Field(max_length=30)
    platform: str = Field(max_length=20)
    chat_id: str = Field(max_length=64)
    bot: str = Field(default="", max_length=40)  # the bot it goes through
    text: str
    due_at: datetime = Field(sa_type=UTCDateTime)
    # claimed / sent / failed / blocked / skipped, waiting: its bot is out of quota, or
    # uncertain: it left and no answer came back (never sent again)
    status: str = Field(max_length=10, index=True)
    attempts: int = 0
    # its messages already delivered (a tally: the text, then the chart), recorded as each
    # goes: another try, after a failure or a killed worker, sends only the rest
    parts_sent: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # the lease of the leader that claimed it (storage/locks.py): once that leader is gone,
    # its claim is taken again at once; "" on SQLite
    claimed_by: str = Field(default="", max_length=60, sa_column_kwargs={"server_default": ""})
    claimed_at: datetime = _when()
    sent_at: datetime | None = _when(nullable=True)
    error: str | None = Field(default=None, max_length=500)


class Target(SQLModel, table=True):
    """A team's target (chỉ tiêu) for one service per month, quarter or year."""

    __table_args__ = (UniqueConstraint("team_id", "service_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    service_id: int = Field(foreign_key="service.id")
    period: str = Field(max_length=10)  # month / quarter / year
    count: int


class Campaign(SQLModel, table=True):
    """A campaign (chiến dịch) the city or a ward launches: some services counted from its
    first to its last day (both included) against a target for each ward or each team
    (storage/campaigns.py). Names, codes and days only: nobody's data."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=NAME_MAX)
    # service codes (Service.code): the sum of their counts is the campaign's figure
    services: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    first_day: date
    last_day: date
    target: int
    per: str = Field(default=TargetPer.WARD, max_length=10)  # ward / team
    ward_id: int | None = Field(default=None, foreign_key="ward.id", index=True)  # None: all
    created_at: datetime = _when()
    created_by: str = Field(default="", max_length=100)  # how it was made ("cli"), no name


class Unit(SQLModel, table=True):
    """A school, an office or a team that registers digital-transformation models.

    Its representative is a member with the role `unit`, on the ward's own team, who joins
    with an invite code like everyone else.
    """

    __table_args__ = (UniqueConstraint("ward_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    ward_id: int = Field(foreign_key="ward.id", index=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=10)  # school / office / team / other
    representative_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    created_at: datetime = _when()


class ModelRegistration(SQLModel, table=True):
    """One model a unit registered: the directive's table, one row (Stt is its order)."""

    __tablename__ = "model_registration"

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    name: str = Field(max_length=MODEL_FIELD_MAX)  # Tên mô hình
    content: str = Field(max_length=MODEL_FIELD_MAX)  # Nội dung hoạt động
    method: str = Field(max_length=MODEL_FIELD_MAX)  # Cách thức hoạt động
    participants: str = Field(max_length=MODEL_FIELD_MAX)  # Thành viên tham gia
    results: str = Field(max_length=MODEL_FIELD_MAX)  # Hiệu quả mang lại
    budget: str = Field(max_length=MODEL_FIELD_MAX)  # Kinh phí hoạt động
    registered_by: int | None = Field(default=None, foreign_key="member.id")
    created_at: datetime = _when()
    updated_at: datetime | None = _when(nullable=True)
    deleted_at: datetime | None = _when(nullable=True)


class WebSession(SQLModel, table=True):
    """A way into the web dashboard: a one-time login link (15 minutes) or the session it
    opened (8 hours). Only the SHA-256 of the token is kept: a copy of the database lets
    nobody in."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    kind: str = Field(max_length=10)  # link / session
    member_id: int = Field(foreign_key="member.id", index=True)
    created_at: datetime = _when()
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    used_at: datetime | None = _when(nullable=True)  # a link once it opened a session


class BotUsage(SQLModel, table=True):
    """Messages one bot sent in one calendar month (local time), by kind: plans count them."""

    __tablename__ = "bot_usage"

    platform: str = Field(primary_key=True, max_length=20)
    bot: str = Field(primary_key=True, max_length=40)
    month: str = Field(primary_key=True, max_length=7)  # YYYY-MM
    kind: str = Field(primary_key=True, max_length=30)  # reply / deadline_reminder / …
    count: int = 0


class BotSender(SQLModel, table=True):
    """Someone who wrote to one bot in one calendar month (local time): the platform may
    count everyone who chats with a bot towards its users. Only a keyed hash of the account,
    the bot and the month (storage/personal.py), so no row says who wrote."""

    __tablename__ = "bot_sender"

    platform: str = Field(primary_key=True, max_length=20)
    bot: str = Field(primary_key=True, max_length=40)
    month: str = Field(primary_key=True, max_length=7)  # YYYY-MM
    sender: str = Field(primary_key=True, max_length=64)


class BotPause(SQLModel, table=True):
    """A bot the platform stopped (quota exceeded): scheduled sends wait until it works again."""

    __tablename__ = "bot_pause"

    platform: str = Field(primary_key=True, max_length=20)
    bot: str = Field(primary_key=True, max_length=40)
    since: datetime = Field(sa_type=UTCDateTime)
    reason: str = Field(max_length=300)
    tried_at: datetime = Field(sa_type=UTCDateTime)  # the last send that tried it
