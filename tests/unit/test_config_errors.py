"""A configuration the bot cannot use is a ConfigError with a Vietnamese message, never a
crash further on (the CLI prints that message as one line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from storage.db import BadDatabaseUrl, database_url


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///data/gotungnha.db",
        "sqlite+pysqlite:///data/gotungnha.db",
        "sqlite://",
        "postgresql://gtn:pw@127.0.0.1:5432/gotungnha",
        "postgres://gtn@127.0.0.1/gotungnha",
        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    ],
)
def test_sqlite_and_postgresql_through_psycopg_are_accepted(url: str):
    assert database_url(url).drivername in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg")
    assert load_config(None, env={"GOTUNGNHA_DATABASE_URL": url}).database.url == url


@pytest.mark.parametrize(
    ("url", "kind", "said"),
    [
        ("khong-phai-url", "unreadable", "không phải địa chỉ cơ sở dữ liệu"),
        ("", "unreadable", "không phải địa chỉ cơ sở dữ liệu"),
        ("postgresql://gtn:bi-mat@h:abc/gotungnha", "unreadable", "không phải địa chỉ"),
        ("mysql://gtn:bi-mat@127.0.0.1/gotungnha", "backend", "không dùng được “mysql”"),
        ("postgresql+psycopg2://gtn:bi-mat@h/gotungnha", "driver", "bỏ “+psycopg2” đi"),
        ("postgresql+asyncpg://gtn:bi-mat@h/gotungnha", "driver", "bỏ “+asyncpg” đi"),
    ],
)
def test_any_other_database_url_is_refused_without_showing_its_password(
    url: str, kind: str, said: str
):
    with pytest.raises(BadDatabaseUrl) as refused:
        database_url(url)
    assert refused.value.kind == kind
    with pytest.raises(ConfigError) as error:
        load_config(None, env={"GOTUNGNHA_DATABASE_URL": url})
    message = str(error.value)
    assert message.startswith("GOTUNGNHA_DATABASE_URL") and said in message
    assert "sqlite:///data/gotungnha.db" in message and "bi-mat" not in message


def test_a_bad_database_url_in_the_file_names_the_key(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_text('[database]\nurl = "mysql://x/y"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^database\.url: chỉ dùng được SQLite"):
        load_config(path, env={})


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('[log]\nlevel = "loud"\n', "log.level cần là DEBUG, INFO, WARNING hoặc ERROR"),
        ("database = 5\n", "database cần là một mục [database]."),
        ("services = 3\n", "services cần là các mục [[services]]."),
        ("services = [1]\n", "services cần là các mục [[services]]."),
        ('[[services]]\ncode = "vneid"\naliases = 3\n', "aliases cần là danh sách"),
    ],
)
def test_a_value_of_the_wrong_shape_is_a_config_error(tmp_path: Path, text: str, said: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path, env={})
    assert said in str(error.value)


@pytest.mark.parametrize("level", ["DEBUG", "info", "Warning", "ERROR"])
def test_the_usual_log_levels_are_accepted_in_any_case(level: str):
    assert load_config(None, env={"GOTUNGNHA_LOG_LEVEL": level}).log.level == level
