"""Settings for fastlege, read from the environment (12-factor).

Every setting is documented in docs/settings.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
DATA_DIR = Path(os.environ.get("FASTLEGE_DATA_DIR", PROJECT_DIR / "data"))

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-only-for-DEBUG"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY mangler: sett miljøvariabelen SECRET_KEY når DEBUG er av. "
            "/ SECRET_KEY is missing: set it when DEBUG is off."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Synthetic national identity numbers (month + 80, Skatteetaten's Tenor convention)
# are accepted only where this is on: demo, test and training installations.
ALLOW_SYNTHETIC_NIN = env_bool("ALLOW_SYNTHETIC_NIN", DEBUG)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # The second factor (fastlege/accounts/second_factor.py): app codes and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "fastlege.core",
    "fastlege.reference",
    "fastlege.registry",
    "fastlege.accounts",
    "fastlege.web",
    "fastlege.dialogue",
    "fastlege.measures",
    "fastlege.monthly",
    "fastlege.stats",
    "fastlege.workforce",
    "fastlege.api",
    "fastlege.fhir",
    # The registry's events: the outbox, its feed and webhooks (docs/events.md).
    "fastlege.events",
    "fastlege.watches",  # Si fra når det blir plass (docs/watches.md)
    "fastlege.notices",  # Varsler på e-post: at once or digests, one-click unsubscribe
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc as static files from PyPI
    # The demo data, at the top of the house: it may use every app; none uses it.
    "fastlege.demo",
]

MIDDLEWARE = [
    # Outermost: counts and times every request for /metrikker/ (fastlege/core/metrics.py).
    "fastlege.core.metrics.MetricsMiddleware",
    # ETag / If-None-Match (304) on the API's GET answers (fastlege/api/middleware.py).
    "fastlege.api.middleware.ApiConditionalGet",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fastlege.accounts.middleware.SecurityEventMiddleware",
    # The language the person chose in the footer (cookie), else bokmål (fastlege/core/language.py).
    "fastlege.core.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether the session passed the second factor; then the gate for those who must.
    "django_otp.middleware.OTPMiddleware",
    "fastlege.accounts.middleware.SecondFactorMiddleware",
    "fastlege.core.middleware.PrivatePagesAndBadNumbers",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "fastlege.urls"
WSGI_APPLICATION = "fastlege.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fastlege.web.context_processors.navigation",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'fastlege.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db), conn_max_age=60)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;"
            ),
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_SQLITE_NAME", "")}

# PostgreSQL: the registry's hot statements (fastlege/core/fastpath.py) are
# prepared once per connection. Turn off (0) behind a connection pooler in
# transaction mode that does not track prepared statements.
DATABASE_PREPARED_STATEMENTS = os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") not in ("", "0")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # At least 12 characters (issue 18, finding 7), and not on Django's list of
    # 20 000 common (breached) passwords.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "nb")
LANGUAGES = [("nb", "Norsk bokmål"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Oslo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:start"
LOGOUT_REDIRECT_URL = "web:login"

# Passwords: Argon2id first; older hashes are upgraded on the next log-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Every log-in path (the site's, the admin's) goes through this backend: the
# log-in limit of fastlege/accounts/ratelimit.py.
AUTHENTICATION_BACKENDS = ["fastlege.accounts.backends.RateLimitedModelBackend"]
# Log-in attempts: at most this many failures per account and per client address
# within the window; then refused until the oldest failure leaves it.
# The second factor (docs/login.md): the issuer name the authenticator app shows.
OTP_TOTP_ISSUER = "fastlege"
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_FAILURE_WINDOW = int(os.environ.get("LOGIN_FAILURE_WINDOW", "900"))
# Reverse proxies in front that append to X-Forwarded-For (nginx: 1). 0: the header
# is ignored and REMOTE_ADDR is the client (never trust a header nobody controls).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Caches. "security" holds the log-in limit's counters and must be shared by every
# process and server: the database (table fastlege_cache, created by migrate) or,
# with REDIS_URL, Redis (Django's RedisCache; needs the `redis` package).
REDIS_URL = os.environ.get("REDIS_URL", "")
LOGIN_CACHE = "security"
if REDIS_URL:
    _shared_cache: dict[str, Any] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
    }
else:
    _shared_cache = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "fastlege_cache",
        # Culling would drop counters: keep far more entries than attempts in a window.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
_LOCAL_CACHE = "django.core.cache.backends.locmem.LocMemCache"
CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "CACHE_BACKEND",
            str(_shared_cache["BACKEND"]) if REDIS_URL else _LOCAL_CACHE,
        ),
        "LOCATION": os.environ.get("CACHE_LOCATION", REDIS_URL or "fastlege"),
    },
    LOGIN_CACHE: {**_shared_cache, "KEY_PREFIX": "security"},
}

# Security headers; HTTPS-only cookies unless running locally in DEBUG.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)

# Content security policy (django-csp): no inline scripts or styles, nothing
# from other sites, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Logs go to standard error. LOG_FORMAT=json (the default when DEBUG is off) writes one
# JSON object a line for the log collector (fastlege/core/logformat.py); "text" is
# for a developer's terminal.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT må være «json» eller «text».")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_nin": {"()": "fastlege.core.logging.RedactIdentityNumbers"}},
    "formatters": {
        "json": {"()": "fastlege.core.logformat.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_nin"],
            "formatter": LOG_FORMAT,
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Security events (fastlege/accounts/security.py): log-ins, failures, lock-outs, 403s.
    "loggers": {"fastlege.security": {"level": "INFO"}},
}

# The HTTP API /api/v1/ (docs/api.md): Django REST framework with drf-spectacular.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "fastlege.api.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["fastlege.api.throttling.ClientRateThrottle"],
    # JSON only: people read the API through /api/v1/docs/ (Swagger UI from the sidecar).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "fastlege.api.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "fastlege API",
    "DESCRIPTION": (
        "Fastlegeordningen for andre systemer: områder, legekontor, leger og lister "
        "(docs/api.md). Feil er problem+json (RFC 9457) på norsk og engelsk."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "fastlege.api.schema.add_problem_responses",
    ],
}

# The metrics endpoint /metrikker/ (docs/operations.md): a scraper sends this token as
# "Authorization: Bearer ..."; unset, only a logged-in national administrator may read it.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# Dialogue (docs/settings.md): e-mail with confirmation links, sent after the commit.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "fastlege@localhost")
DIALOGUE_EMAIL_SENDER = os.environ.get("DIALOGUE_EMAIL_SENDER", "")
DIALOGUE_SITE_URL = os.environ.get("DIALOGUE_SITE_URL", "http://127.0.0.1:8000")
# Registration without an account (issue 18, finding 10; docs/dialogue.md): a pending
# registration holds no seat until its e-mail link is opened, within this many hours.
DIALOGUE_PENDING_HOURS = int(os.environ.get("DIALOGUE_PENDING_HOURS", "48"))
# Limits, counted in the shared cache LOGIN_CACHE (fastlege/dialogue/services/limits.py):
# form submissions per client address per hour, confirmation e-mails per e-mail address
# per day (all meetings), new pending registrations per meeting per hour, and the
# shortest time before a confirmation e-mail is sent again to the same address and meeting.
DIALOGUE_REGISTRATIONS_PER_CLIENT_PER_HOUR = int(
    os.environ.get("DIALOGUE_REGISTRATIONS_PER_CLIENT_PER_HOUR", "10")
)
DIALOGUE_CONFIRMATIONS_PER_ADDRESS_PER_DAY = int(
    os.environ.get("DIALOGUE_CONFIRMATIONS_PER_ADDRESS_PER_DAY", "5")
)
DIALOGUE_PENDING_PER_MEETING_PER_HOUR = int(
    os.environ.get("DIALOGUE_PENDING_PER_MEETING_PER_HOUR", "60")
)
DIALOGUE_RESEND_MINUTES = int(os.environ.get("DIALOGUE_RESEND_MINUTES", "15"))
# Request body limits, set deliberately (issue 18, findings 3 and 11; docs/settings.md).
# The limits of the files themselves (size, ZIP members and uncompressed size, PDF
# pages) and of the text fields live in fastlege/core/uploads.py and
# fastlege/core/limits.py; the reverse proxy's client_max_body_size (12m,
# docs/deployment.md) caps the whole body before it reaches Django.
# - everything in a request except the files (form fields, a JSON body): 1 MiB.
#   The longest text field (core.limits.LONG_TEXT) is 20 000 characters, at most
#   80 kB in UTF-8; an 11 MiB text now gets a 400 before any form sees it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# - an uploaded file larger than this is streamed to a temporary file instead of
#   being held in memory while the request is parsed (Django's default, 2.5 MiB).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# - form fields and files in one request (Django's default fields; the only upload
#   form has one file, fastlege.core.uploads.MAX_FILES_PER_SUBMISSION).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 5

# -- Personal data out of logs, URLs and error reports; production refuses the demo's
# defaults (issue 18: M5, M12 and the low items; docs/security.md, docs/settings.md).
# Every log handler masks identity numbers (fastlege/core/logging.py): the console,
# runserver's access log (django.server, which Django otherwise configures with a
# handler of its own) and the error e-mails; gunicorn's logs get the filter in
# fastlege/wsgi.py.
_logging: dict[str, Any] = LOGGING
_logging["filters"]["require_debug_false"] = {"()": "django.utils.log.RequireDebugFalse"}
_logging.setdefault("formatters", {})["django.server"] = {
    "()": "django.utils.log.ServerFormatter",
    "format": "[{server_time}] {message}",
    "style": "{",
}
_logging["handlers"]["django.server"] = {
    "class": "logging.StreamHandler",
    "formatter": "django.server",
}
_logging["handlers"]["mail_admins"] = {
    "class": "django.utils.log.AdminEmailHandler",
    "filters": ["require_debug_false"],
}
_logging["loggers"]["django"] = {"handlers": ["mail_admins"], "level": "INFO"}
_logging["loggers"]["django.server"] = {
    "handlers": ["django.server"],
    "level": "INFO",
    "propagate": False,
}
for _handler in _logging["handlers"].values():
    _filters = _handler.setdefault("filters", [])
    if "redact_nin" not in _filters:
        _filters.append("redact_nin")
# Sending e-mail in production (SMTP; the system check fastlege.E001 refuses a backend
# that sends nothing when DEBUG is off), and who gets the error e-mails.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
ADMINS = [(address, address) for address in env_list("ADMINS")]
# Error reports (technical 500 page, error e-mails): no identity numbers in local
# variables, POST data, the URL or the exception's message.
DEFAULT_EXCEPTION_REPORTER_FILTER = "fastlege.core.errorreports.IdentityNumberReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "fastlege.core.errorreports.RedactingExceptionReporter"
# Demo accounts (made by `fastlege demo_users`, marked by the group «demo») cannot
# log in without DEBUG: checked before every other backend.
AUTHENTICATION_BACKENDS = [
    "fastlege.core.demo_accounts.RefuseDemoAccountsWithoutDebug",
    *AUTHENTICATION_BACKENDS,
]
