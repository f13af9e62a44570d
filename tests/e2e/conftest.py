"""Fixtures of the end-to-end tests that several modules share."""

from collections.abc import Iterator

import pytest

from tests.e2e.dashboard_site import site  # noqa: F401  (the dashboard on loopback)
from tests.fakes.zalo_api import FakeZalo


@pytest.fixture
def fakes() -> Iterator[tuple[FakeZalo, FakeZalo]]:
    """Two Zalo bots' fake servers, to1 and to2 (several bots in one deployment)."""
    with (
        FakeZalo("zalo-token-to1", bot_id="bot-to1", display_name="Bot Tổ 1") as one,
        FakeZalo("zalo-token-to2", bot_id="bot-to2", display_name="Bot Tổ 2") as two,
    ):
        yield one, two
