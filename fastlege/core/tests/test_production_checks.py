"""Production refuses the development e-mail backend and base URL (issue 18, M12)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from fastlege.core.checks import production_settings, refuse_unsafe_production

GOOD = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "DIALOGUE_SITE_URL": "https://fastlege.example.no",
}


def _ids(settings: Any, **values: Any) -> list[str]:
    settings.DEBUG = False
    for name, value in {**GOOD, **values}.items():
        setattr(settings, name, value)
    return [str(e.id) for e in production_settings()]


def test_good_production_settings_pass(settings: Any) -> None:
    assert _ids(settings) == []
    refuse_unsafe_production()  # no exception


@pytest.mark.parametrize("backend", ["console", "locmem", "filebased", "dummy"])
def test_an_e_mail_backend_that_sends_nothing_is_an_error(settings: Any, backend: str) -> None:
    path = f"django.core.mail.backends.{backend}.EmailBackend"
    assert _ids(settings, EMAIL_BACKEND=path) == ["fastlege.E001"]


@pytest.mark.parametrize(
    "url",
    [
        "",
        "http://127.0.0.1:8000",  # the old default
        "https://localhost",
        "https://127.0.0.1",
        "http://fastlege.example.no",  # secret links over plain http
        "fastlege.example.no",
        "https://app.localhost",
    ],
)
def test_an_unset_or_local_base_url_is_an_error(settings: Any, url: str) -> None:
    assert _ids(settings, DIALOGUE_SITE_URL=url) == ["fastlege.E002"]


def test_both_errors_together_and_the_wsgi_refusal(settings: Any) -> None:
    bad = {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "DIALOGUE_SITE_URL": "http://127.0.0.1:8000",
    }
    assert _ids(settings, **bad) == ["fastlege.E001", "fastlege.E002"]
    settings.SILENCED_SYSTEM_CHECKS = []
    with pytest.raises(ImproperlyConfigured, match="fastlege.E001.*\n.*fastlege.E002"):
        refuse_unsafe_production()


def test_debug_checks_nothing(settings: Any) -> None:
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.DIALOGUE_SITE_URL = "http://127.0.0.1:8000"
    assert production_settings() == []


def _fastlege(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser tests in this process (Playwright)
        if k
        not in {
            "DEBUG",
            "EMAIL_BACKEND",
            "DIALOGUE_SITE_URL",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "fastlege", *args],
        env={**base, "DJANGO_SETTINGS_MODULE": "fastlege.settings", "SECRET_KEY": "x" * 50, **env},
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_and_commands_refuse_the_defaults_without_debug() -> None:
    result = _fastlege({"DEBUG": "0"}, "check", "--deploy")
    assert result.returncode != 0
    assert "fastlege.E001" in result.stderr and "fastlege.E002" in result.stderr
    good = _fastlege({"DEBUG": "0", **GOOD}, "check", "--deploy", "--fail-level", "ERROR")
    assert "fastlege.E00" not in good.stderr, good.stderr
    assert good.returncode == 0, good.stderr
    # make run: DEBUG on, the defaults are fine
    assert _fastlege({"DEBUG": "1"}, "check").returncode == 0
