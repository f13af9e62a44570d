"""Joining: a stranger's greeting, the invite code, consent, the linked chat identity."""

from __future__ import annotations

from handlers import texts
from handlers.context import Context
from handlers.messages import Choice, Reply
from handlers.router import Router
from storage import queries
from storage.models import ChatIdentity, InviteCode, Member

router = Router()


@router.command("start", "thamgia", role=None)
def join(ctx: Context, code: str) -> list[Reply]:
    """Check an invite code and ask for consent before linking anything."""
    if ctx.member is not None:
        team, _ward = queries.team_and_ward(ctx.uow.session, ctx.member.team_id)
        return [Reply(texts.ALREADY_JOINED.format(name=ctx.member.name, team=team.name))]
    if not code:
        return [Reply(texts.STRANGER_GREETING)]
    found = _valid_invite(ctx, code)
    if found is None:
        return [Reply(texts.INVITE_INVALID)]
    invite, _member = found
    ctx.conversation.start("consent", code=invite.code)
    return [_consent_question()]


def _consent_question() -> Reply:
    return Reply(
        texts.CONSENT_NOTICE,
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
    return [Reply(texts.CONSENT_ANSWER_PLEASE), _consent_question()]


@router.choice("consent", role=None)
def answer_consent(ctx: Context, answer: str) -> list[Reply]:
    """Link the chat identity only after "Đồng ý"."""
    conv = ctx.conversation
    code = conv.data.get("code") if conv.step == "consent" else None
    conv.clear()
    if code is None:
        return [Reply(texts.CHOICE_EXPIRED)]
    if answer != "yes":
        return [Reply(texts.CONSENT_DECLINED)]
    if ctx.member is not None:
        return [Reply(texts.ALREADY_JOINED_SHORT)]
    found = _valid_invite(ctx, code)
    if found is None:
        return [Reply(texts.INVITE_INVALID)]
    invite, member = found
    incoming = ctx.incoming
    session = ctx.uow.session
    session.add(
        ChatIdentity(
            member_id=invite.member_id,
            platform=incoming.platform,
            user_id=incoming.user_id,
            display_name=incoming.display_name,
            linked_at=ctx.now,
        )
    )
    invite.used_at = ctx.now
    member.consent_at = member.consent_at or ctx.now
    session.add(invite)
    session.add(member)
    team, _ward = queries.team_and_ward(session, member.team_id)
    return [Reply(texts.WELCOME.format(name=member.name, team=team.name))]
