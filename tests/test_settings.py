"""Settings are read strictly from the environment; each case starts a fresh interpreter."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(__file__).resolve().parent.parent


def load_settings(tmp_path, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}
    }
    clean.update(GONGZHI_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings", **env)
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND'])"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=BASE, env=clean, capture_output=True, text=True)


@pytest.mark.parametrize("value", ["yes", "on", "2", "y"])
def test_a_debug_value_that_is_not_strictly_boolean_stops_the_start(tmp_path, value):
    result = load_settings(tmp_path, DEBUG=value)
    assert result.returncode != 0
    assert "DEBUG=" in result.stderr and "not a boolean" in result.stderr


def test_debug_off_without_secret_key_stops_the_start(tmp_path):
    result = load_settings(tmp_path, DEBUG="0", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_off_without_allowed_hosts_stops_the_start(tmp_path):
    result = load_settings(tmp_path, DEBUG="0", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_an_empty_host_in_the_list_stops_the_start(tmp_path):
    result = load_settings(tmp_path, ALLOWED_HOSTS="a.org,,b.org")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize(
    "name,value", [("DATABASE_URL", "mysql://root@localhost/x"), ("REDIS_URL", "localhost:6379")]
)
def test_a_url_with_an_unsupported_scheme_stops_the_start(tmp_path, name, value):
    result = load_settings(tmp_path, **{name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_defaults_are_the_embedded_setup(tmp_path):
    result = load_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "django.db.backends.sqlite3",
        "filesystem://",
        "django.core.cache.backends.locmem.LocMemCache",
    ]


def test_postgres_and_redis_urls_are_used(tmp_path):
    result = load_settings(
        tmp_path, DATABASE_URL="postgres://u@db.example/gz", REDIS_URL="redis://cache.example:6379/0"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "django.db.backends.postgresql",
        "redis://cache.example:6379/0",
        "config.cache.RedisCache",
    ]


def test_deploy_check_passes_with_production_settings(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        GONGZHI_VAR_DIR=str(tmp_path),
        DEBUG="0",
        SECRET_KEY="k" * 20 + "-Very-Random-7f3a9c2e1b5d8f4a6c0e2b9d1f3a5c7e",
        ALLOWED_HOSTS="gongzhi.example.org",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_time_and_language_settings():
    assert (settings.TIME_ZONE, settings.USE_TZ, settings.LANGUAGE_CODE) == ("Asia/Shanghai", True, "zh-hans")
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]


def test_sqlite_writers_wait_for_each_other_instead_of_failing(tmp_path, django_db_blocker):
    """Two connections configured as the embedded default write at once: the second waits, both land."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    from config.env import embedded_database

    config = embedded_database(str(tmp_path / "w.sqlite3"))
    config.update(
        TEST={},
        TIME_ZONE=None,
        CONN_MAX_AGE=0,
        CONN_HEALTH_CHECKS=False,
        AUTOCOMMIT=True,
        ATOMIC_REQUESTS=False,
    )
    config["OPTIONS"] = {**config["OPTIONS"], "timeout": 10}
    with django_db_blocker.unblock():
        count = _two_concurrent_writers(DatabaseWrapper, config)
    assert count == 2


def _two_concurrent_writers(DatabaseWrapper, config) -> int:
    setup = DatabaseWrapper(config, alias="w0")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    setup.close()

    errors, holding = [], threading.Event()

    def writer(alias, hold):
        conn = DatabaseWrapper(config, alias=alias)
        try:
            conn.set_autocommit(False)  # the next statement opens a BEGIN IMMEDIATE transaction
            with conn.cursor() as cursor:
                cursor.execute("INSERT INTO t VALUES (1)")
                if hold:
                    holding.set()
                    time.sleep(0.5)
            conn.commit()
        except Exception as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)
        finally:
            conn.close()

    first = threading.Thread(target=writer, args=("w1", True))
    first.start()
    holding.wait(5)
    second = threading.Thread(target=writer, args=("w2", False))
    second.start()
    first.join()
    second.join()
    assert errors == []
    check = DatabaseWrapper(config, alias="w3")
    with check.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM t")
        count = cursor.fetchone()[0]
    check.close()
    return count
