"""Configuration read from environment variables, in one place.

Every variable is documented in the README. `load_config` is called by `create_app`; nothing
here touches the network or the database.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ENVIRONMENTS = ("development", "testing", "production")
LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")


class ConfigError(RuntimeError):
    """The environment does not describe a runnable application."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever scheme the operator wrote."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _development_secret_key(instance_path: Path) -> str:
    """Create once and keep, so development sessions survive restarts."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_config(instance_path: Path, environ: dict[str, str] | None = None) -> dict:
    env = os.environ if environ is None else environ
    app_env = env.get("APP_ENV", "development").strip().lower()
    if app_env not in ENVIRONMENTS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {app_env!r}")
    production = app_env == "production"

    secret_key = env.get("SECRET_KEY", "")
    if not secret_key:
        if production:
            raise ConfigError("SECRET_KEY must be set in production (a long random string).")
        secret_key = _development_secret_key(instance_path)
    elif production and len(secret_key) < 32:
        raise ConfigError("SECRET_KEY is too short for production: use at least 32 characters.")

    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'ipbes.db'}"
    default_language = env.get("DEFAULT_LANGUAGE", "en")
    if default_language not in LANGUAGES:
        raise ConfigError(f"DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}")

    redis_url = env.get("REDIS_URL", "")

    secure_cookies = _bool(env.get("SECURE_COOKIES"), default=app_env != "development" and app_env != "testing")
    return {
        "APP_ENV": app_env,
        "SECRET_KEY": secret_key,
        "DATABASE_URL": normalise_database_url(database_url),
        "DEFAULT_LANGUAGE": default_language,
        "BABEL_DEFAULT_LOCALE": default_language,
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "BASE_URL": env.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        # The licence of anonymised releases and open data (an SPDX identifier; exports/datapackage.py).
        "OPEN_DATA_LICENSE": env.get("OPEN_DATA_LICENSE", "CC-BY-4.0").strip() or "CC-BY-4.0",
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URL": redis_url or "memory://",
        "CACHE_TYPE": "RedisCache" if redis_url else "SimpleCache",
        "CACHE_REDIS_URL": redis_url or None,
        "CACHE_DEFAULT_TIMEOUT": 300,
        "LOGIN_MAX_FAILURES": env.get("LOGIN_MAX_FAILURES", "5 per 15 minutes"),
        "LOGIN_MAX_FAILURES_PER_IP": env.get("LOGIN_MAX_FAILURES_PER_IP", "50 per 15 minutes"),
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "SESSION_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 12 * 3600,
        "WTF_CSRF_TIME_LIMIT": None,
        # The largest request body (uploads included), refused with 413 before it is read.
        "MAX_CONTENT_LENGTH": _megabytes(env.get("MAX_REQUEST_MB"), default=20),
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        **_mail_settings(env, production),
        **_job_settings(env, instance_path),
    }


def _megabytes(value: str | None, default: int) -> int:
    try:
        megabytes = int(value) if value not in (None, "") else default
    except ValueError:
        raise ConfigError("MAX_REQUEST_MB must be a whole number of megabytes") from None
    if megabytes < 1:
        raise ConfigError("MAX_REQUEST_MB must be at least 1")
    return megabytes * 1024 * 1024


def _mail_settings(env, production: bool) -> dict:
    mail_backend = env.get("MAIL_BACKEND", "smtp" if production else "outbox")
    if mail_backend not in {"outbox", "smtp"}:
        raise ConfigError("MAIL_BACKEND must be 'outbox' or 'smtp'")
    if production and mail_backend == "smtp" and not env.get("MAIL_SERVER"):
        raise ConfigError("MAIL_SERVER must be set in production (or MAIL_BACKEND=outbox).")
    return {
        "MAIL_BACKEND": mail_backend,
        "MAIL_SERVER": env.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(env.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS"), default=True),
        "MAIL_FROM": env.get("MAIL_FROM", "IPBES stakeholder engagement <no-reply@ipbes.example.org>"),
    }


def _job_settings(env, instance_path: Path) -> dict:
    # Background jobs (core/jobs): the queue is Redis when REDIS_URL is set, else this SQLite file.
    return {
        "JOBS_QUEUE_FILE": env.get("JOBS_QUEUE_FILE") or str(instance_path / "jobs.db"),
        "JOBS_IMMEDIATE": False,  # run each job at once in the enqueuing process (tests only)
        "JOB_RESULTS_DIR": env.get("JOB_RESULTS_DIR") or str(instance_path / "job-results"),
        "JOB_HEARTBEAT_TIMEOUT": float(env.get("JOB_HEARTBEAT_TIMEOUT", "60")),
    }
