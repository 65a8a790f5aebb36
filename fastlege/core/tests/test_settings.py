import os
import subprocess
import sys


def run_settings(env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(env_extra)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import fastlege.settings as s; print(s.TIME_ZONE, s.LANGUAGE_CODE)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = run_settings({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY mangler" in result.stderr


def test_starts_with_secret_key_and_norwegian_defaults():
    result = run_settings({"DEBUG": "0", "SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["Europe/Oslo", "nb"]


def test_database_url_selects_postgresql():
    env = {"DEBUG": "1", "DATABASE_URL": "postgres://u:p@127.0.0.1:5999/fastlege"}
    code = "import fastlege.settings as s; print(s.DATABASES['default']['ENGINE'])"
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


def _log_format(env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "LOG_FORMAT"}}
    env.update(env_extra)
    code = "import fastlege.settings as s; print(s.LOGGING['handlers']['console']['formatter'])"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_production_logs_are_json_and_a_developers_are_text():
    production = _log_format({"DEBUG": "0", "SECRET_KEY": "x" * 50})
    assert production.returncode == 0, production.stderr
    assert production.stdout.strip() == "json"
    assert _log_format({"DEBUG": "1"}).stdout.strip() == "text"
    wrong = _log_format({"DEBUG": "1", "LOG_FORMAT": "xml"})
    assert wrong.returncode != 0 and "LOG_FORMAT" in wrong.stderr
