"""/dulieucuatoi and /xoadulieucuatoi: a member sees and removes what we keep about them."""

from __future__ import annotations

from handlers import texts
from handlers.context import Context
from handlers.features.exports import remove_workbooks
from handlers.formatting import day_text
from handlers.messages import Choice, Reply
from handlers.router import Router
from storage import logs, queries, units
from storage.audit import record
from storage.erasure import erase_member
from storage.models import Role

router = Router()
DETAILS_SHOWN = 30  # a chat message holds about this many lines comfortably


@router.command("dulieucuatoi", role=Role.UNIT)
def show_my_data(ctx: Context, _args: str) -> list[Reply]:
    """Everything stored about me (in a private chat only: it shows my phone)."""
    if ctx.incoming.is_group:
        return [Reply(texts.PRIVATE_ONLY.format(command="/dulieucuatoi"))]
    member = ctx.member
    assert member is not None and member.id is not None
    session = ctx.uow.session
    team, ward = queries.team_and_ward(session, member.team_id)
    accounts = [
        (texts.MYDATA_ACCOUNT_NAMED if i.display_name else texts.MYDATA_ACCOUNT).format(
            platform=texts.PLATFORM_NAMES_FOR_MEMBER.get(i.platform, i.platform),
            name=i.display_name,
            day=day_text(_local(ctx, i.linked_at)),
        )
        for i in queries.identities_of(session, member.id)
    ]
    count = queries.log_count(session, member.id)
    lines = [
        texts.MYDATA_TITLE,
        texts.MYDATA_NAME.format(member.name),
        texts.MYDATA_PHONE.format(member.phone or texts.MYDATA_NONE),
        texts.MYDATA_ROLE.format(texts.ROLE_NAMES[member.role]),
        _where(ctx, team.name, ward.name),
        texts.MYDATA_ACCOUNTS.format(", ".join(accounts)),
        texts.MYDATA_CONSENT.format(
            day_text(_local(ctx, member.consent_at)) if member.consent_at else texts.MYDATA_NONE
        ),
        texts.MYDATA_LOGS.format(count),
        *([texts.MYDATA_NOTE.format(member.note)] if member.note else []),
        *_details(ctx),
        texts.MYDATA_NUDGES_ON if member.nudges else texts.MYDATA_NUDGES_OFF,
        texts.MYDATA_COPIES.format(days=ctx.settings.backup_days),
        "",
        texts.MYDATA_FOOTER,
    ]
    return [Reply("\n".join(lines), keep=False)]  # their data: not kept twice


def _details(ctx: Context) -> list[str]:
    """The notes, places and photos of their logs, newest first (the latest few dozen)."""
    found = logs.logs_with_details(ctx.uow.session, ctx.member_id)
    if not found:
        return []
    lines = [texts.MYDATA_DETAILS.format(len(found))]
    for log in found[:DETAILS_SHOWN]:
        parts = [
            *([texts.MYDATA_DETAIL_PLACE.format(log.place)] if log.place else []),
            *([texts.MYDATA_DETAIL_NOTE.format(log.note)] if log.note else []),
            *([texts.MYDATA_DETAIL_PHOTO] if log.photo_file_id else []),
        ]
        undone = texts.MYDATA_DETAIL_UNDONE if log.deleted_at else ""
        lines.append(
            texts.MYDATA_DETAIL.format(day=day_text(log.day), undone=undone, parts="; ".join(parts))
        )
    if len(found) > DETAILS_SHOWN:
        lines.append(texts.MYDATA_DETAILS_MORE.format(len(found) - DETAILS_SHOWN))
    if not ctx.settings.keep_photos and any(_is_link(log.photo_file_id) for log in found):
        lines.append(texts.MYDATA_PHOTO_LINKS)  # a link may stop working: say so
    return lines


def _is_link(photo: str | None) -> bool:
    """A photo kept as the link the platform gave (Zalo's), not as a file id that lasts."""
    return bool(photo) and str(photo).startswith(("https://", "http://"))


def _where(ctx: Context, team: str, ward: str) -> str:
    """The team a member is on; for a unit's representative, the unit."""
    unit = units.unit_of(ctx.uow.session, ctx.member_id)
    if ctx.member is not None and ctx.member.role == Role.UNIT and unit is not None:
        return texts.MYDATA_UNIT.format(unit=unit.name, ward=ward)
    return texts.MYDATA_TEAM.format(team=team, ward=ward)


def _local(ctx: Context, when):  # type: ignore[no-untyped-def]
    return when.astimezone(ctx.settings.timezone).date()


@router.command("xoadulieucuatoi", role=Role.UNIT)
def ask_erase(ctx: Context, _args: str) -> list[Reply]:
    """Ask once more before removing my identity (in a private chat only)."""
    if ctx.incoming.is_group:
        return [Reply(texts.PRIVATE_ONLY.format(command="/xoadulieucuatoi"))]
    ctx.conversation.start("erase")
    return [
        Reply(
            texts.ERASE_ASK,
            choices=(
                Choice(texts.BUTTON_ERASE, "erase:yes"),
                Choice(texts.BUTTON_KEEP, "erase:no"),
            ),
        )
    ]


@router.step("erase", role=Role.UNIT)
def erase_reminder(ctx: Context, _text: str) -> list[Reply]:
    """Anything but an answer keeps the data and says so."""
    ctx.conversation.clear()
    return [Reply(texts.ERASE_KEPT)]


@router.choice("erase", role=Role.UNIT)
def erase_my_data(ctx: Context, answer: str) -> list[Reply]:
    """Remove my name, phone and chat accounts; my logs stay as anonymous counts."""
    pending = ctx.conversation.step == "erase"
    ctx.conversation.clear()
    if not pending:
        return [Reply(texts.CHOICE_EXPIRED)]
    if answer != "yes":
        return [Reply(texts.ERASE_KEPT)]
    member_id = ctx.member_id
    erase_member(
        ctx.uow.session,
        member_id,
        now=ctx.now,
        secret=ctx.settings.key,
        current_message=ctx.incoming.message_key,
    )
    # the workbooks on disk name them too (and the copies behind download links)
    workbooks = remove_workbooks(ctx.settings.exports_dir, ctx.settings.link_copies)
    record(
        ctx.uow.session,
        action="erase_member",
        member_id=member_id,
        now=ctx.now,
        detail={"member_id": member_id, "workbooks_removed": workbooks},
    )
    return [Reply(texts.ERASE_DONE.format(days=ctx.settings.backup_days), menu="")]


@router.command("tatnhac")
def nudges_off(ctx: Context, _args: str) -> list[Reply]:
    """No more "a week without a log" reminders for me."""
    return _set_nudges(ctx, on=False)


@router.command("batnhac")
def nudges_on(ctx: Context, _args: str) -> list[Reply]:
    """The "a week without a log" reminder again."""
    return _set_nudges(ctx, on=True)


def _set_nudges(ctx: Context, *, on: bool) -> list[Reply]:
    assert ctx.member is not None
    ctx.member.nudges = on
    ctx.uow.session.add(ctx.member)
    return [Reply(texts.NUDGES_ON if on else texts.NUDGES_OFF)]
