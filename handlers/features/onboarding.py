"""Joining: a stranger's greeting, an invite code or a shared phone number, consent, link."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from handlers import texts
from handlers.admin import RosterError, normalise_phone
from handlers.context import Context
from handlers.formatting import day_text
from handlers.messages import Choice, Reply
from handlers.router import Router
from storage import audit, bot_usage, invites, queries, units
from storage.models import ChatIdentity, InviteCode, Member, Role

log = logging.getLogger(__name__)
router = Router()


def stranger_greeting(ctx: Context, *, joined_needed: bool = False) -> Reply:
    """How to join: short in a group, with the share-my-phone button in a private chat."""
    if ctx.incoming.is_group:
        return Reply(texts.STRANGER_IN_GROUP)
    return Reply(texts.NOT_JOINED if joined_needed else texts.STRANGER_GREETING, ask_phone=True)


@router.command("start", "thamgia", role=None)
def join(ctx: Context, code: str) -> list[Reply]:
    """Check an invite code and ask for consent before linking anything."""
    if ctx.member is not None:
        return [_welcome(ctx, ctx.member, again=True)]
    if not code:
        return [stranger_greeting(ctx)]
    if ctx.incoming.is_group:
        return [Reply(texts.JOIN_IN_PRIVATE)]  # a code typed in a group is seen by everyone
    platform, session = ctx.incoming.platform, ctx.uow.session
    who = invites.attempt_ref(ctx.settings.key, platform, ctx.incoming.user_id)
    if (until := invites.blocked_until(session, who, now=ctx.now)) is not None:
        # too many wrong codes: this one is not even looked at (nor counted) until then
        log.warning("invite refused platform=%s: too many wrong codes", platform)
        return [Reply(texts.INVITE_TOO_MANY.format(time=_local_time(ctx, until)))]
    found = _valid_invite(ctx, code)
    if found is None:
        attempts = invites.record_failure(session, who, now=ctx.now)
        log.warning("invite failed platform=%s attempts=%d", platform, attempts)
        return [Reply(texts.INVITE_INVALID)]
    if full := _bot_full(ctx):
        return [full]
    invite, _member = found
    ctx.conversation.start("consent", code=invite.code)
    return [_consent_question(ctx)]


@router.step("shared_contact", role=None)
def join_by_phone(ctx: Context, phone: str) -> list[Reply]:
    """A member shares their own phone number; the roster holds it: ask for consent."""
    if ctx.member is not None:
        return [Reply(texts.ALREADY_JOINED_SHORT)]
    if not ctx.incoming.contact_is_own:
        return [Reply(texts.CONTACT_NOT_OWN, ask_phone=True)]
    member = _roster_member_by_phone(ctx, phone)
    if member is None or member.id is None:
        return [Reply(texts.CONTACT_UNKNOWN)]
    if full := _bot_full(ctx):
        return [full]
    ctx.conversation.start("consent", member_id=member.id)
    return [_consent_question(ctx)]


def _roster_member_by_phone(ctx: Context, phone: str) -> Member | None:
    try:
        digits = normalise_phone(phone)
    except RosterError:
        return None
    session = ctx.uow.session
    for member in queries.members_with_phone(session, digits or ""):
        assert member.id is not None
        platforms = {i.platform for i in queries.identities_of(session, member.id)}
        if ctx.incoming.platform not in platforms:
            return member
    return None


def _consent_question(ctx: Context) -> Reply:
    return Reply(
        texts.CONSENT_NOTICE.format(days=ctx.settings.backup_days),
        choices=(
            Choice(texts.BUTTON_AGREE, "consent:yes", texts.WORDS_YES),
            Choice(texts.BUTTON_DISAGREE, "consent:no", texts.WORDS_NO),
        ),
    )


def _valid_invite(ctx: Context, code: str) -> tuple[InviteCode, Member] | None:
    session = ctx.uow.session
    invite = queries.invite(session, code)
    if invite is None or invite.used_at is not None or invite.expires_at <= ctx.now:
        return None
    member = session.get(Member, invite.member_id)
    if member is None or member.erased_at is not None:
        return None
    return invite, member


@router.step("consent", role=None)
def consent_reminder(ctx: Context, _text: str) -> list[Reply]:
    """Anything but an answer: ask again, plainly."""
    return [Reply(texts.CONSENT_ANSWER_PLEASE), _consent_question(ctx)]


@router.choice("consent", role=None)
def answer_consent(ctx: Context, answer: str) -> list[Reply]:
    """Link the chat identity only after "Đồng ý"."""
    conv = ctx.conversation
    data = dict(conv.data) if conv.step == "consent" else {}
    conv.clear()
    if not data:
        return [Reply(texts.CHOICE_EXPIRED)]
    if answer != "yes":
        return [Reply(texts.CONSENT_DECLINED)]
    if ctx.member is not None:
        return [Reply(texts.ALREADY_JOINED_SHORT)]
    if full := _bot_full(ctx):  # filled up while this person was reading the notice
        return [full]
    session = ctx.uow.session
    if "code" in data:
        found = _valid_invite(ctx, data["code"])
        if found is None:
            invite = queries.invite(session, data["code"])
            used = invite is not None and invite.used_at is not None
            return [Reply(texts.INVITE_JUST_USED if used else texts.INVITE_INVALID)]
        invite, member = found
        if invites.redeem(session, invite.code, now=ctx.now) is None:
            return [Reply(texts.INVITE_JUST_USED)]  # someone else agreed a moment before
    else:
        member = session.get_one(Member, data["member_id"])
        if member.erased_at is not None:
            return [Reply(texts.CONTACT_UNKNOWN)]
    assert member.id is not None
    incoming = ctx.incoming
    session.add(
        ChatIdentity(
            member_id=member.id,
            platform=incoming.platform,
            user_id=incoming.user_id,
            bot=incoming.bot,
            display_name=incoming.display_name,
            linked_at=ctx.now,
        )
    )
    member.consent_at = member.consent_at or ctx.now
    session.add(member)
    welcome = _welcome(ctx, member, again=False)
    return [replace(welcome, menu=str(member.role))]


def _bot_full(ctx: Context) -> Reply | None:
    """A bot at its plan's number of users takes nobody more: say which bot to write to
    instead, and leave a line for the officers (the schedule tells them)."""
    platform, bots = ctx.incoming.platform, ctx.settings.bots
    key = (platform, ctx.incoming.bot)
    seat = bots.get(key)
    session = ctx.uow.session
    if seat is None or not seat.max_users or bot_usage.users_of_bot(session, key) < seat.max_users:
        return None
    audit.record(
        session, action="bot_full", now=ctx.now, detail={"platform": key[0], "bot": key[1]}
    )
    others = [
        other.label
        for other_key, other in bots.items()
        if other_key[0] == platform
        and other_key != key
        and (not other.max_users or bot_usage.users_of_bot(session, other_key) < other.max_users)
    ]
    if others:
        return Reply(texts.BOT_FULL.format(bot=seat.label, other=others[0]))
    return Reply(texts.BOT_FULL_NO_OTHER.format(bot=seat.label))


def _local_time(ctx: Context, moment: datetime) -> str:
    """A time as Hải Phòng reads it: "11:00", with the day when it is not today."""
    local = moment.astimezone(ctx.settings.timezone)
    if local.date() == ctx.today:
        return f"{local:%H:%M}"
    return texts.TIME_ON_DAY.format(time=f"{local:%H:%M}", day=day_text(local.date()))


def _welcome(ctx: Context, member: Member, *, again: bool) -> Reply:
    """Welcome to the team, or for a unit's representative to registering models."""
    unit = units.unit_of(ctx.uow.session, member.id or 0) if member.role == Role.UNIT else None
    if unit is not None:
        template = texts.UNIT_ALREADY_JOINED if again else texts.UNIT_WELCOME
        return Reply(template.format(name=member.name, unit=unit.name))
    team, ward = queries.team_and_ward(ctx.uow.session, member.team_id)
    if member.role == Role.CITY:  # the city's officer logs nothing: their commands instead
        template = texts.CITY_ALREADY_JOINED if again else texts.CITY_WELCOME
        return Reply(template.format(name=member.name, city=ward.name))
    template = texts.ALREADY_JOINED if again else texts.WELCOME
    return Reply(template.format(name=member.name, team=team.name))
