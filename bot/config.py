"""Configuration: `config.toml`, every key overridable by `GOTUNGNHA_<SECTION>_<KEY>`.

Usage:
    config = load_config(Path("config.toml"))          # or None: ./config.toml if present
    config.database.url, config.bot.timezone, config.services
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.voice.engines import ENGINES
from handlers.catalogue import DEFAULT_SERVICES, ServiceSpec, merge_services
from storage.db import DEFAULT_URL, BadDatabaseUrl, check_url

DEFAULT_PATH = Path("config.toml")
ENV_PREFIX = "GOTUNGNHA_"
# Zalo: no send rate limit is documented; one integrator's 10 sends in 416 ms all went
# through. 10 a second, in bursts of 10 when quiet, stays within what was seen ([zalo]
# sends_per_second; config.example.toml)
SENDS_PER_SECOND = 10.0


class ConfigError(ValueError):
    """The configuration cannot be used; the message says which key and why."""


@dataclass(frozen=True)
class DatabaseConfig:
    url: str = DEFAULT_URL
    auto_upgrade: bool = True


@dataclass(frozen=True)
class BotConfig:
    timezone: str = "Asia/Ho_Chi_Minh"
    invite_days: int = 30
    undo_hours: int = 24
    exports_dir: str = "data/exports"  # workbooks made for /xuat and at deadlines (kept 2 days)
    tick_seconds: int = 60  # how often `run` looks for what is due (reminders, tallies)


@dataclass(frozen=True)
class CityConfig:
    # one deployment for a city's wards (its digital-transformation centre runs it), e.g.
    # "Thành phố Hải Phòng": the city's workbook names it; "": a ward-only deployment
    name: str = ""


@dataclass(frozen=True)
class LogConfig:
    level: str = "INFO"


@dataclass(frozen=True)
class PrivacyConfig:
    keep_photos: bool = False  # keep the photo files sent as evidence (the file id is kept always)
    photo_days: int = 90  # then delete them
    photo_dir: str = "data/photos"
    message_days: int = 7  # answers kept to repeat them to a redelivered message
    outbox_days: int = 30  # the text of a message the bot sent on its own
    # the key of the hashes that stand for chat accounts in stored message keys; empty:
    # derived from the bot tokens (set it, and keep it, if the tokens may change)
    key: str = ""

    def __repr__(self) -> str:  # never print the key
        return f"PrivacyConfig(keep_photos={self.keep_photos}, photo_dir={self.photo_dir!r})"


@dataclass(frozen=True)
class BackupConfig:
    dir: str = "data/backups"  # where `gotungnha backup` and the daily backup write
    time: str = "02:00"  # the daily backup, local time; empty: no daily backup
    keep_days: int = 14  # older backups in `dir` are removed after each daily backup


@dataclass(frozen=True)
class VoiceConfig:
    enabled: bool = True  # hear voice messages (needs the extra: pip install 'gotungnha[voice]')
    engine: str = "viet-asr"  # the speech engine, on this machine: nothing is sent away
    max_seconds: int = 60  # longer voice messages are refused, kindly
    workers: int = 1  # voice messages heard at once, each on its own core (about 280 MB each)
    waiting: int = 4  # voice messages that may wait while one is heard; more: "try later"


@dataclass(frozen=True)
class TelegramConfig:
    token: str = ""  # from BotFather; empty: no Telegram channel
    username: str = ""  # the bot's @username, for t.me/<username>?start=CODE invite links
    mode: str = "polling"  # or "webhook"
    base_url: str = "https://api.telegram.org/bot"  # the token is appended
    base_file_url: str = "https://api.telegram.org/file/bot"
    webhook_url: str = ""  # public HTTPS base, e.g. https://bot.example.vn
    webhook_secret: str = ""  # empty: derived from the token

    def __repr__(self) -> str:  # never print the token
        return f"TelegramConfig(mode={self.mode!r}, base_url={self.base_url!r})"


@dataclass(frozen=True)
class ZaloBotConfig:
    """One Zalo bot of the deployment: the [zalo] table's (name "") or a [[zalo.bots]] entry."""

    name: str = ""  # letters, digits, - and _; "" is the [zalo] table's own bot
    token: str = ""
    mode: str = ""  # "polling" or "webhook"; empty: webhook when webhook_url is set
    base_url: str = "https://bot-api.zaloplatforms.com/bot"  # the token is appended
    webhook_url: str = ""  # public HTTPS base, e.g. https://bot.example.vn
    webhook_secret: str = ""  # 8–256 characters; empty: derived from the token
    display_name: str = ""  # the bot's name in Zalo ("Bot …"): getMe does not say it
    monthly_messages: int = 0  # the plan's messages a month (Basic: 3000); 0: not watched
    max_users: int = 0  # the plan's users of this bot (Basic: 50); 0: no limit
    # the pace of sends, replies first: no limit is documented (config.example.toml)
    sends_per_second: float = SENDS_PER_SECOND
    # count the messages people send the bot towards monthly_messages too: whether Zalo
    # does is unconfirmed (false: only what the bot sends counts)
    count_incoming: bool = False
    # polling: the least time between two getUpdates that brought nothing new (an empty
    # answer, or a message Zalo handed back again), so a replaying server is not hammered
    poll_floor_seconds: float = 1.0

    @property
    def uses_webhook(self) -> bool:
        return self.mode == "webhook" or (not self.mode and bool(self.webhook_url))

    @property
    def webhook_path(self) -> str:
        """Where Zalo posts this bot's updates on our web server."""
        return "/zalo/webhook" + (f"/{self.name}" if self.name else "")

    @property
    def label(self) -> str:
        """How people know the bot: its Zalo name, else its name in the config."""
        return self.display_name or self.name or "Bot Zalo"

    def __repr__(self) -> str:  # never print the token
        return f"ZaloBotConfig(name={self.name!r}, mode={self.mode!r})"


@dataclass(frozen=True)
class ZaloConfig(ZaloBotConfig):
    """The [zalo] table: one bot, and the defaults of its [[zalo.bots]] entries."""

    bots: tuple[ZaloBotConfig, ...] = ()

    @property
    def all_bots(self) -> tuple[ZaloBotConfig, ...]:
        """Every Zalo bot to run: the table's own (when it has a token), then the entries."""
        own = (ZaloBotConfig(**_own_fields(self)),) if self.token else ()
        return own + self.bots

    def __repr__(self) -> str:  # never print the token
        return f"ZaloConfig(mode={self.mode!r}, bots={len(self.all_bots)})"


def _own_fields(zalo: ZaloConfig) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(ZaloBotConfig)}
    return {f.name: getattr(zalo, f.name) for f in dataclasses.fields(zalo) if f.name in names}


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = ""  # HTTPS base of links and /web; empty: a webhook_url
    link_secret: str = ""  # signs download links; empty: derived from the bot tokens
    link_hours: int = 24  # a download link works this long
    dashboard: bool = True  # the web dashboard at <public_url>/web (/web in chat gives a link)
    metrics: bool = False  # Prometheus metrics at /metrics (no personal data; keep it private)

    def __repr__(self) -> str:
        return f"ServerConfig(host={self.host!r}, port={self.port})"


@dataclass(frozen=True)
class Config:
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    bot: BotConfig = field(default_factory=BotConfig)
    city: CityConfig = field(default_factory=CityConfig)
    log: LogConfig = field(default_factory=LogConfig)
    privacy: PrivacyConfig = field(default_factory=PrivacyConfig)
    backup: BackupConfig = field(default_factory=BackupConfig)
    voice: VoiceConfig = field(default_factory=VoiceConfig)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    zalo: ZaloConfig = field(default_factory=ZaloConfig)
    server: ServerConfig = field(default_factory=ServerConfig)
    services: tuple[ServiceSpec, ...] = DEFAULT_SERVICES

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.bot.timezone)

    @property
    def public_url(self) -> str:
        """Where people reach the server from outside: links and the dashboard live there."""
        telegram_hook = self.telegram.webhook_url if self.telegram.mode == "webhook" else ""
        zalo_hook = next((b.webhook_url for b in self.zalo.all_bots if b.webhook_url), "")
        zalo_hook = zalo_hook or self.zalo.webhook_url
        return (self.server.public_url or zalo_hook or telegram_hook).rstrip("/")

    @property
    def privacy_key(self) -> bytes:
        """The key of the hashes standing for chat accounts: configured, or derived from
        the bot tokens (the same in every worker)."""
        if self.privacy.key:
            return self.privacy.key.encode()
        tokens = self.telegram.token + "".join(b.token for b in self.zalo.all_bots)
        return hmac.new(tokens.encode(), b"gotungnha privacy key", hashlib.sha256).digest()

    @property
    def dashboard_url(self) -> str:
        """The dashboard's base address, or "" when it is off or has no public address."""
        return self.public_url if self.server.dashboard else ""


SECTIONS: dict[str, type[Any]] = {
    "database": DatabaseConfig,
    "bot": BotConfig,
    "city": CityConfig,
    "log": LogConfig,
    "privacy": PrivacyConfig,
    "backup": BackupConfig,
    "voice": VoiceConfig,
    "telegram": TelegramConfig,
    "zalo": ZaloConfig,
    "server": ServerConfig,
}


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read the file (./config.toml when present and no path given), then the environment."""
    env = os.environ if env is None else env
    raw: dict[str, Any] = {}
    if path is not None and not path.is_file():
        raise ConfigError(f"Không tìm thấy tệp cấu hình {path}.")
    path = path or (DEFAULT_PATH if DEFAULT_PATH.is_file() else None)
    if path is not None:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"Tệp {path} sai cú pháp TOML: {exc}") from exc
    unknown = set(raw) - set(SECTIONS) - {"services"}
    if unknown:
        raise ConfigError(f"Mục cấu hình không có: {', '.join(sorted(unknown))}.")
    for name in SECTIONS:
        if not isinstance(raw.get(name, {}), dict):
            raise ConfigError(f"{name} cần là một mục [{name}].")
    services = raw.get("services", [])
    if not isinstance(services, list) or not all(isinstance(e, dict) for e in services):
        raise ConfigError("services cần là các mục [[services]].")
    zalo_raw = dict(raw.get("zalo", {}))
    bot_entries = zalo_raw.pop("bots", [])
    raw["zalo"] = zalo_raw
    sections = {name: _section(name, cls, raw.get(name, {}), env) for name, cls in SECTIONS.items()}
    sections["zalo"] = replace(
        sections["zalo"], bots=_zalo_bots(sections["zalo"], bot_entries, env)
    )
    sections["city"] = _city(sections["city"])
    config = Config(**sections, services=_services(raw.get("services", [])))
    try:
        config.zone  # noqa: B018  (fail early on a wrong time zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"Múi giờ không đúng: {config.bot.timezone}") from exc
    _check_database(config.database, from_env=f"{ENV_PREFIX}DATABASE_URL" in env)
    _check_log(config.log)
    _check_telegram(config.telegram)
    _check_zalo(config.zalo)
    _check_privacy(config.privacy)
    _check_backup(config.backup)
    _check_voice(config.voice)
    if not 1 <= config.bot.tick_seconds <= 3600:
        raise ConfigError("bot.tick_seconds cần từ 1 đến 3600 giây.")
    return config


CITY_NAME_MAX = 200  # as a ward's name


def _city(city: CityConfig) -> CityConfig:
    """The city's name with its spaces squeezed; refused when too long for a title."""
    name = " ".join(city.name.split())
    if len(name) > CITY_NAME_MAX:
        raise ConfigError(f"city.name dài quá {CITY_NAME_MAX} ký tự.")
    return replace(city, name=name)


def _check_voice(voice: VoiceConfig) -> None:
    if voice.engine not in ENGINES:
        raise ConfigError(f"voice.engine “{voice.engine}” không có. Dùng: viet-asr.")
    if not 5 <= voice.max_seconds <= 600:
        raise ConfigError("voice.max_seconds cần từ 5 đến 600 giây.")
    if not 1 <= voice.workers <= 8:
        raise ConfigError("voice.workers cần từ 1 đến 8.")
    if not 0 <= voice.waiting <= 100:
        raise ConfigError("voice.waiting cần từ 0 đến 100.")


def _check_backup(backup: BackupConfig) -> None:
    if backup.time and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", backup.time):
        raise ConfigError(f"backup.time cần dạng HH:MM, ví dụ 02:00, không phải “{backup.time}”.")
    if backup.keep_days < 1:
        raise ConfigError("backup.keep_days cần là số ngày, từ 1 trở lên.")


def _check_database(database: DatabaseConfig, *, from_env: bool) -> None:
    where = f"{ENV_PREFIX}DATABASE_URL" if from_env else "database.url"
    example = "sqlite:///data/gotungnha.db hoặc postgresql://tên:mật_khẩu@máy_chủ:5432/gotungnha"
    try:
        check_url(database.url)
    except BadDatabaseUrl as exc:
        if exc.kind == "backend":
            why = f": chỉ dùng được SQLite hoặc PostgreSQL, không dùng được “{exc.name}”"
        elif exc.kind == "driver":
            why = f": bỏ “+{exc.name}” đi, bot tự chọn cách kết nối"
        else:
            why = " không phải địa chỉ cơ sở dữ liệu"
        raise ConfigError(f"{where}{why}. Ví dụ: {example}.") from None


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _check_log(log: LogConfig) -> None:
    if log.level.upper() not in LOG_LEVELS:
        raise ConfigError(
            f"log.level cần là DEBUG, INFO, WARNING hoặc ERROR, không phải “{log.level}”."
        )


def _check_privacy(privacy: PrivacyConfig) -> None:
    if privacy.key and len(privacy.key) < 16:
        raise ConfigError("privacy.key cần ít nhất 16 ký tự.")
    for key in ("photo_days", "message_days", "outbox_days"):
        if getattr(privacy, key) < 1:
            raise ConfigError(f"privacy.{key} cần là số ngày, từ 1 trở lên.")


def _check_zalo(zalo: ZaloConfig) -> None:
    if zalo.name:
        raise ConfigError("zalo.name chỉ đặt trong từng [[zalo.bots]].")
    for bot in (zalo, *zalo.bots):
        where = f"[[zalo.bots]] “{bot.name}”" if bot.name else "zalo"
        if bot.mode not in ("", "polling", "webhook"):
            raise ConfigError(
                f"{where}: mode cần là polling hoặc webhook, không phải “{bot.mode}”."
            )
        if bot.token and bot.mode == "webhook" and not bot.webhook_url:
            raise ConfigError(f"{where}: mode = webhook cần webhook_url (địa chỉ HTTPS công khai).")
        if bot.webhook_secret and not 8 <= len(bot.webhook_secret) <= 256:
            raise ConfigError(f"{where}: webhook_secret cần từ 8 đến 256 ký tự.")
        if bot.monthly_messages < 0 or bot.max_users < 0:
            raise ConfigError(f"{where}: monthly_messages và max_users không được âm.")
        if not 0.1 <= bot.poll_floor_seconds <= 60:
            raise ConfigError(f"{where}: poll_floor_seconds cần từ 0.1 đến 60 giây.")
        if not 0.1 <= bot.sends_per_second <= 100:
            raise ConfigError(f"{where}: sends_per_second cần từ 0.1 đến 100 tin một giây.")


BOT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,29}$")
INHERITED = (
    "mode",
    "base_url",
    "webhook_url",
    "monthly_messages",
    "max_users",
    "sends_per_second",
    "poll_floor_seconds",
    "count_incoming",
)


def _zalo_bots(
    zalo: ZaloConfig, entries: list[dict[str, Any]], env: Mapping[str, str]
) -> tuple[ZaloBotConfig, ...]:
    """[[zalo.bots]]: several bots on one deployment; unset keys come from [zalo].

    A bot's token may come from GOTUNGNHA_ZALO_BOTS_<NAME>_TOKEN (the name in capitals,
    "-" as "_"), like every other secret.
    """
    if not isinstance(entries, list):
        raise ConfigError("zalo.bots cần là các mục [[zalo.bots]].")
    bots, seen = [], set()
    fields = {f.name: f for f in dataclasses.fields(ZaloBotConfig)}
    for n, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise ConfigError(f"[[zalo.bots]] thứ {n} cần là một mục có name, token….")
        name = str(entry.get("name", "")).strip()
        if not BOT_NAME.match(name):
            raise ConfigError(
                f"[[zalo.bots]] thứ {n}: name cần có, gồm chữ thường không dấu, số, - và _ "
                "(tối đa 30 ký tự), ví dụ “to1”."
            )
        if name in seen:
            raise ConfigError(f"[[zalo.bots]]: tên “{name}” bị trùng.")
        seen.add(name)
        unknown = set(entry) - set(fields)
        if unknown:
            raise ConfigError(
                f"[[zalo.bots]] “{name}”: khoá không có: {', '.join(sorted(unknown))}."
            )
        values = {key: getattr(zalo, key) for key in INHERITED} | dict(entry) | {"name": name}
        variable = f"{ENV_PREFIX}ZALO_BOTS_{name.upper().replace('-', '_')}_TOKEN"
        if variable in env:
            values["token"] = env[variable]
        if not str(values.get("token", "")).strip():
            raise ConfigError(
                f'[[zalo.bots]] “{name}” chưa có token: đặt token = "…" hoặc biến {variable}.'
            )
        converted = {
            key: _convert(f"zalo.bots.{name}.{key}", value, type(fields[key].default))
            for key, value in values.items()
        }
        bots.append(ZaloBotConfig(**converted))
    return tuple(bots)


def _check_telegram(telegram: TelegramConfig) -> None:
    if telegram.mode not in ("polling", "webhook"):
        raise ConfigError(
            f"telegram.mode cần là polling hoặc webhook, không phải “{telegram.mode}”."
        )
    if telegram.token and telegram.mode == "webhook" and not telegram.webhook_url:
        raise ConfigError(
            "telegram.mode = webhook cần telegram.webhook_url (địa chỉ HTTPS công khai)."
        )
    if telegram.webhook_secret and not (
        16 <= len(telegram.webhook_secret) <= 256
        and all(c.isalnum() or c in "_-" for c in telegram.webhook_secret)
    ):
        raise ConfigError(
            "telegram.webhook_secret cần từ 16 đến 256 ký tự, chỉ gồm chữ, số, _ và -."
        )


def _section(name: str, cls: type[Any], values: dict[str, Any], env: Mapping[str, str]) -> Any:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = set(values) - set(fields)
    if unknown:
        raise ConfigError(f"Khoá không có trong [{name}]: {', '.join(sorted(unknown))}.")
    kwargs = dict(values)
    for key, spec in fields.items():
        variable = f"{ENV_PREFIX}{name}_{key}".upper()
        if variable in env:
            kwargs[key] = env[variable]
        if key in kwargs:
            kwargs[key] = _convert(f"{name}.{key}", kwargs[key], type(spec.default))
    return cls(**kwargs)


def _convert(key: str, value: Any, kind: type[Any]) -> Any:
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise ConfigError(f"{key} cần là true hoặc false, không phải “{value}”.")
    if kind is int:
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{key} cần là một số nguyên, không phải “{value}”.") from exc
    if kind is float:
        try:
            return float(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(
                f"{key} cần là một số, ví dụ 1 hoặc 0.5, không phải “{value}”."
            ) from exc
    return str(value)


def _services(entries: list[dict[str, Any]]) -> tuple[ServiceSpec, ...]:
    """[[services]] entries change, retire or add to the default catalogue."""
    defaults = {s.code: s for s in DEFAULT_SERVICES}
    changes = []
    for n, entry in enumerate(entries, start=1):
        unknown = set(entry) - {"code", "name", "aliases", "active"}
        if unknown:
            raise ConfigError(f"[[services]] thứ {n}: khoá không có: {', '.join(sorted(unknown))}.")
        code = str(entry.get("code", "")).strip().lower()
        base = defaults.get(code)
        name = str(entry.get("name", base.name if base else "")).strip()
        if not code or not name:
            raise ConfigError(f"[[services]] thứ {n}: cần có code và name.")
        typed = entry.get("aliases", base.aliases if base else ())
        if not isinstance(typed, list | tuple):
            raise ConfigError(f'[[services]] “{code}”: aliases cần là danh sách, ví dụ ["vneid"].')
        aliases = tuple(str(a) for a in typed)
        active = _convert(f"services.{code}.active", entry.get("active", True), bool)
        changes.append(ServiceSpec(code, name, aliases, active))
    return merge_services(DEFAULT_SERVICES, tuple(changes))
