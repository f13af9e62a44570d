"""Replies as Telegram messages: inline buttons, the share-my-phone keyboard, long texts split."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.channels.text import split_text, utf16_units
from handlers import texts
from handlers.messages import Reply

TEXT_LIMIT = 4096  # UTF-16 code units, as Telegram counts a message's text
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


def buttons(reply: Reply) -> InlineKeyboardMarkup | None:
    """Choices as inline buttons: short ones (counts) side by side, others one per row."""
    if not reply.choices:
        return None
    keys = [InlineKeyboardButton(c.label, callback_data=c.value) for c in reply.choices]
    if all(len(c.label) <= 4 for c in reply.choices):
        rows = [keys[i : i + 5] for i in range(0, len(keys), 5)]
    else:
        rows = [[key] for key in keys]
    return InlineKeyboardMarkup(rows)


def message_parts(reply: Reply, *, private: bool) -> list[tuple[str, Markup]]:
    """The texts to send for one reply, the last one carrying the keyboard."""
    text = reply.text
    markup: Markup = buttons(reply)
    if reply.ask_phone and private:
        text = f"{text}\n{texts.SHARE_PHONE_HINT}"
        share = KeyboardButton(texts.BUTTON_SHARE_PHONE, request_contact=True)
        markup = ReplyKeyboardMarkup([[share]], resize_keyboard=True, one_time_keyboard=True)
    elif markup is None and private:
        markup = ReplyKeyboardRemove()  # the share-my-phone keyboard goes once it is not needed
    pieces = split_text(text, TEXT_LIMIT, measure=utf16_units)
    return [(piece, markup if n == len(pieces) - 1 else None) for n, piece in enumerate(pieces)]
