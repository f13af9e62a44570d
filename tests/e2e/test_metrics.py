"""/metrics over HTTP from the running bot: what an operator watches, and nothing personal.

The bot runs `serve` against the fake Zalo server with [server] metrics = true, on SQLite
and PostgreSQL; Prometheus's own parser reads what it answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.app import App, build_app
from bot.config import Config, DatabaseConfig
from bot.web.metrics import Metrics
from storage.audit import record
from storage.db import make_engine
from storage.models import OutboxMessage
from tests.conftest import Clock
from tests.e2e.running import RunningBot, wait_listening, zalo_config
from tests.e2e.test_zalo import join
from tests.fakes.zalo_api import FakeZalo


def scrape(port: int) -> tuple[dict[tuple[str, tuple[tuple[str, str], ...]], float], str]:
    """Every sample of GET /metrics by (name, labels), and the raw text."""
    answer = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    return dict(parsed(answer.text)), answer.text


def parsed(text: str) -> Iterator[tuple[tuple[str, tuple[tuple[str, str], ...]], float]]:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            yield (sample.name, tuple(sorted(sample.labels.items()))), sample.value


def test_metrics_count_messages_sends_ticks_and_read_the_outbox_quota_and_backups(
    config: Config, clock: Clock
):
    with FakeZalo() as zalo:
        settings = zalo_config(config, zalo, mode="polling")
        on = replace(
            settings,
            server=replace(settings.server, metrics=True),
            zalo=replace(settings.zalo, monthly_messages=3000),
        )
        app = build_app(on, clock=clock)
        now = datetime.now(UTC)
        with app.uow() as uow:
            record(uow.session, action="backup", now=now, detail={"file": "b.db.gz", "bytes": 4096})
            uow.commit()
        with RunningBot(app):
            wait_listening(on.server.port)
            lan = join(zalo, app, "u-lan", "Nguyễn Thị Lan")
            lan.say("vneid 3 sskdt 2")
            lan.say("xyz")
            samples, text = scrape(on.server.port)
        app.db.dispose()

    def value(name: str, **labels: str) -> float:
        return samples[(name, tuple(sorted(labels.items())))]

    assert value("gotungnha_messages_total", platform="zalo", route="log_support") == 2
    assert value("gotungnha_messages_total", platform="zalo", route="join") == 1
    assert value("gotungnha_messages_total", platform="zalo", route="answer_consent") == 1
    assert value("gotungnha_answer_seconds_count", platform="zalo") == 4
    assert value("gotungnha_sends_total", platform="zalo", kind="reply", result="sent") >= 4
    assert "# TYPE gotungnha_outbox_waiting gauge" in text  # values: test_metrics_figures
    assert value("gotungnha_zalo_monthly_quota", bot="-") == 3000
    assert value("gotungnha_zalo_messages_this_month", bot="-") >= 4
    assert abs(value("gotungnha_last_backup_timestamp_seconds") - now.timestamp()) < 1
    assert value("gotungnha_last_backup_bytes") == 4096
    ticks = sum(v for (name, _), v in samples.items() if name == "gotungnha_scheduler_ticks_total")
    assert ticks >= 1  # the first tick runs at start
    for personal in ("Lan", "u-lan", "vneid 3", "xyz", "g-9", "b.db.gz"):
        assert personal not in text


def test_the_outbox_figures_count_what_waits_and_how_long(app: App):
    now = app.clock()
    with app.uow() as uow:
        for n, (status, attempts, minutes) in enumerate(
            [("waiting", 0, 90), ("failed", 1, 30), ("failed", 9, 600), ("sent", 1, 900)]
        ):
            uow.session.add(
                OutboxMessage(
                    key=f"weekly_tally:zalo:g-{n}:2026-W48",
                    kind="weekly_tally",
                    platform="zalo",
                    bot="to1",
                    chat_id=f"g-{n}",
                    due_at=now - timedelta(minutes=minutes),
                    status=status,
                    attempts=attempts,
                    text="",
                )
            )
        uow.commit()
    samples = dict(parsed(app.metrics.exposition()[0].decode()))
    assert samples[("gotungnha_outbox_waiting", (("bot", "to1"), ("platform", "zalo")))] == 2
    oldest = samples[
        ("gotungnha_outbox_oldest_waiting_seconds", (("bot", "to1"), ("platform", "zalo")))
    ]
    assert oldest >= 90 * 60  # the waiting one; the given-up and the sent one do not count


def test_metrics_are_off_unless_asked_for(config: Config, clock: Clock):
    with FakeZalo() as zalo:
        settings = zalo_config(config, zalo, mode="webhook", webhook_url="https://bot.example.vn")
        app = build_app(settings, clock=clock)
        with RunningBot(app):
            wait_listening(settings.server.port)
            port = settings.server.port
            assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200
            assert httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).status_code == 404
        app.db.dispose()


def test_with_the_database_down_metrics_still_answer_and_say_so(config: Config, clock: Clock):
    down = replace(config, database=DatabaseConfig(url="postgresql://nobody@127.0.0.1:1/none"))
    metrics = Metrics(make_engine(down.database.url), clock=clock)
    metrics.handled("telegram", "log_support", 0.01)
    samples = dict(parsed(metrics.exposition()[0].decode()))
    assert samples[("gotungnha_database_up", ())] == 0
    where = (("platform", "telegram"), ("route", "log_support"))
    assert samples[("gotungnha_messages_total", where)] == 1
