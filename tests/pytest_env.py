"""Loaded with `-p tests.pytest_env` (pytest.ini) before pytest-django reads the settings."""
import os

# Tests run with eager Celery and test defaults whatever the shell exported.
os.environ.setdefault("QALQAN_ENV", "test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright + live_server
