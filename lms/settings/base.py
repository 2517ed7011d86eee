"""Settings shared by every environment. Values that vary come from ``env``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from . import env

BASE_DIR = env.BASE_DIR
SECRET_KEY = env.SECRET_KEY
DEBUG = env.DEBUG
ALLOWED_HOSTS = env.ALLOWED_HOSTS
CSRF_TRUSTED_ORIGINS = env.CSRF_TRUSTED_ORIGINS

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "lms.apps.StaticFilesConfig",
    "django.contrib.humanize",
    # Trigram lookups for the dictionary's fuzzy search (no-op on SQLite).
    "django.contrib.postgres",
    "channels",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "lms",
    "courses",
    "content_authoring",
    "content_authoring.h5p",
    "content_authoring.media",
    "content_authoring.coursework",
    "live_classes",
    "certificates",
    "ecommerce_training",
    "dictionary",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lms.middleware.VietnameseFirstLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "lms.urls"
CSRF_FAILURE_VIEW = "lms.views.csrf_failure"
ASGI_APPLICATION = "lms.asgi.application"
WSGI_APPLICATION = None

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {"default": env.database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "lms.User"
AUTHENTICATION_BACKENDS = ["lms.backends.UsernameOrPhoneBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Vietnamese first; English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# Each app keeps its own catalog in <app>/locale (found automatically).
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.STATIC_ROOT
# Front-end packages come from npm at set-up and are served from node_modules.
STATICFILES_DIRS = [
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/h5p-standalone", BASE_DIR / "node_modules" / "h5p-standalone" / "dist"),
    ("vendor/jquery", BASE_DIR / "node_modules" / "jquery" / "dist"),
    # QR decoding for check-in on browsers without BarcodeDetector (iPhones).
    ("vendor/jsqr", BASE_DIR / "node_modules" / "jsqr" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.MEDIA_ROOT
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365  # hashed names: cache for a year

# Uploads: bounded so a phone cannot fill the disk by mistake.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PEOPLE_IMPORT_MAX_BYTES = 2 * 1024 * 1024
PEOPLE_IMPORT_MAX_ROWS = 5000

if env.REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # A prefix per deployment (or per test run) keeps rooms of different
            # databases apart when they share one Redis.
            # redis-py 8 times socket reads out after 5 s, and the layer's
            # blocking reads wait longer: idle rooms lost their connections
            # (channels_redis issue #422). No read timeout here.
            "CONFIG": {
                "hosts": [{"address": env.REDIS_URL, "socket_timeout": None}],
                "prefix": env.CHANNEL_LAYER_PREFIX,
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.REDIS_URL,
            "KEY_PREFIX": env.CHANNEL_LAYER_PREFIX,
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "lms.channel_layers.ThrottledSweepInMemoryChannelLayer"}
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Live classes (live_classes/). Frames are JSON text; SDP offers are the largest.
LIVE_MAX_FRAME_BYTES = 16 * 1024
LIVE_CHAT_MAX_CHARS = 500
# Per person and room: (frames per second on average, burst), by the cache.
# LIVE_RATE_LIMITS=off only for benchmarks that push one sender hard.
LIVE_RATE_LIMITS = env.LIVE_RATE_LIMITS
LIVE_FRAME_RATE = (10, 30)
LIVE_CHAT_RATE = (1, 5)
LIVE_RTC_MAX_PEERS = 8  # people offering audio/video in one room (a mesh)
LIVE_CHAT_HISTORY = 50  # chat messages a fresh join receives
LIVE_SLIDES_MAX_BYTES = 30 * 1024 * 1024
LIVE_SLIDES_MAX_PAGES = 100
LIVE_AUDIO_MAX_BYTES = 200 * 1024 * 1024

REST_FRAMEWORK = {
    # Token first, so that an anonymous call gets 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Đắk Lắk distance training API",
    "DESCRIPTION": "Catalog, enrollments, lessons and progress.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from our own static files: phones may have no route to a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# H5P packages (content_authoring.h5p): an upload, and what it may unpack to.
H5P_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
H5P_UNPACKED_MAX_BYTES = 200 * 1024 * 1024
H5P_MAX_FILES = 5000

# --- Media for weak networks (content_authoring.media) ---------------------------
# Largest video or audio a trainer may upload (refused before it fills the disk).
MEDIA_UPLOAD_MAX_BYTES = 1024 * 1024 * 1024
# Largest narrated-slides upload: the narration, the pictures or PDF, together.
MEDIA_SLIDES_UPLOAD_MAX_BYTES = 200 * 1024 * 1024
MEDIA_SLIDES_MAX_COUNT = 200
# Frames per second of a narrated-slides video: still pictures need few.
MEDIA_SLIDES_FPS = 2
MEDIA_SUBTITLES_MAX_BYTES = 1024 * 1024
MEDIA_IMAGE_UPLOAD_MAX_BYTES = 20 * 1024 * 1024
# Widest picture kept from an image upload (larger ones are scaled down).
MEDIA_IMAGE_MAX_WIDTH = 1280
# Media files are compressed already and served in byte ranges: not gzipped.
MIDDLEWARE = [
    "content_authoring.media.middleware.GZipExceptMediaMiddleware"
    if name == "django.middleware.gzip.GZipMiddleware"
    else name
    for name in MIDDLEWARE
]

# --- coursework (assignment uploads, discussions) ----------------------------------
# Learners' uploads live outside MEDIA_ROOT: only a permission-checked view serves them.
COURSEWORK_FILES_ROOT = env.MEDIA_ROOT.parent / "coursework-files"
# The most any assignment accepts; each assignment may set a lower limit.
ASSIGNMENT_UPLOAD_MAX_BYTES = 20 * 1024 * 1024

# Course archives (content_authoring.transfer): export and import.
COURSE_ARCHIVE_MAX_BYTES = 2 * 1024 * 1024 * 1024
COURSE_ARCHIVE_MAX_FILES = 20_000

# Certificates (certificates/).
SITE_URL = env.SITE_URL
CERTIFICATE_SIGNING_KEY = env.CERTIFICATE_SIGNING_KEY
CERTIFICATE_KEY_FILE = BASE_DIR / "var" / "certificate-signing-key.pem"
CERTIFICATE_ISSUER_NAME = "Ban Dân tộc tỉnh Đắk Lắk"
CERTIFICATE_SERIAL_PREFIX = "DL"
# Public verification lookups per client address and minute.
CERTIFICATE_VERIFY_RATE = 30

# Dictionary (dictionary/).
DICTIONARY_IMPORT_MAX_BYTES = 10 * 1024 * 1024
