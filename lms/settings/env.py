"""The one place that reads environment variables.

Every value that differs between machines comes from here; the defaults give a
working local demo (SQLite, in-memory channel layer, database task queue).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Used only by the local demo and the tests; production refuses it.
DEMO_SECRET_KEY = "demo-insecure-key-do-not-use-in-production"  # noqa: S105


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", DEMO_SECRET_KEY)
DEBUG = _bool("DEBUG", True)
ALLOWED_HOSTS = _list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS", [])
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
# Absolute addresses printed on certificates and in their QR codes.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# PEM of the Ed25519 key that signs digital credentials (production sets it;
# the demo and tests make a key file under var/).
CERTIFICATE_SIGNING_KEY = os.environ.get("CERTIFICATE_SIGNING_KEY", "")
CHANNEL_LAYER_PREFIX = os.environ.get("CHANNEL_LAYER_PREFIX", "asgi")
LIVE_RATE_LIMITS = _bool("LIVE_RATE_LIMITS", True)
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
SQLITE_PATH = Path(os.environ.get("SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3")))


def database() -> dict:
    if DATABASE_URL:
        return dict(dj_database_url.parse(DATABASE_URL, conn_max_age=60))
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(SQLITE_PATH),
        # Reuse the connection: opening one (and its PRAGMAs) per request
        # cost more than most pages' queries.
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        # Several processes (Daphne and the task worker) share the file.
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


# Lets several test runs share one checkout (each gets its own database file
# and media folder): LMS_TEST_TAG=h5p pytest ...
TEST_TAG = os.environ.get("LMS_TEST_TAG", "").strip()
