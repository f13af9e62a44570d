"""A Zalo photo's `photo_url` is a CDN link that may expire: with `[privacy] keep_photos` the
bot downloads the photo as it keeps Telegram's (same folder, limits, retention); without
it, /dulieucuatoi says the link may stop working.

The real bot against the fake Zalo Bot API, whose file host serves a photo once and then
answers 404, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import httpx

from bot.app import App, build_app
from bot.cleanup import clean_up
from bot.config import Config, PrivacyConfig
from bot.photos import photo_path
from handlers import texts
from tests.conftest import Clock
from tests.e2e.running import RunningBot, zalo_config
from tests.e2e.test_zalo import Person, join
from tests.fakes.zalo_api import FakeZalo
from tests.helpers import stored_logs

JPEG = b"\xff\xd8\xff\xe0 a photo of the support desk"


def zalo_app(config: Config, zalo: FakeZalo, clock: Clock, *, keep: bool, folder: Path) -> App:
    privacy = PrivacyConfig(keep_photos=keep, photo_dir=str(folder))
    return build_app(
        replace(zalo_config(config, zalo, mode="polling"), privacy=privacy), clock=clock
    )


def send_photo(zalo: FakeZalo, person: Person, url: str) -> str:
    """Send a photo with a quick entry as its caption; the bot's answer."""
    before = len(zalo.sent(person.id))
    zalo.send_image(person.user, url, caption="vneid 2")
    return str(zalo.wait_sent(person.id, before + 1)[-1]["text"])


def test_a_kept_zalo_photo_is_downloaded_and_outlives_its_link(
    config: Config, clock: Clock, tmp_path: Path
):
    folder = tmp_path / "photos"
    with FakeZalo() as zalo:
        app = zalo_app(config, zalo, clock, keep=True, folder=folder)
        try:
            url = zalo.host_photo(JPEG, fetches=1)  # Zalo's CDN: the link works once here
            with RunningBot(app):
                lan = join(zalo, app, "u-lan", "Nguyễn Thị Lan")
                assert "Có ảnh minh chứng" in send_photo(zalo, lan, url)
                kept = photo_path(folder, url)
                deadline = time.monotonic() + 10
                while not kept.exists() and time.monotonic() < deadline:
                    time.sleep(0.05)
                mine = lan.say("/dulieucuatoi")
            assert kept.read_bytes() == JPEG
            assert httpx.get(url, timeout=5).status_code == 404  # the link has expired
            assert kept.read_bytes() == JPEG  # the photo has not
            assert texts.MYDATA_DETAIL_PHOTO in mine and texts.MYDATA_PHOTO_LINKS not in mine
            [log] = stored_logs(app)
            assert log.photo_file_id == url  # the reference the kept file is named by
            assert list(folder.iterdir()) == [kept]  # no partial file left beside it
            # the daily clean-up keeps it while its log does, until its days are over
            assert clean_up(app, None)["unlinked_photos"] == 0 and kept.exists()
            old = time.time() - 91 * 86400
            os.utime(kept, (old, old))
            assert clean_up(app, None)["old_photos"] == 1 and not kept.exists()
        finally:
            app.db.dispose()


def test_a_photo_whose_link_expired_before_it_was_kept_is_logged_not_kept(
    config: Config, clock: Clock, tmp_path: Path
):
    folder = tmp_path / "photos"
    with FakeZalo() as zalo:
        app = zalo_app(config, zalo, clock, keep=True, folder=folder)
        try:
            url = zalo.host_photo(JPEG, fetches=0)  # gone already
            with RunningBot(app):
                lan = join(zalo, app, "u-lan", "Nguyễn Thị Lan")
                assert "Có ảnh minh chứng" in send_photo(zalo, lan, url)
                zalo.wait_for(lambda: len(zalo.photo_fetches) == 1)
                assert "Đã ghi" in lan.say("sskdt 1")  # still answering
            assert not photo_path(folder, url).exists()
            assert [log.photo_file_id for log in stored_logs(app)] == [url, None]
        finally:
            app.db.dispose()


def test_without_keep_photos_the_link_is_stored_and_dulieucuatoi_says_it_may_expire(
    config: Config, clock: Clock, tmp_path: Path
):
    folder = tmp_path / "photos"
    with FakeZalo() as zalo:
        app = zalo_app(config, zalo, clock, keep=False, folder=folder)
        try:
            url = zalo.host_photo(JPEG, fetches=1)
            with RunningBot(app):
                lan = join(zalo, app, "u-lan", "Nguyễn Thị Lan")
                assert "Có ảnh minh chứng" in send_photo(zalo, lan, url)
                mine = lan.say("/dulieucuatoi")
            assert texts.MYDATA_PHOTO_LINKS in mine
            assert "link này có thể hết hạn" in mine.lower()
            assert zalo.photo_fetches == []  # nothing downloaded
            assert not folder.exists()
        finally:
            app.db.dispose()
