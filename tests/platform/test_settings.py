import os
import subprocess
import sys

import pytest

CHECK = [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='qalqan.settings'; django.setup()"]


def start(**env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "QALQAN_ENV")}
    return subprocess.run(CHECK, env={**base, **env}, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("env", "message"), [
    ({"QALQAN_ENV": "production", "DEBUG": "false"}, "SECRET_KEY"),
    ({"QALQAN_ENV": "production", "DEBUG": "false", "SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"QALQAN_ENV": "production", "DEBUG": "true", "SECRET_KEY": "x" * 50}, "DEBUG"),
])
def test_production_refuses_to_start_unsafely(env, message):
    result = start(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_a_real_key_and_debug_off():
    assert start(QALQAN_ENV="production", DEBUG="false", SECRET_KEY="k" * 50).returncode == 0


def test_no_database_url_means_no_start():
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(CHECK, env=base, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "DATABASE_URL" in result.stderr


def test_sqlite_is_refused():
    result = start(DATABASE_URL="sqlite:///x.db")
    assert result.returncode != 0 and "PostgreSQL only" in result.stderr
