"""Tokens never reach the logs, wherever they hide in a line."""

from __future__ import annotations

import logging
import sys

from bot.app import RedactingFormatter

TOKEN = "123456789:AAE-secret-token"


def _format(record: logging.LogRecord) -> str:
    return RedactingFormatter("%(levelname)s %(message)s", (TOKEN,)).format(record)


def test_a_token_in_a_message_or_its_arguments_is_blanked_out():
    record = logging.LogRecord(
        "x",
        logging.INFO,
        __file__,
        1,
        "POST %s/getMe",
        (f"https://api.telegram.org/bot{TOKEN}",),
        None,
    )
    line = _format(record)
    assert TOKEN not in line and "https://api.telegram.org/bot***/getMe" in line


def test_a_token_in_an_exception_is_blanked_out():
    try:
        raise RuntimeError(f"connection to https://api.telegram.org/bot{TOKEN}/getUpdates failed")
    except RuntimeError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "send failed", (), sys.exc_info()
        )
    line = _format(record)
    assert "RuntimeError" in line and TOKEN not in line
