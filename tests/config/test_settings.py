"""The settings read the environment and refuse bad values; production passes `check --deploy`."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from config.settings import envbool, envint, envlist

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


@pytest.mark.parametrize("raw, expected", [("1", True), ("true", True), ("On", True), ("0", False), ("no", False)])
def test_envbool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert envbool("X_FLAG", not expected) is expected


def test_envbool_rejects_a_typo_with_the_variable_name(monkeypatch):
    monkeypatch.setenv("X_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        envbool("X_FLAG", False)


def test_envint_rejects_text(monkeypatch):
    monkeypatch.setenv("X_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_NUMBER"):
        envint("X_NUMBER", 1)


def test_envlist_rejects_an_empty_list(monkeypatch):
    monkeypatch.setenv("X_HOSTS", " , ")
    with pytest.raises(ImproperlyConfigured, match="X_HOSTS"):
        envlist("X_HOSTS", [])


def test_production_without_a_secret_key_refuses_to_start():
    result = _manage("check", DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_a_bad_database_url_is_named():
    result = _manage("check", DATABASE_URL="nonsense://")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_a_bad_redis_url_is_named_without_echoing_it():
    result = _manage("check", REDIS_URL="http://user:s3cret@cache-host:6379/0")
    assert result.returncode != 0
    assert "REDIS_URL is not a Redis URL" in result.stderr
    assert "s3cret" not in result.stderr


_SHOW_SHARED_STATE = (
    "from django.conf import settings as s; "
    "print(s.CACHES['default']['BACKEND'], s.CACHES['default'].get('LOCATION'), s.SESSION_ENGINE, s.AXES_HANDLER)"
)


def test_without_redis_sessions_and_lockouts_live_in_the_database():
    result = _manage("shell", "--verbosity", "0", "-c", _SHOW_SHARED_STATE)
    assert result.returncode == 0, result.stderr
    backend, _, sessions, axes_handler = result.stdout.split()
    assert backend == "django.core.cache.backends.locmem.LocMemCache"
    assert sessions == "django.contrib.sessions.backends.db"
    assert axes_handler == "axes.handlers.database.AxesDatabaseHandler"


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/5", "rediss://:pw@cache.example.org:6380/0"])
def test_with_redis_the_cache_sessions_and_lockouts_are_shared_through_it(url):
    result = _manage("shell", "--verbosity", "0", "-c", _SHOW_SHARED_STATE, REDIS_URL=url)
    assert result.returncode == 0, result.stderr
    backend, location, sessions, axes_handler = result.stdout.split()
    assert backend == "django.core.cache.backends.redis.RedisCache"
    assert location == url
    # Sessions stay in the database only, so losing Redis loses no one's login and breaks no page.
    assert sessions == "django.contrib.sessions.backends.db"
    assert axes_handler == "axes.handlers.cache.AxesCacheHandler"


@pytest.mark.parametrize("redis", [{}, {"REDIS_URL": "redis://127.0.0.1:6379/5"}], ids=["alone", "with-redis"])
def test_production_settings_pass_check_deploy(redis):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="calcinosis.example.org",
        **redis,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_sqlite_is_tuned_for_concurrent_writers(settings):
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert options["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in options["init_command"]
        assert options["timeout"] >= 5


def test_https_redirect_spares_healthz_and_trusts_the_proxy_header(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/reference/").status_code == 301
    assert client.get("/reference/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


def test_pages_carry_a_strict_content_security_policy(client, db):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_a_sqlite_database_url_keeps_the_embedded_databases_safety_options(tmp_path):
    """A SQLite file named by DATABASE_URL gets WAL, IMMEDIATE transactions and the busy timeout too."""
    code = (
        "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS']; "
        "print(o['transaction_mode'], o['timeout'], 'WAL' in o['init_command'])"
    )
    result = _manage("shell", "-v", "0", "-c", code, DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    assert result.stdout.split() == ["IMMEDIATE", "20", "True"], result.stderr


def test_postgresql_runs_without_jit():
    code = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']['options'])"
    result = _manage("shell", "-v", "0", "-c", code, DATABASE_URL="postgres://postgres@127.0.0.1:5432/calcinosis")
    assert result.stdout.strip() == "-c jit=off", result.stderr


@pytest.mark.django_db
def test_the_postgresql_connection_has_jit_off():
    if connection.vendor != "postgresql":
        pytest.skip("the suite runs on SQLite; the PostgreSQL pass of .ci/run checks this")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
