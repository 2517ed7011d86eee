"""Unit tests: SQLite unless DATABASE_URL, in-memory layer unless REDIS_URL."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, env

# Tasks run inline in unit tests; the worker itself is exercised by its own test.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A tag per run (LMS_TEST_TAG) and per pytest-xdist worker: parallel runs and
# workers do not write into each other's files.
_TAG = "".join(
    f"-{part}" for part in (env.TEST_TAG, os.environ.get("PYTEST_XDIST_WORKER")) if part
)
MEDIA_ROOT = BASE_DIR / "var" / f"test-media{_TAG}"
COURSEWORK_FILES_ROOT = BASE_DIR / "var" / f"test-coursework{_TAG}"
CERTIFICATE_KEY_FILE = BASE_DIR / "var" / f"test-certificate-key{_TAG}.pem"
if env.DATABASE_URL and _TAG:
    # Parallel runs on one PostgreSQL server get their own test databases too.
    DATABASES = {"default": env.database()}
    DATABASES["default"]["TEST"] = {
        "NAME": f"test_{DATABASES['default']['NAME']}{_TAG.replace('-', '_')}"
    }
if not env.DATABASE_URL:
    # A file, configured as in the local demo (WAL, IMMEDIATE transactions, a busy
    # timeout), so that tests of concurrent requests see what Daphne and the
    # worker see; shared-cache in-memory SQLite locks whole tables instead.
    DATABASES = {"default": env.database()}
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / "var" / f"test-db{_TAG}.sqlite3")
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
