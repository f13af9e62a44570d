"""What an operator watches, in Prometheus's text format at /metrics ([server] metrics = true).

Usage:
    metrics = Metrics(db)                      # one per process, its own registry
    metrics.handled("zalo", "log_support", 0.012)
    body, content_type = metrics.exposition()

Counters and histograms count what this process did since it started (scrape every worker,
or sum them). What the database knows (the outbox, Zalo quotas, the last backup) is read
at each scrape, the same from any worker. Nothing here names a person, a chat or a text:
labels are platforms, routes, kinds, results and bot names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest
from prometheus_client.registry import Collector
from sqlalchemy import Engine as DbEngine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from schedules.delivery import TickSummary
from storage import audit, bot_usage, outbox

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
LATENCY = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """This process's counters, and a collector reading the database at each scrape."""

    def __init__(
        self,
        db: DbEngine | None = None,
        *,
        zone: ZoneInfo = LOCAL,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        quotas: dict[tuple[str, str], int] | None = None,
        max_attempts: int = 5,
    ) -> None:
        self.registry = CollectorRegistry()
        self.messages = Counter(
            "gotungnha_messages",
            "Messages handled, by platform and route (the feature that answered).",
            ["platform", "route"],
            registry=self.registry,
        )
        self.answer_seconds = Histogram(
            "gotungnha_answer_seconds",
            "Time from a message reaching the engine to its answer being ready.",
            ["platform"],
            buckets=LATENCY,
            registry=self.registry,
        )
        self.sends = Counter(
            "gotungnha_sends",
            "Messages sent by the bot, by platform, kind (reply, reminder, tally…) and result.",
            ["platform", "kind", "result"],
            registry=self.registry,
        )
        self.voice = Counter(
            "gotungnha_voice_messages",
            "Voice messages, by result (heard, or why not: too_long, too_quiet, busy…).",
            ["result"],
            registry=self.registry,
        )
        self.ticks = Counter(
            "gotungnha_scheduler_ticks",
            "Scheduler ticks, by result: led (this worker sent what was due), followed "
            "(another worker leads), failed.",
            ["result"],
            registry=self.registry,
        )
        self.tick_seconds = Histogram(
            "gotungnha_scheduler_tick_seconds",
            "How long a tick this worker led took.",
            buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
            registry=self.registry,
        )
        if db is not None:
            figures = StoredFigures(db, quotas or {}, max_attempts, zone, clock)
            self.registry.register(figures)

    def handled(self, platform: str, route: str, seconds: float) -> None:
        """One message answered by the engine."""
        self.messages.labels(platform, route).inc()
        self.answer_seconds.labels(platform).observe(seconds)

    def sent(self, platform: str, kind: str, result: str, count: int = 1) -> None:
        """Messages the bot sent (or tried to)."""
        self.sends.labels(platform, kind, result).inc(count)

    def heard(self, result: str) -> None:
        """One voice message: heard, or why not."""
        self.voice.labels(result).inc()

    def ticked(self, result: str, seconds: float, summary: TickSummary | None) -> None:
        """One scheduler tick, and what it sent."""
        self.ticks.labels(result).inc()
        if result == "led":
            self.tick_seconds.observe(seconds)
        for (platform, kind, outcome), count in (summary.sends if summary else {}).items():
            self.sent(platform, kind, outcome, count)

    def exposition(self) -> tuple[bytes, str]:
        """The body and content type of GET /metrics: the text format every Prometheus reads
        (0.0.4; names are plain ASCII, so nothing needs the newer format)."""
        return generate_latest(self.registry), CONTENT_TYPE_PLAIN_0_0_4


class StoredFigures(Collector):
    """Outbox, Zalo quota and backup figures, read from the database at each scrape."""

    def __init__(
        self,
        db: DbEngine,
        quotas: dict[tuple[str, str], int],
        max_attempts: int,
        zone: ZoneInfo,
        clock: Callable[[], datetime],
    ) -> None:
        self._db, self._quotas, self._max_attempts = db, quotas, max_attempts
        self._zone, self._clock = zone, clock

    def collect(self) -> Iterator[Metric]:
        now = self._clock()
        waiting = GaugeMetricFamily(
            "gotungnha_outbox_waiting",
            "Messages the bot starts itself not sent yet (a bot out of quota, or retrying).",
            labels=["platform", "bot"],
        )
        oldest = GaugeMetricFamily(
            "gotungnha_outbox_oldest_waiting_seconds",
            "Age of the oldest of them since it was due.",
            labels=["platform", "bot"],
        )
        uncertain = GaugeMetricFamily(
            "gotungnha_outbox_uncertain",
            "Messages the bot started itself that left with no answer back (a timeout, a "
            "dropped connection): they may have arrived and are never sent again; check the "
            "chat.",
            labels=["platform", "bot"],
        )
        used = GaugeMetricFamily(
            "gotungnha_zalo_messages_this_month",
            "Messages each Zalo bot sent this calendar month (counted against its plan).",
            labels=["bot"],
        )
        quota = GaugeMetricFamily(
            "gotungnha_zalo_monthly_quota",
            "Each Zalo bot's monthly messages ([zalo] monthly_messages; 0: not watched).",
            labels=["bot"],
        )
        backup_at = GaugeMetricFamily(
            "gotungnha_last_backup_timestamp_seconds",
            "When the last daily backup was made (Unix time; 0: none yet).",
        )
        backup_bytes = GaugeMetricFamily(
            "gotungnha_last_backup_bytes", "The size of the last daily backup."
        )
        up = GaugeMetricFamily(
            "gotungnha_database_up", "1 when the database answered this scrape, else 0."
        )
        try:
            with Session(self._db) as session:
                open_sends = outbox.open_summary(session, max_attempts=self._max_attempts)
                unsure = outbox.uncertain_counts(session)
                usage = bot_usage.month_usage(session, bot_usage.month_of(now, self._zone))
                last = audit.last_of(session, ("backup",))
        except SQLAlchemyError:  # the process's own counters still answer
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        for (platform, bot), (count, due) in open_sends.items():
            waiting.add_metric([platform, bot or "-"], count)
            oldest.add_metric([platform, bot or "-"], max(0.0, (now - due).total_seconds()))
        for (platform, bot), count in unsure.items():
            uncertain.add_metric([platform, bot or "-"], count)
        for (platform, bot), limit in self._quotas.items():
            if platform == "zalo":
                used.add_metric([bot or "-"], sum(usage.get((platform, bot), {}).values()))
                quota.add_metric([bot or "-"], limit)
        backup_at.add_metric([], last.at.timestamp() if last else 0)
        backup_bytes.add_metric([], float((last.detail or {}).get("bytes", 0)) if last else 0)
        yield from (up, waiting, oldest, uncertain, used, quota, backup_at, backup_bytes)
