"""Configuration comes from the environment; production refuses to start without a real secret key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_check(extra_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; a production check must not inherit it.
    dropped = {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update({"DJANGO_SETTINGS_MODULE": "marketplace.settings.production", **extra_env})
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_check({"ALLOWED_HOSTS": "counsel.example"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_short_or_development_secret_key():
    result = run_check({"ALLOWED_HOSTS": "counsel.example", "SECRET_KEY": "django-insecure-" + "x" * 60})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_check_deploy_is_clean_with_required_variables():
    result = run_check(
        {"ALLOWED_HOSTS": "counsel.example", "SECRET_KEY": "k3y-" + "aB9x" * 15},
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "eager"),
    [({}, True), ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, False)],
)
def test_jobs_run_in_process_only_when_no_broker_is_configured(env, eager):
    code = "from django.conf import settings as s; print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)"
    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL"}}
    clean.update({"DJANGO_SETTINGS_MODULE": "marketplace.settings.local", **env})
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    always_eager, broker = result.stdout.split()
    assert always_eager == str(eager)
    assert broker == env.get("REDIS_URL", "memory://")


def test_database_comes_from_database_url():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "marketplace.settings.local"}
    env["DATABASE_URL"] = "postgres://someone@db.example:5432/counsel"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"
    env.pop("DATABASE_URL")
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "django.db.backends.sqlite3"
