"""The city's officer's /xuat (the city's workbook), /hanchot (a deadline for every ward)
and /tiendo (which wards have sent their report): what they get in place of a ward's.

A city's deadline is stored on its office (audience wards); each ward's officer marks the
ward's report sent with /danop (schedules.commands), and is reminded until then.
"""

from __future__ import annotations

from handlers import texts
from handlers.context import Context
from handlers.features.city import city_name
from handlers.features.exports import fresh_folder
from handlers.formatting import day_text
from handlers.messages import Document, Reply
from handlers.parsing.periods import PeriodProblem, parse_period
from handlers.router import Router
from reports.city_workbook import City, write_city_workbook
from reports.export import record_city_export
from schedules.city import city_reports, reports_due
from schedules.commands import add_once, typed_deadline
from storage import queries
from storage.models import Audience
from storage.names import folded_name

router = Router()


@router.city_command("xuat", "baocao")
def city_export(ctx: Context, args: str) -> list[Reply]:
    """Send the city's workbook of this quarter (or the period typed) as a file."""
    if ctx.incoming.is_group:
        return [Reply(texts.CITY_PRIVATE_ONLY)]
    period = parse_period(args, today=ctx.today)
    if isinstance(period, PeriodProblem):
        return [Reply(texts.EXPORT_PERIOD_PROBLEMS[period.reason] + "\n" + texts.EXPORT_HOW)]
    session = ctx.uow.session
    if not queries.wards(session):
        return [Reply(texts.CITY_NO_WARD)]
    city = City(city_name(ctx), period.start, period.end)
    zone = ctx.settings.timezone
    made_at = ctx.now.astimezone(zone)
    due = reports_due(session, start=period.start, end=period.end, today=ctx.today, zone=zone)
    name = f"bao-cao-{folded_name(city.label)}-{period.start:%d%m%Y}-{period.end:%d%m%Y}.xlsx"
    path = fresh_folder(ctx.settings.exports_dir) / name
    written = write_city_workbook(session, city, path, made_at=made_at, due=due)
    record_city_export(
        session, city, written, now=ctx.now, via=ctx.incoming.platform, member_id=ctx.member_id
    )
    text = texts.CITY_EXPORT_READY.format(
        city=city.label,
        period=texts.EXPORT_PERIOD.format(start=day_text(period.start), end=day_text(period.end)),
        wards=written.wards,
        logs=written.logs,
    )
    return [Reply(text, document=Document(name, str(path)))]


@router.city_command("hanchot")
def add_city_deadline(ctx: Context, args: str) -> list[Reply]:
    """Add a one-off deadline every ward reports to the city by: `/hanchot Báo cáo 20/01/2027`."""
    typed = typed_deadline(ctx, args)
    if isinstance(typed, Reply):
        return [typed]
    name, before = typed
    last_day = add_once(ctx, name, before, Audience.WARDS)
    added = texts.CITY_DEADLINE_ADDED.format(
        name=name, day=day_text(last_day), before=day_text(before)
    )
    return [Reply(added)]


@router.city_command("tiendo")
def city_progress(ctx: Context, _args: str) -> list[Reply]:
    """The city's coming deadline: how many wards sent their report, and which have not."""
    session = ctx.uow.session
    zone = ctx.settings.timezone
    coming = city_reports(session, since=ctx.today, today=ctx.today, zone=zone)  # none over
    if not coming:
        return [Reply(texts.CITY_NO_DEADLINE)]
    report = coming[0]  # the soonest, as the page lists them (bot/web/dashboard/city.py)
    wards = {w.id: w.name for w in queries.wards(session) if w.id is not None}
    missing = report.missing(wards)
    title = texts.CITY_PROGRESS_TITLE.format(
        deadline=report.name,
        day=day_text(report.last_day),
        sent=report.sent_by(wards),
        total=len(wards),
    )
    return [Reply(f"{title}\n{texts.PROGRESS_MISSING.format(', '.join(missing) or texts.NOBODY)}")]
