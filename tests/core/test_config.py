import pytest

from core.config import ConfigError, load_config, normalise_database_url


def test_development_creates_and_keeps_a_secret_key(tmp_path):
    first = load_config(tmp_path, {})
    second = load_config(tmp_path, {})
    assert first["SECRET_KEY"] == second["SECRET_KEY"] and len(first["SECRET_KEY"]) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(tmp_path, {"APP_ENV": "production", "MAIL_SERVER": "smtp.example.org"})
    with pytest.raises(ConfigError, match="too short"):
        load_config(tmp_path, {"APP_ENV": "production", "SECRET_KEY": "short", "MAIL_SERVER": "x"})
    assert not (tmp_path / "secret_key").exists()


def test_production_defaults(tmp_path):
    config = load_config(
        tmp_path,
        {
            "APP_ENV": "production",
            "SECRET_KEY": "k" * 40,
            "MAIL_SERVER": "smtp.example.org",
            "REDIS_URL": "redis://cache:6379/0",
        },
    )
    assert config["MAIL_BACKEND"] == "smtp"
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
    assert config["RATELIMIT_STORAGE_URL"] == "redis://cache:6379/0" and config["CACHE_TYPE"] == "RedisCache"


def test_development_defaults(tmp_path):
    config = load_config(tmp_path, {})
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'ipbes.db'}"
    assert config["MAIL_BACKEND"] == "outbox" and config["RATELIMIT_STORAGE_URL"] == "memory://"
    assert config["DEFAULT_LANGUAGE"] == "en" and not config["SESSION_COOKIE_SECURE"]


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"APP_ENV": "staging"}, "APP_ENV"),
        ({"DEFAULT_LANGUAGE": "de"}, "DEFAULT_LANGUAGE"),
        ({"MAIL_BACKEND": "pigeon"}, "MAIL_BACKEND"),
        ({"APP_ENV": "production", "SECRET_KEY": "k" * 40}, "MAIL_SERVER"),
    ],
)
def test_bad_settings_are_refused_with_their_name(tmp_path, environ, message):
    with pytest.raises(ConfigError, match=message):
        load_config(tmp_path, environ)


@pytest.mark.parametrize(
    "url, expected",
    [
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_uses_psycopg(url, expected):
    assert normalise_database_url(url) == expected
