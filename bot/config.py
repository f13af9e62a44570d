"""Configuration: `config.toml`, every key overridable by `GOTUNGNHA_<SECTION>_<KEY>`.

Usage:
    config = load_config(Path("config.toml"))          # or None: ./config.toml if present
    config.database.url, config.bot.timezone, config.services
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from handlers.catalogue import DEFAULT_SERVICES, ServiceSpec, merge_services
from storage.db import DEFAULT_URL

DEFAULT_PATH = Path("config.toml")
ENV_PREFIX = "GOTUNGNHA_"


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


@dataclass(frozen=True)
class LogConfig:
    level: str = "INFO"


@dataclass(frozen=True)
class PrivacyConfig:
    keep_photos: bool = False  # keep the photo files sent as evidence (the file id is kept always)
    photo_days: int = 90  # then delete them
    photo_dir: str = "data/photos"


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
class ZaloConfig:
    token: str = ""  # from the Zalo Bot Platform; empty: no Zalo channel
    mode: str = ""  # "polling" or "webhook"; empty: webhook when webhook_url is set
    base_url: str = "https://bot-api.zaloplatforms.com/bot"  # the token is appended
    webhook_url: str = ""  # public HTTPS base, e.g. https://bot.example.vn
    webhook_secret: str = ""  # 8–256 characters; empty: derived from the token

    @property
    def uses_webhook(self) -> bool:
        return self.mode == "webhook" or (not self.mode and bool(self.webhook_url))

    def __repr__(self) -> str:  # never print the token
        return f"ZaloConfig(mode={self.mode!r}, base_url={self.base_url!r})"


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = ""  # HTTPS base of links and /web; empty: a webhook_url
    link_secret: str = ""  # signs download links; empty: derived from the bot tokens
    link_hours: int = 24  # a download link works this long
    dashboard: bool = True  # the web dashboard at <public_url>/web (/web in chat gives a link)

    def __repr__(self) -> str:
        return f"ServerConfig(host={self.host!r}, port={self.port})"


@dataclass(frozen=True)
class Config:
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    bot: BotConfig = field(default_factory=BotConfig)
    log: LogConfig = field(default_factory=LogConfig)
    privacy: PrivacyConfig = field(default_factory=PrivacyConfig)
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
        return (self.server.public_url or self.zalo.webhook_url or telegram_hook).rstrip("/")

    @property
    def dashboard_url(self) -> str:
        """The dashboard's base address, or "" when it is off or has no public address."""
        return self.public_url if self.server.dashboard else ""


SECTIONS: dict[str, type[Any]] = {
    "database": DatabaseConfig,
    "bot": BotConfig,
    "log": LogConfig,
    "privacy": PrivacyConfig,
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
    sections = {name: _section(name, cls, raw.get(name, {}), env) for name, cls in SECTIONS.items()}
    config = Config(**sections, services=_services(raw.get("services", [])))
    try:
        config.zone  # noqa: B018  (fail early on a wrong time zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"Múi giờ không đúng: {config.bot.timezone}") from exc
    _check_telegram(config.telegram)
    _check_zalo(config.zalo)
    return config


def _check_zalo(zalo: ZaloConfig) -> None:
    if zalo.mode not in ("", "polling", "webhook"):
        raise ConfigError(f"zalo.mode cần là polling hoặc webhook, không phải “{zalo.mode}”.")
    if zalo.token and zalo.mode == "webhook" and not zalo.webhook_url:
        raise ConfigError("zalo.mode = webhook cần zalo.webhook_url (địa chỉ HTTPS công khai).")
    if zalo.webhook_secret and not 8 <= len(zalo.webhook_secret) <= 256:
        raise ConfigError("zalo.webhook_secret cần từ 8 đến 256 ký tự.")


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
        len(telegram.webhook_secret) <= 256
        and all(c.isalnum() or c in "_-" for c in telegram.webhook_secret)
    ):
        raise ConfigError("telegram.webhook_secret chỉ gồm chữ, số, _ và -, tối đa 256 ký tự.")


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
        aliases = tuple(str(a) for a in entry.get("aliases", base.aliases if base else ()))
        active = _convert(f"services.{code}.active", entry.get("active", True), bool)
        changes.append(ServiceSpec(code, name, aliases, active))
    return merge_services(DEFAULT_SERVICES, tuple(changes))
