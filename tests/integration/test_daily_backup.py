"""The daily backup: after its time, once a day, recorded in the audit table (where the
dashboard reads it), old backups removed; a failure recorded once, not retried all day;
on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import io
import os
import time
from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from bot.app import App
from bot.channels.sender import ChannelSender
from handlers import texts
from schedules.backups import DONE, FAILED, BackupPlan, daily_backup
from schedules.jobs import tick
from storage.models import AuditEntry, Role
from tests.conftest import Clock, Roster


def audit(app: App) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    with app.uow() as uow:
        return [(e.action, e.detail) for e in uow.session.exec(select(AuditEntry))]


def test_once_a_day_after_its_time_and_old_ones_removed(
    app: App, roster: Roster, clock: Clock, tmp_path: Path
):
    roster.joined("Nguyễn Thị Lan").say("vneid 3")
    plan = BackupPlan(tmp_path / "backups", at="02:00", keep_days=14)
    old = tmp_path / "backups" / "gotungnha-cu-20261001-020000.db.gz"
    old.parent.mkdir()
    old.write_bytes(b"old")
    month_ago = time.time() - 30 * 86400
    os.utime(old, (month_ago, month_ago))

    clock.set_local(2026, 11, 24, 1, 59)
    assert daily_backup(app.db, app.uow, plan, now=clock(), zone=app.config.zone) is None
    clock.set_local(2026, 11, 24, 2, 1)
    made = daily_backup(app.db, app.uow, plan, now=clock(), zone=app.config.zone)
    assert made is not None and made.name.startswith("gotungnha-phuong-nhi-chieu-20261124-0201")
    assert not old.exists()  # older than keep_days
    clock.now += timedelta(hours=5)
    assert daily_backup(app.db, app.uow, plan, now=clock(), zone=app.config.zone) is None
    clock.now += timedelta(days=1)
    assert daily_backup(app.db, app.uow, plan, now=clock(), zone=app.config.zone) is not None
    done = [detail for action, detail in audit(app) if action == DONE]
    assert len(done) == 2 and done[0]["file"] == made.name and done[0]["bytes"] > 0
    assert len(list(plan.folder.iterdir())) == 2


def test_a_failed_backup_is_recorded_once_and_not_retried_all_day(
    app: App, clock: Clock, tmp_path: Path
):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    plan = BackupPlan(blocked, at="02:00")
    clock.set_local(2026, 11, 24, 3, 0)
    for _ in range(3):
        assert daily_backup(app.db, app.uow, plan, now=clock(), zone=app.config.zone) is None
    assert [action for action, _ in audit(app)] == [FAILED]


def test_a_failed_backup_is_told_to_each_officer_once(
    app: App, roster: Roster, clock: Clock, tmp_path: Path
):
    officer = roster.joined("Trần Thị Hoa", role=Role.OFFICER, user="canbo-hoa")
    roster.joined("Nguyễn Thị Lan")  # a member: not told
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    plan = BackupPlan(blocked, at="02:00")
    console = io.StringIO()

    def tick_at(hour: int, minute: int) -> None:
        clock.set_local(2026, 11, 24, hour, minute)
        daily_backup(app.db, app.uow, plan, now=clock(), zone=app.config.zone)
        sender = ChannelSender(console=console)
        asyncio.run(tick(app.uow, sender, now=clock(), zone=app.config.zone))

    for hour, minute in ((1, 0), (2, 1), (2, 2), (6, 59)):
        tick_at(hour, minute)
    assert "sao lưu" not in console.getvalue()  # nobody is woken at night for it
    for hour, minute in ((7, 0), (9, 0)):
        tick_at(hour, minute)
    told = [line for line in console.getvalue().split("\n\n") if "sao lưu" in line]
    assert told == [
        f"[→ {officer.user_id}] "
        + texts.BACKUP_FAILED_NOTICE.format(
            bot=texts.TIME_ON_DAY.format(time="02:01", day="24/11/2026")
        )
    ]
