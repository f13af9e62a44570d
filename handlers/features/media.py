"""Voice messages, stickers and what the bot cannot open: a kind word, nothing stored."""

from __future__ import annotations

from handlers import texts
from handlers.context import Context
from handlers.features.onboarding import stranger_greeting
from handlers.messages import Reply
from handlers.router import Router

router = Router()
ANSWER = {"voice": texts.VOICE_NOT_YET, "sticker": texts.STICKER_SEEN}


@router.step("media", role=None)
def answer_media(ctx: Context, media: str) -> list[Reply]:
    """Say once a day how to write an entry; a voice message is answered every time.

    Some senders' messages always arrive unreadable (Zalo hides what people it protects
    send): the same explanation after each of them would only nag.
    """
    if media == "voice" and ctx.member is not None:
        return [Reply(texts.VOICE_NOT_YET)]
    told = ctx.conversation.told
    today = ctx.today.isoformat()
    if told.get("media") == today:
        return []
    told["media"] = today
    if ctx.member is None:
        return [stranger_greeting(ctx)]
    return [Reply(ANSWER.get(media, texts.UNSUPPORTED))]
