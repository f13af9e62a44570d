"""Configuration: the file, then GOTUNGNHA_<SECTION>_<KEY> from the environment."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from handlers.catalogue import Catalogue
from handlers.parsing.quick_entry import parse_quick_entry


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_need_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(env={})
    assert config.database.url == "sqlite:///data/gotungnha.db"
    assert config.bot.timezone == "Asia/Ho_Chi_Minh"
    assert [s.code for s in config.services][:3] == ["vneid", "muc2", "sskdt"]


def test_the_environment_overrides_the_file(tmp_path: Path):
    path = write(tmp_path, '[database]\nurl = "sqlite:///a.db"\n[bot]\ninvite_days = 10\n')
    config = load_config(
        path,
        env={
            "GOTUNGNHA_DATABASE_URL": "postgresql://x/y",
            "GOTUNGNHA_BOT_INVITE_DAYS": "14",
            "GOTUNGNHA_DATABASE_AUTO_UPGRADE": "no",
        },
    )
    assert config.database.url == "postgresql://x/y"
    assert config.bot.invite_days == 14
    assert config.database.auto_upgrade is False


def test_a_misspelt_key_is_an_error_that_names_it(tmp_path: Path):
    path = write(tmp_path, "[bot]\ninvite_day = 10\n")
    with pytest.raises(ConfigError, match="invite_day"):
        load_config(path, env={})


def test_a_wrong_number_is_an_error_in_vietnamese(tmp_path: Path):
    with pytest.raises(ConfigError, match="số nguyên"):
        load_config(None, env={"GOTUNGNHA_BOT_INVITE_DAYS": "ba mươi"})


def test_a_missing_file_given_explicitly_is_an_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="Không tìm thấy"):
        load_config(tmp_path / "nope.toml", env={})


def test_a_wrong_time_zone_is_an_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="Múi giờ"):
        load_config(None, env={"GOTUNGNHA_BOT_TIMEZONE": "Mars/Olympus"})


def test_a_ward_adds_a_service_without_code_changes(tmp_path: Path):
    path = write(
        tmp_path,
        '[[services]]\ncode = "kbtx"\nname = "Khám bệnh từ xa"\n'
        'aliases = ["khám bệnh từ xa", "kbtx", "khám từ xa"]\n',
    )
    config = load_config(path, env={})
    result = parse_quick_entry(
        "kham tu xa 2, vneid 1", today=date(2026, 11, 23), catalogue=Catalogue(config.services)
    )
    assert result.items == {"kbtx": 2, "vneid": 1}
    assert result.problems == ()


def test_a_retired_service_is_no_longer_understood(tmp_path: Path):
    path = write(tmp_path, '[[services]]\ncode = "zalo"\nactive = false\n')
    config = load_config(path, env={})
    catalogue = Catalogue(config.services)
    assert catalogue.name("zalo") == "Tham gia nhóm Zalo tổ dân phố"
    result = parse_quick_entry("zalo 2", today=date(2026, 11, 23), catalogue=catalogue)
    assert "zalo" not in result.items
    assert {p.kind for p in result.problems} >= {"unknown_word"}


def test_the_example_config_is_valid_and_matches_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    example = load_config(Path(__file__).parents[2] / "config.example.toml", env={})
    monkeypatch.chdir(tmp_path)
    assert example == load_config(None, env={})


def test_telegram_settings_come_from_the_environment_and_are_checked():
    config = load_config(
        None,
        env={
            "GOTUNGNHA_TELEGRAM_TOKEN": "1:abc",
            "GOTUNGNHA_TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot",
            "GOTUNGNHA_SERVER_PORT": "8443",
        },
    )
    assert (config.telegram.token, config.telegram.base_url) == ("1:abc", "http://127.0.0.1:9/bot")
    assert config.server.port == 8443
    assert "1:abc" not in repr(config)
    with pytest.raises(ConfigError, match="polling hoặc webhook"):
        load_config(None, env={"GOTUNGNHA_TELEGRAM_MODE": "push"})
    with pytest.raises(ConfigError, match="webhook_url"):
        load_config(
            None, env={"GOTUNGNHA_TELEGRAM_TOKEN": "1:abc", "GOTUNGNHA_TELEGRAM_MODE": "webhook"}
        )


def test_several_zalo_bots_share_the_zalo_table_and_take_tokens_from_the_environment(
    tmp_path: Path,
):
    path = write(
        tmp_path,
        '[zalo]\ntoken = "own"\nwebhook_url = "https://bot.example.vn"\n'
        "monthly_messages = 3000\nmax_users = 50\n"
        '[[zalo.bots]]\nname = "to1"\ndisplay_name = "Bot Tổ 1"\n'
        '[[zalo.bots]]\nname = "to-2"\ntoken = "file-token"\nmax_users = 10\n',
    )
    config = load_config(path, env={"GOTUNGNHA_ZALO_BOTS_TO1_TOKEN": "env-token"})
    own, one, two = config.zalo.all_bots
    assert (own.name, own.token, own.webhook_path) == ("", "own", "/zalo/webhook")
    assert (one.token, one.label, one.webhook_path) == (
        "env-token",
        "Bot Tổ 1",
        "/zalo/webhook/to1",
    )
    assert one.uses_webhook and one.monthly_messages == 3000 and one.max_users == 50
    assert (two.token, two.max_users, two.label) == ("file-token", 10, "to-2")
    assert "env-token" not in repr(config) and "file-token" not in repr(config)


@pytest.mark.parametrize(
    ("entries", "says"),
    [
        ('[[zalo.bots]]\ntoken = "x"\n', "name cần có"),
        ('[[zalo.bots]]\nname = "Tổ 1"\ntoken = "x"\n', "name cần có"),
        ('[[zalo.bots]]\nname = "a"\ntoken = "x"\n[[zalo.bots]]\nname = " a"\n', "bị trùng"),
        ('[[zalo.bots]]\nname = "a"\ntoken = "x"\nmax_user = 5\n', "max_user"),
        ('[[zalo.bots]]\nname = "a"\ntoken = "x"\nmode = "push"\n', "polling hoặc webhook"),
        ('[[zalo.bots]]\nname = "a"\ntoken = "x"\nmonthly_messages = "nhiều"\n', "số nguyên"),
        ('[[zalo.bots]]\nname = "to-1"\n', "GOTUNGNHA_ZALO_BOTS_TO_1_TOKEN"),
        ('[zalo]\nbots = ["to1"]\n', "cần là một mục"),
        ('[zalo]\nname = "a"\n', "chỉ đặt trong từng"),
    ],
)
def test_a_wrong_zalo_bot_entry_is_an_error_that_says_what(tmp_path: Path, entries: str, says: str):
    with pytest.raises(ConfigError, match=says):
        load_config(write(tmp_path, entries), env={})


def test_a_short_telegram_webhook_secret_is_refused(tmp_path: Path):
    short = write(tmp_path, '[telegram]\nwebhook_secret = "abc123"\n')
    with pytest.raises(ConfigError, match="16 đến 256"):
        load_config(short, env={})
    good = write(tmp_path, '[telegram]\nwebhook_secret = "s3cret-Of-the-ward"\n')
    assert load_config(good, env={}).telegram.webhook_secret == "s3cret-Of-the-ward"


def test_the_zalo_poll_floor_is_a_second_unless_set_and_bots_inherit_it(tmp_path: Path):
    assert load_config(None, env={}).zalo.poll_floor_seconds == 1.0
    path = write(
        tmp_path,
        '[zalo]\npoll_floor_seconds = 2.5\n[[zalo.bots]]\nname = "to1"\ntoken = "x"\n'
        '[[zalo.bots]]\nname = "to2"\ntoken = "y"\npoll_floor_seconds = 0.5\n',
    )
    one, two = load_config(path, env={}).zalo.all_bots
    assert (one.poll_floor_seconds, two.poll_floor_seconds) == (2.5, 0.5)
    from_env = load_config(None, env={"GOTUNGNHA_ZALO_POLL_FLOOR_SECONDS": "3"})
    assert from_env.zalo.poll_floor_seconds == 3.0
    for wrong, says in (("0", "từ 0.1 đến 60"), ("61", "từ 0.1 đến 60"), ("nhanh", "một số")):
        with pytest.raises(ConfigError, match=says):
            load_config(None, env={"GOTUNGNHA_ZALO_POLL_FLOOR_SECONDS": wrong})


def test_received_messages_count_towards_the_month_only_when_count_incoming_is_set(
    tmp_path: Path,
):
    assert load_config(None, env={}).zalo.count_incoming is False  # Zalo's rule is unknown
    path = write(
        tmp_path,
        '[zalo]\ncount_incoming = true\n[[zalo.bots]]\nname = "to1"\ntoken = "x"\n'
        '[[zalo.bots]]\nname = "to2"\ntoken = "y"\ncount_incoming = false\n',
    )
    one, two = load_config(path, env={}).zalo.all_bots
    assert (one.count_incoming, two.count_incoming) == (True, False)
    from_env = load_config(None, env={"GOTUNGNHA_ZALO_COUNT_INCOMING": "true"})
    assert from_env.zalo.count_incoming is True
    with pytest.raises(ConfigError, match="true hoặc false"):
        load_config(None, env={"GOTUNGNHA_ZALO_COUNT_INCOMING": "có"})


def test_the_zalo_send_pace_is_ten_a_second_unless_set_and_bots_inherit_it(tmp_path: Path):
    assert load_config(None, env={}).zalo.sends_per_second == 10.0  # nothing documented
    path = write(
        tmp_path,
        '[zalo]\nsends_per_second = 5\n[[zalo.bots]]\nname = "to1"\ntoken = "x"\n'
        '[[zalo.bots]]\nname = "to2"\ntoken = "y"\nsends_per_second = 20\n',
    )
    one, two = load_config(path, env={}).zalo.all_bots
    assert (one.sends_per_second, two.sends_per_second) == (5.0, 20.0)
    from_env = load_config(None, env={"GOTUNGNHA_ZALO_SENDS_PER_SECOND": "2.5"})
    assert from_env.zalo.sends_per_second == 2.5
    for wrong, says in (("0", "từ 0.1 đến 100"), ("500", "từ 0.1 đến 100"), ("nhanh", "một số")):
        with pytest.raises(ConfigError, match=says):
            load_config(None, env={"GOTUNGNHA_ZALO_SENDS_PER_SECOND": wrong})


def test_the_city_is_unnamed_unless_set_and_the_environment_names_it(tmp_path: Path):
    assert load_config(None, env={}).city.name == ""  # a ward-only deployment
    path = write(tmp_path, '[city]\nname = "  Thành phố   Hải Phòng "\n')
    assert load_config(path, env={}).city.name == "Thành phố Hải Phòng"
    named = load_config(path, env={"GOTUNGNHA_CITY_NAME": "Thành phố Hà Nội"})
    assert named.city.name == "Thành phố Hà Nội"


def test_a_city_name_too_long_for_a_title_is_refused(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"city\.name dài quá 200 ký tự"):
        load_config(None, env={"GOTUNGNHA_CITY_NAME": "x" * 201})
    with pytest.raises(ConfigError, match=r"Khoá không có trong \[city\]: ten"):
        load_config(write(tmp_path, '[city]\nten = "Hải Phòng"\n'), env={})
