"""Settings for the test suite: the normal settings with test defaults.

DATABASE_URL still decides the database, so the same suite runs on SQLite and
PostgreSQL.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("ALLOW_SYNTHETIC_NIN", "1")

from fastlege.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only in tests

# Production's refusal of the development e-mail backend and base URL (fastlege/core/
# checks.py) does not apply to the test suite, which runs without DEBUG.
SILENCED_SYSTEM_CHECKS = ["fastlege.E001", "fastlege.E002"]
