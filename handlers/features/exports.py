"""/xuat: the report workbook in chat (an officer gets the ward's, a leader the team's)."""

from __future__ import annotations

import logging
import secrets
import time
from pathlib import Path

from handlers import texts
from handlers.context import Context
from handlers.formatting import day_text
from handlers.messages import Document, Reply
from handlers.parsing.periods import Period, PeriodProblem, parse_period
from handlers.router import Router
from reports.export import export_workbook
from reports.scope import team_scope, ward_scope
from storage import queries
from storage.models import Role

router = Router()
log = logging.getLogger(__name__)
KEEP_HOURS = 48  # a workbook stays on disk this long (a redelivered /xuat still finds it)


@router.command("xuat", "baocao", role=Role.LEADER)
def export_report(ctx: Context, args: str) -> list[Reply]:
    """Send the workbook of this quarter (or the period typed) as a file."""
    if ctx.incoming.is_group:
        return [Reply(texts.EXPORT_PRIVATE_ONLY)]
    period = parse_period(args, today=ctx.today)
    if isinstance(period, PeriodProblem):
        return [Reply(texts.EXPORT_PERIOD_PROBLEMS[period.reason] + "\n" + texts.EXPORT_HOW)]
    assert ctx.member is not None
    session = ctx.uow.session
    team, ward = queries.team_and_ward(session, ctx.member.team_id)
    if ctx.has_role(Role.OFFICER):
        scope = ward_scope(session, ward, start=period.start, end=period.end)
    else:
        assert team.id is not None
        scope = team_scope(session, team.id, start=period.start, end=period.end)
    folder = fresh_folder(ctx.settings.exports_dir)
    written = export_workbook(
        session,
        scope,
        folder / scope.file_name,
        now=ctx.now,
        made_at=ctx.now.astimezone(ctx.settings.timezone),
        via=ctx.incoming.platform,
        member_id=ctx.member_id,
    )
    text = texts.EXPORT_READY.format(
        who=scope.team_name or scope.ward_name,
        period=_period_text(period),
        logs=written.logs,
    )
    return [Reply(text, document=Document(scope.file_name, str(written.path)))]


def _period_text(period: Period) -> str:
    return texts.EXPORT_PERIOD.format(start=day_text(period.start), end=day_text(period.end))


def fresh_folder(root: Path) -> Path:
    """A folder of its own for this export; workbooks older than two days are removed."""
    root.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_HOURS * 3600
    for old in root.glob("*/*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
            if not any(old.parent.iterdir()):
                old.parent.rmdir()
    folder = root / secrets.token_hex(8)
    folder.mkdir()
    return folder


def remove_workbooks(*folders: Path | None) -> int:
    """Remove every workbook made for /xuat, the dashboard or a deadline (the `exports_dir`
    layout: one folder each), and every copy behind a download link; how many went.

    For an erasure: all of them, not only those naming the member. A ward's workbook names
    every member, so most name them anyway; finding a name would mean opening each file (a
    large ward's runs to a million rows) while the member waits, and could miss a name since
    changed or cut short. A workbook is made again in seconds with /xuat; a link to a
    removed one says so (bot/web/server.py).
    """
    removed = 0
    for root in folders:
        if root is None or not root.is_dir():
            continue
        for path in [*root.glob("*.xlsx"), *root.glob("*/*.xlsx")]:
            try:
                path.unlink(missing_ok=True)
                removed += 1
                if path.parent != root and not any(path.parent.iterdir()):
                    path.parent.rmdir()
            except OSError as exc:  # the erasure goes on; the two-day clean-up tries again
                log.warning("workbook not removed file=%s error=%s", path.name, exc.strerror)
    return removed
