"""Production refuses the development defaults (issue 18, M12).

With ``DEBUG`` off the defaults of a laptop are dangerous: the console e-mail
backend writes every e-mail — addresses and secret confirmation and cancel
links — to the log, and links built from the default base URL point at
``http://127.0.0.1:8000``. Without ``DEBUG``:

* ``fastlege.E001``: ``EMAIL_BACKEND`` must send mail (not the console, memory,
  file or dummy backend);
* ``fastlege.E002``: ``DIALOGUE_SITE_URL``, the public address that links in
  e-mails start with, must be set to an ``https://`` address of a host other
  than this machine.

These are Django system checks at Error level: ``fastlege check --deploy``
reports them, and every ``fastlege`` command that checks the project (``migrate``,
``runserver``, ``month-run``, …) refuses to run. gunicorn runs no system checks,
so ``fastlege/wsgi.py`` calls :func:`refuse_unsafe_production` when a worker
loads the application: a misconfigured worker stops before serving anything.
With ``DEBUG`` on (``make run``) nothing is checked. The test settings silence
both checks (``SILENCED_SYSTEM_CHECKS``); their own tests call the check directly.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

#: E-mail backends that send nothing: they print, keep in memory, write files or drop.
DEVELOPMENT_EMAIL_BACKENDS = frozenset(
    f"django.core.mail.backends.{name}.EmailBackend"
    for name in ("console", "locmem", "filebased", "dummy")
)
#: Host names that mean «this machine».
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0", "testserver"})  # noqa: S104

E_EMAIL = "fastlege.E001"
E_SITE_URL = "fastlege.E002"


def _is_local(host: str) -> bool:
    return host in LOCAL_HOSTS or host.endswith(".localhost") or host.startswith("127.")


@checks.register(checks.Tags.security)
def production_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Errors for the development defaults of e-mail and base URL, when DEBUG is off."""
    if settings.DEBUG:
        return []
    errors: list[checks.CheckMessage] = []
    backend = str(getattr(settings, "EMAIL_BACKEND", ""))
    if backend in DEVELOPMENT_EMAIL_BACKENDS:
        errors.append(
            checks.Error(
                f"EMAIL_BACKEND er {backend}: e-post med adresser og hemmelige lenker havner i "
                "loggen eller forsvinner. / The e-mail backend does not send mail.",
                hint="Sett EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend og "
                "EMAIL_HOST m.fl. (docs/settings.md).",
                id=E_EMAIL,
            )
        )
    url = str(getattr(settings, "DIALOGUE_SITE_URL", "") or "")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or _is_local(parts.hostname):
        errors.append(
            checks.Error(
                "DIALOGUE_SITE_URL (den offentlige adressen lenkene i e-post begynner med) "
                f"er {url or 'ikke satt'}; den må være en https-adresse til nettstedet. "
                "/ The public base URL is unset or local.",
                hint="Sett DIALOGUE_SITE_URL=https://fastlege.example.no (docs/settings.md).",
                id=E_SITE_URL,
            )
        )
    return errors


def refuse_unsafe_production() -> None:
    """Raise ImproperlyConfigured when :func:`production_settings` finds errors that
    are not silenced (for processes that run no system checks: gunicorn)."""
    silenced = set(getattr(settings, "SILENCED_SYSTEM_CHECKS", []))
    errors = [e for e in production_settings() if e.id not in silenced]
    if errors:
        raise ImproperlyConfigured("\n".join(f"{e.id}: {e.msg} {e.hint}" for e in errors))
